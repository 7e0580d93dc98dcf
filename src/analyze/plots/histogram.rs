//! Jump-size histograms: one per machine and one of all machines together, all on the same
//! scales, so two machines' figures can be laid side by side.
//!
//! The x axis is numeric: every size from 1 to the largest jump of the run has its slot, a size
//! that never occurred an empty one, so a sparse tail looks as long as it is. The y axis counts
//! jumps; where the rarest sizes would be flatter than a few pixels beside the commonest (a
//! count below 1/[`LOG_FROM`] of the tallest), it is logarithmic, so the tail stays visible.
//! The combined figure groups the machines' bars side by side in each slot (stacks them for
//! many machines), in the machines' colours; a stack on a log axis is as tall as its total and
//! shared among the machines by their counts.

use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::canvas::{colour, count_labels, header, root, whole, FONT};
use super::legend::{draw_legend, legend_shape, Swatch};
use crate::analyze::error::DrawError;

/// The tallest bar this many times the shortest (or more) makes the count axis logarithmic.
const LOG_FROM: u64 = 40;
/// Machines beyond which the combined figure stacks the bars instead of grouping them.
const GROUPED_UP_TO: usize = 8;
/// Size labels closer than this (pixels) are thinned to round sizes.
const LABEL_ROOM: f64 = 34.0;
/// The picture without a legend.
const SIZE: (u32, u32) = (960, 600);

/// The jump counts of one machine: its manifest index (its colour) and `[size, count]` bins.
pub(super) type Bins<'a> = (usize, &'a [[u64; 2]]);

/// The scales every histogram of a run shares.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Scale {
    /// The largest jump size of the run: the x axis runs from 1 to it.
    max_size: u64,
    /// The top of the count axis, in counts.
    max_count: u64,
    log: bool,
}

impl Scale {
    /// The scale fitting every bar of `machines`; `stacked` for the sums of a stacked figure.
    pub(super) fn of(machines: &[Bins<'_>], stacked: bool) -> Scale {
        let bins = machines.iter().flat_map(|(_, b)| b.iter());
        let max_size = bins.clone().map(|b| b[0]).max().unwrap_or(1).max(1);
        let min_count = bins.clone().map(|b| b[1]).filter(|&n| n > 0).min();
        let mut max_count = bins.map(|b| b[1]).max().unwrap_or(1).max(1);
        if stacked {
            max_count = (1..=max_size)
                .map(|s| machines.iter().map(|(_, b)| count(b, s)).sum::<u64>())
                .max()
                .unwrap_or(1)
                .max(1);
        }
        Scale {
            max_size,
            max_count,
            log: min_count.is_some_and(|lo| max_count >= LOG_FROM * lo),
        }
    }

    /// Where count `n` sits on the y axis: itself, or its decimal logarithm.
    fn y(&self, n: f64) -> f64 {
        if !self.log {
            n
        } else if n <= 0.0 {
            self.y_floor()
        } else {
            n.log10()
        }
    }

    /// The bottom of the y axis: 0, or a little under a count of 1 on a log axis.
    fn y_floor(&self) -> f64 {
        if self.log {
            -0.2
        } else {
            0.0
        }
    }

    fn y_top(&self) -> f64 {
        let top = self.y(self.max_count as f64);
        if self.log {
            top + 0.25
        } else {
            (top * 1.12).max(top + 1.0)
        }
    }

    /// A y tick label: whole counts on a linear axis, powers of ten on a log one.
    fn label(&self, y: f64) -> String {
        match (self.log, whole(&y).is_empty()) {
            (_, true) => String::new(),
            (false, false) => whole(&y),
            (true, false) if y >= 0.0 => format!("{:.0}", 10f64.powf(y)),
            (true, false) => String::new(),
        }
    }
}

/// The count of size `size` in `bins` (0 when it never occurred).
fn count(bins: &[[u64; 2]], size: u64) -> u64 {
    bins.iter().find(|b| b[0] == size).map_or(0, |b| b[1])
}

/// What one histogram shows.
pub(super) struct Histogram<'a> {
    pub title: &'a str,
    /// The line naming the run.
    pub subtitle: &'a str,
    /// The machines drawn; with one, no legend.
    pub machines: &'a [Bins<'a>],
    /// Their legend labels, by manifest index (only read with more than one machine).
    pub labels: &'a [String],
    pub scale: Scale,
}

impl Histogram<'_> {
    /// Whether the machines' bars are stacked in each slot (many machines) or side by side.
    pub(super) fn stacked(machines: usize) -> bool {
        machines > GROUPED_UP_TO
    }

    /// Draw the histogram into `svg`.
    pub(super) fn draw(&self, svg: &mut String) -> Result<(), DrawError> {
        let legend = self.machines.len() > 1;
        let (rows, columns, column_px) = legend_shape(self.labels, SIZE.1);
        let legend_px = if legend { columns * column_px + 20 } else { 0 };
        let root = root(svg, (SIZE.0 + legend_px, SIZE.1))?;
        let body = header(&root, self.title, self.subtitle)?;
        let (plot, legend_area) = body.split_horizontally(SIZE.0);
        let scale = self.scale;
        let x_range = 0.5..scale.max_size as f64 + 0.5;
        let mut chart = ChartBuilder::on(&plot)
            .margin(20)
            .x_label_area_size(60)
            .y_label_area_size(90)
            .build_cartesian_2d(x_range, scale.y_floor()..scale.y_top())?;
        let y_desc = if scale.log {
            "number of jumps (log scale)"
        } else {
            "number of jumps"
        };
        let span = scale.y_top() - scale.y_floor();
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(0)
            .y_labels(count_labels(span))
            .x_desc("jump size (Lamport units)")
            .y_desc(y_desc)
            .y_label_formatter(&|y| scale.label(*y))
            .label_style((FONT, 14))
            .axis_desc_style((FONT, 16))
            .draw()?;
        let stacked = Self::stacked(self.machines.len());
        let width = if stacked {
            1.0
        } else {
            1.0 / self.machines.len().max(1) as f64
        };
        for size in 1..=scale.max_size {
            let total: u64 = self.machines.iter().map(|(_, b)| count(b, size)).sum();
            let mut below = 0u64;
            for (k, &(i, bins)) in self.machines.iter().enumerate() {
                let n = count(bins, size);
                if n == 0 {
                    continue;
                }
                let (left, from, to) = if stacked {
                    (size as f64 - 0.4, below, below + n)
                } else {
                    (size as f64 - 0.4 + 0.8 * width * k as f64, 0, n)
                };
                below += n;
                // A stack on a log axis: the bar is as tall as its total, and each machine's
                // share of its height is its share of the count (a log axis would squash the
                // upper segments).
                let y = |c: u64| {
                    if stacked && scale.log {
                        let floor = scale.y_floor();
                        floor + (scale.y(total as f64) - floor) * c as f64 / total as f64
                    } else {
                        scale.y(c as f64)
                    }
                };
                let bar = [(left, y(from)), (left + 0.8 * width, y(to))];
                chart.draw_series(std::iter::once(Rectangle::new(bar, colour(i).filled())))?;
            }
        }
        size_labels(&plot, &chart, scale)?;
        if legend {
            draw_legend(&legend_area, self.labels, (rows, column_px), Swatch::Bar)?;
        }
        Ok(root.present()?)
    }
}

/// A label under each size slot; where the slots are narrow, under round sizes only.
fn size_labels(
    area: &DrawingArea<SVGBackend<'_>, Shift>,
    chart: &ChartContext<'_, SVGBackend<'_>, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    scale: Scale,
) -> Result<(), DrawError> {
    let slot_px = f64::from(SIZE.0 - 130) / scale.max_size as f64;
    let every = [1u64, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000]
        .into_iter()
        .find(|&k| k as f64 * slot_px >= LABEL_ROOM)
        .unwrap_or(10_000);
    let style = (FONT, 14)
        .into_font()
        .into_text_style(area)
        .pos(Pos::new(HPos::Center, VPos::Top));
    let (dx, dy) = area.get_base_pixel();
    for size in (1..=scale.max_size).filter(|s| every == 1 || s % every == 0) {
        let (x, y) = chart.backend_coord(&(size as f64, scale.y_floor()));
        area.draw(&Text::new(
            size.to_string(),
            (x - dx, y - dy + 6),
            style.clone(),
        ))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tail_far_below_the_tallest_bar_makes_the_axis_logarithmic() {
        let flat: [[u64; 2]; 2] = [[1, 30], [4, 2]];
        let steep: [[u64; 2]; 2] = [[1, 400], [9, 1]];
        let scale = Scale::of(&[(0, &flat)], false);
        assert_eq!((scale.max_size, scale.max_count, scale.log), (4, 30, false));
        let scale = Scale::of(&[(0, &flat), (1, &steep)], false);
        assert_eq!((scale.max_size, scale.max_count, scale.log), (9, 400, true));
        assert_eq!(scale.label(2.0), "100");
        // stacked: the top is the tallest sum of a slot
        let scale = Scale::of(&[(0, &flat), (1, &steep)], true);
        assert_eq!(scale.max_count, 430);
    }
}
