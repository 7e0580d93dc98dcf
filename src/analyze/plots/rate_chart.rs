//! Figures of means with error bars against a numeric x (a rate, a relative rate, a swept
//! value): panels in rows, every panel of a row on the same y scale, so two groups drawn side
//! by side compare by eye. Each series has its colour and its marker shape (circle, square,
//! triangle, diamond, cross, and the hollow of each), and the series of one x are spread a few
//! pixels apart, so series that coincide stay visible. Used by the batch aggregate
//! (`aggregate.svg`) and by `compare` (`compare.svg`).

use plotters::coord::Shift;
use plotters::prelude::*;

use super::canvas::{colour, root, FONT};
use crate::analyze::error::DrawError;

/// One mean: where on x, its value, and its error bar (`[low, high]`, absent for n = 1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Point {
    pub x: f64,
    pub mean: f64,
    pub bar: Option<[f64; 2]>,
}

/// The points of one group, joined by a line in x order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Series {
    pub label: String,
    pub points: Vec<Point>,
}

/// One plot of a figure: its series against x.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Panel {
    pub title: String,
    pub x_desc: String,
    pub y_desc: String,
    /// Text tick labels at whole x positions (swept values that are not numbers); `None` for a
    /// numeric axis.
    pub x_names: Option<Vec<String>>,
    pub series: Vec<Series>,
}

/// A figure: a title, a subtitle (what ran: scenarios, seeds, engine), and rows of panels.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Figure {
    pub title: String,
    pub subtitle: String,
    pub rows: Vec<Row>,
}

/// Panels on one y scale, with the same series in each, in the same order (colour and shape
/// follow the order), named once in the row's legend.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Row {
    pub panels: Vec<Panel>,
    pub legend: Vec<String>,
}

const PANEL_W: u32 = 460;
const PANEL_H: u32 = 300;
const HEADER_H: u32 = 64;
const LEGEND_ROW: u32 = 20;
/// Marker shapes before they repeat (hollow after filled).
const SHAPES: usize = 5;

/// The SVG text of `figure`.
pub(crate) fn svg(figure: &Figure) -> Result<String, DrawError> {
    let mut out = String::new();
    draw(&mut out, figure)?;
    Ok(out)
}

fn draw(out: &mut String, figure: &Figure) -> Result<(), DrawError> {
    let columns = figure
        .rows
        .iter()
        .map(|r| r.panels.len())
        .max()
        .unwrap_or(1)
        .max(1) as u32;
    let rows = figure.rows.len().max(1) as u32;
    let legends = figure.rows.iter().flat_map(|r| &r.legend);
    let chars = legends.map(|l| l.len()).max().unwrap_or(0) as u32;
    let legend_w = (50 + 7 * chars).clamp(120, 360);
    let height = HEADER_H + rows * PANEL_H;
    let root = root(out, (columns * PANEL_W + legend_w, height))?;
    root.draw(&Text::new(
        figure.title.clone(),
        (16, 10),
        (FONT, 20).into_font().color(&BLACK),
    ))?;
    root.draw(&Text::new(
        figure.subtitle.clone(),
        (16, 36),
        (FONT, 14).into_font().color(&RGBColor(70, 70, 70)),
    ))?;
    let (body, _) = root.split_horizontally(columns * PANEL_W);
    let body = body.margin(HEADER_H as i32, 0, 0, 0);
    let cells = body.split_evenly((rows as usize, columns as usize));
    for (r, row) in figure.rows.iter().enumerate() {
        let y = y_range(&row.panels);
        for (c, panel) in row.panels.iter().enumerate() {
            draw_panel(&root, &cells[r * columns as usize + c], panel, y)?;
        }
        let top = (HEADER_H + r as u32 * PANEL_H) as i32 + 40;
        draw_legend(&root, ((columns * PANEL_W) as i32, top), &row.legend)?;
    }
    Ok(root.present()?)
}

/// The y range of a row: every mean, and 0 for a figure that never changes sign (jumps and
/// queues are at least 0, drift at most 0), padded by 8%; a bar may reach beyond the means by
/// at most half their span (or 1) on each side, so one wide interval of two runs does not
/// squash every other point flat: the rest of such a bar is cut at the frame.
fn y_range(panels: &[Panel]) -> (f64, f64) {
    let points = || {
        panels
            .iter()
            .flat_map(|p| &p.series)
            .flat_map(|s| &s.points)
    };
    let means = points().map(|p| p.mean);
    let (lo, hi) = (
        means.clone().fold(f64::INFINITY, f64::min),
        means.fold(f64::NEG_INFINITY, f64::max),
    );
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    let reach = ((hi - lo) * 0.5).max(1.0);
    let (mut y_lo, mut y_hi) = (lo, hi);
    for p in points() {
        if let Some([a, b]) = p.bar {
            y_lo = y_lo.min(a.max(lo - reach));
            y_hi = y_hi.max(b.min(hi + reach));
        }
    }
    if lo >= 0.0 {
        y_lo = 0.0;
    }
    if hi <= 0.0 {
        y_hi = 0.0;
    }
    if y_hi - y_lo < 1e-9 {
        // An all-zero figure is drawn on a visible axis, its line off the frame.
        return (y_lo - 0.5, y_hi + 1.0);
    }
    let pad = 0.08 * (y_hi - y_lo);
    (if y_lo < 0.0 { y_lo - pad } else { y_lo }, y_hi + pad)
}

/// The x range of `panel`: its points' x, padded so the end markers stay inside.
fn x_range(panel: &Panel) -> (f64, f64) {
    if let Some(names) = &panel.x_names {
        return (-0.5, names.len() as f64 - 0.5);
    }
    let xs = panel.series.iter().flat_map(|s| &s.points).map(|p| p.x);
    let lo = xs.clone().fold(f64::INFINITY, f64::min);
    let hi = xs.fold(f64::NEG_INFINITY, f64::max);
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    let pad = ((hi - lo) * 0.1).max(hi.abs().max(1.0) * 0.1);
    (
        (lo - pad).min(if lo >= 0.0 { 0.0 } else { lo - pad }),
        hi + pad,
    )
}

/// The x tick label of `x`: a name, or a number with as few decimals as it needs.
fn x_label(panel: &Panel, x: f64) -> String {
    match &panel.x_names {
        Some(names) if (x - x.round()).abs() < 1e-9 && x >= 0.0 => {
            names.get(x.round() as usize).cloned().unwrap_or_default()
        }
        Some(_) => String::new(),
        None => trimmed(x),
    }
}

/// A tick value with at most two decimals and no trailing zeros (`0.5`, `3`, `150`).
fn trimmed(x: f64) -> String {
    let s = format!("{x:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.into()
    }
}

fn draw_panel(
    root: &DrawingArea<SVGBackend<'_>, Shift>,
    area: &DrawingArea<SVGBackend<'_>, Shift>,
    panel: &Panel,
    (y_lo, y_hi): (f64, f64),
) -> Result<(), DrawError> {
    let (x_lo, x_hi) = x_range(panel);
    let mut chart = ChartBuilder::on(area)
        .caption(&panel.title, (FONT, 15))
        .margin(10)
        .x_label_area_size(42)
        .y_label_area_size(58)
        .build_cartesian_2d(x_lo..x_hi, y_lo..y_hi)?;
    let x_labels = panel.x_names.as_ref().map_or(8, |n| n.len() + 1);
    chart
        .configure_mesh()
        .x_desc(&panel.x_desc)
        .y_desc(&panel.y_desc)
        .x_labels(x_labels)
        .x_label_formatter(&|x| x_label(panel, *x))
        .y_label_formatter(&|y| trimmed(*y))
        .light_line_style(TRANSPARENT)
        .label_style((FONT, 12))
        .axis_desc_style((FONT, 13))
        .draw()?;
    // Series a few pixels apart at one x: about 1.2% of the axis per series.
    let n = panel.series.len();
    let dodge = (x_hi - x_lo) * 0.012;
    for (k, series) in panel.series.iter().enumerate() {
        let shift = (k as f64 - (n as f64 - 1.0) / 2.0) * dodge;
        let color = colour(k);
        let mut points = series.points.clone();
        points.sort_by(|a, b| a.x.total_cmp(&b.x));
        let line: Vec<(f64, f64)> = points.iter().map(|p| (p.x + shift, p.mean)).collect();
        if line.len() > 1 {
            chart.draw_series(std::iter::once(PathElement::new(
                line,
                color.mix(0.7).stroke_width(1),
            )))?;
        }
        for p in &points {
            let x = p.x + shift;
            if let Some([lo, hi]) = p.bar {
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(x, lo), (x, hi)],
                    color.stroke_width(2),
                )))?;
            }
            draw_marker(root, chart.backend_coord(&(x, p.mean)), k)?;
        }
    }
    Ok(())
}

/// The marker of series `k` at pixel `at` of `root`: its shape (circle, square, triangle,
/// diamond, plus), filled for the first round of shapes and hollow for the next.
fn draw_marker(
    root: &DrawingArea<SVGBackend<'_>, Shift>,
    (x, y): (i32, i32),
    k: usize,
) -> Result<(), DrawError> {
    let color = colour(k);
    let filled = (k / SHAPES).is_multiple_of(2);
    let style = if filled {
        color.filled()
    } else {
        color.stroke_width(2)
    };
    let outline: &[(i32, i32)] = match k % SHAPES {
        0 => {
            root.draw(&Circle::new((x, y), 5, style))?;
            return Ok(());
        }
        1 => &[(-5, -5), (5, -5), (5, 5), (-5, 5)],
        2 => &[(0, -7), (6, 5), (-6, 5)],
        3 => &[(0, -7), (6, 0), (0, 7), (-6, 0)],
        _ => &[
            (-2, -6),
            (2, -6),
            (2, -2),
            (6, -2),
            (6, 2),
            (2, 2),
            (2, 6),
            (-2, 6),
            (-2, 2),
            (-6, 2),
            (-6, -2),
            (-2, -2),
        ],
    };
    let mut points: Vec<(i32, i32)> = outline.iter().map(|(dx, dy)| (x + dx, y + dy)).collect();
    if filled {
        root.draw(&Polygon::new(points, style))?;
    } else {
        points.push(points[0]);
        root.draw(&PathElement::new(points, style))?;
    }
    Ok(())
}

/// A legend: each series' marker and label, one per line, from pixel `(x0, top)`.
fn draw_legend(
    root: &DrawingArea<SVGBackend<'_>, Shift>,
    (x0, top): (i32, i32),
    labels: &[String],
) -> Result<(), DrawError> {
    for (k, label) in labels.iter().enumerate() {
        let y = top + (k as u32 * LEGEND_ROW) as i32;
        draw_marker(root, (x0 + 16, y), k)?;
        root.draw(&Text::new(
            label.clone(),
            (x0 + 30, y - 7),
            (FONT, 13).into_font().color(&BLACK),
        ))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn panel(points: &[(f64, f64, Option<[f64; 2]>)]) -> Panel {
        Panel {
            title: "t".into(),
            x_desc: "x".into(),
            y_desc: "y".into(),
            x_names: None,
            series: vec![Series {
                label: "a".into(),
                points: points
                    .iter()
                    .map(|&(x, mean, bar)| Point { x, mean, bar })
                    .collect(),
            }],
        }
    }

    #[test]
    fn a_row_shares_one_y_range_that_holds_every_bar_and_zero() {
        let a = panel(&[(1.0, 2.0, Some([1.0, 3.0]))]);
        let b = panel(&[(6.0, 10.0, Some([8.0, 12.0]))]);
        let (lo, hi) = y_range(&[a, b]);
        assert_eq!(lo, 0.0);
        assert!((12.0..13.0).contains(&hi), "{hi}");
        let (lo, hi) = y_range(&[panel(&[(1.0, -4.0, Some([-5.0, -3.0]))])]);
        assert!(lo < -5.0 && hi > 0.0 && hi < 0.5, "{lo}..{hi}");
        // A wide interval of two runs reaches half the means' span beyond them, no more.
        let wide = panel(&[(1.0, 2.0, Some([-100.0, 104.0])), (2.0, 6.0, None)]);
        let (lo, hi) = y_range(&[wide]);
        assert_eq!(lo, 0.0);
        assert!((hi - 8.0 * 1.08).abs() < 1e-9, "{hi}");
    }

    #[test]
    fn x_is_numeric_rates_at_their_values() {
        let p = panel(&[(1.0, 0.0, None), (2.0, 0.0, None), (6.0, 0.0, None)]);
        let (lo, hi) = x_range(&p);
        assert!(lo <= 0.0 && hi > 6.0 && hi < 7.0, "{lo}..{hi}");
        assert_eq!(x_label(&p, 0.5), "0.5");
        assert_eq!(x_label(&p, 3.0), "3");
    }

    #[test]
    fn a_figure_draws_its_titles_and_every_series() {
        let mut p = panel(&[(1.0, 2.0, Some([1.0, 3.0])), (3.0, 1.0, None)]);
        p.series.push(Series {
            label: "b".into(),
            points: vec![Point {
                x: 1.0,
                mean: 2.0,
                bar: None,
            }],
        });
        let svg = svg(&Figure {
            title: "jump mean against rate".into(),
            subtitle: "default, seeds 1-5, ideal time".into(),
            rows: vec![Row {
                panels: vec![p.clone(), p],
                legend: vec!["a".into(), "b".into()],
            }],
        })
        .unwrap();
        assert!(svg.contains("jump mean against rate"));
        assert!(svg.contains("ideal time"));
        assert!(svg.contains("<circle"), "series 0 is circles");
        assert!(svg.contains("<polygon"), "series 1 is squares");
    }
}
