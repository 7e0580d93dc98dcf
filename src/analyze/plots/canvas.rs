//! What every plot of a run is drawn on: the picture, its font, the machines' colours, and the
//! whole-number ticks of a count axis.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::palette;

/// The one font of every plot.
pub(super) const FONT: &str = "sans-serif";

/// The colour of the machine at manifest index `i`.
pub(super) fn colour(i: usize) -> RGBColor {
    let (r, g, b) = palette::rgb(i);
    RGBColor(r, g, b)
}

/// A white picture of `size` pixels at `path`.
pub(super) fn root(
    path: &Path,
    size: (u32, u32),
) -> Result<DrawingArea<SVGBackend<'_>, Shift>, String> {
    let root = SVGBackend::new(path, size).into_drawing_area();
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    Ok(root)
}

/// A tick label of a count axis: whole numbers only (plotters may offer halves on a short axis).
pub(super) fn whole(y: &f64) -> String {
    if y.fract().abs() < 1e-9 {
        format!("{y:.0}")
    } else {
        String::new()
    }
}

/// How many ticks to ask of plotters on a count axis spanning `range`: never more than one per
/// whole unit, so its "nice" step is at least 1.
pub(super) fn count_labels(range: f64) -> usize {
    (range.floor() as usize + 1).clamp(2, 10)
}
