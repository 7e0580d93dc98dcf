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
    let mut timelines = Vec::with_capacity(request.run_dirs.len());
    for dir in &request.run_dirs {
        let t = timeline::load(dir)?;
        timeline::print_warnings(&t);
        if request.format == Format::Shiviz {
            super::shiviz::check(&t)?;
        }
        timelines.push(t);
    }
    write_file(&path, |out| match request.format {
        Format::Shiviz => {
            let dirs: Vec<&Path> = timelines.iter().map(|t| t.dir.as_path()).collect();
            let runs: Vec<(String, &timeline::Timeline)> = super::shiviz::labels(&dirs)
                .into_iter()
                .zip(&timelines)
                .collect();
            super::shiviz::write(&runs, out)
        }
        Format::Perfetto => {
            let t = &timelines[0];
            super::perfetto::write(t, &timeline::pair_messages(&t.events), out)
        }
        Format::Csv => super::csv::write(&timelines[0], out),
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
    let file = std::fs::File::create(path).map_err(write_error)?;
    let mut out: Box<dyn Write> = Box::new(std::io::BufWriter::with_capacity(1 << 20, file));
    fill(&mut out).map_err(write_error)?;
    out.flush().map_err(write_error)
}
