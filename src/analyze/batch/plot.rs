//! `aggregate.svg`: the headline metric of a batch against the swept value (or against the rate
//! for a batch of repeats), one line per configured rate, with ±sd bars where n > 1.

use std::fmt::Write as _;

use super::aggregate::{Aggregate, Group, HEADLINE};

const W: f64 = 720.0;
const H: f64 = 440.0;
const LEFT: f64 = 70.0;
const RIGHT: f64 = 150.0;
const TOP: f64 = 50.0;
const BOTTOM: f64 = 60.0;

/// Colour of the `k`-th line: the shared palette's, distinct for up to 64 lines (the legend
/// names each).
fn colour(k: usize) -> String {
    crate::palette::hex(k)
}

/// The SVG text of the batch plot.
pub(crate) fn svg(agg: &Aggregate) -> String {
    let xs = x_values(agg);
    let scale = Scale::fit(agg, xs.len());
    let x_name = agg
        .swept_key
        .as_deref()
        .unwrap_or("configured rate (ticks/s)");
    let mut out = String::new();
    write_title(&mut out, agg, x_name);
    write_axes(&mut out, &scale, &xs, agg.metrics[HEADLINE], x_name);
    let mut rates: Vec<u32> = agg.groups.iter().map(|g| g.rate).collect();
    rates.sort_unstable();
    rates.dedup();
    for (c, &rate) in rates.iter().enumerate() {
        write_series(&mut out, agg, &scale, &xs, c, rate);
    }
    out.push_str("</svg>\n");
    out
}

/// The x positions: the swept values in their (sorted) order, evenly spaced and labelled; for a
/// batch of repeats, the rates.
fn x_values(agg: &Aggregate) -> Vec<String> {
    let mut xs: Vec<String> = Vec::new();
    for g in &agg.groups {
        let x = x_label(agg, g);
        if !xs.contains(&x) {
            xs.push(x);
        }
    }
    xs
}

/// The plot area's mapping from x position and metric value to SVG coordinates.
struct Scale {
    /// The y axis: from `lo` to `hi` in `ticks` steps of `step`.
    lo: f64,
    hi: f64,
    step: f64,
    ticks: usize,
    /// How many x positions.
    n_x: usize,
}

impl Scale {
    /// The y axis that holds every mean ± sd and 0, rounded to whole steps.
    fn fit(agg: &Aggregate, n_x: usize) -> Scale {
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for g in &agg.groups {
            let s = g.values[HEADLINE];
            let sd = s.sd.unwrap_or(0.0);
            lo = lo.min(s.mean - sd);
            hi = hi.max(s.mean + sd);
        }
        if !lo.is_finite() {
            (lo, hi) = (0.0, 1.0);
        }
        lo = lo.min(0.0);
        if hi <= lo {
            hi = lo + 1.0;
        }
        // Round the axis to a whole number of 1, 2 or 5 x 10^k steps, so the ticks read plainly.
        let step = nice_step((hi - lo) / 5.0);
        lo = (lo / step).floor() * step;
        hi = (hi / step).ceil() * step;
        let ticks = ((hi - lo) / step).round() as usize;
        Scale {
            lo,
            hi,
            step,
            ticks,
            n_x,
        }
    }

    /// Width of the plot area.
    fn pw() -> f64 {
        W - LEFT - RIGHT
    }

    /// Height of the plot area.
    fn ph() -> f64 {
        H - TOP - BOTTOM
    }

    /// The x coordinate of the `k`-th x position.
    fn px(&self, k: usize) -> f64 {
        LEFT + Scale::pw() * (k as f64 + 0.5) / self.n_x.max(1) as f64
    }

    /// The y coordinate of the value `v`.
    fn py(&self, v: f64) -> f64 {
        TOP + Scale::ph() * (1.0 - (v - self.lo) / (self.hi - self.lo))
    }
}

/// The SVG header, the white background and the title.
fn write_title(out: &mut String, agg: &Aggregate, x_name: &str) {
    let metric = agg.metrics[HEADLINE];
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}" font-family="sans-serif" font-size="12">"#
    );
    let _ = writeln!(out, r#"<rect width="{W}" height="{H}" fill="white"/>"#);
    let _ = writeln!(
        out,
        r#"<text x="{}" y="24" text-anchor="middle" font-size="15">{metric} by {x_name} ({} runs; mean ± sd over n machines)</text>"#,
        W / 2.0,
        agg.runs
    );
}

/// The axes, the y ticks with grid lines, the x labels and both axis names.
fn write_axes(out: &mut String, scale: &Scale, xs: &[String], metric: &str, x_name: &str) {
    let (pw, ph) = (Scale::pw(), Scale::ph());
    let _ = writeln!(
        out,
        r#"<path d="M{LEFT},{TOP} V{} H{}" fill="none" stroke="black"/>"#,
        TOP + ph,
        LEFT + pw
    );
    let decimals = if scale.step >= 1.0 {
        0
    } else {
        (-scale.step.log10().floor()) as usize
    };
    for t in 0..=scale.ticks {
        let v = scale.lo + scale.step * t as f64;
        let y = scale.py(v);
        let _ = writeln!(
            out,
            r##"<line x1="{LEFT}" x2="{}" y1="{y:.1}" y2="{y:.1}" stroke="#ddd"/><text x="{}" y="{:.1}" text-anchor="end">{v:.decimals$}</text>"##,
            LEFT + pw,
            LEFT - 6.0,
            y + 4.0
        );
    }
    for (k, x) in xs.iter().enumerate() {
        let _ = writeln!(
            out,
            r#"<text x="{:.1}" y="{}" text-anchor="middle">{x}</text>"#,
            scale.px(k),
            TOP + ph + 18.0
        );
    }
    let _ = writeln!(
        out,
        r#"<text x="{}" y="{}" text-anchor="middle">{x_name}</text>"#,
        LEFT + pw / 2.0,
        H - 14.0
    );
    let _ = writeln!(
        out,
        r#"<text transform="translate(18,{}) rotate(-90)" text-anchor="middle">{metric}</text>"#,
        TOP + ph / 2.0
    );
}

/// The `c`-th series, of the groups at `rate`: a line through the means (if more than one),
/// a point with ±sd bar per group, and its legend entry.
fn write_series(
    out: &mut String,
    agg: &Aggregate,
    scale: &Scale,
    xs: &[String],
    c: usize,
    rate: u32,
) {
    let colour = colour(c);
    let points: Vec<(f64, &Group)> = agg
        .groups
        .iter()
        .filter(|g| g.rate == rate)
        .map(|g| {
            let k = xs
                .iter()
                .position(|x| *x == x_label(agg, g))
                .expect("listed");
            (scale.px(k), g)
        })
        .collect();
    if points.len() > 1 {
        let d: Vec<String> = points
            .iter()
            .map(|(x, g)| format!("{x:.1},{:.1}", scale.py(g.values[HEADLINE].mean)))
            .collect();
        let _ = writeln!(
            out,
            r#"<polyline class="series" data-rate="{rate}" points="{}" fill="none" stroke="{colour}" stroke-width="2"/>"#,
            d.join(" ")
        );
    }
    for (x, g) in &points {
        write_point(out, agg, scale, *x, g, &colour);
    }
    let ly = TOP + 10.0 + 18.0 * c as f64;
    let lx = LEFT + Scale::pw() + 16.0;
    let _ = writeln!(
        out,
        r#"<rect x="{lx}" y="{}" width="12" height="12" fill="{colour}"/><text x="{}" y="{}">rate {rate}/s</text>"#,
        ly - 10.0,
        lx + 18.0,
        ly
    );
}

/// One group's point at `x`, with its ±sd bar where there is one and a tooltip.
fn write_point(out: &mut String, agg: &Aggregate, scale: &Scale, x: f64, g: &Group, colour: &str) {
    let s = g.values[HEADLINE];
    if let Some(sd) = s.sd {
        let _ = writeln!(
            out,
            r#"<line x1="{x:.1}" x2="{x:.1}" y1="{:.1}" y2="{:.1}" stroke="{colour}"/>"#,
            scale.py(s.mean - sd),
            scale.py(s.mean + sd)
        );
    }
    let _ = writeln!(
        out,
        r#"<circle cx="{x:.1}" cy="{:.1}" r="4" fill="{colour}"><title>rate {}, {}: {:.3} (n = {})</title></circle>"#,
        scale.py(s.mean),
        g.rate,
        x_label(agg, g),
        s.mean,
        g.n
    );
}

fn x_label(agg: &Aggregate, g: &Group) -> String {
    match (&agg.swept_key, &g.swept_value) {
        (Some(_), Some(v)) => super::aggregate::label(v),
        _ => g.rate.to_string(),
    }
}

/// The smallest 1, 2 or 5 x 10^k at least `raw`.
fn nice_step(raw: f64) -> f64 {
    let base = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * base)
        .find(|s| *s >= raw * 0.999)
        .unwrap_or(10.0 * base)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_one_two_or_five_times_a_power_of_ten() {
        assert_eq!(nice_step(1.1), 2.0);
        assert_eq!(nice_step(0.3), 0.5);
        assert_eq!(nice_step(4.0), 5.0);
        assert_eq!(nice_step(10.0), 10.0);
    }
}
