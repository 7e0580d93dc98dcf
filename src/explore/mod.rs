//! `logiclock explore`: one self-contained HTML page to look at a run's causality.
//!
//! [`collect`] reads a run through [`crate::timeline`] (so through [`crate::runlog`], with the
//! errors every command gives) into compact columns of its clock events, messages, drops and
//! faults; [`data`] writes them as the page's JSON blob; [`page`] wraps that blob, the hand-written
//! script (`js/*.js`) and style (`page.css`) into one HTML file that makes no request; [`command`]
//! runs it for the CLI and refuses runs too large for a browser; [`pair`] stacks two runs on one
//! page with their first divergence (as `diff` compares ticks) marked.

pub(crate) mod collect;
pub(crate) mod command;
pub(crate) mod data;
pub(crate) mod page;
pub(crate) mod pair;

pub(crate) use command::Request;

/// Write the explorer page `request` asks for, of one run or two stacked; returns the file
/// written (`-`: standard output).
pub(crate) fn explore(
    request: &Request,
) -> Result<std::path::PathBuf, crate::timeline::TimelineError> {
    match &request.other {
        Some(other) => pair::explore_pair(request, other),
        None => command::explore_one(request),
    }
}
