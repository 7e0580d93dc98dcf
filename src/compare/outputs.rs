//! The comparison as text: the terminal table, `compare.md`, `compare.csv` (one row per group
//! and rate class, headers plain identifiers naming their units) and `compare.json`.

use std::fmt::Write as _;

use super::differs::number;
use super::table::{Comparison, Row};
use crate::analyze::batch::interval::Interval;
use crate::analyze::batch::rates::RateClass;
use crate::analyze::report::tables::table;

/// The metrics the terminal's rate tables show (the files have all of them).
const TERMINAL_BY_RATE: [&str; 3] = ["jump_mean_clock", "queue_mean_msgs", "drift_max_clock"];

/// The JSON file's text.
pub(crate) fn json(c: &Comparison) -> String {
    serde_json::to_string_pretty(c).expect("the comparison serializes") + "\n"
}

/// `mean [low, high]`, or the mean alone for one run.
fn ci_cell(v: &Interval) -> String {
    match v.ci95 {
        Some([lo, hi]) => format!("{} [{}, {}]", number(v.mean), number(lo), number(hi)),
        None => number(v.mean),
    }
}

/// `mean ±half` (the 95% CI's half width), or the mean alone for one run: short, for the
/// terminal's rate tables.
fn pm_cell(v: &Interval) -> String {
    match v.ci95 {
        Some([lo, hi]) => format!("{} ±{}", number(v.mean), number((hi - lo) / 2.0)),
        None => number(v.mean),
    }
}

/// The groups: name, runs, passed, seeds, and the keys that differ.
fn groups_table(c: &Comparison, markdown: bool) -> String {
    let rows: Vec<Vec<String>> = c
        .groups
        .iter()
        .map(|g| {
            let differs: Vec<String> = g
                .differs
                .iter()
                .map(|(k, v)| format!("{k}={}", crate::analyze::batch::aggregate::label(v)))
                .collect();
            let seeds = g.seeds.iter().copied().collect();
            vec![
                g.name.clone(),
                g.scenario.clone(),
                g.runs.len().to_string(),
                g.passed.to_string(),
                crate::analyze::batch::provenance::ranges(&seeds),
                differs.join(", "),
            ]
        })
        .collect();
    let mut headers = vec!["group", "scenario", "runs", "passed", "seeds", "differs"];
    let mut rows = rows;
    if !markdown {
        // On the terminal the name says what differs; compare.md lists every key.
        headers.truncate(5);
        rows.iter_mut().for_each(|r| r.truncate(5));
    }
    table(&headers, &rows, markdown)
}

/// Groups beyond which the terminal's overall table gives `mean ±half`, to fit.
const WIDE_GROUPS: usize = 3;

/// Every machine of each run: one line per metric, one column per group; on the terminal in
/// blocks of as many groups as fit its width.
fn overall_table(c: &Comparison, markdown: bool, with_range: bool) -> String {
    let all: Vec<&Row> = c.rows_by(RateClass::All).collect();
    let cell = |v: &Interval| {
        if with_range {
            format!("{} ({}..{})", ci_cell(v), number(v.min), number(v.max))
        } else if all.len() > WIDE_GROUPS {
            pm_cell(v)
        } else {
            ci_cell(v)
        }
    };
    let label_width = c.metrics.iter().map(|[_, l]| l.len()).max().unwrap_or(0) + 2;
    let width = |r: &Row| {
        let cells = r.values.iter().map(|v| cell(v).chars().count());
        cells.chain([r.group.chars().count()]).max().unwrap_or(0) + 2
    };
    let mut blocks: Vec<Vec<&Row>> = vec![Vec::new()];
    let mut used = label_width;
    for r in &all {
        let w = width(r);
        let block = blocks.last_mut().expect("one block at least");
        if !markdown
            && !block.is_empty()
            && used + w > crate::analyze::report::terminal::width().saturating_sub(2)
        {
            blocks.push(vec![r]);
            used = label_width + w;
        } else {
            block.push(r);
            used += w;
        }
    }
    blocks
        .iter()
        .map(|block| {
            let mut headers = vec!["metric (per run)"];
            headers.extend(block.iter().map(|r| r.group.as_str()));
            let rows: Vec<Vec<String>> = c
                .metrics
                .iter()
                .enumerate()
                .map(|(m, [_, label])| {
                    let mut row = vec![label.to_string()];
                    row.extend(block.iter().map(|r| cell(&r.values[m])));
                    row
                })
                .collect();
            table(&headers, &rows, markdown)
        })
        .collect()
}

/// One grouping's rows: group, class, runs, machines, then the metrics `ids` (on the terminal,
/// `mean ±half` and no machines column, to fit).
fn class_table(c: &Comparison, kind: RateClass, ids: &[&str], markdown: bool) -> String {
    let cell = if markdown { ci_cell } else { pm_cell };
    let mut headers = vec![
        "group",
        if matches!(kind, RateClass::Relative(_)) {
            "rate/fastest"
        } else {
            "rate"
        },
        "runs",
        "machines",
    ];
    if !markdown {
        headers.remove(3);
    }
    let metrics: Vec<usize> = ids.iter().map(|id| c.metric(id)).collect();
    headers.extend(metrics.iter().map(|&m| c.metrics[m][1]));
    let rows: Vec<Vec<String>> = c
        .rows_by(kind)
        .map(|r| {
            let mut row = vec![
                r.group.clone(),
                r.class.label(),
                r.runs.to_string(),
                r.machines.to_string(),
            ];
            if !markdown {
                row.remove(3);
            }
            row.extend(metrics.iter().map(|&m| cell(&r.values[m])));
            row
        })
        .collect();
    table(&headers, &rows, markdown)
}

const RATE_TITLE: &str = "by configured rate (ticks per model s)";
const RELATIVE_TITLE: &str =
    "by rate relative to the fastest machine of its run (in sixths, upper edge)";
const HOW: &str = "one value per run (its machines' mean; max for maxima, the lowest for drift, \
                   the sum for skipped slots), then mean [95% CI, Student t] over the runs";

/// The terminal text: groups, every metric over all machines, the rate tables of the headline
/// metrics, and what differs.
pub(crate) fn terminal(c: &Comparison) -> String {
    let mut out = format!("compare: {}\n", c.ran);
    out.push_str(&groups_table(c, false));
    let _ = writeln!(out, "every machine of each run: {HOW}");
    out.push_str(&overall_table(c, false, false));
    let _ = writeln!(out, "{RELATIVE_TITLE}");
    out.push_str(&class_table(
        c,
        RateClass::Relative(0),
        &TERMINAL_BY_RATE,
        false,
    ));
    let _ = writeln!(out, "{RATE_TITLE}");
    out.push_str(&class_table(
        c,
        RateClass::Rate(0),
        &TERMINAL_BY_RATE,
        false,
    ));
    out.push_str("what differs:\n");
    for line in &c.differences {
        let _ = writeln!(out, "  {line}");
    }
    let _ = writeln!(out, "{}", super::differs::in_short(c));
    out
}

/// `compare.md`: every table, every metric, and the plot.
pub(crate) fn markdown(c: &Comparison) -> String {
    let ids: Vec<&str> = c.metrics.iter().map(|[id, _]| *id).collect();
    let mut out = format!("# Comparison\n\n{}.\n\n", c.ran);
    out.push_str(&groups_table(c, true));
    out.push_str("\n## What differs\n\n");
    out.push_str(
        "Each group's mean beside the first group's; \"CIs apart\": the 95% confidence intervals \
         do not overlap.\n\n",
    );
    for line in &c.differences {
        let _ = writeln!(out, "- {line}");
    }
    let short = super::differs::in_short(c);
    let _ = writeln!(out, "\n{}{}.", short[..1].to_uppercase(), &short[1..]);
    let _ = write!(
        out,
        "\n## Every machine\n\n{}{}; (min..max) over the runs.\n\n{}",
        HOW[..1].to_uppercase(),
        &HOW[1..],
        overall_table(c, true, true)
    );
    for (title, kind) in [
        (RELATIVE_TITLE, RateClass::Relative(0)),
        (RATE_TITLE, RateClass::Rate(0)),
    ] {
        let _ = write!(
            out,
            "\n## {}{}\n\n{}",
            title[..1].to_uppercase(),
            &title[1..],
            class_table(c, kind, &ids, true)
        );
    }
    out.push_str("\n![jump, queue and drift against rate](compare.svg)\n");
    out
}

/// `compare.csv`: one row per group and rate class.
pub(crate) fn csv(c: &Comparison) -> String {
    let mut header: Vec<String> = [
        "group",
        "by",
        "rate_per_model_s",
        "relative_rate",
        "runs",
        "machines",
    ]
    .map(String::from)
    .to_vec();
    for [id, _] in &c.metrics {
        for part in ["mean", "ci95_low", "ci95_high", "min", "max"] {
            header.push(format!("{id}_{part}"));
        }
    }
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(&header)
        .expect("writing CSV into memory cannot fail");
    for r in &c.rows {
        let (by, rate, relative) = match r.class {
            RateClass::All => ("all", String::new(), String::new()),
            RateClass::Rate(x) => ("rate", x.to_string(), String::new()),
            RateClass::Relative(_) => ("relative", String::new(), format!("{:.4}", r.class.x())),
        };
        let mut row = vec![
            r.group.clone(),
            by.into(),
            rate,
            relative,
            r.runs.to_string(),
            r.machines.to_string(),
        ];
        for v in &r.values {
            let [lo, hi] = v.ci95.map_or([String::new(), String::new()], |ci| {
                ci.map(|x| x.to_string())
            });
            row.extend([
                v.mean.to_string(),
                lo,
                hi,
                v.min.to_string(),
                v.max.to_string(),
            ]);
        }
        out.write_record(&row)
            .expect("writing CSV into memory cannot fail");
    }
    String::from_utf8(out.into_inner().expect("memory takes every byte"))
        .expect("the cells are text")
}
