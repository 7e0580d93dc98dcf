//! Several runs side by side: each per-machine metric, grouped by what the batch varied (the swept
//! key's value, then the configured rate), as the mean and the spread (sample standard deviation)
//! over the machines of that group, with their number `n`.

use std::collections::BTreeMap;

use serde::Serialize;

use super::summary::Summary;
use super::tables::{speedup, table};

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
pub const HEADLINE: usize = 1;

/// The metrics printed on the terminal (the files have all of them), to stay within 100 columns.
const TERMINAL_METRICS: [usize; 5] = [0, 1, 3, 4, 7];

/// One run of an aggregate: its summary and, in a sweep, the swept value it ran with.
pub struct Member<'a> {
    pub swept: Option<String>,
    pub summary: &'a Summary,
}

/// The (member, machine) samples of a group and the members they come from.
type Samples = (Vec<(usize, usize)>, std::collections::BTreeSet<usize>);

/// Mean and sample standard deviation (0 for a single value).
pub fn mean_sd(values: &[f64]) -> (f64, f64) {
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
pub struct Aggregate {
    /// The swept key (`events.die`), when the runs came from a sweep.
    pub swept_key: Option<String>,
    pub runs: usize,
    /// Runs whose checks all passed.
    pub passed: usize,
    pub metrics: Vec<&'static str>,
    pub groups: Vec<Group>,
}

/// One group: the machines of one configured rate in the runs of one swept value.
#[derive(Debug, Clone, Serialize)]
pub struct Group {
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
pub struct Stat {
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

/// Sort key of a swept value: numbers by value, then the rest as text.
fn value_order(v: &Option<String>) -> (u8, f64, String) {
    match v {
        None => (0, 0.0, String::new()),
        Some(text) => match text.parse::<f64>() {
            Ok(x) => (1, x, text.clone()),
            Err(_) => (2, 0.0, text.clone()),
        },
    }
}

/// Group `members` by swept value, then rate.
pub fn aggregate(swept_key: Option<String>, members: &[Member<'_>]) -> Aggregate {
    let mut keys: Vec<Option<String>> = members.iter().map(|m| m.swept.clone()).collect();
    keys.sort_by(|a, b| value_order(a).partial_cmp(&value_order(b)).expect("no NaN"));
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
                swept_value: key.clone(),
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
        format!(
            "aggregate over {} runs ({} passed their checks)\n{by}; mean ± sd over the n machines of each group",
            self.runs, self.passed
        )
    }

    /// The terminal table: the main metrics, compact, within 100 columns.
    pub fn text(&self) -> String {
        let headers = self.headers(&TERMINAL_METRICS);
        let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
        format!(
            "{}\n{}",
            self.title(),
            table(&headers, &self.rows(&TERMINAL_METRICS, true), false)
        )
    }

    /// `aggregate.md`: every metric.
    pub fn markdown(&self) -> String {
        let all: Vec<usize> = (0..METRICS.len()).collect();
        let headers = self.headers(&all);
        let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
        format!(
            "# Aggregate\n\n{}.\n\n{}",
            self.title().replace('\n', ", "),
            table(&headers, &self.rows(&all, false), true)
        )
    }

    /// `aggregate.csv`: one row per group, a mean and an sd column per metric (sd empty for n = 1).
    pub fn csv(&self) -> String {
        let mut out = String::from("swept_key,swept_value,rate,runs,n");
        for (name, _) in METRICS {
            out.push_str(&format!(",{name} mean,{name} sd"));
        }
        out.push('\n');
        for g in &self.groups {
            out.push_str(&format!(
                "{},{},{},{},{}",
                self.swept_key.as_deref().unwrap_or(""),
                g.swept_value.as_deref().unwrap_or(""),
                g.rate,
                g.runs,
                g.n
            ));
            for v in &g.values {
                out.push_str(&format!(
                    ",{},{}",
                    v.mean,
                    v.sd.map_or(String::new(), |sd| sd.to_string())
                ));
            }
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let mut v = [Some("10".to_string()), Some("4".into()), Some("6".into())];
        v.sort_by(|a, b| value_order(a).partial_cmp(&value_order(b)).unwrap());
        assert_eq!(v.map(|x| x.unwrap()), ["4", "6", "10"]);
    }
}
