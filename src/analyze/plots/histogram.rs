//! The jump-size histogram of one machine: one bar per jump size that occurred, side by side in
//! size order, each labelled with its size underneath, over a linear count axis with whole ticks.
//!
//! Jump sizes are whole numbers and usually few (1 and 2 for a fast machine, a long sparse tail
//! for a slow one), so a numeric x axis either crowds them under one wide block or spreads a
//! tail over hundreds of empty slots: the bars are placed by rank, not by size.

use std::path::Path;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::canvas::{count_labels, root, whole, FONT};

/// Bars narrower than this (pixels) get their labels turned upright, or every other one dropped.
const LABEL_ROOM: f64 = 34.0;

/// Draw `bins` (`[size, count]`, ascending size) as a bar chart into `path`.
pub fn histogram(
    path: &Path,
    title: &str,
    legend: &str,
    bins: &[[u64; 2]],
    color: RGBColor,
) -> Result<(), String> {
    let size = (960, 540);
    let root = root(path, size)?;
    let k = bins.len().max(1);
    let top = bins.iter().map(|b| b[1]).max().unwrap_or(1).max(1) as f64;
    let y_max = (top * 1.12).max(top + 1.0);
    let mut chart = ChartBuilder::on(&root)
        .caption(title, (FONT, 24))
        .margin(20)
        .x_label_area_size(60)
        .y_label_area_size(90)
        .build_cartesian_2d(0f64..k as f64, 0f64..y_max)
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(0)
        .y_labels(count_labels(y_max))
        .x_desc(format!("jump size (Lamport units), {legend}"))
        .y_desc("number of jumps")
        .y_label_formatter(&whole)
        .label_style((FONT, 14))
        .axis_desc_style((FONT, 16))
        .draw()
        .map_err(|e| e.to_string())?;
    chart
        .draw_series(bins.iter().enumerate().map(|(i, &[_, n])| {
            let x = i as f64;
            Rectangle::new([(x + 0.15, 0.0), (x + 0.85, n as f64)], color.filled())
        }))
        .map_err(|e| e.to_string())?;
    // One label under each bar; when the bars are too narrow, every `skip`-th only.
    let bar_px = f64::from(size.0 - 130) / k as f64;
    let skip = (LABEL_ROOM / bar_px).ceil().max(1.0) as usize;
    let style = (FONT, 14)
        .into_font()
        .into_text_style(&root)
        .pos(Pos::new(HPos::Center, VPos::Top));
    for (i, &[jump, _]) in bins.iter().enumerate() {
        if i % skip != 0 {
            continue;
        }
        let (x, y) = chart.backend_coord(&(i as f64 + 0.5, 0.0));
        root.draw(&Text::new(jump.to_string(), (x, y + 6), style.clone()))
            .map_err(|e| e.to_string())?;
    }
    root.present().map_err(|e| e.to_string())
}
