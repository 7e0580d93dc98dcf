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

pub(crate) mod applies;
mod entry;
pub(crate) mod link;
pub(crate) mod machine;
pub(crate) mod spec;
pub(crate) mod timeline;

pub(crate) use crate::model::link::LinkState;
pub(crate) use applies::Condition;
pub(crate) use entry::validate;
pub(crate) use machine::MachineChange;
pub(crate) use spec::{Fault, RawFault};
pub(crate) use timeline::{timeline, FaultAction};
