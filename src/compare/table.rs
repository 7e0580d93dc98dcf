//! The comparison itself: per configuration, and per rate class within it (every machine, each
//! configured rate, each relative rate), each metric over the runs: one value per run (its
//! machines of that class reduced as [`crate::analyze::batch::metric`] says), then their mean,
//! 95% confidence interval and range ([`Interval`]).

use serde::Serialize;

use super::configs::Config;
use super::inputs::Run;
use crate::analyze::batch::interval::Interval;
use crate::analyze::batch::metric::{by_id, METRICS};
use crate::analyze::batch::rates::{classes, RateClass};

/// The metrics compared, by id ([`METRICS`]), in table order.
pub(crate) const COMPARED: [&str; 11] = [
    "jump_mean_clock",
    "jump_max_clock",
    "jumps_above_1_pct",
    "drift_max_clock",
    "drift_final_clock",
    "drift_slope_clock_per_model_s",
    "queue_mean_msgs",
    "queue_max_msgs",
    "skipped_slots",
    "pt_inverted_msgs_pct",
    "hlc_inverted_msgs_pct",
];

/// The three groupings of machines, in table order.
pub(crate) const GROUPINGS: [RateClass; 3] =
    [RateClass::All, RateClass::Rate(0), RateClass::Relative(0)];

/// Everything `compare` found: `compare.json`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Comparison {
    /// What ran: scenarios, seeds, machines, engines.
    pub ran: String,
    /// The metrics of every row: `[id, label]`, in the order of the rows' values.
    pub metrics: Vec<[&'static str; 2]>,
    pub groups: Vec<Group>,
    /// Per group, every machine first, then by rate, then by relative rate.
    pub rows: Vec<Row>,
    /// Per metric, what differs between the groups, in words (`compare::differs`, filled in by
    /// the command).
    pub differences: Vec<String>,
}

/// One configuration compared.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Group {
    pub name: String,
    pub scenario: String,
    /// The keys that differ between the groups, with this group's values.
    pub differs: serde_json::Map<String, serde_json::Value>,
    /// Its run directories, as given.
    pub runs: Vec<String>,
    pub seeds: Vec<u64>,
    /// Runs whose checks all passed.
    pub passed: usize,
}

/// One group's machines of one rate class, over its runs.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Row {
    /// The group's name.
    pub group: String,
    /// The rate class: `{"by": "all"}`, `{"by": "rate", "value": 3}`, `{"by": "relative",
    /// "value": 3}` (sixths of the fastest rate, upper edge).
    pub class: RateClass,
    /// Runs with machines of the class (the n of the intervals).
    pub runs: usize,
    /// Machines of the class, all runs.
    pub machines: usize,
    /// One per metric, in the order of `metrics`.
    pub values: Vec<Interval>,
}

/// Compare the `configs` of `runs`.
pub(crate) fn compare(runs: &[Run], configs: &[Config], ran: String) -> Comparison {
    let metrics: Vec<usize> = COMPARED.iter().map(|id| by_id(id)).collect();
    let mut rows = Vec::new();
    for config in configs {
        for kind in GROUPINGS {
            rows.extend(rows_of(runs, config, kind, &metrics));
        }
    }
    let groups = configs
        .iter()
        .map(|c| Group {
            name: c.name.clone(),
            scenario: c.scenario.clone(),
            differs: c.differs.iter().cloned().collect(),
            runs: c
                .runs
                .iter()
                .map(|&r| runs[r].dir.display().to_string())
                .collect(),
            seeds: c
                .runs
                .iter()
                .filter_map(|&r| runs[r].manifest.seed())
                .collect(),
            passed: c
                .runs
                .iter()
                .filter(|&&r| runs[r].summary.verdict.passed)
                .count(),
        })
        .collect();
    Comparison {
        ran,
        metrics: metrics
            .iter()
            .map(|&k| [METRICS[k].id, METRICS[k].label])
            .collect(),
        groups,
        rows,
        differences: Vec::new(),
    }
}

/// The rows of `config` by the classes of `kind`.
fn rows_of(runs: &[Run], config: &Config, kind: RateClass, metrics: &[usize]) -> Vec<Row> {
    // class -> (per run: per metric its value, machines)
    let mut by_class: std::collections::BTreeMap<RateClass, (Vec<Vec<f64>>, usize)> =
        Default::default();
    for &r in &config.runs {
        let summary = &runs[r].summary;
        for (class, machines) in classes(summary, kind) {
            let values: Vec<f64> = metrics
                .iter()
                .map(|&k| {
                    let metric = METRICS[k];
                    let each: Vec<f64> =
                        machines.iter().map(|&i| (metric.get)(summary, i)).collect();
                    metric.reduce.of(&each)
                })
                .collect();
            let slot = by_class.entry(class).or_default();
            slot.0.push(values);
            slot.1 += machines.len();
        }
    }
    by_class
        .into_iter()
        .map(|(class, (per_run, machines))| Row {
            group: config.name.clone(),
            class,
            runs: per_run.len(),
            machines,
            values: (0..metrics.len())
                .map(|m| {
                    let v: Vec<f64> = per_run.iter().map(|run| run[m]).collect();
                    Interval::of(&v).expect("a class has at least one run")
                })
                .collect(),
        })
        .collect()
}

impl Comparison {
    /// The rows of one grouping (`kind`'s variant), groups in order.
    pub(crate) fn rows_by(&self, kind: RateClass) -> impl Iterator<Item = &Row> {
        self.rows
            .iter()
            .filter(move |r| std::mem::discriminant(&r.class) == std::mem::discriminant(&kind))
    }

    /// The index of metric `id` in the rows' values.
    pub(crate) fn metric(&self, id: &str) -> usize {
        self.metrics
            .iter()
            .position(|[m, _]| *m == id)
            .expect("a compared metric")
    }
}
