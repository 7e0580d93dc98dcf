//! `logiclock analyze`: read run directories, check them, measure them, and write the reports.
//!
//! Records of the run, merged in system-time order by [`crate::runlog`], are checked and measured
//! by [`run`] (the pipeline, the analyzer and its parts) -> terminal text, `report.md`,
//! `summary.json` and CSV ([`report`]) and SVG plots ([`plots`]); several runs and batches are
//! compared by [`batch`]; [`command`] runs it all for the CLI.

pub(crate) mod batch;
pub(crate) mod command;
pub(crate) mod error;
pub(crate) mod plots;
pub(crate) mod report;
pub(crate) mod run;

pub(crate) use error::AnalyzeError;
pub(crate) use run::{analyze_dir, Options, Summary};
