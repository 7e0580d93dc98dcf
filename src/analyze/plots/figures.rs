//! SVG plots (plotters, SVG backend only: no system fonts or libraries): clock, queue and drift
//! against model time for all machines, and a jump-size histogram per machine
//! ([`super::histogram`]). Planned faults are marked on the time plots ([`super::marks`]).
//!
//! Time is model time (real seconds since the start times the speedup), the time of the
//! scenario's rates and faults; the title states the speedup and the real duration. A machine
//! that is dead has no point: its line ends at its death and resumes at its restart. Counts
//! (clocks, queues, drifts) have whole ticks only; queue lengths are drawn as steps. Each machine
//! has its colour of [`crate::palette`], and the legend sits in its own column right of the plot,
//! in as many columns as the machines need, so it never covers data nor leaves the picture.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::canvas::{colour, count_labels, root, whole, FONT};
use super::histogram::histogram;
use super::marks::{fault_marks, Mark};
use crate::analyze::error::AnalyzeError;
use crate::analyze::run::analyzer::Analysis;

/// Height of every plot; the width is the plot's plus its legend's.
const HEIGHT: u32 = 540;
const PLOT_WIDTH: u32 = 800;
/// One legend row, pixels.
const LEGEND_ROW: u32 = 18;
/// Room above and below the legend (the title, the x axis), pixels.
const LEGEND_TOP: u32 = 60;

type Series = (usize, Vec<(f64, f64)>);

/// Draw every plot of `analysis` into `dir`; returns `(title, file name)` per plot.
pub fn write_plots(dir: &Path, analysis: &Analysis) -> Result<Vec<(String, String)>, AnalyzeError> {
    let s = &analysis.summary;
    let n = s.machines.len();
    let speedup = if s.scenario.speedup > 0.0 {
        s.scenario.speedup
    } else {
        1.0
    };
    let series = |k: usize| -> Vec<Series> {
        (0..n)
            .map(|i| {
                let pts = analysis.table.column(k * n + i);
                (i, pts.into_iter().map(|(t, v)| (t * speedup, v)).collect())
            })
            .collect()
    };
    let end_real = analysis.table.times.last().copied().unwrap_or(0.0);
    let marks = fault_marks(&s.faults, end_real * speedup, speedup);
    let labels: Vec<String> = s
        .machines
        .iter()
        .map(|m| {
            if n <= 10 {
                format!("machine {} (rate {}/s)", m.id, m.rate)
            } else {
                format!("m{} r{}", m.id, m.rate)
            }
        })
        .collect();
    let when = format!("speedup {speedup}: {end_real:.1} real s");
    let mut out = Vec::new();
    for (k, file, what, y, steps) in [
        (
            0,
            "clock.svg",
            "Logical clock",
            "logical clock (Lamport units)",
            false,
        ),
        (
            1,
            "queue.svg",
            "Queue length",
            "queue length (messages)",
            true,
        ),
        (
            2,
            "drift.svg",
            "Drift (clock minus highest living clock)",
            "drift (Lamport units)",
            false,
        ),
    ] {
        let path = dir.join(file);
        let title = format!("{what} against model time ({when})");
        let chart = Chart {
            title: &title,
            y_desc: y,
            steps,
            marks: &marks,
            labels: &labels,
        };
        chart
            .draw(&path, &series(k))
            .map_err(|message| AnalyzeError::Plot {
                path: path.clone(),
                message,
            })?;
        out.push((title, file.to_string()));
    }
    for (i, m) in s.machines.iter().enumerate() {
        let file = format!("jumps-machine-{}.svg", m.id);
        let title = format!("Jump sizes, machine {} (rate {}/s)", m.id, m.rate);
        let path = dir.join(&file);
        histogram(
            &path,
            &title,
            &format!("machine {}", m.id),
            &m.jumps.histogram,
            colour(i),
        )
        .map_err(|message| AnalyzeError::Plot {
            path: path.clone(),
            message,
        })?;
        out.push((title, file));
    }
    Ok(out)
}

/// The stretches of `pts` between NaN values (a dead machine), each drawn as its own line;
/// with `steps`, each value holds until the next sample (a count does not ramp).
fn segments(pts: &[(f64, f64)], steps: bool) -> Vec<Vec<(f64, f64)>> {
    let mut out: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut cur: Vec<(f64, f64)> = Vec::new();
    for &(t, v) in pts {
        if v.is_nan() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        }
        if let (true, Some(&(_, prev))) = (steps, cur.last()) {
            if prev != v {
                cur.push((t, prev));
            }
        }
        cur.push((t, v));
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// One time plot of all machines.
struct Chart<'a> {
    title: &'a str,
    y_desc: &'a str,
    /// Draw as steps (counts that hold between samples).
    steps: bool,
    marks: &'a [Mark],
    labels: &'a [String],
}

impl Chart<'_> {
    fn draw(&self, path: &Path, series: &[Series]) -> Result<(), String> {
        let (rows, columns, column_px) = legend_shape(self.labels);
        let legend_px = columns * column_px + 20;
        let root = root(path, (PLOT_WIDTH + legend_px, HEIGHT))?;
        let (plot, legend_area) = root.split_horizontally(PLOT_WIDTH);
        let points = series.iter().flat_map(|(_, p)| p).filter(|p| !p.1.is_nan());
        let x_max = points.clone().map(|p| p.0).fold(0.0, f64::max).max(1e-3);
        let y_min = points.clone().map(|p| p.1).fold(0.0, f64::min);
        let y_max = points.map(|p| p.1).fold(0.0, f64::max);
        let pad = ((y_max - y_min) * 0.05).max(0.5);
        let (y_min, y_max) = (
            if y_min < 0.0 { y_min - pad } else { 0.0 },
            if y_max > 0.0 { y_max + pad } else { 1.0 },
        );
        // Faults are labelled in a band under the data, clear of the lines.
        let data_min = y_min;
        let band = if self.marks.is_empty() {
            0.0
        } else {
            0.16 * (y_max - y_min)
        };
        let y_min = y_min - band;
        let mut chart = ChartBuilder::on(&plot)
            .caption(self.title, (FONT, 20))
            .margin(20)
            .x_label_area_size(50)
            .y_label_area_size(80)
            .build_cartesian_2d(0.0..x_max, y_min..y_max)
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .x_desc("model time since run start (s)")
            .y_desc(self.y_desc)
            .y_labels(count_labels(y_max - y_min))
            .y_label_formatter(&|y| {
                if *y < data_min - 1e-9 {
                    String::new()
                } else {
                    whole(y)
                }
            })
            .label_style((FONT, 14))
            .axis_desc_style((FONT, 16))
            .draw()
            .map_err(|e| e.to_string())?;
        for (k, mark) in self.marks.iter().enumerate() {
            match mark.to {
                Some(to) => chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(mark.from, y_min), (to.min(x_max), y_max)],
                        mark.color.mix(0.15).filled(),
                    )))
                    .map(|_| ()),
                None => chart
                    .draw_series(std::iter::once(PathElement::new(
                        vec![(mark.from, y_min), (mark.from, y_max)],
                        mark.color.stroke_width(2),
                    )))
                    .map(|_| ()),
            }
            .map_err(|e| e.to_string())?;
            let y = data_min - band * (0.1 + 0.3 * (k % 3) as f64);
            chart
                .draw_series(std::iter::once(Text::new(
                    mark.label.clone(),
                    (mark.from + 0.004 * x_max, y),
                    (FONT, 13).into_font().color(&mark.color),
                )))
                .map_err(|e| e.to_string())?;
        }
        for (i, pts) in series {
            let color = colour(*i);
            for segment in segments(pts, self.steps) {
                chart
                    .draw_series(LineSeries::new(segment, color.stroke_width(2)))
                    .map_err(|e| e.to_string())?;
            }
        }
        draw_legend(&legend_area, self.labels, rows, column_px)?;
        root.present().map_err(|e| e.to_string())
    }
}

/// Rows per legend column, columns, and the width of a column (pixels) for `labels`.
fn legend_shape(labels: &[String]) -> (u32, u32, u32) {
    let rows = ((HEIGHT - 2 * LEGEND_TOP) / LEGEND_ROW).max(1);
    let n = labels.len().max(1) as u32;
    let columns = n.div_ceil(rows);
    let rows = n.div_ceil(columns);
    let chars = labels.iter().map(|l| l.len()).max().unwrap_or(0) as u32;
    (rows, columns, 34 + 8 * chars)
}

/// The legend: a framed box of `labels` in their machines' colours, column by column.
fn draw_legend(
    area: &DrawingArea<SVGBackend<'_>, Shift>,
    labels: &[String],
    rows: u32,
    column_px: u32,
) -> Result<(), String> {
    let columns = (labels.len() as u32).div_ceil(rows.max(1)).max(1);
    let (x0, y0) = (6i32, LEGEND_TOP as i32);
    let (w, h) = (
        (columns * column_px) as i32,
        (rows * LEGEND_ROW + 10) as i32,
    );
    area.draw(&Rectangle::new(
        [(x0, y0), (x0 + w, y0 + h)],
        WHITE.mix(0.85).filled(),
    ))
    .map_err(|e| e.to_string())?;
    area.draw(&Rectangle::new([(x0, y0), (x0 + w, y0 + h)], BLACK))
        .map_err(|e| e.to_string())?;
    for (i, label) in labels.iter().enumerate() {
        let (col, row) = (i as u32 / rows, i as u32 % rows);
        let x = x0 + 8 + (col * column_px) as i32;
        let y = y0 + 5 + (row * LEGEND_ROW + LEGEND_ROW / 2) as i32;
        let color = colour(i);
        area.draw(&PathElement::new(
            vec![(x, y), (x + 20, y)],
            color.stroke_width(4),
        ))
        .map_err(|e| e.to_string())?;
        area.draw(&Text::new(
            label.clone(),
            (x + 26, y - 7),
            (FONT, 13).into_font().color(&BLACK),
        ))
        .map_err(|e| e.to_string())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn series_break_where_a_machine_is_dead_and_counts_step() {
        let nan = f64::NAN;
        let pts = [(0.0, 0.0), (1.0, 1.0), (2.0, nan), (3.0, 2.0), (4.0, 2.0)];
        assert_eq!(
            segments(&pts, false),
            vec![vec![(0.0, 0.0), (1.0, 1.0)], vec![(3.0, 2.0), (4.0, 2.0)]]
        );
        assert_eq!(
            segments(&pts[..2], true),
            vec![vec![(0.0, 0.0), (1.0, 0.0), (1.0, 1.0)]]
        );
    }

    #[test]
    fn sixty_four_labels_fit_in_the_height() {
        let labels: Vec<String> = (0..64).map(|i| format!("m{i} r6")).collect();
        let (rows, columns, _) = legend_shape(&labels);
        assert!(rows * columns >= 64);
        assert!(rows * LEGEND_ROW + 10 + LEGEND_TOP <= HEIGHT);
    }
}
