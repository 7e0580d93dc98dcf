//! Logs that logiclock did not write: a student's own implementation of the model, read from
//! the small documented format (JSON lines or CSV with the log contract's names, mappable) or
//! from ShiViz/GoVector logs, into [`ForeignEvent`]s that `logiclock grade` checks and
//! `logiclock import` turns into a run directory.
//!
//! The readers never panic on what they are given: a line they cannot use becomes a
//! [`Problem`] naming the file and line, and the events around it are still read.
//!
//! # Layout
//! - `submission.rs`: a folder of logs ([`read_submission`]) or one file ([`read_file`]), the
//!   format told from the content, and the folder's own problems;
//! - `jsonl.rs`, `csv_read.rs`: the two documented formats, each line's fields turned into an
//!   event by `record.rs` (the one place they are checked) under a [`Mapping`] (`mapping.rs`:
//!   `--field` flags and the mapping file), with `time.rs` for timestamps and `collect.rs` for
//!   the one-machine-per-file rule;
//! - `shiviz/`: ShiViz/GoVector text (`mod.rs`) and what its events were (`infer.rs`);
//! - `write.rs`: events written in each format, for the tests and the mutation corpus.

use std::path::PathBuf;

/// One clock event of a foreign log, as its line said it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ForeignEvent {
    /// Line number in its file, from 1 (for a two-line ShiViz event, the line of its clock).
    pub line: u64,
    /// The machine whose log this is, as the log names it (after the mapping).
    pub machine: u32,
    /// What happened.
    pub kind: ForeignKind,
    /// The Lamport clock after the event; `None` where the format has none (ShiViz).
    pub lamport: Option<u64>,
    /// System time of the event, microseconds since the Unix epoch; `None` where absent.
    pub timestamp_us: Option<i64>,
    /// The vector clock after the event, indexed by machine id; `None` where absent.
    pub vc: Option<Vec<u64>>,
}

/// What a foreign event did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ForeignKind {
    Internal,
    /// A send to these machines (one line for a send to several).
    Send {
        to: Vec<u32>,
    },
    /// A receive from `from`; `msg_clock` is the Lamport value the message carried (`None`
    /// where the format has none), `queue` the messages still waiting, when logged.
    Recv {
        from: u32,
        msg_clock: Option<u64>,
        queue: Option<u64>,
    },
}

/// Something wrong with a file or line of a submission, said so a student can find it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Problem {
    pub file: PathBuf,
    /// The line, from 1; `None` for the whole file (empty, unreadable, missing).
    pub line: Option<u64>,
    pub message: String,
}

/// One machine's foreign log, read.
#[derive(Debug, Clone, Default)]
pub(crate) struct ForeignLog {
    pub file: PathBuf,
    /// The machine the file is about (from its events, or its name when it has none).
    pub machine: Option<u32>,
    pub events: Vec<ForeignEvent>,
    /// Lines (or the whole file) that could not be read as events.
    pub problems: Vec<Problem>,
}

mod collect;
mod csv_read;
mod jsonl;
mod mapping;
mod record;
mod shiviz;
mod submission;
mod time;
/// The formats written from events: for the tests (round trips, the grading corpus).
#[cfg(test)]
pub(crate) mod write;

pub(crate) use mapping::Mapping;
#[cfg(test)]
pub(crate) use submission::read_file;
pub(crate) use submission::{read_submission, Format, Submission};
#[cfg(test)]
pub(crate) use write::{csv, jsonl, shiviz, write_submission, JsonStyle};

#[cfg(test)]
mod tests;
