//! The model both engines drive, sans I/O: the clock rules, a tick's decision, the schedule and
//! its skipped-slot rule, one machine's tick with its start and stop lines, and a link's semantics.
//!
//! - [`clock`]: the Lamport and vector clock rules and the die's actions;
//! - [`dice`]: the die, rolled per slot from the seed, the machine and the slot;
//! - [`step`]: a tick's decision (receive, or roll the die);
//! - [`schedule`]: when ticks fall due and which slots a late wake-up skips, over any time type;
//! - [`machine`]: one machine's state and what one tick writes ([`Machine`]);
//! - [`link`]: one direction of a link: release times, FIFO, delay and jitter, partitions;
//! - [`sink`]: where log lines go ([`LineSink`]), which both engines' writers implement.

pub mod clock;
pub mod dice;
pub mod link;
pub mod machine;
pub mod schedule;
pub mod sink;
pub mod step;

pub use link::{Fate, Jitter, Link, Moment, Wire};
pub use machine::{Counts, Machine, MachineSpec, Tick, Waiting};
pub use schedule::{Due, Schedule, TimePoint};
pub use sink::{LineSink, Lines};
