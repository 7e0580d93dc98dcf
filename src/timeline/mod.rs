//! A run's events in system-time order, for the space-time diagram and the exports.
//!
//! [`load`] reads a run directory into a [`Timeline`] ([`event`]) through [`crate::runlog`];
//! [`messages`] pairs each send with its receive (runlog's pairing); [`error`] says why a run
//! could not be read or written.

pub mod error;
pub mod event;
pub mod load;
pub mod messages;

pub use crate::runlog::Message;
pub use error::TimelineError;
pub use event::{print_warnings, Event, Kind, MachineInfo, Timeline};
pub use load::load;
pub use messages::match_messages;
