//! The checks that say whether a run can be trusted, and the offences found against each.
//!
//! Lamport rules and tick numbering are checked here line by line; message matching, losses and
//! rates are judged by the analyzer, which reports its offences through [`Checks::offend`].
//! A departure that a planned fault explains (skipped ticks of a paused machine, messages lost
//! with a killed one) is recorded with [`Checks::expect`]: shown, but not an offence.

use super::faults::FaultPlan;
use super::summary::{Check, Offence, Verdict};
use crate::runlog::{Ev, Record};

/// Offences listed per check (all are counted).
pub const LISTED: usize = 10;
/// Largest relative difference allowed between an achieved and a configured rate.
pub const RATE_TOLERANCE: f64 = 0.05;

/// The checks, in report order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckId {
    Lamport,
    Matching,
    Lost,
    Skipped,
    Rate,
    Vector,
    Ended,
}

const ALL: [(CheckId, &str, &str); 7] = [
    (
        CheckId::Lamport,
        "lamport",
        "internal/send = previous + 1, recv = max(previous, msg_clock) + 1, stop = last clock",
    ),
    (
        CheckId::Matching,
        "matching",
        "every receive matches exactly one send (same link, same clock, FIFO order)",
    ),
    (
        CheckId::Lost,
        "lost",
        "nothing lost: sent and never received = receivers' stop queues + dropped + lost with a killed machine",
    ),
    (
        CheckId::Skipped,
        "skipped",
        "no skipped ticks (but while paused or dead): tick numbers run 1, 2, 3, ... on every machine",
    ),
    (
        CheckId::Rate,
        "rate",
        "achieved tick rates within 5% of the configured ones",
    ),
    (
        CheckId::Vector,
        "vector",
        "vector clocks: own entry + 1 per event; a receive's vector = max(previous, the send's) + own 1, so it dominates the send's",
    ),
    (
        CheckId::Ended,
        "ended",
        "the run ran to its end: not interrupted, not still running (the manifest has an outcome or every machine logged its stop)",
    ),
];

#[derive(Debug, Default, Clone)]
struct Tally {
    offences: u64,
    first: Vec<Offence>,
    expected: u64,
    expected_first: Vec<Offence>,
}

#[derive(Debug, Default, Clone, Copy)]
struct MachineState {
    clock: u64,
    last_tick: u64,
}

/// An entry of a list of offences (or expected departures): `line` of machine `(id, file)`.
fn entry((id, file): &(u32, String), line: Option<u64>, message: String) -> Offence {
    Offence {
        machine: *id,
        file: file.clone(),
        line,
        message,
    }
}

/// Running checks over the records of all machines.
#[derive(Debug, Clone)]
pub struct Checks {
    /// `(machine id, log file name)` per machine index.
    machines: Vec<(u32, String)>,
    state: Vec<MachineState>,
    tallies: Vec<Tally>,
    faults: FaultPlan,
}

impl Checks {
    pub fn new(machines: Vec<(u32, String)>) -> Checks {
        Checks {
            state: vec![MachineState::default(); machines.len()],
            machines,
            tallies: vec![Tally::default(); ALL.len()],
            faults: FaultPlan::default(),
        }
    }

    /// Judge skipped ticks against the run's planned faults.
    pub fn with_faults(mut self, faults: FaultPlan) -> Checks {
        self.faults = faults;
        self
    }

    /// Count a departure a planned fault explains; listed like an offence, but the check passes.
    pub fn expect(
        &mut self,
        check: CheckId,
        machine: usize,
        line: Option<u64>,
        message: impl FnOnce() -> String,
    ) {
        let tally = &mut self.tallies[check as usize];
        tally.expected += 1;
        if tally.expected_first.len() < LISTED {
            let entry = entry(&self.machines[machine], line, message());
            tally.expected_first.push(entry);
        }
    }

    /// Turn every offence of `check` into an expected departure, with `why` as the first entry:
    /// for a run cut short, whose messages in flight are not losses.
    pub fn excuse(&mut self, check: CheckId, why: &str) {
        let tally = &mut self.tallies[check as usize];
        if tally.offences == 0 {
            return;
        }
        tally.expected += tally.offences;
        let first = std::mem::take(&mut tally.first);
        tally.offences = 0;
        for mut o in first {
            if tally.expected_first.len() < LISTED {
                o.message = format!("{} ({why})", o.message);
                tally.expected_first.push(o);
            }
        }
    }

    /// Count an offence; the message is only built for the first [`LISTED`] of a check.
    pub fn offend(
        &mut self,
        check: CheckId,
        machine: usize,
        line: Option<u64>,
        message: impl FnOnce() -> String,
    ) {
        let tally = &mut self.tallies[check as usize];
        tally.offences += 1;
        if tally.first.len() < LISTED {
            tally
                .first
                .push(entry(&self.machines[machine], line, message()));
        }
    }

    /// Check the clock and tick rules on one record of machine `machine`.
    pub fn observe(&mut self, machine: usize, rec: &Record) {
        let state = self.state[machine];
        let line = Some(rec.line);
        let (tick, lamport, expected) = match rec.event {
            Ev::Internal { tick, lamport } => (tick, lamport, state.clock + 1),
            Ev::Send { tick, lamport, .. } => (tick, lamport, state.clock + 1),
            Ev::Recv {
                tick,
                lamport,
                msg_clock,
                ..
            } => (tick, lamport, state.clock.max(msg_clock) + 1),
            Ev::Skipped { first, count } => {
                let message = || {
                    format!(
                        "{count} tick(s) skipped from tick {first} (after tick {})",
                        state.last_tick
                    )
                };
                if self.faults.skip_expected(machine, rec.ts) {
                    self.expect(CheckId::Skipped, machine, line, || {
                        message() + ": the machine was paused or dead (fault)"
                    });
                } else {
                    self.offend(CheckId::Skipped, machine, line, message);
                }
                self.state[machine].last_tick = first.saturating_add(count.saturating_sub(1));
                return;
            }
            Ev::Stop { lamport, .. } => {
                if lamport != state.clock {
                    self.offend(CheckId::Lamport, machine, line, || {
                        format!(
                            "stop says clock {lamport}, last clock event gave {}",
                            state.clock
                        )
                    });
                }
                return;
            }
            Ev::Start { .. } | Ev::Dropped { .. } | Ev::Other => return,
        };
        if lamport != expected {
            self.offend(CheckId::Lamport, machine, line, || match rec.event {
                Ev::Recv { msg_clock, .. } => format!(
                    "recv: clock {lamport}, expected max({}, {msg_clock}) + 1 = {expected}",
                    state.clock
                ),
                _ => format!("clock {lamport}, expected {} + 1 = {expected}", state.clock),
            });
        }
        if tick != state.last_tick + 1 {
            self.offend(CheckId::Skipped, machine, line, || {
                format!(
                    "tick {tick} follows tick {} with no skipped line",
                    state.last_tick
                )
            });
        }
        self.state[machine] = MachineState {
            clock: lamport,
            last_tick: tick,
        };
    }

    /// The verdict: every check with its offence count and first offences.
    pub fn verdict(self) -> Verdict {
        let checks: Vec<Check> = ALL
            .iter()
            .zip(self.tallies)
            .map(|((_, name, rule), tally)| Check {
                name: name.to_string(),
                rule: rule.to_string(),
                passed: tally.offences == 0,
                offences: tally.offences,
                first: tally.first,
                expected: tally.expected,
                expected_first: tally.expected_first,
            })
            .collect();
        Verdict {
            passed: checks.iter().all(|c| c.passed),
            checks,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runlog::IdSet;

    fn feed(events: &[Ev]) -> Verdict {
        let mut checks = Checks::new(vec![(0, "machine-0.log".into())]);
        for (i, &event) in events.iter().enumerate() {
            checks.observe(
                0,
                &Record {
                    ts: i as i64,
                    line: i as u64 + 1,
                    event,
                    vc: Vec::new(),
                },
            );
        }
        checks.verdict()
    }

    fn failed(v: &Verdict) -> Vec<(&str, Option<u64>)> {
        v.checks
            .iter()
            .filter(|c| !c.passed)
            .flat_map(|c| c.first.iter().map(move |o| (c.name.as_str(), o.line)))
            .collect()
    }

    #[test]
    fn a_correct_sequence_passes() {
        let v = feed(&[
            Ev::Internal {
                tick: 1,
                lamport: 1,
            },
            Ev::Send {
                tick: 2,
                lamport: 2,
                to: IdSet(2),
            },
            Ev::Recv {
                tick: 3,
                lamport: 10,
                from: 1,
                msg_clock: 9,
                queue: 0,
            },
            Ev::Recv {
                tick: 4,
                lamport: 11,
                from: 1,
                msg_clock: 3,
                queue: 0,
            },
            Ev::Stop {
                lamport: 11,
                queue: 0,
                ticks: 4,
                skipped: 0,
            },
        ]);
        assert!(v.passed, "{v:?}");
    }

    #[test]
    fn a_skip_during_a_pause_is_expected_and_one_outside_is_not() {
        use super::super::faults::{MachineFaults, Span};
        let plan = FaultPlan {
            machines: vec![MachineFaults {
                down: vec![Span { from: 10, to: 20 }],
                ..MachineFaults::default()
            }],
            records: Vec::new(),
        };
        let mut checks = Checks::new(vec![(0, "machine-0.log".into())]).with_faults(plan);
        let rec = |ts: i64, line: u64, event: Ev| Record {
            ts,
            line,
            event,
            vc: Vec::new(),
        };
        checks.observe(
            0,
            &rec(
                5,
                1,
                Ev::Internal {
                    tick: 1,
                    lamport: 1,
                },
            ),
        );
        // logged just after the resume: the pause's doing
        checks.observe(0, &rec(21, 2, Ev::Skipped { first: 2, count: 3 }));
        checks.observe(
            0,
            &rec(
                22,
                3,
                Ev::Internal {
                    tick: 5,
                    lamport: 2,
                },
            ),
        );
        // long after it: a real stall
        let late = 20 + super::super::faults::SKIP_SLACK_US + 1;
        checks.observe(0, &rec(late, 4, Ev::Skipped { first: 6, count: 1 }));
        let v = checks.verdict();
        let skipped = &v.checks[3];
        assert_eq!((skipped.offences, skipped.expected), (1, 1));
        assert_eq!(skipped.first[0].line, Some(4));
        assert_eq!(skipped.expected_first[0].line, Some(2));
        assert!(skipped.expected_first[0].message.contains("(fault)"));
        assert!(!v.passed);
    }

    #[test]
    fn broken_rules_name_their_lines() {
        let v = feed(&[
            Ev::Internal {
                tick: 1,
                lamport: 2,
            },
            Ev::Recv {
                tick: 2,
                lamport: 4,
                from: 1,
                msg_clock: 4,
                queue: 0,
            },
            Ev::Skipped { first: 3, count: 2 },
            Ev::Internal {
                tick: 5,
                lamport: 5,
            },
            Ev::Internal {
                tick: 7,
                lamport: 6,
            },
            Ev::Stop {
                lamport: 7,
                queue: 0,
                ticks: 7,
                skipped: 2,
            },
        ]);
        assert_eq!(
            failed(&v),
            vec![
                ("lamport", Some(1)),
                ("lamport", Some(2)),
                ("lamport", Some(6)),
                ("skipped", Some(3)),
                ("skipped", Some(5)),
            ]
        );
        let lamport = &v.checks[0].first[1].message;
        assert_eq!(lamport, "recv: clock 4, expected max(2, 4) + 1 = 5");
    }
}
