//! The checks that say whether a run can be trusted, and the offences found against each.
//!
//! Lamport rules and tick numbering are checked here line by line; message matching, losses and
//! rates are judged by the analyzer, which reports its offences through [`Checks::offend`].
//! A departure that a planned fault explains (skipped ticks of a paused machine, messages lost
//! with a killed one) is recorded with [`Checks::expect`]: shown, but not an offence.
//!
//! Correctness checks (`lamport`, `matching`, `lost`, `vector`) have no tolerance. The timing
//! checks (`skipped`, `rate`) fail a run only beyond the scenario's [`Tolerance`]; within it their
//! departures are counted as tolerated and the figure is given in the check's note. `logiclock
//! run` prints this same verdict at the end of a run.

mod advice;
mod figures;
mod rules;

pub(crate) use rules::CheckId;
use rules::ALL;

use advice::{timing_advice, Stalls};

use super::faults::FaultPlan;
use super::hlc::{HlcCheck, HlcSummary};
use super::summary::{Check, Offence, Verdict};
use crate::log_format::Event;
use crate::manifest::FaultCause;
use crate::runlog::Line;
use crate::scenario::Tolerance;

/// Offences listed per check (all are counted).
pub(crate) const LISTED: usize = 10;

#[derive(Debug, Default, Clone)]
struct Tally {
    offences: u64,
    first: Vec<Offence>,
    expected: u64,
    expected_first: Vec<Offence>,
    /// Of `expected`, those no planned fault explains.
    expected_unplanned: u64,
}

#[derive(Debug, Default, Clone, Copy)]
struct MachineCheck {
    clock: u64,
    last_tick: u64,
    /// Ticks skipped that no fault explains, and how.
    stalls: Stalls,
    /// Relative error of the achieved rate, once known.
    rate_error: Option<f64>,
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
pub(crate) struct Checks {
    /// `(machine id, log file name)` per machine index.
    machines: Vec<(u32, String)>,
    state: Vec<MachineCheck>,
    tallies: Vec<Tally>,
    faults: FaultPlan,
    tolerance: Tolerance,
    /// Skipped lines no fault explains: offences only if a machine skipped beyond tolerance.
    skips: Tally,
    /// The run's speedup, for the advice on a timing failure.
    speedup: f64,
    /// The hybrid logical clocks' replay and bounds.
    hlc: HlcCheck,
    /// The scenario's physical clock granularity, µs, for the bound on `c`.
    granularity_us: u64,
    /// Why the timing checks (`skipped`, `rate`, `ended`) are skipped: an imported run has no
    /// configured rates or schedule. They then pass with this as their note.
    timing_unknown: Option<String>,
}

impl Checks {
    pub(crate) fn new(machines: Vec<(u32, String)>) -> Checks {
        Checks {
            state: vec![MachineCheck::default(); machines.len()],
            tallies: vec![Tally::default(); ALL.len()],
            faults: FaultPlan::default(),
            tolerance: Tolerance::default(),
            skips: Tally::default(),
            speedup: 1.0,
            hlc: HlcCheck::new(machines.len()),
            granularity_us: 1,
            timing_unknown: None,
            machines,
        }
    }

    /// Skip the timing checks, saying `why` in their notes (an imported run); `None` judges them.
    pub(crate) fn with_timing_unknown(mut self, why: Option<String>) -> Checks {
        self.timing_unknown = why;
        self
    }

    /// Why the timing checks are skipped, when they are.
    pub(crate) fn timing_unknown(&self) -> Option<&str> {
        self.timing_unknown.as_deref()
    }

    /// Bound the hybrid clocks' `c` with the scenario's physical clock granularity (µs).
    pub(crate) fn with_granularity(mut self, granularity_us: u64) -> Checks {
        self.granularity_us = granularity_us;
        self
    }

    /// Advise on timing failures for a run at `speedup`.
    pub(crate) fn with_speedup(mut self, speedup: f64) -> Checks {
        self.speedup = speedup;
        self
    }

    /// Judge timing against `tolerance` (the scenario's).
    pub(crate) fn with_tolerance(mut self, tolerance: Tolerance) -> Checks {
        self.tolerance = tolerance;
        self
    }

    /// The tolerance timing is judged against.
    pub(crate) fn tolerance(&self) -> Tolerance {
        self.tolerance
    }

    /// Record machine `machine`'s achieved-rate error (relative), for the `rate` check's note.
    pub(crate) fn rate_error(&mut self, machine: usize, error: f64) {
        self.state[machine].rate_error = Some(error);
    }

    /// Judge skipped ticks against the run's planned faults.
    pub(crate) fn with_faults(mut self, faults: FaultPlan) -> Checks {
        self.faults = faults;
        self
    }

    /// Count a departure a planned fault explains or (`unplanned`) something else does (a
    /// machine killed from outside, a run cut at one instant); listed like an offence, but the
    /// check passes.
    pub(crate) fn expect_by(
        &mut self,
        check: CheckId,
        machine: usize,
        line: Option<u64>,
        unplanned: bool,
        message: impl FnOnce() -> String,
    ) {
        let tally = &mut self.tallies[check as usize];
        tally.expected += 1;
        tally.expected_unplanned += u64::from(unplanned);
        if tally.expected_first.len() < LISTED {
            let entry = entry(&self.machines[machine], line, message());
            tally.expected_first.push(entry);
        }
    }

    /// Turn every offence of `check` into an expected departure, with `why` as the first entry:
    /// for a run cut short, whose messages in flight are not losses.
    pub(crate) fn excuse(&mut self, check: CheckId, why: &str) {
        let tally = &mut self.tallies[check as usize];
        if tally.offences == 0 {
            return;
        }
        tally.expected += tally.offences;
        tally.expected_unplanned += tally.offences;
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
    pub(crate) fn offend(
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
    pub(crate) fn observe(&mut self, machine: usize, rec: &Line) {
        self.hlc.observe(machine, rec);
        let state = self.state[machine];
        let line = Some(rec.line);
        let (tick, lamport, expected, late_us) = match rec.event {
            Event::Internal {
                tick,
                lamport,
                late_us,
                ..
            }
            | Event::Send {
                tick,
                lamport,
                late_us,
                ..
            } => (tick, lamport, state.clock + 1, late_us),
            Event::Recv {
                tick,
                lamport,
                msg_clock,
                late_us,
                ..
            } => (tick, lamport, state.clock.max(msg_clock) + 1, late_us),
            Event::Skipped { first, count } => {
                let message = || {
                    format!(
                        "{count} tick(s) skipped from tick {first} (after tick {})",
                        state.last_tick
                    )
                };
                if let Some(cause) = self.faults.skip_cause(machine, rec.timestamp) {
                    let why = match cause {
                        FaultCause::Planned => "the machine was paused or dead (fault)",
                        FaultCause::JobControl => {
                            "the machine was paused with the supervisor (Ctrl-Z, job control)"
                        }
                    };
                    self.expect_by(CheckId::Skipped, machine, line, false, || {
                        format!("{}: {why}", message())
                    });
                } else {
                    self.state[machine].stalls.skip(count);
                    self.skips.offences += 1;
                    if self.skips.first.len() < LISTED {
                        let entry = entry(&self.machines[machine], line, message());
                        self.skips.first.push(entry);
                    }
                }
                self.state[machine].last_tick = first.saturating_add(count.saturating_sub(1));
                return;
            }
            Event::Stop { lamport, .. } => {
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
            Event::Start { .. }
            | Event::Dropped { .. }
            | Event::Fault { .. }
            | Event::PeerConnected { .. }
            | Event::PeerGone { .. }
            | Event::Refused { .. }
            | Event::Warning { .. }
            | Event::Unknown => return,
        };
        if lamport != expected {
            self.offend(CheckId::Lamport, machine, line, || match rec.event {
                Event::Recv { msg_clock, .. } => format!(
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
        self.state[machine].clock = lamport;
        self.state[machine].last_tick = tick;
        self.state[machine].stalls.tick(late_us);
    }

    /// The verdict: every check with its offence count and first offences.
    #[cfg(test)]
    pub(crate) fn verdict(self) -> Verdict {
        self.verdict_and_clocks().0
    }

    /// The verdict, and the hybrid clocks' figures (for `summary.json`'s `clocks`).
    pub(crate) fn verdict_and_clocks(mut self) -> (Verdict, HlcSummary) {
        let hlc_skipped = self.hlc.skipped_because();
        let (clocks, offences) = std::mem::take(&mut self.hlc).finish(self.granularity_us);
        for o in offences {
            self.offend(CheckId::Hlc, o.machine, Some(o.line), || o.message);
        }
        let hlc_note = match (hlc_skipped, &self.timing_unknown) {
            // Import writes no `hlc`: the format-5 reason would mislead.
            (Some(_), Some(_)) => "not checked: an imported run's logs carry no `hlc`".to_owned(),
            (Some(why), None) => why,
            (None, _) => clocks.note(),
        };
        let (skipped_note, beyond) = self.skipped_figure();
        let skipped_beyond = beyond.is_some();
        let skips = std::mem::take(&mut self.skips);
        let tolerated = if skipped_beyond {
            let tally = &mut self.tallies[CheckId::Skipped as usize];
            tally.offences += skips.offences;
            // The skipped lines came first in each log; numbering offences follow them.
            tally.first.splice(0..0, skips.first);
            tally.first.truncate(LISTED);
            0
        } else {
            skips.offences
        };
        let rate_note = self.rate_figure();
        let skipped_why = self.timing_unknown.take();
        if skipped_why.is_some() {
            // Nothing to judge ticks against: no offence, and the note says why.
            for id in [CheckId::Skipped, CheckId::Rate, CheckId::Ended] {
                self.tallies[id as usize] = Tally::default();
            }
        }
        let advice = |i: usize| {
            let stalls = self.state[i].stalls;
            timing_advice(self.machines[i].0, stalls, self.speedup)
        };
        let skipped_advice = beyond.map(advice);
        let rate_advice = self.rate_worst().map(advice);
        let checks: Vec<Check> = ALL
            .iter()
            .zip(self.tallies)
            .map(|((id, name, rule), tally)| Check {
                name: name.to_string(),
                rule: rule.to_string(),
                passed: tally.offences == 0,
                offences: tally.offences,
                first: tally.first,
                expected: tally.expected,
                expected_first: tally.expected_first,
                expected_unplanned: tally.expected_unplanned,
                tolerated: if *id == CheckId::Skipped && skipped_why.is_none() {
                    tolerated
                } else {
                    0
                },
                note: match id {
                    CheckId::Skipped | CheckId::Rate | CheckId::Ended if skipped_why.is_some() => {
                        skipped_why.clone()
                    }
                    CheckId::Skipped => Some(skipped_note.clone()),
                    CheckId::Rate => rate_note.clone(),
                    CheckId::Hlc => Some(hlc_note.clone()),
                    _ => None,
                },
                advice: match id {
                    _ if tally.offences == 0 => None,
                    CheckId::Skipped => skipped_advice.clone(),
                    CheckId::Rate => rate_advice.clone(),
                    _ => None,
                },
            })
            .collect();
        let verdict = Verdict {
            passed: checks.iter().all(|c| c.passed),
            checks,
        };
        (verdict, clocks)
    }
}

#[cfg(test)]
mod tests;
