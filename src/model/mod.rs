//! The model both engines drive, sans I/O: the rules of a run that the real machines and the
//! twin must agree on, with no sockets, timers or files.
//!
//! - [`link`]: one direction of a link: release times, FIFO, delay and jitter, partitions.

pub mod link;

pub use link::{Fate, Jitter, Link, Moment, Wire};
