//! logiclock: run and study a scale model of a small asynchronous distributed system.
//!
//! # Public API
//! Everything is `pub(crate)` by default (`unreachable_pub` warns otherwise), so dead code
//! shows. What stays public is what the package's other crates use: [`command::main`] for the
//! binary, and for the tests, benches and examples the log contract ([`log_format`]),
//! [`manifest`], the reader ([`runlog`]), [`scenario`], the [`model`], the twin ([`sim::run`]
//! with [`run::RunOptions`]) and a few constants and helpers in [`palette`], [`diagram`],
//! [`machine`] and [`diff`].
//!
//! # Layout
//! - [`analyze`]: `logiclock analyze`: one run checked and measured (`run/`), its report
//!   (`report/`) and plots (`plots/`), several runs compared (`batch/`);
//! - [`batch`]: repeated runs and parameter sweeps, planned as a list of runs and carried out;
//! - [`sweep`]: the `--sweep KEY=V1,V2,...` argument;
//! - [`command`]: the whole `logiclock` command, which `src/main.rs` calls;
//! - [`cli`]: command-line definitions, including the hidden machine subcommand's name;
//! - [`args`]: the command line validated into one request per command;
//! - [`exit`]: how every command ends ([`exit::Exit`]) and the error `main` prints once;
//! - [`scenario`]: scenario files, raw TOML to a validated [`scenario::Scenario`], faults
//!   included;
//! - [`fault`]: `[[fault]]` entries (kill, restart, pause, delay, partition) and their
//!   timeline, short for [`scenario::fault`];
//! - [`log_format`]: the machine log contract (events, fields, version, the timestamp codec);
//! - [`manifest`]: `manifest.json`, what a run directory holds;
//! - [`atomic_file`]: a file written whole or not at all (a temporary, then a rename);
//! - [`run`]: what both engines share: options, the run directory, the one manifest builder,
//!   the report and the error of a run;
//! - [`control`]: supervisor <-> machine messages over the child's stdin/stdout;
//! - [`supervisor`]: spawns the machine processes and runs the experiment;
//! - [`sim`]: `run --engine sim`: the scenario's ideal-time twin, a discrete-event simulation;
//! - [`model`]: the model both engines drive, sans I/O: clocks, dice, decision, schedule, a
//!   tick, links, the line sink;
//! - [`machine`]: one model machine process: wire format, mesh, tick loop, log writer;
//! - [`runlog`]: the one reader of run directories: manifest, lines, merge, pairing, warnings;
//! - [`stdout`]: standard output that may be a pipe closed early, printed to without a panic;
//! - [`timebase`]: the one conversion of timestamps to model (and real) seconds since the start;
//! - [`timeline`]: a run's events merged in time order, sends paired with receives;
//! - [`diagram`]: `logiclock diagram`: the space-time diagram of a run as SVG;
//! - [`explore`]: `logiclock explore`: one self-contained HTML page to see a run's causality;
//! - [`export`]: `logiclock export`: ShiViz, Perfetto (trace-event JSON) and CSV files.
//! - [`diff`]: `logiclock diff`: two runs of one scenario and seed compared tick by tick;
//! - [`compare`]: `logiclock compare`: configurations side by side, over runs and batches;
//! - [`foreign`]: logs that logiclock did not write (a student's own), read for `grade` and
//!   `import`;
//! - [`import`]: `logiclock import`: foreign logs turned into a run directory whose manifest
//!   says so, for every command that reads runs;
//! - [`grade`]: `logiclock grade`: a class's submissions checked on the assignment's rules
//!   (Lamport, broadcast, matching, FIFO, vector, monotonic, ids, shape), one report row each;

#![warn(unreachable_pub)]

pub(crate) mod analyze;
pub(crate) mod args;
pub(crate) mod atomic_file;
pub(crate) mod batch;
pub(crate) mod cli;
pub mod command;
pub(crate) mod compare;
pub(crate) mod control;
pub mod diagram;
pub mod diff;
pub(crate) mod exit;
pub(crate) mod explore;
pub(crate) mod export;
pub(crate) mod foreign;
pub(crate) mod grade;
pub(crate) mod import;
pub mod log_format;
pub mod machine;
pub mod manifest;
pub mod model;
pub mod palette;
pub mod run;
pub mod runlog;
pub mod scenario;
pub mod sim;
pub(crate) mod stdout;
pub(crate) mod supervisor;
pub(crate) mod sweep;
pub(crate) mod timebase;
pub(crate) mod timeline;

pub(crate) use scenario::fault;

/// Exit code of every command for bad input: a scenario, flag, directory or log it cannot use.
pub(crate) const EXIT_BAD_INPUT: u8 = 2;
