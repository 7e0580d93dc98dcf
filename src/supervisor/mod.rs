//! The supervisor: starts one machine process per model machine and runs the experiment.
//!
//! - [`child`]: spawning a machine process and turning its output and exit into events;
//! - [`signal`]: Ctrl-C, SIGTERM, SIGHUP and Ctrl-Z as events; signals to the machines;
//! - [`display`]: the live view and the final summary;
//! - [`live_layout`]: the live view's lines for a terminal of a given size (pure);
//! - [`state`]: a machine's state and the pure transitions between states;
//! - [`stop`]: why a run stops before its deadline (once: in order; twice: forced);
//! - [`slot`]: one machine's process, state and manifest data; the spawner of processes;
//! - [`actor`]: the loop that owns the slots and drives set-up, run and stop, and (in its `news`
//!   part) what it does about one machine's message or exit, and (in `job_control`) about
//!   Ctrl-Z and `fg`;
//! - [`faults`]: faults on purpose and restarts, carried out on the slots;
//! - [`report`]: what only the supervisor knows for the manifest: addresses, processes, exits.
//!
//! Options, the run directory, the manifest builder, the report and the error of a run are the
//! run layer's ([`crate::run`]), shared with the twin.

pub(crate) mod actor;
pub(crate) mod child;
pub(crate) mod display;
pub(crate) mod faults;
pub(crate) mod live_layout;
pub(crate) mod report;
pub(crate) mod signal;
pub(crate) mod slot;
pub(crate) mod state;
pub(crate) mod stop;

pub(crate) use actor::run;
