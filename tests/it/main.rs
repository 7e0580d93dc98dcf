//! Integration tests: each spawns the built `logiclock` binary in a fresh temporary directory,
//! on loopback with automatic ports, with a hard timeout, and checks the run from its files.

// Shared helpers: running the binary, reading a run directory, describing a failure.
mod util;

// `logiclock run`: logs, Lamport rules, message accounting, rates, seeds.
mod run;

// Bad input: scenario errors and output directories, nothing started.
mod bad_input;

// Machines killed, hanging on stop, and faults on purpose.
mod faults;

// Strangers connecting to a machine: refused and logged.
mod network;

// `logiclock analyze` on hand-made runs with hand-computed answers, corrupt inputs, real runs.
mod analyze;

// A small hand-made run with known clocks, for the diagram and export tests.
mod golden;

// `logiclock diagram`, including its picture rendered by headless Chromium.
mod diagram;

// `logiclock export` to ShiViz, Perfetto and CSV.
mod export;

// The same corrupt or cut inputs through analyze, diagram and export: one outcome each.
mod corrupt_input;

// Signals: Ctrl-C / SIGTERM to the supervisor, and a supervisor that dies.
mod signals;
