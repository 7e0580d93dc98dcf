//! `aggregate.svg`: a batch's figures on numeric axes ([`crate::analyze::plots::rate_chart`]):
//! in a sweep, the mean jump against the swept value (one series per rate); then mean jump,
//! mean queue and max drift against the configured rate and against the rate relative to the
//! fastest machine of the run, one series per swept value, with ± sd bars over the machines of
//! each group, each row on one y scale.

use super::aggregate::{label, Aggregate, Group, HEADLINE};
use super::metric::by_id;
use super::rates::RateClass;
use crate::analyze::error::DrawError;
use crate::analyze::plots::rate_chart::{self, Figure, Panel, Point, Row, Series};

/// The metrics drawn against rate, with their axis names.
pub(crate) const AGAINST_RATE: [(&str, &str); 3] = [
    ("jump_mean_clock", "mean jump (clock units)"),
    ("queue_mean_msgs", "mean queue (messages)"),
    ("drift_max_clock", "max drift (clock units)"),
];

/// The x axis names of the two groupings.
pub(crate) const RATE_AXIS: &str = "configured rate (ticks per model s)";
pub(crate) const RELATIVE_AXIS: &str = "rate / fastest rate of its run (sixths)";

/// The SVG text of the batch plot.
pub(crate) fn svg(agg: &Aggregate) -> Result<String, DrawError> {
    let mut rows = Vec::new();
    if let Some(key) = &agg.swept_key {
        rows.push(swept_row(agg, key));
    }
    let values = swept_values(agg);
    for (id, y_desc) in AGAINST_RATE {
        let k = by_id(id);
        let panel = |groups: &[Group], relative: bool| Panel {
            title: format!(
                "{} by {}",
                agg.metrics[k],
                if relative { "relative rate" } else { "rate" }
            ),
            x_desc: if relative { RELATIVE_AXIS } else { RATE_AXIS }.into(),
            y_desc: y_desc.into(),
            x_names: None,
            series: values
                .iter()
                .map(|v| Series {
                    label: series_label(agg, v.as_deref()),
                    points: groups
                        .iter()
                        .filter(|g| g.swept_label() == *v)
                        .map(|g| point(g.class.x(), g, k))
                        .collect(),
                })
                .collect(),
        };
        rows.push(Row {
            panels: vec![panel(&agg.groups, false), panel(&agg.relative_groups, true)],
            legend: values
                .iter()
                .map(|v| series_label(agg, v.as_deref()))
                .collect(),
        });
    }
    rate_chart::svg(&Figure {
        title: format!(
            "Batch of {} runs: jump, queue and drift against rate (mean ± sd over machines)",
            agg.runs
        ),
        subtitle: agg.ran.clone(),
        rows,
    })
}

/// The swept values in group order (`None` alone without a sweep).
fn swept_values(agg: &Aggregate) -> Vec<Option<String>> {
    let mut values: Vec<Option<String>> = Vec::new();
    for g in &agg.groups {
        let value = g.swept_label();
        if !values.contains(&value) {
            values.push(value);
        }
    }
    values
}

fn series_label(agg: &Aggregate, value: Option<&str>) -> String {
    match (&agg.swept_key, value) {
        (Some(key), Some(v)) => format!("{key}={v}"),
        _ => "all runs".into(),
    }
}

/// The headline metric against the swept value: numeric when every value is a number, else
/// one named position per value; one series per configured rate.
fn swept_row(agg: &Aggregate, key: &str) -> Row {
    let values = swept_values(agg);
    let numbers: Option<Vec<f64>> = values
        .iter()
        .map(|v| v.as_deref()?.parse::<f64>().ok().filter(|x| x.is_finite()))
        .collect();
    let x_of = |v: &Option<String>| match &numbers {
        Some(xs) => xs[values.iter().position(|x| x == v).expect("listed")],
        None => values.iter().position(|x| x == v).expect("listed") as f64,
    };
    let mut rates: Vec<RateClass> = agg.groups.iter().map(|g| g.class).collect();
    rates.sort_unstable();
    rates.dedup();
    let series: Vec<Series> = rates
        .iter()
        .map(|&class| Series {
            label: format!("rate {}/s", class.label()),
            points: agg
                .groups
                .iter()
                .filter(|g| g.class == class)
                .map(|g| point(x_of(&g.swept_label()), g, HEADLINE))
                .collect(),
        })
        .collect();
    let legend = series.iter().map(|s| s.label.clone()).collect();
    Row {
        panels: vec![Panel {
            title: format!("{} by {key}", agg.metrics[HEADLINE]),
            x_desc: key.into(),
            y_desc: "mean jump (clock units)".into(),
            x_names: numbers.is_none().then(|| {
                values
                    .iter()
                    .map(|v| v.clone().unwrap_or_else(|| label(&serde_json::Value::Null)))
                    .collect()
            }),
            series,
        }],
        legend,
    }
}

/// Group `g`'s metric `k` at `x`, its bar the ± sd over the group's machines.
fn point(x: f64, g: &Group, k: usize) -> Point {
    let s = g.values[k];
    Point {
        x,
        mean: s.mean,
        bar: s.sd.map(|sd| [s.mean - sd, s.mean + sd]),
    }
}
