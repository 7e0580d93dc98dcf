//! A run's lines in system-time order, for the space-time diagram and the exports.
//!
//! [`load`] reads a run directory into a [`Timeline`] ([`event`]) through [`crate::runlog`] (or
//! [`open`] streams its lines without keeping them),
//! whose [`crate::runlog::pair_messages`] pairs each send with its receive; [`error`] says why a
//! run could not be read or written.

pub mod error;
pub mod event;
pub mod load;

pub use crate::runlog::{pair_messages, Message};
pub use error::TimelineError;
pub use event::{print_warnings, MachineInfo, Timeline};
pub use load::{load, open, Opened};
