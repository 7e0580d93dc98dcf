//! Scenario files: the raw TOML shape, and the validated [`Scenario`] a run is made from, faults
//! included.
//!
//! Loading is two-staged: [`RawScenario`] mirrors the file (unknown keys are errors), then
//! [`Scenario::from_raw`] checks every value and names the file, the key and what is allowed.
//!
//! - [`raw`]: the file as written, command-line overrides, and [`ScenarioError`];
//! - [`validate`]: raw to validated, key by key;
//! - [`model`]: the validated [`Scenario`] and what follows from it (rates, intervals, die rolls);
//! - [`schema`]: the type of every key, said in words when a value has the wrong one;
//! - [`limits`]: the bounds every value must keep;
//! - [`fault`]: `[[fault]]` entries, validated, and the supervisor's timeline of fault actions.

pub(crate) mod fault;
pub(crate) mod limits;
pub(crate) mod model;
pub(crate) mod raw;
pub(crate) mod schema;
pub(crate) mod validate;

#[cfg(test)]
mod tests;

pub use limits::*;
pub(crate) use model::{random_seed, ExitPolicy, Tolerance};
pub use model::{RateSpec, Scenario};
pub use raw::Overrides;
pub(crate) use raw::ScenarioError;
