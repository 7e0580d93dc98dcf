//! `logiclock diff RUN_A RUN_B`: how far two runs of one scenario and seed agree.
//!
//! - [`compare`]: the tick-by-tick comparison of one machine (pure);
//! - [`runs`]: reading both runs (ticks through `runlog`, figures through `analyze`) and
//!   refusing runs of different scenarios or seeds;
//! - [`report`]: the figures side by side, the terminal table and `diff.json`.

pub mod compare;
pub mod report;
pub mod runs;

use std::io::Write as _;
use std::path::PathBuf;

use crate::exit::{Exit, Failed, Outcome};

pub(crate) use runs::DiffError;

/// Name of the file `diff` writes into the second run's directory by default.
pub const DIFF_FILE: &str = "diff.json";

/// What the user asked for.
#[derive(Debug, Clone)]
pub struct Request {
    pub a: PathBuf,
    pub b: PathBuf,
    /// Where `diff.json` goes, `-` for standard output [default: RUN_B/diff.json].
    pub out: Option<PathBuf>,
}

/// Compare the two runs, print the table, write `diff.json`. The exit is clean when the two
/// runs could be compared, whatever they show.
pub fn run(request: &Request) -> Outcome {
    let bad = |e: DiffError| {
        let exit = match e {
            DiffError::Write { .. } => Exit::NotClean,
            _ => Exit::BadInput,
        };
        Failed::new(exit, e)
    };
    let a = runs::read(&request.a).map_err(bad)?;
    let b = runs::read(&request.b).map_err(bad)?;
    runs::same_model(&a, &b).map_err(bad)?;
    for warning in a.warnings.iter().chain(&b.warnings) {
        eprintln!("warning: {warning}");
    }
    let report = report::diff(&a, &b);
    let table = report::terminal(&report);
    let json = serde_json::to_vec_pretty(&report).expect("the diff report always serializes");
    let stdout_error = |source| {
        bad(DiffError::Write {
            path: "standard output".into(),
            source,
        })
    };
    let path = request
        .out
        .clone()
        .unwrap_or_else(|| request.b.join(DIFF_FILE));
    if path.as_os_str() == "-" {
        // The JSON is the data on standard output; the table, for people, goes to stderr.
        eprint!("{table}");
        return crate::stdout::write_all(|out| {
            out.write_all(&json).and_then(|()| out.write_all(b"\n"))
        })
        .map(|()| Exit::Clean)
        .map_err(stdout_error);
    }
    crate::stdout::write_all(|out| out.write_all(table.as_bytes())).map_err(stdout_error)?;
    crate::atomic_file::write_streamed(&path, |out| out.write_all(&json)).map_err(|source| {
        bad(DiffError::Write {
            path: path.clone(),
            source,
        })
    })?;
    eprintln!("wrote {}", path.display());
    Ok(Exit::Clean)
}
