//! `logiclock export`: a run's events as files other tools read.
//!
//! [`shiviz`] writes a ShiViz log (vector clocks, several runs as several executions);
//! [`perfetto`] writes Chrome/Perfetto trace-event JSON (a track per machine, flow arrows, clock
//! and queue counters); [`csv`] writes one flat table of every line ([`detail`] gives the
//! text of the fields without a column); [`command`] runs them for
//! the CLI.

pub(crate) mod command;
pub(crate) mod csv;
mod detail;
pub(crate) mod perfetto;
pub(crate) mod shiviz;
mod trace_events;

pub(crate) use command::{export, Format, Request};
