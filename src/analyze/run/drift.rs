//! Drift between the machines' logical clocks, sampled at regular instants of system time.
//!
//! At instant `t` a machine's clock is the `lamport` of its last clock event at or before `t`
//! (0 before its first), and its drift is that clock minus the highest clock of all machines at
//! `t` (so drift <= 0, and the leader's is 0). Instants are `start + k * step`; by default the
//! step is the fastest machine's tick interval, so no machine's clock moves more than about once
//! between two samples and the series misses no tick of any machine. The rate at which a machine
//! falls behind is the least-squares slope of its drift against system time.
//!
//! A machine that is dead (killed, not yet restarted) at an instant has no clock there: it is
//! left out of the highest clock, out of its own figures, and its series holds NaN (a gap in the
//! plots, an empty CSV cell), so its line ends at its death and resumes at its restart. After its
//! `stop` line a machine's series end too (a shutdown can take a while with many machines), but
//! its final clock still counts.
//!
//! Every sample feeds the figures (max drift, slope); the kept series (clock, queue and drift per
//! machine, for CSV and plots) is thinned to a bounded number of rows.

use super::faults::TimeSpan;
use super::stats::{LeastSquares, TimeTable};
use super::summary::MachineDrift;
use crate::analyze::error::LayoutError;
use crate::timebase::TimeBase;

/// Most sample instants one run may have (a guard against wild timestamps).
pub(crate) const MAX_SAMPLES: u64 = 50_000_000;

/// Real microseconds between drift samples of a run whose tick intervals are unknown (an
/// imported run): a tenth of a second of its timestamps.
const UNKNOWN_INTERVAL_STEP_US: u64 = 100_000;

/// Real microseconds between drift samples unless told: the fastest machine's tick interval,
/// or [`UNKNOWN_INTERVAL_STEP_US`] when no interval is known.
pub(crate) fn default_step_us(manifest: &crate::manifest::Manifest) -> u64 {
    let fastest = manifest
        .machines
        .iter()
        .filter_map(|m| m.interval_us)
        .fold(f64::INFINITY, f64::min);
    if fastest.is_finite() {
        fastest.ceil().max(1.0) as u64
    } else {
        UNKNOWN_INTERVAL_STEP_US
    }
}

#[derive(Debug, Clone, Copy, Default)]
struct Acc {
    worst: i64,
    worst_at: i64,
    fit: LeastSquares,
    /// The drift of the last sample it was alive for.
    last: Option<i64>,
}

/// The sampler: call [`Drift::advance`] before applying each record, [`Drift::finish`] at the end.
#[derive(Debug, Clone)]
pub(crate) struct Drift {
    /// The run's start and speedup.
    base: TimeBase,
    t0: i64,
    step: i64,
    next: i64,
    samples: u64,
    acc: Vec<Acc>,
    table: TimeTable,
    row: Vec<f64>,
    /// Per machine, the spans it was dead.
    dead: Vec<Vec<TimeSpan>>,
    /// Per machine, when it logged its `stop` line.
    stopped: Vec<Option<i64>>,
}

/// What the sampler found.
#[derive(Debug, Clone)]
pub(crate) struct DriftResult {
    pub samples: u64,
    pub machines: Vec<MachineDrift>,
    /// Columns: clock per machine, then queue per machine, then drift per machine.
    pub table: TimeTable,
}

impl Drift {
    /// Sample `machines` clocks every `step_us` (real) from the start of `base`.
    pub(crate) fn new(base: TimeBase, step_us: u64, machines: usize, max_rows: usize) -> Drift {
        let t0 = base.origin_us;
        Drift {
            base,
            t0,
            step: step_us.max(1) as i64,
            next: t0,
            samples: 0,
            acc: vec![
                Acc {
                    worst_at: t0,
                    ..Acc::default()
                };
                machines
            ],
            table: TimeTable::new(max_rows),
            row: vec![0.0; 3 * machines],
            dead: vec![Vec::new(); machines],
            stopped: vec![None; machines],
        }
    }

    /// Leave machine `i` out while it is inside one of `dead[i]`.
    pub(crate) fn with_dead(mut self, dead: Vec<Vec<TimeSpan>>) -> Drift {
        self.dead = dead;
        self.dead.resize(self.acc.len(), Vec::new());
        self
    }

    /// Machine `i` stopped at `ts` (its `stop` line): its series end there. Its clock is final,
    /// so it still counts in the figures (the highest clock, its own final drift).
    pub(crate) fn stop(&mut self, i: usize, ts: i64) {
        if let Some(at) = self.stopped.get_mut(i) {
            at.get_or_insert(ts);
        }
    }

    fn drawn(&self, i: usize, t: i64) -> bool {
        // drawn at its stop instant itself: its line ends where it stopped
        self.stopped[i].is_none_or(|at| t <= at)
    }

    fn alive(&self, i: usize, t: i64) -> bool {
        !self.dead[i].iter().any(|s| s.contains(t))
    }

    /// Take the samples at every instant before `ts`; `clocks` and `queues` hold the state then.
    #[inline]
    pub(crate) fn advance(
        &mut self,
        ts: i64,
        clocks: &[u64],
        queues: &[u64],
    ) -> Result<(), LayoutError> {
        if ts <= self.next {
            return Ok(());
        }
        let due = ((ts - self.next - 1) / self.step + 1) as u64;
        if self.samples + due > MAX_SAMPLES {
            return Err(LayoutError::TooManySamples {
                max: MAX_SAMPLES,
                step_us: self.step,
            });
        }
        while self.next < ts {
            self.sample(self.next, clocks, queues);
            self.next += self.step;
        }
        Ok(())
    }

    fn sample(&mut self, t: i64, clocks: &[u64], queues: &[u64]) {
        self.samples += 1;
        let top = self.top(t, clocks);
        let secs = (t - self.t0) as f64 / 1e6;
        let n = clocks.len();
        for (i, (&clock, &queue)) in clocks.iter().zip(queues).enumerate() {
            if !self.alive(i, t) {
                self.row[i] = f64::NAN;
                self.row[n + i] = f64::NAN;
                self.row[2 * n + i] = f64::NAN;
                continue;
            }
            let drift = clock as i64 - top as i64;
            let acc = &mut self.acc[i];
            if drift < acc.worst {
                acc.worst = drift;
                acc.worst_at = t;
            }
            // Fitted against model time: the slope is per model second, like the rates.
            acc.fit.add(self.base.model_of_real(secs), drift as f64);
            acc.last = Some(drift);
            if !self.drawn(i, t) {
                self.row[i] = f64::NAN;
                self.row[n + i] = f64::NAN;
                self.row[2 * n + i] = f64::NAN;
                continue;
            }
            self.row[i] = clock as f64;
            self.row[n + i] = queue as f64;
            self.row[2 * n + i] = drift as f64;
        }
        self.table.offer(secs, &self.row);
    }

    /// The highest clock of the machines alive at `t`.
    fn top(&self, t: i64, clocks: &[u64]) -> u64 {
        (0..clocks.len())
            .filter(|&i| self.alive(i, t))
            .map(|i| clocks[i])
            .max()
            .unwrap_or(0)
    }

    /// Take the samples up to `end` (the last record) and the final state; `rates` and `ids`
    /// label the machines.
    pub(crate) fn finish(
        mut self,
        end: i64,
        clocks: &[u64],
        queues: &[u64],
        ids: &[(u32, Option<u32>)],
    ) -> Result<DriftResult, LayoutError> {
        self.advance(end + 1, clocks, queues)?;
        let top = self.top(end, clocks);
        let n = clocks.len();
        let mut last = vec![0.0; 3 * n];
        let machines = ids
            .iter()
            .enumerate()
            .map(|(i, &(id, rate))| {
                let acc = self.acc[i];
                let alive = self.alive(i, end);
                // A machine dead at the end keeps the drift it had when it was last alive.
                let final_drift = if alive {
                    clocks[i] as i64 - top as i64
                } else {
                    acc.last.unwrap_or(0)
                };
                let (max_drift, at) = if alive && final_drift < acc.worst {
                    (final_drift, end)
                } else {
                    (acc.worst, acc.worst_at)
                };
                let drawn = alive && self.drawn(i, end);
                let value = |v: f64| if drawn { v } else { f64::NAN };
                last[i] = value(clocks[i] as f64);
                last[n + i] = value(queues[i] as f64);
                last[2 * n + i] = value(final_drift as f64);
                MachineDrift {
                    id,
                    rate,
                    max_drift,
                    max_drift_at_model_s: self.base.model_s(at),
                    max_drift_at_real_s: self.base.real_s(at),
                    final_drift,
                    slope_per_model_s: acc.fit.slope(),
                }
            })
            .collect();
        // After every stop line nothing is drawn: no empty last row.
        if last.iter().any(|v| !v.is_nan()) {
            self.table
                .push_last((end.max(self.t0) - self.t0) as f64 / 1e6, &last);
        }
        Ok(DriftResult {
            samples: self.samples,
            machines,
            table: self.table,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drift_at_given_instants_by_hand() {
        // Two machines, samples every second from t0 = 0.
        // m0: clock 1 at 0.5 s, 2 at 1.5 s, 3 at 2.5 s; m1: clock 5 at 1.0 s (exactly on an instant).
        let mut d = Drift::new(TimeBase::new(0, 1.0), 1_000_000, 2, 100);
        let mut clocks = [0u64, 0];
        let queues = [0u64, 0];
        for (ts, m, clock) in [
            (500_000, 0, 1),
            (1_000_000, 1, 5),
            (1_500_000, 0, 2),
            (2_500_000, 0, 3),
        ] {
            d.advance(ts, &clocks, &queues).unwrap();
            clocks[m] = clock;
        }
        let r = d
            .finish(2_500_000, &clocks, &queues, &[(0, Some(1)), (1, Some(2))])
            .unwrap();
        // instants 0, 1, 2: clocks (0,0), (1,5), (2,5); drift m0: 0, -4, -3; m1: 0, 0, 0
        assert_eq!(r.samples, 3);
        assert_eq!(
            r.table.column(4),
            vec![(0.0, 0.0), (1.0, -4.0), (2.0, -3.0), (2.5, -2.0)]
        );
        assert_eq!(r.machines[0].max_drift, -4);
        assert_eq!(r.machines[0].max_drift_at_real_s, 1.0);
        assert_eq!(r.machines[0].max_drift_at_model_s, 1.0, "speedup 1");
        assert_eq!(r.machines[0].final_drift, -2);
        // least squares through (0,0), (1,-4), (2,-3): slope -1.5
        assert!((r.machines[0].slope_per_model_s + 1.5).abs() < 1e-12);
        assert_eq!((r.machines[1].max_drift, r.machines[1].final_drift), (0, 0));
    }

    #[test]
    fn a_dead_machine_is_left_out_from_its_death_to_its_restart() {
        // m0 ticks every second to clock 1..=5; m1 reaches clock 2 at 1.0 s, dies at 1.5 s and
        // is back at 3.5 s with clock 5 (it received a message on restart).
        let dead = vec![
            vec![],
            vec![TimeSpan {
                from: 1_500_000,
                to: 3_500_000,
            }],
        ];
        let mut d = Drift::new(TimeBase::new(0, 1.0), 1_000_000, 2, 100).with_dead(dead);
        let mut clocks = [0u64, 0];
        let queues = [0u64, 0];
        for (ts, m, clock) in [
            (500_000, 0, 1),
            (500_000, 1, 1),
            (1_000_000, 1, 2),
            (1_200_000, 0, 2),
            (2_200_000, 0, 3),
            (3_200_000, 0, 4),
            (3_600_000, 1, 5),
            (4_200_000, 0, 5),
        ] {
            d.advance(ts, &clocks, &queues).unwrap();
            clocks[m] = clock;
        }
        let r = d
            .finish(4_200_000, &clocks, &queues, &[(0, Some(1)), (1, Some(1))])
            .unwrap();
        let drift1: Vec<String> = r
            .table
            .column(5)
            .iter()
            .map(|p| format!("{}", p.1))
            .collect();
        // instants 0..=4 and the end: m1 dead at 2 s and 3 s
        assert_eq!(drift1, ["0", "0", "NaN", "NaN", "0", "0"]);
        // m0's drift is measured against the living only: it leads alone while m1 is dead
        let drift0: Vec<f64> = r.table.column(4).iter().map(|p| p.1).collect();
        assert_eq!(drift0, [0.0, -1.0, 0.0, 0.0, -1.0, 0.0]);
        assert_eq!(r.machines[1].max_drift, 0);
    }

    #[test]
    fn a_stopped_machine_is_not_drawn_but_its_final_clock_counts() {
        let mut d = Drift::new(TimeBase::new(0, 1.0), 1_000_000, 2, 100);
        let mut clocks = [0u64, 0];
        let queues = [0u64, 0];
        d.advance(500_000, &clocks, &queues).unwrap();
        clocks = [1, 3];
        // machine 1 logs its stop at 1.5 s, machine 0 ticks on at 2.5 s
        d.advance(1_500_000, &clocks, &queues).unwrap();
        d.stop(1, 1_500_000);
        d.advance(2_500_000, &clocks, &queues).unwrap();
        clocks[0] = 2;
        let r = d
            .finish(2_500_000, &clocks, &queues, &[(0, Some(1)), (1, Some(1))])
            .unwrap();
        let clock1: Vec<String> = r
            .table
            .column(1)
            .iter()
            .map(|p| format!("{}", p.1))
            .collect();
        assert_eq!(clock1, ["0", "3", "NaN", "NaN"]);
        assert_eq!(
            r.table.times.last(),
            Some(&2.5),
            "machine 0 is drawn to the end"
        );
        // machine 0 is still behind machine 1's final clock
        assert_eq!(r.machines[0].final_drift, -1);
        assert_eq!(r.machines[0].max_drift, -2);
    }

    #[test]
    fn wild_timestamps_are_refused() {
        let mut d = Drift::new(TimeBase::new(0, 1.0), 1, 1, 10);
        let err = d.advance(i64::MAX / 2, &[0], &[0]).unwrap_err();
        assert!(
            matches!(
                err,
                LayoutError::TooManySamples {
                    max: MAX_SAMPLES,
                    ..
                }
            ),
            "{err:?}"
        );
        assert!(
            err.to_string()
                .ends_with("drift samples of 1 us; pass a larger --step-ms"),
            "{err}"
        );
    }
}
