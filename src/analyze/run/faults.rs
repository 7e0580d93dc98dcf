//! The faults a run carried out on purpose (`outcome.faults` in the manifest), read as the
//! analysis needs them: when each machine was frozen or dead (paired by
//! [`crate::runlog::faults`]), which deaths explain missing `stop` lines and messages, and which
//! skipped ticks are expected (and why: a planned fault, or job control pausing the whole run).

use crate::log_format::{FaultKind, FaultPhase};
use crate::manifest::{FaultCause, MachineEnd, Manifest};
use crate::runlog::faults::pair_spans;

use super::summary::FaultSummary;
use crate::log_format::timestamp::parse_micros;
use crate::runlog::compat::phase_from_prose;
use crate::timebase::TimeBase;

/// Real microseconds after a fault window during which a `skipped` line is still its doing
/// (the machine logs its skip at its first tick after waking, or after a restart's set-up).
pub(crate) const SKIP_SLACK_US: i64 = 1_000_000;

/// A span of system time, microseconds since the Unix epoch, `to` excluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TimeSpan {
    pub from: i64,
    pub to: i64,
}

impl TimeSpan {
    /// Whether the instant `t` falls inside the span.
    pub(crate) fn contains(self, t: i64) -> bool {
        t >= self.from && t < self.to
    }

    /// Microseconds of this span inside `[a, b]`.
    fn overlap(self, a: i64, b: i64) -> i64 {
        (self.to.min(b) - self.from.max(a)).max(0)
    }
}

/// What the faults did to one machine.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct MachineFaults {
    /// Paused (pause..resume) or dead (kill..restart, or kill..end of run).
    pub down: Vec<TimeSpan>,
    /// Dead (kill..restart, or kill..end of run): no clock, drawn and measured as absent.
    pub dead: Vec<TimeSpan>,
    /// It died on purpose or was killed: a `kill` fault names it, or its exit says it was killed.
    pub died: bool,
    /// System time of its last `kill` fault, when one names it.
    pub killed_at: Option<i64>,
    /// It was restarted after a kill (a `restart` record names it).
    pub restarted: bool,
    /// Paused with the supervisor by job control (Ctrl-Z .. `fg`), not by the scenario.
    pub suspended: Vec<TimeSpan>,
    /// How its last process was killed when no fault planned it (`kill -9` from outside, or the
    /// supervisor after the stop grace): `None` for a planned kill, or no kill at all.
    pub unplanned_end: Option<MachineEnd>,
}

impl MachineFaults {
    /// What explains its death, as a check's message ends: `(fault)` for a planned kill, or how
    /// its process was killed, which no fault of the scenario planned.
    pub(crate) fn death(&self) -> String {
        match self.unplanned_end {
            None => "(fault)".to_owned(),
            Some(end @ MachineEnd::Signaled { .. }) => {
                format!("(killed from outside: {end}; not a planned fault)")
            }
            Some(end) => format!("({end}; not a planned fault)"),
        }
    }

    /// How it was killed, as in "machine 1 was killed ...".
    pub(crate) fn killed(&self) -> String {
        match self.unplanned_end {
            None => "killed (fault)".to_owned(),
            Some(end @ MachineEnd::Signaled { .. }) => {
                format!("killed from outside ({end}), not by a planned fault")
            }
            Some(end) => format!("{end}, not by a planned fault"),
        }
    }
}

/// The run's faults, per machine index (manifest order).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct FaultPlan {
    pub machines: Vec<MachineFaults>,
    /// Every record, times relative to the run start, for the reports and plots.
    pub records: Vec<FaultSummary>,
}

impl FaultPlan {
    /// Read the faults of `manifest`, whose run started at the start of `base`, and whose last
    /// log line is not known yet (open windows end at `i64::MAX`).
    pub(crate) fn new(manifest: &Manifest, base: TimeBase) -> FaultPlan {
        let ids: Vec<u32> = manifest.machines.iter().map(|m| m.id).collect();
        let mut machines = vec![MachineFaults::default(); ids.len()];
        let mut records = Vec::new();
        let Some(outcome) = &manifest.outcome else {
            return FaultPlan { machines, records };
        };
        // (machine index, whether the record begins or ends the machine's being down, and its
        // being dead, at), for the one pairing of begins and ends.
        let mut down = Vec::new();
        let mut dead = Vec::new();
        let mut suspended = Vec::new();
        // A fault that did not apply changed nothing: no span, no mark.
        for record in outcome.faults.iter().filter(|f| f.outcome.is_done()) {
            let Some(at) = parse_micros(&record.at) else {
                continue;
            };
            records.push(FaultSummary {
                at_model_s: base.model_s(at),
                at_real_s: base.real_s(at),
                kind: record.kind,
                // Set by the writer, or by the run log reader for an older manifest.
                phase: record
                    .phase
                    .unwrap_or_else(|| phase_from_prose(record.kind, &record.detail)),
                machines: record.machines.clone(),
                detail: record.detail.clone(),
            });
            let Some(i) = record
                .machines
                .first()
                .and_then(|id| ids.iter().position(|x| x == id))
            else {
                continue;
            };
            let m = &mut machines[i];
            // Job control pauses the whole run: its spans explain skips, but are no fault.
            if record.cause == FaultCause::JobControl {
                match record.kind {
                    FaultKind::Pause => suspended.push((i, FaultPhase::Begin, at)),
                    FaultKind::Resume => suspended.push((i, FaultPhase::End, at)),
                    _ => {}
                }
                continue;
            }
            // A pause or a kill takes a machine down until its resume or restart; a kill
            // kills it until its restart.
            match record.kind {
                FaultKind::Pause => down.push((i, FaultPhase::Begin, at)),
                FaultKind::Kill => {
                    m.died = true;
                    m.killed_at = Some(at);
                    down.push((i, FaultPhase::Begin, at));
                    dead.push((i, FaultPhase::Begin, at));
                }
                FaultKind::Resume => down.push((i, FaultPhase::End, at)),
                FaultKind::Restart => {
                    m.restarted = true;
                    down.push((i, FaultPhase::End, at));
                    dead.push((i, FaultPhase::End, at));
                }
                FaultKind::Died | FaultKind::Delay | FaultKind::Partition => {}
            }
        }
        // Per machine, closed spans come first, in the order they closed; one still open last.
        let spans = |items: &[(usize, FaultPhase, i64)]| {
            let mut spans: Vec<(usize, usize, TimeSpan)> = pair_spans(items.iter().copied())
                .into_iter()
                .map(|span| {
                    let (first, from) = span.begin;
                    let (closed, to) = span.end.unwrap_or((usize::MAX, i64::MAX));
                    (closed, items[first].0, TimeSpan { from, to })
                })
                .collect();
            spans.sort_by_key(|&(closed, _, _)| closed);
            spans
        };
        for (_, i, span) in spans(&down) {
            machines[i].down.push(span);
        }
        for (_, i, span) in spans(&dead) {
            machines[i].dead.push(span);
        }
        for (_, i, span) in spans(&suspended) {
            machines[i].suspended.push(span);
        }
        for exit in &outcome.exits {
            if let Some(i) = ids.iter().position(|&id| id == exit.id) {
                if exit.report.is_none() && exit.status.killed() {
                    machines[i].died = true;
                    if exit.status != MachineEnd::KilledByFault {
                        machines[i].unplanned_end = Some(exit.status);
                    }
                }
            }
        }
        FaultPlan { machines, records }
    }

    /// Why a `skipped` line of machine `m` at `ts` is expected, if it falls in (or just after) a
    /// planned pause or death, or a pause by job control.
    pub(crate) fn skip_cause(&self, m: usize, ts: i64) -> Option<FaultCause> {
        let f = self.machines.get(m)?;
        let near = |s: &TimeSpan| ts >= s.from && ts <= s.to.saturating_add(SKIP_SLACK_US);
        if f.down.iter().any(near) {
            Some(FaultCause::Planned)
        } else if f.suspended.iter().any(near) {
            Some(FaultCause::JobControl)
        } else {
            None
        }
    }

    /// Whether a fault explains machine `m`'s ticks ending before the run's: it died and was
    /// not restarted (a planned `kill`, or killed from outside), or it was down (paused or
    /// killed) until the end.
    pub(crate) fn ends_early(&self, m: usize) -> bool {
        self.machines.get(m).is_some_and(|f| {
            (f.died && !f.restarted) || f.down.iter().chain(&f.dead).any(|s| s.to == i64::MAX)
        })
    }

    /// Per machine index, the spans it was dead (for the drift sampler).
    pub(crate) fn dead_spans(&self) -> Vec<Vec<TimeSpan>> {
        self.machines.iter().map(|f| f.dead.clone()).collect()
    }

    /// Microseconds machine `m` was dead (not merely paused) between `a` and `b`.
    pub(crate) fn dead_within(&self, m: usize, a: i64, b: i64) -> i64 {
        self.machines
            .get(m)
            .map_or(0, |f| f.dead.iter().map(|s| s.overlap(a, b)).sum())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::{FaultRecord, MachineExit, RunOutcome};

    fn manifest(faults: &[(&str, &str, u32)], exits: &[(u32, &str)]) -> Manifest {
        use crate::manifest::{MachineEntry, MANIFEST_VERSION};
        let mut m = Manifest {
            manifest_version: MANIFEST_VERSION,
            log_format: crate::log_format::FORMAT_VERSION,
            engine: crate::manifest::Engine::Real,
            logiclock_version: "test".into(),
            scenario: Some(crate::scenario::Scenario::default()),
            imported: None,
            batch: None,
            estimate: None,
            speedup_warning: None,
            started_at: "2026-01-01T00:00:00Z".into(),
            machines: (0..3)
                .map(|id| MachineEntry::new(id, 1, 1e6, ([127, 0, 0, 1], 0).into(), 0))
                .collect(),
            outcome: None,
        };
        m.outcome = Some(RunOutcome {
            ended_at: "2026-01-01T00:01:00Z".into(),
            clean: true,
            reason: "completed".into(),
            faults: faults
                .iter()
                .map(|&(at, kind, id)| FaultRecord {
                    at: at.into(),
                    kind: kind.parse().unwrap(),
                    phase: None,
                    machines: vec![id],
                    detail: format!("{kind} {id}"),
                    cause: FaultCause::Planned,
                    outcome: Default::default(),
                })
                .collect(),
            exits: exits
                .iter()
                .map(|&(id, status)| MachineExit {
                    id,
                    status: status.into(),
                    clean: false,
                    report: None,
                })
                .collect(),
        });
        m
    }

    #[test]
    fn pauses_kills_and_restarts_become_windows() {
        let m = manifest(
            &[
                ("2026-01-01T00:00:05Z", "pause", 2),
                ("2026-01-01T00:00:13Z", "resume", 2),
                ("2026-01-01T00:00:20Z", "kill", 1),
                ("2026-01-01T00:00:22Z", "restart", 1),
                ("2026-01-01T00:00:50Z", "kill", 0),
            ],
            &[],
        );
        let t0 = parse_micros(&m.started_at).unwrap();
        let plan = FaultPlan::new(&m, TimeBase::new(t0, m.speedup()));
        let s = |a: i64, b: i64| TimeSpan {
            from: t0 + a * 1_000_000,
            to: t0 + b * 1_000_000,
        };
        assert_eq!(plan.machines[2].down, vec![s(5, 13)]);
        assert!(!plan.machines[2].died);
        assert_eq!(plan.machines[1].down, vec![s(20, 22)]);
        assert_eq!(plan.machines[1].dead, vec![s(20, 22)]);
        assert!(plan.machines[2].dead.is_empty(), "a pause is not a death");
        assert_eq!(plan.machines[0].dead[0].to, i64::MAX);
        assert!(plan.machines[1].died && plan.machines[1].restarted);
        assert_eq!(plan.machines[0].down[0].to, i64::MAX);
        assert_eq!(plan.records[0].at_real_s, 5.0);
        assert_eq!(
            plan.records[0].at_model_s,
            5.0 * m.speedup(),
            "model seconds"
        );
        assert!(plan.skip_cause(2, t0 + 13_500_000).is_some());
        assert!(plan.skip_cause(2, t0 + 14_500_000).is_none());
        assert!(plan.skip_cause(1, t0 + 19_000_000).is_none());
    }

    #[test]
    fn a_pause_by_job_control_explains_skips_as_job_control_and_is_no_fault_window() {
        let mut m = manifest(
            &[
                ("2026-01-01T00:00:05Z", "pause", 2),
                ("2026-01-01T00:00:07Z", "resume", 2),
            ],
            &[],
        );
        for f in &mut m.outcome.as_mut().unwrap().faults {
            f.cause = FaultCause::JobControl;
        }
        let t0 = parse_micros(&m.started_at).unwrap();
        let plan = FaultPlan::new(&m, TimeBase::new(t0, m.speedup()));
        let span = TimeSpan {
            from: t0 + 5_000_000,
            to: t0 + 7_000_000,
        };
        assert_eq!(plan.machines[2].suspended, vec![span]);
        assert!(plan.machines[2].down.is_empty(), "no fault paused it");
        assert_eq!(plan.records.len(), 2, "the reports list it");
        let just_after = t0 + 7_500_000;
        assert_eq!(plan.skip_cause(2, just_after), Some(FaultCause::JobControl));
        assert_eq!(plan.skip_cause(1, just_after), None);
        assert_eq!(plan.skip_cause(2, t0 + 9_000_000), None);
    }

    #[test]
    fn an_exit_that_says_killed_explains_a_death_and_a_crash_does_not() {
        let m = manifest(&[], &[(0, "killed by signal 9"), (1, "exit 101")]);
        let plan = FaultPlan::new(&m, TimeBase::new(0, 1.0));
        assert!(plan.machines[0].died);
        assert!(!plan.machines[1].died);
        assert_eq!(plan.machines[0].killed_at, None);
    }
}
