//! The shell around the analyzer: the run's lines, merged in time order by [`runlog`], fed
//! into the [`Analyzer`].

use std::path::Path;

use crate::runlog::{self, RunLogError, Warning};

use super::analysis::{Analysis, Options};
use super::analyzer::Analyzer;
use crate::analyze::error::{AnalyzeError, LayoutError};

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
