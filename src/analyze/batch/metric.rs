//! The per-machine figures that several runs are compared by (the batch aggregate and
//! `compare` read the same ones): how each is read from a run's [`Summary`], what it is called
//! in a table and a CSV header, and how a run's machines reduce to one value per run. The clock
//! scores (messages a clock inverts) are figures of the whole run: every machine has the run's
//! value (so any reduction gives it back), 0 for logs without the clock (before format 6).

use crate::analyze::run::scores::ClockName;
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

/// A metric, in one line of the table below.
const fn m(
    label: &'static str,
    id: &'static str,
    reduce: Reduce,
    get: fn(&Summary, usize) -> f64,
) -> Metric {
    Metric {
        label,
        id,
        get,
        reduce,
    }
}

/// Every figure compared, in table order.
pub(crate) const METRICS: [Metric; 14] = [
    m(
        "clock/model s",
        "clock_per_model_s",
        Reduce::Mean,
        |s, i| s.machines[i].clock_per_model_s,
    ),
    m("jump mean", "jump_mean_clock", Reduce::Mean, |s, i| {
        s.machines[i].jumps.mean
    }),
    m("jump max", "jump_max_clock", Reduce::Max, |s, i| {
        s.machines[i].jumps.max as f64
    }),
    m("jumps>1 %", "jumps_above_1_pct", Reduce::Mean, |s, i| {
        100.0 * s.machines[i].jumps.share_above_1
    }),
    m("queue mean", "queue_mean_msgs", Reduce::Mean, |s, i| {
        s.machines[i].queue.mean
    }),
    m("queue max", "queue_max_msgs", Reduce::Max, |s, i| {
        s.machines[i].queue.max as f64
    }),
    m("delay p50 ms", "delay_p50_real_ms", Reduce::Mean, |s, i| {
        s.machines[i].delay_real_us.p50 as f64 / 1e3
    }),
    m("max drift", "drift_max_clock", Reduce::Min, |s, i| {
        s.drift.machines[i].max_drift as f64
    }),
    m(
        "drift slope /model s",
        "drift_slope_clock_per_model_s",
        Reduce::Min,
        |s, i| s.drift.machines[i].slope_per_model_s,
    ),
    m("final drift", "drift_final_clock", Reduce::Min, |s, i| {
        s.drift.machines[i].final_drift as f64
    }),
    m("skipped slots", "skipped_slots", Reduce::Sum, |s, i| {
        s.machines[i].skipped as f64
    }),
    m(
        "queue at stop",
        "queue_at_stop_msgs",
        Reduce::Sum,
        |s, i| s.machines[i].queue.at_stop.unwrap_or(0) as f64,
    ),
    m(
        "pt inverted msgs %",
        "pt_inverted_msgs_pct",
        Reduce::Max,
        |s, _| inverted_pct(s, ClockName::Physical),
    ),
    m(
        "HLC inverted msgs %",
        "hlc_inverted_msgs_pct",
        Reduce::Max,
        |s, _| inverted_pct(s, ClockName::Hlc),
    ),
];

/// The share of received messages, in percent, whose receive `clock` does not put after the send.
fn inverted_pct(s: &Summary, clock: ClockName) -> f64 {
    s.clock_scores
        .iter()
        .flat_map(|c| &c.clocks)
        .find(|c| c.clock == clock && c.messages > 0)
        .map_or(0.0, |c| {
            100.0 * c.inverted_messages as f64 / c.messages as f64
        })
}

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
