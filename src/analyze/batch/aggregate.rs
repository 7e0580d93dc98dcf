//! Several runs side by side: each per-machine metric, grouped by what the batch varied (the swept
//! key's value, then the configured rate), as the mean and the spread (sample standard deviation)
//! over the machines of that group, with their number `n`.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use serde_json::Value;

use serde::Serialize;

use crate::analyze::report::tables::{speedup, table};
use crate::analyze::run::summary::Summary;

/// The metrics compared, with how to read each from a machine of a summary.
type Metric = (&'static str, fn(&Summary, usize) -> f64);

const METRICS: [Metric; 9] = [
    ("clock/model s", |s, i| {
        s.machines[i].clock_per_s / speedup(s)
    }),
    ("jump mean", |s, i| s.machines[i].jumps.mean),
    ("jump max", |s, i| s.machines[i].jumps.max as f64),
    ("jumps>1 %", |s, i| {
        100.0 * s.machines[i].jumps.share_above_1
    }),
    ("queue mean", |s, i| s.machines[i].queue.mean),
    ("queue max", |s, i| s.machines[i].queue.max as f64),
    ("delay p50 ms", |s, i| {
        s.machines[i].delay_us.p50 as f64 / 1e3
    }),
    ("max drift", |s, i| s.drift.machines[i].max_drift as f64),
    ("drift slope /model s", |s, i| {
        s.drift.machines[i].slope_per_s / speedup(s)
    }),
];

/// The metric the batch plot shows against the swept value.
pub(crate) const HEADLINE: usize = 1;

/// The metrics printed on the terminal (the files have all of them), to stay within 100 columns.
const TERMINAL_METRICS: [usize; 5] = [0, 1, 3, 4, 7];

/// One run of an aggregate: its summary and, in a sweep, the swept value it ran with.
pub(crate) struct Member<'a> {
    /// The run's name: its directory's last component (`seed12`).
    pub name: String,
    pub swept: Option<Value>,
    pub summary: &'a Summary,
}

/// The (member, machine) samples of a group and the members they come from.
type Samples = (Vec<(usize, usize)>, std::collections::BTreeSet<usize>);

/// Mean and sample standard deviation (0 for a single value).
pub(crate) fn mean_sd(values: &[f64]) -> (f64, f64) {
    let n = values.len() as f64;
    if values.is_empty() {
        return (0.0, 0.0);
    }
    let mean = values.iter().sum::<f64>() / n;
    let var = if values.len() < 2 {
        0.0
    } else {
        values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)
    };
    (mean, var.sqrt())
}

/// The aggregate of a set of runs.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Aggregate {
    /// The swept key (`events.die`), when the runs came from a sweep.
    pub swept_key: Option<String>,
    pub runs: usize,
    /// Runs whose checks all passed.
    pub passed: usize,
    /// The runs that failed a check (a cut run fails `ended`), by name.
    pub failed: Vec<String>,
    pub metrics: Vec<&'static str>,
    pub groups: Vec<Group>,
}

/// One group: the machines of one configured rate in the runs of one swept value.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Group {
    /// The swept value as text ([`label`]).
    pub swept_value: Option<String>,
    pub rate: u32,
    /// Runs contributing to the group.
    pub runs: usize,
    /// Machines (samples) in the group.
    pub n: usize,
    /// Per metric, in the order of `metrics`.
    pub values: Vec<Stat>,
}

/// Mean and sample standard deviation over a group; `sd` is absent for a single sample.
#[derive(Debug, Clone, Copy, Serialize)]
pub(crate) struct Stat {
    pub mean: f64,
    pub sd: Option<f64>,
}

impl Stat {
    fn cell(self, decimals: usize, compact: bool) -> String {
        match self.sd {
            None => format!("{:.decimals$}", self.mean),
            Some(sd) if compact => format!("{:.decimals$}±{sd:.decimals$}", self.mean),
            Some(sd) => format!("{:.decimals$} ± {sd:.decimals$}", self.mean),
        }
    }
}

/// The order of swept values: none first, then numbers by value (`total_cmp`, so any two
/// compare), then every other value by its text.
pub(crate) fn value_order(a: Option<&Value>, b: Option<&Value>) -> Ordering {
    // A grid's values are lists (`[10, 3]`): element by element, so 4 comes before 10.
    if let (Some(Value::Array(x)), Some(Value::Array(y))) = (a, b) {
        return x
            .iter()
            .zip(y)
            .map(|(p, q)| value_order(Some(p), Some(q)))
            .find(|o| o.is_ne())
            .unwrap_or_else(|| x.len().cmp(&y.len()));
    }
    let rank = |v: Option<&Value>| match v {
        None => (0, 0.0),
        Some(Value::Number(n)) => (1, n.as_f64().unwrap_or(f64::NAN)),
        Some(_) => (2, 0.0),
    };
    let ((ra, xa), (rb, xb)) = (rank(a), rank(b));
    ra.cmp(&rb)
        .then(xa.total_cmp(&xb))
        .then_with(|| a.map(label).cmp(&b.map(label)))
}

/// A swept value as a table, a CSV cell and the plot show it: a string as it is, anything else
/// as compact JSON (`6`, `0.5`, `[1,2,3]`, `true`).
pub(crate) fn label(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Group `members` by swept value, then rate.
pub(crate) fn aggregate(swept_key: Option<String>, members: &[Member<'_>]) -> Aggregate {
    let mut keys: Vec<Option<Value>> = members.iter().map(|m| m.swept.clone()).collect();
    keys.sort_by(|a, b| value_order(a.as_ref(), b.as_ref()));
    keys.dedup();
    let mut groups = Vec::new();
    for key in keys {
        let mut by_rate: BTreeMap<u32, Samples> = BTreeMap::new();
        for (r, m) in members.iter().enumerate().filter(|(_, m)| m.swept == key) {
            for (i, machine) in m.summary.machines.iter().enumerate() {
                let slot = by_rate.entry(machine.rate).or_default();
                slot.0.push((r, i));
                slot.1.insert(r);
            }
        }
        for (rate, (samples, runs)) in by_rate {
            let values = METRICS
                .iter()
                .map(|(_, get)| {
                    let v: Vec<f64> = samples
                        .iter()
                        .map(|&(r, i)| get(members[r].summary, i))
                        .collect();
                    let (mean, sd) = mean_sd(&v);
                    Stat {
                        mean,
                        sd: (v.len() > 1).then_some(sd),
                    }
                })
                .collect();
            groups.push(Group {
                swept_value: key.as_ref().map(label),
                rate,
                runs: runs.len(),
                n: samples.len(),
                values,
            });
        }
    }
    Aggregate {
        swept_key,
        runs: members.len(),
        passed: members.iter().filter(|m| m.summary.verdict.passed).count(),
        failed: members
            .iter()
            .filter(|m| !m.summary.verdict.passed)
            .map(|m| m.name.clone())
            .collect(),
        metrics: METRICS.iter().map(|(name, _)| *name).collect(),
        groups,
    }
}

impl Aggregate {
    fn headers(&self, metrics: &[usize]) -> Vec<String> {
        let mut h: Vec<String> = self.swept_key.iter().cloned().collect();
        h.extend(["rate", "runs", "n"].map(String::from));
        h.extend(metrics.iter().map(|&k| METRICS[k].0.to_string()));
        h
    }

    fn rows(&self, metrics: &[usize], compact: bool) -> Vec<Vec<String>> {
        self.groups
            .iter()
            .map(|g| {
                let mut row: Vec<String> = Vec::new();
                if self.swept_key.is_some() {
                    row.push(g.swept_value.clone().unwrap_or_default());
                }
                row.extend([g.rate.to_string(), g.runs.to_string(), g.n.to_string()]);
                row.extend(
                    metrics
                        .iter()
                        .map(|&k| g.values[k].cell(if compact { 2 } else { 3 }, compact)),
                );
                row
            })
            .collect()
    }

    fn title(&self) -> String {
        let by = match &self.swept_key {
            Some(key) => format!("by {key}, then configured rate"),
            None => "by configured rate".to_string(),
        };
        let failed = if self.failed.is_empty() {
            String::new()
        } else {
            format!("; failed: {}", self.failed.join(", "))
        };
        format!(
            "aggregate over {} runs ({} passed their checks{failed})\n{by}; mean ± sd over the n machines of each group",
            self.runs, self.passed
        )
    }

    /// The terminal table: the main metrics, compact, within 100 columns.
    pub(crate) fn text(&self) -> String {
        let headers = self.headers(&TERMINAL_METRICS);
        let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
        format!(
            "{}\n{}",
            self.title(),
            table(&headers, &self.rows(&TERMINAL_METRICS, true), false)
        )
    }

    /// `aggregate.md`: every metric.
    pub(crate) fn markdown(&self) -> String {
        let all: Vec<usize> = (0..METRICS.len()).collect();
        let headers = self.headers(&all);
        let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
        format!(
            "# Aggregate\n\n{}.\n\n{}",
            self.title().replace('\n', ", "),
            table(&headers, &self.rows(&all, false), true)
        )
    }

    /// `aggregate.csv`: one row per group, a mean and an sd column per metric (sd empty for n = 1),
    /// quoted where a cell needs it (a swept value with a comma), so every row has the header's
    /// columns.
    pub(crate) fn csv(&self) -> String {
        let mut header = ["swept_key", "swept_value", "rate", "runs", "n"]
            .map(String::from)
            .to_vec();
        for (name, _) in METRICS {
            header.push(format!("{name} mean"));
            header.push(format!("{name} sd"));
        }
        let mut rows = vec![header];
        for g in &self.groups {
            let mut row = vec![
                self.swept_key.clone().unwrap_or_default(),
                g.swept_value.clone().unwrap_or_default(),
                g.rate.to_string(),
                g.runs.to_string(),
                g.n.to_string(),
            ];
            for v in &g.values {
                row.push(v.mean.to_string());
                row.push(v.sd.map_or(String::new(), |sd| sd.to_string()));
            }
            rows.push(row);
        }
        let mut out = csv::Writer::from_writer(Vec::new());
        for row in rows {
            out.write_record(&row)
                .expect("writing CSV into memory cannot fail");
        }
        String::from_utf8(out.into_inner().expect("memory takes every byte"))
            .expect("the cells are text")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn mean_and_spread_by_hand() {
        assert_eq!(mean_sd(&[2.0, 4.0, 6.0]), (4.0, 2.0));
        assert_eq!(mean_sd(&[5.0]), (5.0, 0.0));
    }

    #[test]
    fn a_single_sample_has_no_spread() {
        let one = Stat {
            mean: 1.5,
            sd: None,
        };
        assert_eq!(one.cell(3, false), "1.500");
        let two = Stat {
            mean: 1.5,
            sd: Some(0.25),
        };
        assert_eq!(two.cell(3, false), "1.500 ± 0.250");
    }

    #[test]
    fn swept_values_sort_as_numbers() {
        let mut v = [Some(10.into()), Some(4.into()), Some(6.into())];
        v.sort_by(|a: &Option<Value>, b| value_order(a.as_ref(), b.as_ref()));
        assert_eq!(v.map(|x| label(&x.unwrap())), ["4", "6", "10"]);
    }

    #[test]
    fn any_two_swept_values_compare_numbers_first_by_value() {
        let mut v = [
            Some(json!("b")),
            Some(json!(10)),
            None,
            Some(json!([1, 2])),
            Some(json!(4.5)),
            Some(json!(true)),
            Some(json!(-1)),
        ];
        v.sort_by(|a, b| value_order(a.as_ref(), b.as_ref()));
        let labels: Vec<String> = v
            .iter()
            .map(|x| x.as_ref().map_or("-".into(), label))
            .collect();
        assert_eq!(labels, ["-", "-1", "4.5", "10", "[1,2]", "b", "true"]);
    }
}
