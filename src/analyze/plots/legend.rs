//! The legend of a plot of all machines: a framed box right of the plot, one row per machine in
//! its colour and line style, in as many columns as the machines need so it never covers data
//! nor leaves the picture.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::canvas::{colour, dash, FONT};
use crate::analyze::error::DrawError;

/// One legend row, pixels.
pub(super) const LEGEND_ROW: u32 = 18;
/// Room above the legend (the title, the top of the plot), pixels.
pub(super) const LEGEND_TOP: u32 = 60;

/// How a machine is shown in the legend: as its line (time plots) or its bar (histograms).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Swatch {
    Line,
    Bar,
}

/// Rows per legend column, columns, and the width of a column (pixels) for `labels` in a
/// picture `height` pixels high.
pub(super) fn legend_shape(labels: &[String], height: u32) -> (u32, u32, u32) {
    let rows = ((height - 2 * LEGEND_TOP) / LEGEND_ROW).max(1);
    let n = labels.len().max(1) as u32;
    let columns = n.div_ceil(rows);
    let rows = n.div_ceil(columns);
    let chars = labels.iter().map(|l| l.len()).max().unwrap_or(0) as u32;
    (rows, columns, 34 + 8 * chars)
}

/// The legend: a framed box of `labels` in their machines' colours, column by column.
pub(super) fn draw_legend(
    area: &DrawingArea<SVGBackend<'_>, Shift>,
    labels: &[String],
    (rows, column_px): (u32, u32),
    swatch: Swatch,
) -> Result<(), DrawError> {
    let columns = (labels.len() as u32).div_ceil(rows.max(1)).max(1);
    let (x0, y0) = (6i32, LEGEND_TOP as i32);
    let (w, h) = (
        (columns * column_px) as i32,
        (rows * LEGEND_ROW + 10) as i32,
    );
    area.draw(&Rectangle::new(
        [(x0, y0), (x0 + w, y0 + h)],
        WHITE.mix(0.85).filled(),
    ))?;
    area.draw(&Rectangle::new([(x0, y0), (x0 + w, y0 + h)], BLACK))?;
    for (i, label) in labels.iter().enumerate() {
        let (col, row) = (i as u32 / rows, i as u32 % rows);
        let x = x0 + 8 + (col * column_px) as i32;
        let y = y0 + 5 + (row * LEGEND_ROW + LEGEND_ROW / 2) as i32;
        let color = colour(i);
        match swatch {
            Swatch::Line => {
                for (a, b) in dash(i).pieces(f64::from(x), f64::from(x + 20)) {
                    area.draw(&PathElement::new(
                        vec![(a as i32, y), (b as i32, y)],
                        color.stroke_width(3),
                    ))?;
                }
            }
            Swatch::Bar => {
                area.draw(&Rectangle::new(
                    [(x + 4, y - 5), (x + 16, y + 5)],
                    color.filled(),
                ))?;
            }
        }
        area.draw(&Text::new(
            label.clone(),
            (x + 26, y - 7),
            (FONT, 13).into_font().color(&BLACK),
        ))?;
    }
    Ok(())
}
