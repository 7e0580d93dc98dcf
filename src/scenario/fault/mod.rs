//! Faults on purpose: the `[[fault]]` entries of a scenario, validated, and the timeline of
//! actions the supervisor carries out (kill, pause and resume, link changes).
//!
//! - [`spec`]: the `[[fault]]` tables as written and validated, in time order;
//! - [`timeline`](mod@timeline): the supervisor's actions at real offsets, and a link's [`LinkState`].

pub mod spec;
pub mod timeline;

pub use spec::{validate, Fault, PartitionMode, RawFault, MAX_DELAY_MS};
pub use timeline::{timeline, Action, LinkState};
