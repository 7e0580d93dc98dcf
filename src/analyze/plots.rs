//! SVG plots (plotters, SVG backend only: no system fonts or libraries): clock, queue and drift
//! against system time for all machines, and a jump-size histogram per machine. Planned faults
//! are marked on the time plots: a shaded, labelled span per pause, delay or partition, and a
//! labelled vertical line per kill or restart.

use std::path::Path;

use plotters::coord::{CoordTranslate, Shift};
use plotters::prelude::*;

use super::analyzer::Analysis;
use super::error::AnalyzeError;
use super::summary::FaultSummary;
use crate::log_format::FaultKind;

const SIZE: (u32, u32) = (960, 540);
const FONT: &str = "sans-serif";
const PALETTE: [RGBColor; 8] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
];

type Series = (String, Vec<(f64, f64)>);

/// A fault drawn on a time plot: a span (`to` set) or an instant, in seconds since the start.
#[derive(Debug, Clone, PartialEq)]
pub struct Mark {
    pub from: f64,
    pub to: Option<f64>,
    pub label: String,
    color: RGBColor,
}

/// The marks of a run's fault records: a pause to its resume, a delay or partition from its
/// begin to its end (one span for both directions of a partition), kills and restarts as instants.
pub fn fault_marks(faults: &[FaultSummary], end_s: f64) -> Vec<Mark> {
    let mut marks: Vec<Mark> = Vec::new();
    // (kind, machines sorted) -> index of its open span in `marks`
    let mut open: Vec<((FaultKind, Vec<u32>), usize)> = Vec::new();
    for f in faults {
        let ids: Vec<String> = f.machines.iter().map(u32::to_string).collect();
        let (opens, kind, color, label) = match f.kind {
            FaultKind::Pause | FaultKind::Resume => (
                f.kind == FaultKind::Pause,
                FaultKind::Pause,
                RGBColor(110, 110, 110),
                format!("pause m{}", ids.join(",")),
            ),
            FaultKind::Delay => (
                f.detail.ends_with("begins"),
                FaultKind::Delay,
                RGBColor(230, 140, 0),
                format!("delay m{}", ids.join(">m")),
            ),
            FaultKind::Partition => (
                f.detail.ends_with("begins"),
                FaultKind::Partition,
                RGBColor(214, 39, 40),
                format!("partition m{}", ids.join("|m")),
            ),
            FaultKind::Kill | FaultKind::Restart => {
                marks.push(Mark {
                    from: f.at_s,
                    to: None,
                    label: format!("{} m{}", f.kind, ids.join(",")),
                    color: if f.kind == FaultKind::Kill {
                        BLACK
                    } else {
                        RGBColor(44, 160, 44)
                    },
                });
                continue;
            }
            FaultKind::Died => continue,
        };
        let mut machines = f.machines.clone();
        machines.sort_unstable();
        let key = (kind, machines);
        match (opens, open.iter().position(|(k, _)| *k == key)) {
            (true, None) => {
                open.push((key, marks.len()));
                marks.push(Mark {
                    from: f.at_s,
                    to: Some(end_s),
                    label,
                    color,
                });
            }
            (false, Some(k)) => {
                let (_, i) = open.remove(k);
                marks[i].to = Some(f.at_s);
            }
            _ => {}
        }
    }
    marks
}

/// Draw every plot of `analysis` into `dir`; returns `(title, file name)` per plot.
pub fn write_plots(dir: &Path, analysis: &Analysis) -> Result<Vec<(String, String)>, AnalyzeError> {
    let s = &analysis.summary;
    let n = s.machines.len();
    let label = |i: usize| {
        let m = &s.machines[i];
        format!("machine {} (rate {}/s)", m.id, m.rate)
    };
    let series = |k: usize| -> Vec<Series> {
        (0..n)
            .map(|i| (label(i), analysis.table.column(k * n + i)))
            .collect()
    };
    let end_s = analysis.table.times.last().copied().unwrap_or(0.0);
    let marks = fault_marks(&s.faults, end_s);
    let mut out = Vec::new();
    for (k, file, title, y) in [
        (
            0,
            "clock.svg",
            "Logical clock against system time",
            "logical clock (Lamport units)",
        ),
        (
            1,
            "queue.svg",
            "Queue length against system time",
            "queue length (messages)",
        ),
        (
            2,
            "drift.svg",
            "Drift against system time (clock minus highest clock)",
            "drift (Lamport units)",
        ),
    ] {
        let path = dir.join(file);
        line_chart(&path, title, y, &series(k), &marks).map_err(|message| AnalyzeError::Plot {
            path: path.clone(),
            message,
        })?;
        out.push((title.to_string(), file.to_string()));
    }
    for (i, m) in s.machines.iter().enumerate() {
        let file = format!("jumps-machine-{}.svg", m.id);
        let title = format!("Jump sizes, machine {} (rate {}/s)", m.id, m.rate);
        let path = dir.join(&file);
        histogram(
            &path,
            &title,
            &label(i),
            &m.jumps.histogram,
            PALETTE[i % PALETTE.len()],
        )
        .map_err(|message| AnalyzeError::Plot {
            path: path.clone(),
            message,
        })?;
        out.push((title, file));
    }
    Ok(out)
}

fn root(path: &Path) -> Result<DrawingArea<SVGBackend<'_>, Shift>, String> {
    let root = SVGBackend::new(path, SIZE).into_drawing_area();
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    Ok(root)
}

fn line_chart(
    path: &Path,
    title: &str,
    y_desc: &str,
    series: &[Series],
    marks: &[Mark],
) -> Result<(), String> {
    let root = root(path)?;
    let points = series.iter().flat_map(|(_, p)| p);
    let x_max = points.clone().map(|p| p.0).fold(0.0, f64::max).max(1e-3);
    let y_min = points.clone().map(|p| p.1).fold(0.0, f64::min);
    let y_max = points.map(|p| p.1).fold(0.0, f64::max);
    let pad = ((y_max - y_min) * 0.05).max(0.5);
    let (y_min, y_max) = (
        if y_min < 0.0 { y_min - pad } else { 0.0 },
        if y_max > 0.0 { y_max + pad } else { pad },
    );
    // Faults are labelled in a band under the data, clear of the lines and the legend.
    let data_min = y_min;
    let band = if marks.is_empty() {
        0.0
    } else {
        0.16 * (y_max - y_min)
    };
    let y_min = y_min - band;
    let mut chart = ChartBuilder::on(&root)
        .caption(title, (FONT, 24))
        .margin(20)
        .x_label_area_size(50)
        .y_label_area_size(80)
        .build_cartesian_2d(0.0..x_max, y_min..y_max)
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .x_desc("system time since run start (s)")
        .y_desc(y_desc)
        .y_label_formatter(&|y| {
            if *y < data_min - 1e-9 {
                String::new()
            } else if y.fract() == 0.0 {
                // Clocks, queues and drifts are whole numbers.
                format!("{y:.0}")
            } else {
                format!("{y:.1}")
            }
        })
        .label_style((FONT, 14))
        .axis_desc_style((FONT, 16))
        .draw()
        .map_err(|e| e.to_string())?;
    // Faults under the series, labels staggered in three rows in the band.
    for (k, mark) in marks.iter().enumerate() {
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
    for (i, (label, pts)) in series.iter().enumerate() {
        let color = PALETTE[i % PALETTE.len()];
        chart
            .draw_series(LineSeries::new(pts.iter().copied(), color.stroke_width(2)))
            .map_err(|e| e.to_string())?
            .label(label.as_str())
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 24, y)], color.stroke_width(3))
            });
    }
    legend(&mut chart, SeriesLabelPosition::UpperLeft)?;
    root.present().map_err(|e| e.to_string())
}

fn histogram(
    path: &Path,
    title: &str,
    label: &str,
    bins: &[[u64; 2]],
    color: RGBColor,
) -> Result<(), String> {
    let root = root(path)?;
    let max_size = bins.iter().map(|b| b[0]).max().unwrap_or(1).max(1);
    let top = bins.iter().map(|b| b[1]).max().unwrap_or(1).max(1) as f64;
    let mut chart = ChartBuilder::on(&root)
        .caption(title, (FONT, 24))
        .margin(20)
        .x_label_area_size(50)
        .y_label_area_size(80)
        .build_cartesian_2d(
            0.5f64..max_size as f64 + 0.5,
            (0.8f64..top * 2.0).log_scale(),
        )
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .x_desc("jump size (Lamport units)")
        .y_desc("number of jumps (log scale)")
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_label_formatter(&|y| format!("{y:.0}"))
        .label_style((FONT, 14))
        .axis_desc_style((FONT, 16))
        .draw()
        .map_err(|e| e.to_string())?;
    let half = 0.4f64.min(0.5 * (max_size as f64 / 400.0).max(0.4));
    chart
        .draw_series(bins.iter().map(|&[size, n]| {
            let x = size as f64;
            Rectangle::new([(x - half, 0.8), (x + half, n as f64)], color.filled())
        }))
        .map_err(|e| e.to_string())?
        .label(label)
        .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 16, y + 6)], color.filled()));
    legend(&mut chart, SeriesLabelPosition::UpperRight)?;
    root.present().map_err(|e| e.to_string())
}

/// Draw the legend of a chart's labelled series, in the house style.
fn legend<'a, DB: DrawingBackend + 'a, CT: CoordTranslate>(
    chart: &mut ChartContext<'a, DB, CT>,
    position: SeriesLabelPosition,
) -> Result<(), String> {
    chart
        .configure_series_labels()
        .position(position)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .label_font((FONT, 15))
        .draw()
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(at_s: f64, kind: &str, machines: &[u32], detail: &str) -> FaultSummary {
        FaultSummary {
            at_s,
            kind: kind.parse().unwrap(),
            machines: machines.to_vec(),
            detail: detail.into(),
        }
    }

    #[test]
    fn fault_records_pair_into_spans_and_instants() {
        let marks = fault_marks(
            &[
                f(1.0, "pause", &[2], "machine 2 paused"),
                f(2.0, "resume", &[2], "machine 2 resumed"),
                f(3.0, "partition", &[0, 2], "machine 0: partition begins"),
                f(3.0, "partition", &[2, 0], "machine 2: partition begins"),
                f(4.0, "partition", &[0, 2], "machine 0: partition heals"),
                f(4.0, "partition", &[2, 0], "machine 2: partition heals"),
                f(5.0, "delay", &[0, 1], "machine 0: delay begins"),
                f(6.0, "kill", &[1], "machine 1 killed"),
            ],
            9.0,
        );
        let got: Vec<(f64, Option<f64>, &str)> = marks
            .iter()
            .map(|m| (m.from, m.to, m.label.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                (1.0, Some(2.0), "pause m2"),
                (3.0, Some(4.0), "partition m0|m2"),
                // never ended: runs to the end of the plot
                (5.0, Some(9.0), "delay m0>m1"),
                (6.0, None, "kill m1"),
            ]
        );
    }
}
