//! The model both engines drive, sans I/O: the clock rules, a tick's decision, the schedule and
//! its skipped-slot rule, one machine's tick with its start and stop lines, and a link's semantics.
//!
//! - [`clock`]: the Lamport and vector clock rules and the die's actions;
//! - [`dice`]: the die, rolled per slot from the seed, the machine and the slot;
//! - [`step`]: a tick's decision (receive, or roll the die);
//! - [`schedule`]: when ticks fall due and which slots a late wake-up skips, over any time type;
//! - [`machine`]: one machine's state and what one tick writes ([`Machine`]);
//! - [`hlc`]: the hybrid logical clock's rules;
//! - [`physical`]: each machine's physical clock, skewed, drifting and synchronised;
//! - [`link`]: one direction of a link: release times, FIFO, delay and jitter, partitions;
//! - [`sink`]: where log lines go ([`LineSink`]), which both engines' writers implement.

pub(crate) mod clock;
pub(crate) mod dice;
pub mod hlc;
pub(crate) mod link;
pub mod machine;
pub mod physical;
pub(crate) mod schedule;
pub(crate) mod sink;
pub(crate) mod step;

pub(crate) use link::{Fate, Link, Wire};
pub(crate) use machine::Waiting;
pub use machine::{Machine, MachineSpec};
pub use schedule::Schedule;
pub(crate) use sink::LineSink;
