//! Faults on purpose: the `[[fault]]` entries of a scenario, validated, and the timeline of
//! actions the supervisor carries out (kill, pause and resume, link changes).
//!
//! - [`spec`]: the `[[fault]]` tables as written and validated, in time order;
//! - `entry`: one `[[fault]]` entry checked against the run, key by key;
//! - [`timeline`](mod@timeline): the actions both engines carry out, at real offsets;
//! - [`link`]: a link's [`LinkState`], and a link fault's [`LinkChange`]s as both engines carry
//!   them out;
//! - [`machine`]: a kill, restart, pause or resume as both engines record and log it
//!   ([`MachineChange`]);
//! - [`applies`]: whether a machine fault still applies when due, and why not, for both engines.

pub mod applies;
mod entry;
pub mod link;
pub mod machine;
pub mod spec;
pub mod timeline;

pub use crate::model::link::{LinkState, PartitionMode};
pub use applies::{not_applicable, Condition};
pub use entry::validate;
pub use link::LinkChange;
pub use machine::MachineChange;
pub use spec::{Fault, RawFault, MAX_DELAY_MS};
pub use timeline::{timeline, Action};
