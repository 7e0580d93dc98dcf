//! The physical and hybrid clocks' plots, for runs whose logs carry them (format 6): each
//! machine's physical clock error (`pt_us` minus the true model time of its tick) over model time,
//! where a synchronisation is a step; `l - pt_us` over model time (how far the hybrid clock runs
//! ahead of the machine's own physical clock); and the distribution of `c` over all events, on a
//! logarithmic count axis (most events have `c = 0`, the few higher counts would vanish).

use plotters::prelude::*;

use super::canvas::{header, root, FONT};
use crate::analyze::error::DrawError;
use crate::analyze::run::clock_series::ClockSeries;

const SIZE: (u32, u32) = (960, 600);

/// One machine's line: its manifest index and `(model s, model µs)` points; the time plots are
/// drawn by [`super::figures`]' chart, as the clock, queue and drift plots are.
type Series = (usize, Vec<(f64, f64)>);

/// The two time plots' series: `(physical clock error, l - pt)` per machine, model seconds
/// against model microseconds.
pub(super) fn clock_series(series: &ClockSeries, machines: usize) -> (Vec<Series>, Vec<Series>) {
    let mut error = Vec::new();
    let mut ahead = Vec::new();
    for i in 0..machines {
        let pts = series.machine(i);
        error.push((
            i,
            pts.iter().map(|p| (p.0 as f64 / 1e6, p.1 as f64)).collect(),
        ));
        ahead.push((
            i,
            pts.iter().map(|p| (p.0 as f64 / 1e6, p.2 as f64)).collect(),
        ));
    }
    (error, ahead)
}

/// The two time plots: `(file, title, y axis, series)`.
pub(super) fn time_plots(
    series: &ClockSeries,
    machines: usize,
    when: &str,
) -> [(&'static str, String, &'static str, Vec<Series>); 2] {
    let (error, ahead) = clock_series(series, machines);
    [
        (
            "physical-clock-error.svg",
            format!("Physical clock error (pt_us - true model time) against model time ({when})"),
            "physical clock error (model µs)",
            error,
        ),
        (
            "hlc-l-minus-pt.svg",
            format!("Hybrid clock ahead of the physical clock (l - pt_us) ({when})"),
            "l - pt_us (model µs)",
            ahead,
        ),
    ]
}

/// The distribution of `c`: `[c, events]` bars on a log count axis.
pub(super) fn c_histogram(
    title: &str,
    subtitle: &str,
    bins: &[[u64; 2]],
) -> Result<String, DrawError> {
    let mut svg = String::new();
    {
        let root = root(&mut svg, SIZE)?;
        let body = header(&root, title, subtitle)?;
        let max_c = bins.iter().map(|b| b[0]).max().unwrap_or(0) as f64;
        let top = bins.iter().map(|b| b[1]).max().unwrap_or(1).max(1) as f64 * 2.0;
        let mut chart = ChartBuilder::on(&body)
            .margin(20)
            .x_label_area_size(60)
            .y_label_area_size(90)
            .build_cartesian_2d(-0.5..max_c + 0.5, (0.5..top).log_scale())?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(((max_c as usize) + 1).clamp(2, 16))
            .x_label_formatter(&|x| {
                if x.fract().abs() < 1e-9 && *x >= 0.0 {
                    format!("{x:.0}")
                } else {
                    String::new()
                }
            })
            .y_label_formatter(&|y| format!("{y:.0}"))
            .x_desc("c (events since l last advanced)")
            .y_desc("events, all machines (log scale)")
            .label_style((FONT, 14))
            .axis_desc_style((FONT, 16))
            .draw()?;
        chart.draw_series(bins.iter().map(|&[c, n]| {
            let x = c as f64;
            Rectangle::new(
                [(x - 0.4, 0.5), (x + 0.4, n as f64)],
                RGBColor(60, 110, 170).filled(),
            )
        }))?;
        root.present()?;
    }
    Ok(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_time_plots_give_each_machine_its_error_and_lead_in_model_units() {
        let mut s = ClockSeries::default();
        s.push(0, (2_000_000, 30_000, 0), 0);
        s.push(1, (1_000_000, -5_000, 35_000), 2);
        let (error, ahead) = clock_series(&s, 2);
        assert_eq!(error[0], (0, vec![(2.0, 30_000.0)]));
        assert_eq!(error[1], (1, vec![(1.0, -5_000.0)]));
        assert_eq!(ahead[1], (1, vec![(1.0, 35_000.0)]));
    }

    #[test]
    fn the_c_histogram_draws_one_bar_per_value() {
        let svg = c_histogram("c", "run", &[[0, 900], [1, 80], [3, 2]]).unwrap();
        assert!(svg.contains("events, all machines (log scale)"));
        // Three bars (filled rectangles in the bars' colour).
        assert_eq!(svg.matches("fill=\"#3C6EAA\"").count(), 3, "{svg}");
    }
}
