//! Several runs side by side: each per-machine metric ([`super::metric`]), grouped by what the
//! batch varied (the swept key's value), then by the configured rate and, apart, by the rate
//! relative to the fastest of its run ([`super::rates`]), as the mean and the spread (sample
//! standard deviation) over the machines of that group, with their number `n`.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use serde_json::Value;

use serde::Serialize;

use super::metric::METRICS;
use super::rates::{classes, RateClass};
use crate::analyze::report::tables::table;
use crate::analyze::run::summary::Summary;

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

/// The aggregate's two groupings of machines: by configured rate, by relative rate.
pub(crate) const GROUPINGS: [RateClass; 2] = [RateClass::Rate(0), RateClass::Relative(0)];

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
    /// What ran: scenarios, seeds, machines, engine ([`super::provenance`]).
    pub ran: String,
    pub runs: usize,
    /// Runs whose checks all passed.
    pub passed: usize,
    /// The runs that failed a check (a cut run fails `ended`), by name.
    pub failed: Vec<String>,
    pub metrics: Vec<&'static str>,
    /// By swept value, then configured rate.
    pub groups: Vec<Group>,
    /// By swept value, then rate relative to the fastest machine of the run (binned to sixths).
    pub relative_groups: Vec<Group>,
}

/// One group: the machines of one rate class in the runs of one swept value.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Group {
    /// The swept value with its type (a number stays a number in `aggregate.json`).
    pub swept_value: Option<Value>,
    #[serde(skip)]
    pub class: RateClass,
    /// The configured rate, in a group by rate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate: Option<u32>,
    /// The relative rate bin's upper edge (rate / fastest rate of the run, in sixths), in a
    /// group by relative rate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relative_rate: Option<f64>,
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

/// Group `members` by swept value, then rate (and apart, relative rate).
pub(crate) fn aggregate(swept_key: Option<String>, members: &[Member<'_>]) -> Aggregate {
    let mut keys: Vec<Option<Value>> = members.iter().map(|m| m.swept.clone()).collect();
    keys.sort_by(|a, b| value_order(a.as_ref(), b.as_ref()));
    keys.dedup();
    let [groups, relative_groups] = GROUPINGS.map(|kind| {
        keys.iter()
            .flat_map(|key| grouped(members, key, kind))
            .collect()
    });
    Aggregate {
        swept_key,
        ran: String::new(),
        runs: members.len(),
        passed: members.iter().filter(|m| m.summary.verdict.passed).count(),
        failed: members
            .iter()
            .filter(|m| !m.summary.verdict.passed)
            .map(|m| m.name.clone())
            .collect(),
        metrics: METRICS.iter().map(|m| m.label).collect(),
        groups,
        relative_groups,
    }
}

/// The groups of the members of swept value `key`, by rate class of `kind`.
fn grouped(members: &[Member<'_>], key: &Option<Value>, kind: RateClass) -> Vec<Group> {
    let mut by_class: BTreeMap<RateClass, Samples> = BTreeMap::new();
    for (r, m) in members.iter().enumerate().filter(|(_, m)| m.swept == *key) {
        for (class, machines) in classes(m.summary, kind) {
            let slot = by_class.entry(class).or_default();
            slot.0.extend(machines.into_iter().map(|i| (r, i)));
            slot.1.insert(r);
        }
    }
    by_class
        .into_iter()
        .map(|(class, (samples, runs))| {
            let values = METRICS
                .iter()
                .map(|metric| {
                    let v: Vec<f64> = samples
                        .iter()
                        .map(|&(r, i)| (metric.get)(members[r].summary, i))
                        .collect();
                    let (mean, sd) = mean_sd(&v);
                    Stat {
                        mean,
                        sd: (v.len() > 1).then_some(sd),
                    }
                })
                .collect();
            Group {
                swept_value: key.clone(),
                class,
                rate: matches!(class, RateClass::Rate(_)).then(|| class.x() as u32),
                relative_rate: matches!(class, RateClass::Relative(_)).then(|| class.x()),
                runs: runs.len(),
                n: samples.len(),
                values,
            }
        })
        .collect()
}

impl Group {
    /// The swept value as text ([`label`]), as tables, CSV cells and legends show it.
    pub(crate) fn swept_label(&self) -> Option<String> {
        self.swept_value.as_ref().map(label)
    }
}

/// The header of a grouping's rate column.
fn class_header(relative: bool) -> &'static str {
    if relative {
        "rate/fastest"
    } else {
        "rate"
    }
}

impl Aggregate {
    fn headers(&self, metrics: &[usize], relative: bool) -> Vec<String> {
        let mut h: Vec<String> = self.swept_key.iter().cloned().collect();
        h.extend([class_header(relative), "runs", "n"].map(String::from));
        h.extend(metrics.iter().map(|&k| METRICS[k].label.to_string()));
        h
    }

    fn rows(&self, groups: &[Group], metrics: &[usize], compact: bool) -> Vec<Vec<String>> {
        groups
            .iter()
            .map(|g| {
                let mut row: Vec<String> = Vec::new();
                if self.swept_key.is_some() {
                    row.push(g.swept_label().unwrap_or_default());
                }
                row.extend([g.class.label(), g.runs.to_string(), g.n.to_string()]);
                row.extend(
                    metrics
                        .iter()
                        .map(|&k| g.values[k].cell(if compact { 2 } else { 3 }, compact)),
                );
                row
            })
            .collect()
    }

    /// Both groupings: (relative?, groups).
    fn groupings(&self) -> [(bool, &[Group]); 2] {
        [(false, &self.groups), (true, &self.relative_groups)]
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

    /// What the second table groups by.
    const RELATIVE_TITLE: &'static str =
        "by rate relative to the fastest machine of its run (binned to sixths, upper edge)";

    /// The terminal table: the main metrics, compact, within 100 columns.
    pub(crate) fn text(&self) -> String {
        let mut out = self.title();
        for (relative, groups) in self.groupings() {
            let headers = self.headers(&TERMINAL_METRICS, relative);
            let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
            if relative {
                out.push_str(&format!("\n{}", Self::RELATIVE_TITLE));
            }
            out.push('\n');
            out.push_str(&table(
                &headers,
                &self.rows(groups, &TERMINAL_METRICS, true),
                false,
            ));
        }
        out
    }

    /// `aggregate.md`: every metric.
    pub(crate) fn markdown(&self) -> String {
        let all: Vec<usize> = (0..METRICS.len()).collect();
        let mut out = format!("# Aggregate\n\n{}.\n\n", self.title().replace('\n', ", "));
        for (relative, groups) in self.groupings() {
            let headers = self.headers(&all, relative);
            let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
            if relative {
                out.push_str(&format!("\n{}:\n\n", Self::RELATIVE_TITLE));
            }
            out.push_str(&table(&headers, &self.rows(groups, &all, false), true));
        }
        out
    }

    /// `aggregate.csv`: one row per group (by rate, then by relative rate), a mean and an sd
    /// column per metric (sd empty for n = 1), headers plain identifiers, quoted where a cell
    /// needs it (a swept value with a comma), so every row has the header's columns.
    pub(crate) fn csv(&self) -> String {
        let mut header = [
            "swept_key",
            "swept_value",
            "rate_per_model_s",
            "relative_rate",
            "runs",
            "n",
        ]
        .map(String::from)
        .to_vec();
        for metric in METRICS {
            header.push(format!("{}_mean", metric.id));
            header.push(format!("{}_sd", metric.id));
        }
        let mut rows = vec![header];
        for g in self.groups.iter().chain(&self.relative_groups) {
            let mut row = vec![
                self.swept_key.clone().unwrap_or_default(),
                g.swept_label().unwrap_or_default(),
                g.rate.map_or(String::new(), |r| r.to_string()),
                g.relative_rate.map_or(String::new(), |r| format!("{r:.4}")),
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
