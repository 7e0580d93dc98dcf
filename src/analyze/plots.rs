//! SVG plots (plotters, SVG backend only: no system fonts or libraries): clock, queue and drift
//! against system time for all machines, and a jump-size histogram per machine.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::analyzer::Analysis;
use super::error::AnalyzeError;

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
        line_chart(&path, title, y, &series(k)).map_err(|message| AnalyzeError::Plot {
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

fn line_chart(path: &Path, title: &str, y_desc: &str, series: &[Series]) -> Result<(), String> {
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
        .label_style((FONT, 14))
        .axis_desc_style((FONT, 16))
        .draw()
        .map_err(|e| e.to_string())?;
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
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .label_font((FONT, 15))
        .draw()
        .map_err(|e| e.to_string())?;
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
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .label_font((FONT, 15))
        .draw()
        .map_err(|e| e.to_string())?;
    root.present().map_err(|e| e.to_string())
}
