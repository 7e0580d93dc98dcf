//! `compare.svg`: mean jump, mean queue and max drift against the configured rate and against the
//! rate relative to the fastest of its run, one series per group, bars the 95% confidence
//! interval over the runs, each row on one y scale ([`rate_chart`]).

use super::table::Comparison;
use crate::analyze::batch::plot::{RATE_AXIS, RELATIVE_AXIS};
use crate::analyze::batch::rates::RateClass;
use crate::analyze::error::DrawError;
use crate::analyze::plots::rate_chart::{self, Figure, Panel, Point, Row, Series};

// The metrics drawn, with their axis names: those `aggregate.svg` draws against rate.
use crate::analyze::batch::plot::AGAINST_RATE as DRAWN;

/// The SVG text of the comparison's figure.
pub(crate) fn svg(c: &Comparison) -> Result<String, DrawError> {
    let legend: Vec<String> = c
        .groups
        .iter()
        .map(|g| format!("{} ({} runs)", g.name, g.runs.len()))
        .collect();
    let rows = DRAWN
        .iter()
        .map(|(id, y_desc)| {
            let m = c.metric(id);
            let panel = |kind: RateClass, x_desc: &str, by: &str| Panel {
                title: format!("{} by {by}", c.metrics[m][1]),
                x_desc: x_desc.into(),
                y_desc: (*y_desc).into(),
                x_names: None,
                series: c
                    .groups
                    .iter()
                    .map(|g| Series {
                        label: g.name.clone(),
                        points: c
                            .rows_by(kind)
                            .filter(|r| r.group == g.name)
                            .map(|r| Point {
                                x: r.class.x(),
                                mean: r.values[m].mean,
                                bar: r.values[m].ci95,
                            })
                            .collect(),
                    })
                    .collect(),
            };
            Row {
                panels: vec![
                    panel(RateClass::Rate(0), RATE_AXIS, "rate"),
                    panel(RateClass::Relative(0), RELATIVE_AXIS, "relative rate"),
                ],
                legend: legend.clone(),
            }
        })
        .collect();
    let names: Vec<&str> = c.groups.iter().map(|g| g.name.as_str()).collect();
    let what = names.join(" vs ");
    // Many or long names are in the legend; the title keeps to the picture's width.
    let what = if what.chars().count() > 50 {
        format!("{} groups", names.len())
    } else {
        what
    };
    rate_chart::svg(&Figure {
        title: format!(
            "{what}: jump, queue and drift against rate (mean, 95% CI over runs; no bar: one run)"
        ),
        subtitle: c.ran.clone(),
        rows,
    })
}
