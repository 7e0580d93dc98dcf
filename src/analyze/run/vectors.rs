//! Vector clocks in the analysis: the line-by-line vector rules, the check that a receive's
//! vector dominates its send's, and the events counted for the causality figures.
//!
//! Logs of format 1 carry no vectors; for them nothing is checked and no causality is computed.
//! Each clock event also goes to the clocks' scores ([`super::scores`]), which need its vector.

use super::causality::{Causality, CausalityCounter};
use super::checks::{CheckId, Checks};
use super::hlc::HlcSummary;
use super::in_flight::{InFlight, MEMORY_BUDGET};
use super::scores::{ClockScores, ScoreCounter};
use crate::log_format::Event;
use crate::runlog::Line;

/// Vector state of a run's analysis.
#[derive(Debug)]
pub(crate) struct Vectors {
    /// Each machine's last vector (by machine index; entries by machine id).
    last: Vec<Vec<u64>>,
    /// Vectors of messages sent and not yet received, by (from id, to id, Lamport value).
    in_flight: InFlight,
    /// The causality figures, counted as the clock events come.
    causality: CausalityCounter,
    /// Every clock scored against the vectors and true time.
    scores: ScoreCounter,
    /// A clock event without a vector was seen: no causality figures.
    missing: bool,
}

impl Vectors {
    /// For machines with these ids, in manifest order (vectors are indexed by id).
    pub(crate) fn new(ids: &[u32]) -> Vectors {
        let width = ids.iter().map(|&id| id as usize + 1).max().unwrap_or(0);
        Vectors {
            last: vec![vec![0; width]; ids.len()],
            in_flight: InFlight::new(width, MEMORY_BUDGET),
            causality: CausalityCounter::new(ids),
            scores: ScoreCounter::new(ids.len(), width),
            missing: false,
        }
    }

    /// Check one record of the machine at index `m` (id `id`) against the vector rules.
    pub(crate) fn observe(&mut self, m: usize, id: u32, rec: &Line, checks: &mut Checks) {
        let (lamport, vc, message) = match &rec.event {
            Event::Internal { lamport, vc, .. } | Event::Send { lamport, vc, .. } => {
                (*lamport, vc, None)
            }
            Event::Recv {
                lamport,
                from,
                msg_clock,
                vc,
                ..
            } => (
                *lamport,
                vc,
                Some(self.in_flight.remove(&(*from, id, *msg_clock))),
            ),
            Event::Dropped { to, lamport, .. } => {
                for &to in to {
                    self.in_flight.remove(&(id, to, *lamport));
                }
                return;
            }
            Event::Start { .. }
            | Event::Skipped { .. }
            | Event::Stop { .. }
            | Event::Fault { .. }
            | Event::PeerConnected { .. }
            | Event::PeerGone { .. }
            | Event::Refused { .. }
            | Event::Warning { .. }
            | Event::Unknown => return,
        };
        if vc.is_empty() {
            self.missing = true;
            return;
        }
        let own = id as usize;
        let mut expected = self.last[m].clone();
        if vc.len() != expected.len() {
            checks.offend(CheckId::Vector, m, Some(rec.line), || {
                format!(
                    "vector {:?} has {} entries, the run has {}",
                    vc,
                    vc.len(),
                    expected.len()
                )
            });
            self.missing = true;
            return;
        }
        match &message {
            // The receive rule: entry-wise max with the message's vector, then own + 1.
            Some(Some(sent)) => {
                for (e, s) in expected.iter_mut().zip(sent) {
                    *e = (*e).max(*s);
                }
            }
            // The send is not known (a matching offence already): take what the line says for
            // the other entries, but still require the own entry and no entry going back.
            Some(None) => {
                for (i, (e, v)) in expected.iter_mut().zip(vc).enumerate() {
                    if i != own {
                        *e = (*e).max(*v);
                    }
                }
            }
            None => {}
        }
        expected[own] += 1;
        if *vc != expected {
            let what = match message {
                Some(Some(_)) => "max(previous, message's) + own 1",
                Some(None) => "previous, never going back, + own 1",
                None => "previous + own 1",
            };
            checks.offend(CheckId::Vector, m, Some(rec.line), || {
                format!("vector {:?}, expected {expected:?} ({what})", vc)
            });
        }
        if let Event::Send { to, .. } = &rec.event {
            for &dest in to {
                self.in_flight.insert((id, dest, lamport), vc);
            }
        }
        self.causality.push(m, lamport, vc);
        self.scores.push(m, id, rec, lamport, vc);
        self.last[m] = vc.clone();
    }

    /// The causality figures and the clocks' scores, when every clock event carried a vector;
    /// `physical` is the `hlc` check's figures (physical time's inversions).
    pub(crate) fn finish(self, physical: &HlcSummary) -> Option<(Causality, ClockScores)> {
        if self.missing || self.causality.events() == 0 {
            return None;
        }
        let causality = self.causality.finish();
        let scores = self.scores.finish(&causality, physical);
        Some((causality, scores))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Line `line` of machine 0 with `event`, its vector clock set to `vc`.
    fn rec(line: u64, mut event: Event, vc: &[u64]) -> Line {
        if let Event::Internal { vc: v, .. }
        | Event::Send { vc: v, .. }
        | Event::Recv { vc: v, .. } = &mut event
        {
            *v = vc.to_vec();
        }
        Line {
            machine: 0,
            timestamp: line as i64,
            line,
            event,
        }
    }

    fn checks() -> Checks {
        Checks::new(vec![
            (0, "machine-0.log".into()),
            (1, "machine-1.log".into()),
        ])
    }

    fn offences(checks: Checks) -> u64 {
        let verdict = checks.verdict();
        verdict
            .checks
            .iter()
            .find(|c| c.name == "vector")
            .map_or(0, |c| c.offences)
    }

    #[test]
    fn a_consistent_exchange_passes_and_gives_causality() {
        let mut v = Vectors::new(&[0, 1]);
        let mut c = checks();
        let send = Event::Send {
            tick: 1,
            lamport: 1,
            to: vec![1],
            vc: vec![],
            late_us: 0,
            pt_us: None,
            hlc: None,
        };
        v.observe(0, 0, &rec(1, send, &[1, 0]), &mut c);
        v.observe(
            1,
            1,
            &rec(
                1,
                Event::Internal {
                    tick: 1,
                    lamport: 1,
                    vc: vec![],
                    late_us: 0,
                    pt_us: None,
                    hlc: None,
                },
                &[0, 1],
            ),
            &mut c,
        );
        let recv = Event::Recv {
            tick: 2,
            lamport: 2,
            from: 0,
            msg_clock: 1,
            queue: 0,
            vc: vec![],
            late_us: 0,
            pt_us: None,
            hlc: None,
            msg_hlc: None,
            offset_rejected: false,
        };
        v.observe(1, 1, &rec(2, recv, &[1, 2]), &mut c);
        assert_eq!(offences(c), 0);
        let (causality, _) = v.finish(&HlcSummary::default()).unwrap();
        // (a1, b1) concurrent; a1 -> b2.
        assert_eq!(causality.concurrent_pairs, 1);
    }

    #[test]
    fn a_receive_that_does_not_dominate_its_send_is_an_offence() {
        let mut v = Vectors::new(&[0, 1]);
        let mut c = checks();
        let send = Event::Send {
            tick: 1,
            lamport: 1,
            to: vec![1],
            vc: vec![],
            late_us: 0,
            pt_us: None,
            hlc: None,
        };
        v.observe(0, 0, &rec(1, send, &[1, 0]), &mut c);
        let recv = Event::Recv {
            tick: 1,
            lamport: 2,
            from: 0,
            msg_clock: 1,
            queue: 0,
            vc: vec![],
            late_us: 0,
            pt_us: None,
            hlc: None,
            msg_hlc: None,
            offset_rejected: false,
        };
        // Forgot the message's entry for machine 0.
        v.observe(1, 1, &rec(1, recv, &[0, 1]), &mut c);
        // An internal event that skips its own entry ahead.
        v.observe(
            0,
            0,
            &rec(
                2,
                Event::Internal {
                    tick: 2,
                    lamport: 2,
                    vc: vec![],
                    late_us: 0,
                    pt_us: None,
                    hlc: None,
                },
                &[3, 0],
            ),
            &mut c,
        );
        assert_eq!(offences(c), 2);
    }

    #[test]
    fn format_1_logs_give_no_causality() {
        let mut v = Vectors::new(&[0, 1]);
        let mut c = checks();
        v.observe(
            0,
            0,
            &rec(
                1,
                Event::Internal {
                    tick: 1,
                    lamport: 1,
                    vc: vec![],
                    late_us: 0,
                    pt_us: None,
                    hlc: None,
                },
                &[],
            ),
            &mut c,
        );
        assert_eq!(offences(c), 0);
        assert!(v.finish(&HlcSummary::default()).is_none());
    }
}
