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

use crate::timeline::rate_text;
use std::path::Path;

use plotters::prelude::*;

use super::canvas::{colour, count_labels, dash, header, root, whole, FONT, HEADER};
use super::clock_plots;
use super::histogram::{Bins, Histogram, Scale};
use super::legend::{draw_legend, legend_shape, Swatch};
use super::marks::{fault_marks, Mark};
use super::title::run_title;
use crate::analyze::error::{write_output, AnalyzeError, DrawError};
use crate::analyze::run::analyzer::Analysis;
use crate::manifest::Engine;

/// Height of every plot; the width is the plot's plus its legend's.
const HEIGHT: u32 = 600;
const PLOT_WIDTH: u32 = 800;

/// One machine's line: its manifest index (its colour) and `(model s, value)` points.
type Series = (usize, Vec<(f64, f64)>);

/// Draw every plot of `analysis` into `dir`; returns `(title, file name)` per plot.
pub(crate) fn write_plots(
    dir: &Path,
    analysis: &Analysis,
) -> Result<Vec<(String, String)>, AnalyzeError> {
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
    let marks = fault_marks(&s.faults, end_real * speedup);
    let labels: Vec<String> = s
        .machines
        .iter()
        .map(|m| {
            if n <= 10 {
                format!("machine {} ({})", m.id, rate_text(m.rate))
            } else {
                let rate = m.rate.map_or("?".to_owned(), |r| r.to_string());
                format!("m{} r{rate}", m.id)
            }
        })
        .collect();
    // The manifest again, through the one reader: the engine and rates are not in the summary.
    let manifest = crate::runlog::open_run(dir)?.manifest;
    let run = run_title(&manifest, Some(end_real)).line();
    let when = match manifest.engine {
        Engine::Real => format!("speedup {speedup}: {end_real:.1} real s"),
        Engine::Sim => "twin, ideal time".to_owned(),
        Engine::Imported => format!("imported: {end_real:.1} s of the logs' own timestamps"),
    };
    let mut out = Vec::new();
    let mut write = |file: &str, title: String, svg: Result<String, DrawError>| {
        let path = dir.join(file);
        let svg = svg.map_err(|source| AnalyzeError::Plot {
            path: path.clone(),
            source,
        })?;
        write_output(&path, svg.as_bytes())?;
        out.push((title, file.to_owned()));
        Ok::<(), AnalyzeError>(())
    };
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
        let title = format!("{what} against model time ({when})");
        let chart = Chart {
            title: &title,
            subtitle: &run,
            y_desc: y,
            steps,
            marks: &marks,
            labels: &labels,
        };
        let mut svg = String::new();
        let drawn = chart.draw(&mut svg, &series(k)).map(|()| svg);
        write(file, title, drawn)?;
    }
    let bins: Vec<Bins<'_>> = s
        .machines
        .iter()
        .enumerate()
        .map(|(i, m)| (i, m.jumps.histogram.as_slice()))
        .collect();
    // One scale for every machine's figure (the grouped figure's), another for the stacked.
    let each = Scale::of(&bins, false);
    let title = "Jump sizes of all machines".to_owned();
    let mut svg = String::new();
    let drawn = Histogram {
        title: &title,
        subtitle: &run,
        machines: &bins,
        labels: &labels,
        scale: Scale::of(&bins, Histogram::stacked(n)),
    }
    .draw(&mut svg)
    .map(|()| svg);
    write("jumps.svg", title, drawn)?;
    for (m, one) in s.machines.iter().zip(bins.chunks(1)) {
        let title = format!("Jump sizes, machine {} ({})", m.id, rate_text(m.rate));
        let mut svg = String::new();
        let drawn = Histogram {
            title: &title,
            subtitle: &run,
            machines: one,
            labels: &labels,
            scale: each,
        }
        .draw(&mut svg)
        .map(|()| svg);
        write(&format!("jumps-machine-{}.svg", m.id), title, drawn)?;
    }
    // The physical and hybrid clocks, for runs that carry them.
    if let Some(series) = s
        .clocks
        .as_ref()
        .map(|c| &c.series)
        .filter(|c| !c.is_empty())
    {
        for (file, title, y_desc, lines) in clock_plots::time_plots(series, n, &when) {
            let chart = Chart {
                title: &title,
                subtitle: &run,
                y_desc,
                steps: false,
                marks: &marks,
                labels: &labels,
            };
            let mut svg = String::new();
            let drawn = chart.draw(&mut svg, &lines).map(|()| svg);
            write(file, title, drawn)?;
        }
        let title = "Distribution of the hybrid clock's c, all events".to_owned();
        let drawn = clock_plots::c_histogram(&title, &run, &series.c_histogram());
        write("hlc-c.svg", title, drawn)?;
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
    /// The line naming the run.
    subtitle: &'a str,
    y_desc: &'a str,
    /// Draw as steps (counts that hold between samples).
    steps: bool,
    marks: &'a [Mark],
    labels: &'a [String],
}

impl Chart<'_> {
    fn draw(&self, svg: &mut String, series: &[Series]) -> Result<(), DrawError> {
        let (rows, columns, column_px) = legend_shape(self.labels, HEIGHT - HEADER);
        let legend_px = columns * column_px + 20;
        let root = root(svg, (PLOT_WIDTH + legend_px, HEIGHT))?;
        let body = header(&root, self.title, self.subtitle)?;
        let (plot, legend_area) = body.split_horizontally(PLOT_WIDTH);
        let points = series.iter().flat_map(|(_, p)| p).filter(|p| !p.1.is_nan());
        let x_max = points.clone().map(|p| p.0).fold(0.0, f64::max).max(1e-3);
        let lowest = points.clone().map(|p| p.1).fold(0.0, f64::min);
        let highest = points.map(|p| p.1).fold(0.0, f64::max);
        // Padded on both sides, so a line along 0 (an all-zero drift) is not hidden in the axis.
        let pad = ((highest - lowest) * 0.05).max(0.5);
        let (y_min, y_max) = (lowest - pad, highest.max(0.5) + pad);
        // No tick below the data's own range (no -1 on a clock axis).
        let data_min = if lowest >= 0.0 { 0.0 } else { y_min };
        // Faults are labelled in a band under the data, clear of the lines.
        let band = if self.marks.is_empty() {
            0.0
        } else {
            0.16 * (y_max - y_min)
        };
        let label_y = y_min;
        let y_min = y_min - band;
        let mut chart = ChartBuilder::on(&plot)
            .margin(20)
            .x_label_area_size(50)
            .y_label_area_size(80)
            .build_cartesian_2d(0.0..x_max, y_min..y_max)?;
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
            .draw()?;
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
            }?;
            let y = label_y - band * (0.1 + 0.3 * (k % 3) as f64);
            chart.draw_series(std::iter::once(Text::new(
                mark.label.clone(),
                (mark.from + 0.004 * x_max, y),
                (FONT, 13).into_font().color(&mark.color),
            )))?;
        }
        // Dashes are measured in pixels: from data to pixels and back, linearly on both axes.
        let (a, b) = (
            chart.backend_coord(&(0.0, y_min)),
            chart.backend_coord(&(x_max, y_max)),
        );
        let (sx, sy) = (
            f64::from(b.0 - a.0) / x_max,
            f64::from(b.1 - a.1) / (y_max - y_min),
        );
        let to_px =
            |&(x, y): &(f64, f64)| (f64::from(a.0) + x * sx, f64::from(a.1) + (y - y_min) * sy);
        let to_data = |(px, py): (f64, f64)| {
            (
                (px - f64::from(a.0)) / sx,
                y_min + (py - f64::from(a.1)) / sy,
            )
        };
        for (i, pts) in series {
            let color = colour(*i);
            for segment in segments(pts, self.steps) {
                let px: Vec<(f64, f64)> = segment.iter().map(to_px).collect();
                for piece in dash(*i).cut(&px) {
                    let piece = piece.into_iter().map(to_data);
                    chart.draw_series(LineSeries::new(piece, color.stroke_width(2)))?;
                }
            }
        }
        draw_legend(&legend_area, self.labels, (rows, column_px), Swatch::Line)?;
        Ok(root.present()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::plots::legend::{LEGEND_ROW, LEGEND_TOP};

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
        let (rows, columns, _) = legend_shape(&labels, HEIGHT - HEADER);
        assert!(rows * columns >= 64);
        assert!(rows * LEGEND_ROW + 10 + LEGEND_TOP <= HEIGHT - HEADER);
    }
}
