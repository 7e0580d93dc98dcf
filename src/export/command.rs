//! `logiclock export`: load the runs, write the file in the chosen format.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::timeline::{self, TimelineError};

/// The export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    /// ShiViz log (vector clocks); several runs become several executions.
    Shiviz,
    /// Chrome/Perfetto trace-event JSON (ui.perfetto.dev, chrome://tracing).
    Perfetto,
    /// One flat CSV table of every log line.
    Csv,
}

impl Format {
    /// The file written into the run directory when `--out` is not given.
    pub(crate) fn default_file(self) -> &'static str {
        match self {
            Format::Shiviz => "shiviz.log",
            Format::Perfetto => "trace.json",
            Format::Csv => "events.csv",
        }
    }
}

/// What to export, and where.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    pub format: Format,
    pub run_dirs: Vec<PathBuf>,
    /// Output file, `-` for standard output [default: `<run>/<format's file>`].
    pub out: Option<PathBuf>,
}

/// Export the runs of `request`; returns the file written (`-`: standard output).
pub(crate) fn export(request: &Request) -> Result<PathBuf, TimelineError> {
    let first = request
        .run_dirs
        .first()
        .ok_or_else(|| TimelineError::Usage("no run directory given".into()))?;
    if request.run_dirs.len() > 1 {
        if request.format != Format::Shiviz {
            return Err(TimelineError::Usage(
                "only the ShiViz export takes several runs; export the others one at a time".into(),
            ));
        }
        if request.out.is_none() {
            return Err(TimelineError::Usage(
                "several runs need --out FILE (the ShiViz log of all of them)".into(),
            ));
        }
    }
    let path = request
        .out
        .clone()
        .unwrap_or_else(|| first.join(request.format.default_file()));
    // Each format streams its run twice: once to check it (a damaged log or a clock ShiViz
    // refuses stops the export before the file is created), once to write it; memory does not
    // grow with the run.
    let mut runs = Vec::with_capacity(request.run_dirs.len());
    for dir in &request.run_dirs {
        let mut run = timeline::open(dir)?;
        let mut check = super::shiviz::Check::new(&run.timeline);
        let shiviz = request.format == Format::Shiviz;
        let Ok(()) = run.each(|t, e| {
            if shiviz {
                check.line(t, &e);
            }
            Ok::<(), std::convert::Infallible>(())
        })?;
        timeline::print_warnings(&run.timeline);
        check.finish()?;
        runs.push(run);
    }
    write_file(&path, |out| match request.format {
        Format::Shiviz => {
            let dirs: Vec<PathBuf> = runs.iter().map(|r| r.timeline.dir.clone()).collect();
            let dirs: Vec<&Path> = dirs.iter().map(PathBuf::as_path).collect();
            let mut labelled: Vec<(String, timeline::Opened)> =
                super::shiviz::labels(&dirs).into_iter().zip(runs).collect();
            super::shiviz::write(&mut labelled, out)
        }
        Format::Csv => super::csv::write(&mut runs[0], out),
        Format::Perfetto => super::perfetto::write(&mut runs[0], out),
    })?;
    Ok(path)
}

/// The `--out` that means standard output, as in every Unix tool.
pub(crate) const STDOUT: &str = "-";

/// Whether `path` is [`STDOUT`].
pub(crate) fn is_stdout(path: &Path) -> bool {
    path.as_os_str() == STDOUT
}

/// Write `path` (or standard output, for [`STDOUT`]) through a buffer with `fill`. A reader of
/// standard output that goes away early (`| head`) ends the writing quietly.
pub(crate) fn write_file(
    path: &Path,
    fill: impl FnOnce(&mut Box<dyn Write>) -> std::io::Result<()>,
) -> Result<(), TimelineError> {
    let write_error = |source| TimelineError::Write {
        path: path.to_owned(),
        source,
    };
    if is_stdout(path) {
        return crate::stdout::write_all(fill).map_err(write_error);
    }
    crate::atomic_file::write_streamed(path, fill).map_err(write_error)
}
