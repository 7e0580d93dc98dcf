//! `logiclock analyze`: read run directories, check them, measure them, and write the reports.
//!
//! Records of the run, merged in system-time order by [`crate::runlog`] ([`pipeline`]) -> checks, metrics, drift,
//! links ([`analyzer`]) -> terminal text, `report.md`, `summary.json`, CSV ([`report`]) and SVG
//! plots ([`plots`]); [`command`] runs it all for the CLI; several runs are compared by [`aggregate`].

pub mod aggregate;
pub mod aggregate_batch;
pub mod aggregate_plot;
pub mod analyzer;
pub mod causality;
pub mod checks;
pub mod command;
pub mod drift;
pub mod ended;
pub mod error;
pub mod faults;
pub mod metrics;
pub mod pipeline;
pub mod plots;
mod plots_hist;
mod plots_marks;
pub mod report;
pub mod settle;
pub mod stats;
pub mod summary;
pub mod tables;
pub mod terminal;
pub mod vectors;

pub use analyzer::{Analysis, Options};
pub use error::AnalyzeError;
pub use pipeline::analyze_dir;
pub use summary::Summary;
