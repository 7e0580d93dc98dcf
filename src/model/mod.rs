//! The model both engines drive, sans I/O: the clock rules, a tick's decision, the schedule and
//! its skipped-slot rule, and one machine's tick with its start and stop lines.
//!
//! - [`clock`]: the Lamport and vector clock rules and the die's actions;
//! - [`dice`]: the die, rolled per slot from the seed, the machine and the slot;
//! - [`step`]: a tick's decision (receive, or roll the die);
//! - [`schedule`]: when ticks fall due and which slots a late wake-up skips, over any time type;
//! - [`machine`]: one machine's state and what one tick writes ([`Machine`]);
//! - [`sink`]: where log lines go ([`LineSink`]), which both engines' writers implement.

pub mod clock;
pub mod dice;
pub mod machine;
pub mod schedule;
pub mod sink;
pub mod step;

pub use machine::{Counts, Machine, MachineSpec, Tick, Waiting};
pub use schedule::{Due, Schedule, TimePoint};
pub use sink::{LineSink, Lines};
