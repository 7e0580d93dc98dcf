//! The one reader of run directories: every command and the tests read logs through it.
//!
//! Open a run directory and its manifest ([`dir`]) -> parse each line against the contract into
//! a [`Line`] holding the contract's [`crate::log_format::Event`] ([`line`], timestamps in
//! [`crate::log_format::timestamp`]) -> read a log with the rules for what a crash leaves ([`read`], whole logs in
//! [`lines`]) -> merge the logs in time order ([`merge`]) -> pair sends with receives
//! ([`pairing`], listed by [`messages`]). What older versions wrote is read in [`compat`]. [`error`] names the file and line of anything wrong;
//! warnings are values the commands print.

pub mod compat;
pub(crate) mod dir;
pub(crate) mod error;
pub(crate) mod faults;
mod flat;
pub(crate) mod line;
pub(crate) mod lines;
pub(crate) mod merge;
pub(crate) mod messages;
pub(crate) mod pairing;
pub(crate) mod read;
#[cfg(test)]
mod roundtrip;

pub(crate) use dir::open_run;
pub(crate) use error::{RunLogError, Warning};
pub(crate) use line::impossible;
pub use line::Line;
pub use lines::read_log_lines;
pub(crate) use merge::{merge_run, merge_run_each};
#[cfg(test)]
pub(crate) use messages::pair_messages;
pub(crate) use messages::Message;
pub(crate) use pairing::{LinkPairing, Pending, Settled};
pub(crate) use read::read_log;
