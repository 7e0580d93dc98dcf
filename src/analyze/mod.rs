//! `logiclock analyze`: read run directories, check them, measure them, and write the reports.
//!
//! Records of the run, merged in system-time order by [`crate::runlog`], are checked and measured
//! by [`run`] (the pipeline, the analyzer and its parts) -> terminal text, `report.md`,
//! `summary.json` and CSV ([`report`]) and SVG plots ([`plots`]); several runs and batches are
//! compared by [`batch`]; [`command`] runs it all for the CLI.

pub mod batch;
pub mod command;
pub mod error;
pub mod plots;
pub mod report;
pub mod run;

pub use error::AnalyzeError;
pub use run::{analyze_dir, Analysis, Options, Summary};
