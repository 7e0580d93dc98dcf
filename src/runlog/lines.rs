//! A whole log read into memory, for readers that want every line of one machine (a restarted
//! machine, the tests) rather than a merged stream.

use std::path::Path;

use super::error::{RunLogError, Warning};
use super::line::Line;
use super::read::read_log;

/// Every line of the log at `path` of machine `machine`, and the warning of a cut last line.
pub fn read_log_lines(
    path: &Path,
    machine: u32,
) -> Result<(Vec<Line>, Option<Warning>), RunLogError> {
    let mut lines = Vec::new();
    let warning = read_log(path, machine, |line| {
        lines.push(line);
        true
    })?;
    Ok((lines, warning))
}
