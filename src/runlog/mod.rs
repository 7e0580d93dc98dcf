//! The one reader of run directories: every command and the tests read logs through it.
//!
//! Open a run directory and its manifest ([`dir`]) -> parse each line against the contract into
//! a [`Line`] holding the contract's [`crate::log_format::Event`] ([`line`], timestamps in
//! [`crate::log_format::timestamp`]) -> read a log with the rules for what a crash leaves ([`read`], whole logs in
//! [`lines`]) -> merge the logs in time order ([`merge`]) -> pair sends with receives
//! ([`pairing`], listed by [`messages`]). What older versions wrote is read in [`compat`]. [`error`] names the file and line of anything wrong;
//! warnings are values the commands print.

pub mod compat;
pub mod dir;
pub mod error;
pub mod faults;
mod flat;
pub mod line;
pub mod lines;
pub mod merge;
pub mod messages;
pub mod pairing;
pub mod read;
#[cfg(test)]
mod roundtrip;

pub use dir::{open_run, RunDir};
pub use error::{RunLogError, Warning};
pub use line::Line;
pub use lines::read_log_lines;
pub use merge::{merge_run, merge_run_each, Timed};
pub use messages::{pair_messages, Message};
pub use pairing::{LinkPairing, Pending, Settled};
pub use read::read_log;
