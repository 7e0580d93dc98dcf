//! Several runs side by side: each per-machine metric, grouped by configured rate, as the mean
//! and the spread (sample standard deviation) over all machines of that rate in all runs.

use std::collections::BTreeMap;

use super::summary::Summary;
use super::tables::table;

/// The metrics compared, with how to read each from a machine of a summary.
type Metric = (&'static str, fn(&Summary, usize) -> f64);

const METRICS: [Metric; 9] = [
    ("clock/s", |s, i| s.machines[i].clock_per_s),
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
    ("drift slope /s", |s, i| s.drift.machines[i].slope_per_s),
];

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

/// Rows `rate, machines, metric...` with each metric as `mean ± sd`.
pub fn rows(summaries: &[Summary]) -> Vec<Vec<String>> {
    let mut by_rate: BTreeMap<u32, Vec<(usize, usize)>> = BTreeMap::new();
    for (r, s) in summaries.iter().enumerate() {
        for (i, m) in s.machines.iter().enumerate() {
            by_rate.entry(m.rate).or_default().push((r, i));
        }
    }
    by_rate
        .into_iter()
        .map(|(rate, members)| {
            let mut row = vec![rate.to_string(), members.len().to_string()];
            for (_, get) in METRICS {
                let values: Vec<f64> = members
                    .iter()
                    .map(|&(r, i)| get(&summaries[r], i))
                    .collect();
                let (mean, sd) = mean_sd(&values);
                row.push(format!("{mean:.3} ± {sd:.3}"));
            }
            row
        })
        .collect()
}

/// The aggregate table across runs, for the terminal.
pub fn text(summaries: &[Summary]) -> String {
    let mut headers = vec!["rate", "machines"];
    headers.extend(METRICS.iter().map(|(name, _)| *name));
    let passed = summaries.iter().filter(|s| s.verdict.passed).count();
    format!(
        "aggregate over {} runs ({passed} passed their checks), by configured rate (mean ± sd)\n{}",
        summaries.len(),
        table(&headers, &rows(summaries), false)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mean_and_spread_by_hand() {
        assert_eq!(mean_sd(&[2.0, 4.0, 6.0]), (4.0, 2.0));
        assert_eq!(mean_sd(&[5.0]), (5.0, 0.0));
    }
}
