//! `logiclock diagram`: load a run, choose the window, lay it out, write the SVG.

use std::path::PathBuf;

use crate::timeline::{self, TimelineError};

/// What to draw, and where.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    pub run_dir: PathBuf,
    /// Window start, seconds since the run start.
    pub from: Option<f64>,
    /// Window end, seconds since the run start.
    pub to: Option<f64>,
    /// Output file, `-` for standard output [default: `<run>/diagram.svg`].
    pub out: Option<PathBuf>,
}

/// Draw the diagram of `request`; returns the file written (`-`: standard output).
pub(crate) fn diagram(request: &Request) -> Result<PathBuf, TimelineError> {
    let timeline = timeline::load(&request.run_dir)?;
    timeline::print_warnings(&timeline);
    let window = super::choose_window(&timeline, request.from, request.to)?;
    let messages = timeline::pair_messages(&timeline.events);
    let svg = super::svg::render(&super::layout(&timeline, &messages, window));
    let path = request
        .out
        .clone()
        .unwrap_or_else(|| request.run_dir.join("diagram.svg"));
    crate::export::command::write_file(&path, |out| {
        use std::io::Write;
        out.write_all(svg.as_bytes())
    })?;
    Ok(path)
}
