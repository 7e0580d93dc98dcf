//! The shell around the analyzer: the run's lines, merged in time order by [`runlog`], fed
//! into the [`Analyzer`].

use std::path::Path;

use crate::runlog::{self, RunLogError, Warning};

use super::analyzer::Analyzer;
use super::stats::TimeTable;
use super::summary::Summary;
use crate::analyze::error::{AnalyzeError, LayoutError};

/// How to analyze.
#[derive(Debug, Clone)]
pub(crate) struct Options {
    /// Real microseconds between drift samples; default: the fastest machine's tick interval.
    pub step_us: Option<u64>,
    /// The time series (CSV and plots) keep between this many and twice this many rows.
    pub max_rows: usize,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            step_us: None,
            max_rows: 1_000,
        }
    }
}

/// The result for one run directory.
#[derive(Debug, Clone)]
pub(crate) struct Analysis {
    pub summary: Summary,
    /// Sampled series: clock per machine, then queue per machine, then drift per machine.
    pub table: TimeTable,
}

/// The checks of the run in `dir`, as `analyze` judges them, writing nothing: what `logiclock
/// run` prints when a run ends.
pub(crate) fn check_dir(dir: &Path) -> Result<super::summary::Verdict, AnalyzeError> {
    analyze_dir(dir, &Options::default()).map(|(analysis, _)| analysis.summary.verdict)
}

/// Read and analyze one run directory; also returns the warnings of its logs (a cut last line).
pub(crate) fn analyze_dir(
    dir: &Path,
    options: &Options,
) -> Result<(Analysis, Vec<Warning>), AnalyzeError> {
    let run = runlog::open_run(dir)?;
    let layout = |source: LayoutError| AnalyzeError::Layout {
        dir: dir.to_owned(),
        source,
    };
    let mut analyzer = Analyzer::new(&run.manifest, options).map_err(layout)?;
    let warnings = runlog::merge_run_each(&run, |i, line| {
        analyzer.feed(i, line).map_err(|e| RunLogError::Layout {
            dir: dir.to_owned(),
            message: e.to_string(),
        })
    })?;
    let analysis = analyzer
        .finish(&dir.display().to_string())
        .map_err(layout)?;
    Ok((analysis, warnings))
}
