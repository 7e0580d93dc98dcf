//! Settling each message once the analyzer knows its fate: matched (a delay), skipped over (lost),
//! lost with a machine that died, or left in the receiver's stop queue.

use super::checks::{CheckId, Checks};
use super::faults::FaultPlan;
use super::metrics::MachineMetrics;
use crate::runlog::{LinkPairing, Pending, Settled};

/// What accounting for the unreceived messages at the end of a run reads and updates.
pub(crate) struct Unreceived<'a> {
    pub ids: &'a [u32],
    pub faults: &'a FaultPlan,
    /// Per machine: its stop line's (queue, line number), if it wrote one.
    pub stops: &'a [Option<(u64, u64)>],
    /// Per machine: `start` lines seen, and the time of the last one.
    pub starts: &'a [(u32, i64)],
    /// `links[from * n + to]`, by machine index.
    pub links: &'a mut [LinkPairing],
    pub checks: &'a mut Checks,
    /// The model second a twin's logs were all cut back to after a failed write, if they were.
    pub cut_s: Option<f64>,
}

impl Unreceived<'_> {
    /// Account for the sends never received, per receiver; returns how many of each link
    /// (`from * n + to`) were left in the receiver's stop queue.
    ///
    /// To a machine that died: what was sent before its restart (or at all, when it never came
    /// back) went down with it. The rest must be its stop queue (a queue is processed in arrival
    /// order, so what is left is the latest); extra ones are lost with their sender when it died
    /// (the latest it sent first: still in its buffers), otherwise lost, earliest first.
    pub(crate) fn settle(&mut self) -> Vec<u64> {
        let n = self.ids.len();
        let mut left = vec![0u64; n * n];
        for t in 0..n {
            let to = self.ids[t];
            let died = self.faults.machines[t].died;
            let boundary = match (died, self.stops[t], self.starts[t]) {
                (false, _, _) => i64::MIN,
                (true, None, _) => i64::MAX,
                (true, Some(_), (starts, at)) if starts >= 2 => at,
                (true, Some(_), _) => i64::MIN,
            };
            let mut pending: Vec<(i64, usize, Pending)> = Vec::new();
            let mut with_death = 0u64;
            for f in 0..n {
                let link = &mut self.links[f * n + t];
                let before = link.pending_sends().filter(|p| p.ts < boundary).count() as u64;
                link.lost_at_death += before;
                with_death += before;
                pending.extend(
                    link.pending_sends()
                        .filter(|p| p.ts >= boundary)
                        .map(|p| (p.ts, f, *p)),
                );
            }
            let unplanned = self.faults.machines[t].unplanned_end.is_some();
            if with_death > 0 {
                self.checks
                    .expect_by(CheckId::Lost, t, None, unplanned, || {
                        format!(
                        "{with_death} message(s) to machine {to} were lost with it when it died {}",
                        self.faults.machines[t].death()
                    )
                    });
            }
            pending.sort_by_key(|&(ts, f, p)| (ts, f, p.clock));
            let count = pending.len() as u64;
            let queue = match self.stops[t] {
                Some((queue, line)) => {
                    if queue > count {
                        self.checks.offend(CheckId::Lost, t, Some(line), || {
                            format!("stop queue {queue}, but only {count} message(s) to machine {to} were sent and not received")
                        });
                    }
                    queue
                }
                None if died => {
                    self.checks
                        .expect_by(CheckId::Lost, t, None, unplanned, || {
                            format!(
                                "no stop line: machine {to} was {}",
                                self.faults.machines[t].killed()
                            )
                        });
                    0
                }
                None if self.cut_s.is_some() => {
                    // Every log ends at the cut's instant: the rest is its queue, in flight.
                    let cut_s = self.cut_s.unwrap_or_default();
                    if count > 0 {
                        self.checks.expect_by(CheckId::Lost, t, None, true, || {
                            format!("{count} message(s) to machine {to} in flight at the cut at {cut_s:.3} model s (every log was cut back to that instant after a failed write)")
                        });
                    }
                    count
                }
                // An imported log has no stop lines: what it never received may have been queued
                // or in flight at the end, as the student's program stopped.
                None if self.checks.timing_unknown().is_some() => {
                    if count > 0 {
                        self.checks.expect_by(CheckId::Lost, t, None, true, || {
                            format!("{count} message(s) to machine {to} never received: an imported log has no stop line to say whether they were queued or in flight at the end")
                        });
                    }
                    count
                }
                None => {
                    self.checks.offend(CheckId::Lost, t, None, || {
                        format!("no stop line: the fate of {count} unreceived message(s) to machine {to} is unknown")
                    });
                    count
                }
            };
            let mut extra = count.saturating_sub(queue) as usize;
            let mut gone = vec![false; pending.len()];
            for (k, &(ts, f, _)) in pending.iter().enumerate().rev() {
                let sender = &self.faults.machines[f];
                if extra > 0 && sender.died && sender.killed_at.is_none_or(|at| ts <= at) {
                    gone[k] = true;
                    extra -= 1;
                    self.links[f * n + t].lost_at_death += 1;
                    let from = self.ids[f];
                    let unplanned = sender.unplanned_end.is_some();
                    self.checks.expect_by(CheckId::Lost, f, Some(pending[k].2.line), unplanned, || {
                        format!("message {from}->{to} with clock {} never left machine {from}, which died {}", pending[k].2.clock, sender.death())
                    });
                }
            }
            for (k, &(_, f, p)) in pending.iter().enumerate() {
                if gone[k] {
                    continue;
                }
                if extra > 0 {
                    extra -= 1;
                    self.links[f * n + t].lost += 1;
                    let from = self.ids[f];
                    self.checks.offend(CheckId::Lost, f, Some(p.line), || {
                        format!("message {from}->{to} with clock {} was never received (machine {to} stopped with {queue} in its queue, {count} unreceived)", p.clock)
                    });
                } else {
                    left[f * n + t] += 1;
                }
            }
        }
        left
    }
}

/// What settling a send or receive needs from the analyzer, and how many messages it found
/// lost with a dead machine.
pub(crate) struct Settle<'a> {
    pub ids: &'a [u32],
    pub checks: &'a mut Checks,
    pub metrics: &'a mut [MachineMetrics],
    pub faults: &'a FaultPlan,
    pub starts: &'a [(u32, i64)],
    pub deaths: u64,
}

impl Settle<'_> {
    /// Record what a send or receive settled on link `from -> to` (machine indexes).
    pub(crate) fn settle(&mut self, outcome: Settled, from: usize, to: usize) {
        let (f, t) = (self.ids[from], self.ids[to]);
        match outcome {
            matched @ Settled::Matched { .. } => {
                self.metrics[to].add_delay(matched.delay_us().expect("a matched message has a delay"))
            }
            Settled::Lost(p) if lost_in_a_restart(self.faults, self.starts, from, to, p.ts) => {
                self.deaths += 1;
            }
            Settled::Lost(p) => self.checks.offend(CheckId::Lost, from, Some(p.line), || {
                format!("message {f}->{t} with clock {} was never received (machine {t} received a later one from {f})", p.clock)
            }),
            Settled::Unmatched(p) => self.checks.offend(CheckId::Matching, to, Some(p.line), || {
                format!("recv from machine {f} with msg_clock {} matches no send of machine {f} to machine {t}", p.clock)
            }),
        }
    }
}

/// Whether a message `from -> to` sent at `ts`, skipped over by a later one, went down with a
/// machine that was killed and restarted: the receiver before its restart, or the sender before
/// its kill (still in its buffers).
fn lost_in_a_restart(
    faults: &FaultPlan,
    starts: &[(u32, i64)],
    from: usize,
    to: usize,
    ts: i64,
) -> bool {
    let restarted = |m: usize| faults.machines[m].died && starts[m].0 >= 2;
    (restarted(to) && ts < starts[to].1)
        || (restarted(from) && faults.machines[from].killed_at.is_some_and(|k| ts <= k))
}
