//! The per-machine figures that several runs are compared by (the batch aggregate and
//! `compare` read the same ones): how each is read from a run's [`Summary`], what it is called
//! in a table and a CSV header, and how a run's machines reduce to one value per run.

use crate::analyze::report::tables::speedup;
use crate::analyze::run::summary::Summary;

/// How the machines of one run (or of one rate in it) reduce to one value for that run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reduce {
    Mean,
    Max,
    /// The lowest (drift is at most 0: the furthest behind).
    Min,
    Sum,
}

impl Reduce {
    /// The reduction of `values` (0 for none).
    pub(crate) fn of(self, values: &[f64]) -> f64 {
        if values.is_empty() {
            return 0.0;
        }
        match self {
            Reduce::Mean => values.iter().sum::<f64>() / values.len() as f64,
            Reduce::Max => values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            Reduce::Min => values.iter().copied().fold(f64::INFINITY, f64::min),
            Reduce::Sum => values.iter().sum(),
        }
    }
}

/// One figure of a machine.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Metric {
    /// Its name in a table (`jump mean`).
    pub label: &'static str,
    /// Its CSV and JSON name: a plain identifier naming its unit (`jump_mean_clock`).
    pub id: &'static str,
    /// Its value for machine `i` (manifest order) of a run.
    pub get: fn(&Summary, usize) -> f64,
    /// How a run's machines reduce to one value.
    pub reduce: Reduce,
}

/// Every figure compared, in table order.
pub(crate) const METRICS: [Metric; 12] = [
    Metric {
        label: "clock/model s",
        id: "clock_per_model_s",
        get: |s, i| s.machines[i].clock_per_s / speedup(s),
        reduce: Reduce::Mean,
    },
    Metric {
        label: "jump mean",
        id: "jump_mean_clock",
        get: |s, i| s.machines[i].jumps.mean,
        reduce: Reduce::Mean,
    },
    Metric {
        label: "jump max",
        id: "jump_max_clock",
        get: |s, i| s.machines[i].jumps.max as f64,
        reduce: Reduce::Max,
    },
    Metric {
        label: "jumps>1 %",
        id: "jumps_above_1_pct",
        get: |s, i| 100.0 * s.machines[i].jumps.share_above_1,
        reduce: Reduce::Mean,
    },
    Metric {
        label: "queue mean",
        id: "queue_mean_msgs",
        get: |s, i| s.machines[i].queue.mean,
        reduce: Reduce::Mean,
    },
    Metric {
        label: "queue max",
        id: "queue_max_msgs",
        get: |s, i| s.machines[i].queue.max as f64,
        reduce: Reduce::Max,
    },
    Metric {
        label: "delay p50 ms",
        id: "delay_p50_real_ms",
        get: |s, i| s.machines[i].delay_us.p50 as f64 / 1e3,
        reduce: Reduce::Mean,
    },
    Metric {
        label: "max drift",
        id: "drift_max_clock",
        get: |s, i| s.drift.machines[i].max_drift as f64,
        reduce: Reduce::Min,
    },
    Metric {
        label: "drift slope /model s",
        id: "drift_slope_clock_per_model_s",
        get: |s, i| s.drift.machines[i].slope_per_s / speedup(s),
        reduce: Reduce::Min,
    },
    Metric {
        label: "final drift",
        id: "drift_final_clock",
        get: |s, i| s.drift.machines[i].final_drift as f64,
        reduce: Reduce::Min,
    },
    Metric {
        label: "skipped slots",
        id: "skipped_slots",
        get: |s, i| s.machines[i].skipped as f64,
        reduce: Reduce::Sum,
    },
    Metric {
        label: "queue at stop",
        id: "queue_at_stop_msgs",
        get: |s, i| s.machines[i].queue.at_stop.unwrap_or(0) as f64,
        reduce: Reduce::Sum,
    },
];

/// The metric called `id`.
pub(crate) fn by_id(id: &str) -> usize {
    METRICS
        .iter()
        .position(|m| m.id == id)
        .expect("the metric ids used are listed")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reductions_by_hand() {
        let v = [2.0, -1.0, 5.0];
        assert_eq!(Reduce::Mean.of(&v), 2.0);
        assert_eq!(Reduce::Max.of(&v), 5.0);
        assert_eq!(Reduce::Min.of(&v), -1.0);
        assert_eq!(Reduce::Sum.of(&v), 6.0);
        assert_eq!(Reduce::Max.of(&[]), 0.0);
    }

    #[test]
    fn every_id_is_a_plain_identifier_and_unique() {
        for m in METRICS {
            assert!(
                m.id.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                "{}",
                m.id
            );
            assert_eq!(
                by_id(m.id),
                METRICS.iter().position(|x| x.id == m.id).unwrap()
            );
        }
    }
}
