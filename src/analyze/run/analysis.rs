//! What an analysis of one run takes ([`Options`]) and gives ([`Analysis`]), shared by the
//! [`super::analyzer`] and its shell, [`super::pipeline`].

use super::stats::TimeTable;
use super::summary::Summary;

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
