//! The `ended` check (pure): did the run run to its end? Not when the manifest has no outcome
//! (still running, or its supervisor killed), says it was interrupted or stopped early, or when a
//! machine's last tick falls short of its schedule for the run's duration beyond the
//! `[tolerance]`, whatever the machines' own `stop` lines say: a machine whose supervisor died
//! stops by itself with a whole log and a `stop` line, long before its schedule ends.

use std::fmt;

use crate::log_format::timestamp::parse_micros;
use crate::manifest::{Engine, Manifest};
use crate::timebase::TimeBase;

/// The manifest's reason for a run that ran to its end.
pub(crate) const COMPLETED: &str = "completed";

/// How the twin's manifest reason begins when a failed write cut its logs (`sim/run.rs`:
/// `stopped: ` and the write error).
const TWIN_WRITE_FAILED: &str = "stopped: failed to write ";

/// Why the timing checks (`skipped`, `rate`, `ended`) cannot judge the run of `manifest`: an
/// imported run has no configured rates, schedule or duration to hold its ticks against.
pub(crate) fn timing_unknown(manifest: &Manifest) -> Option<String> {
    (!manifest.engine.ran_here()).then(|| "skipped: imported: rates unknown".to_owned())
}

/// The model second every log of a twin run was cut back to after a failed write (a full disk;
/// `sim/cut.rs`), which the manifest's `ended_at` gives: every log holds every line before it, so
/// a message sent before it and not received was in flight, not lost. `None` for any other run.
pub(crate) fn twin_cut_s(manifest: &Manifest, base: TimeBase) -> Option<f64> {
    let outcome = manifest.outcome.as_ref()?;
    if manifest.engine != Engine::Sim || !outcome.reason.starts_with(TWIN_WRITE_FAILED) {
        return None;
    }
    Some(base.model_s(parse_micros(&outcome.ended_at)?))
}

/// How far one machine got, as the `ended` check needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct MachineProgress {
    pub id: u32,
    /// Configured ticks per model second.
    pub rate: u32,
    /// Number of its last tick (0: it never ticked).
    pub last_tick: u64,
    /// It logged its `stop` line.
    pub stopped: bool,
    /// A fault explains its missing slots: it died (a planned `kill` never followed by a restart,
    /// or killed from outside) or was paused until the end.
    pub excused: bool,
}

/// One reason the run did not run to its end.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum NotEnded {
    /// The manifest has no outcome; `running`: the machines that logged no `stop` either.
    NoOutcome { running: Vec<u32> },
    /// The manifest's outcome says it was interrupted (`interrupted by SIGINT`).
    Interrupted { reason: String },
    /// The manifest's outcome gives another reason than a completed run (`stopped early: ...`).
    StoppedEarly { reason: String },
    /// Machine (at manifest index `index`) stopped short of its schedule.
    Short {
        index: usize,
        id: u32,
        last_tick: u64,
        expected: u64,
        duration_s: f64,
    },
}

impl NotEnded {
    /// The machine index the offence is listed under (the run's, machine 0's, for the manifest).
    pub(crate) fn index(&self) -> usize {
        match self {
            NotEnded::Short { index, .. } => *index,
            _ => 0,
        }
    }
}

impl fmt::Display for NotEnded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NotEnded::NoOutcome { running } if running.is_empty() => f.write_str(
                "IN PROGRESS OR INTERRUPTED: the manifest has no outcome (still running, or its supervisor was killed; the machines' stop lines do not make the run whole)",
            ),
            NotEnded::NoOutcome { running } => write!(
                f,
                "IN PROGRESS OR INTERRUPTED: the manifest has no outcome and machine {} logged no stop (still running, or its supervisor was killed)",
                running.iter().map(u32::to_string).collect::<Vec<_>>().join(", ")
            ),
            NotEnded::Interrupted { reason } => write!(
                f,
                "INTERRUPTED: the run was {reason} (manifest outcome.reason); its figures cover only the part that ran"
            ),
            NotEnded::StoppedEarly { reason } => write!(
                f,
                "STOPPED EARLY: the manifest's outcome.reason is \"{reason}\"; its figures cover only the part that ran"
            ),
            NotEnded::Short {
                id,
                last_tick,
                expected,
                duration_s,
                ..
            } => write!(
                f,
                "CUT SHORT: machine {id}'s last tick is {last_tick}, its schedule for {duration_s} model seconds reaches tick {expected} (no fault explains the {} missing)",
                expected - last_tick
            ),
        }
    }
}

/// The last tick a machine at `rate` reaches in `duration_s` model seconds, counting the tick at
/// the run's very end or not (the engines may differ by that one tick; see [`allowed_short`]).
pub(crate) fn scheduled_last_tick(rate: u32, duration_s: f64) -> u64 {
    // A hair below a whole product is that whole (60 s x 3 ticks/s computed as 179.99999...).
    (duration_s * f64::from(rate) + 1e-6).floor() as u64
}

/// Ticks a machine may fall short of its schedule and still have run to the end: the share of
/// slots the `[tolerance] skipped` allows, and at least one (the tick at the very end, which
/// one end rule runs and the other does not).
pub(crate) fn allowed_short(expected: u64, skipped_tolerance: f64) -> u64 {
    ((expected as f64 * skipped_tolerance).floor() as u64).max(1)
}

/// Every reason the run did not run to its end (none: it did).
pub(crate) fn not_ended(
    outcome_reason: Option<&str>,
    duration_s: f64,
    skipped_tolerance: f64,
    machines: &[MachineProgress],
) -> Vec<NotEnded> {
    let mut found = Vec::new();
    match outcome_reason {
        None => found.push(NotEnded::NoOutcome {
            running: machines
                .iter()
                .filter(|m| !m.stopped)
                .map(|m| m.id)
                .collect(),
        }),
        Some(reason) if reason.starts_with("interrupted") => found.push(NotEnded::Interrupted {
            reason: reason.to_owned(),
        }),
        Some(COMPLETED) => {}
        Some(reason) => found.push(NotEnded::StoppedEarly {
            reason: reason.to_owned(),
        }),
    }
    for (index, m) in machines.iter().enumerate() {
        let expected = scheduled_last_tick(m.rate, duration_s);
        if m.excused || m.last_tick + allowed_short(expected, skipped_tolerance) >= expected {
            continue;
        }
        found.push(NotEnded::Short {
            index,
            id: m.id,
            last_tick: m.last_tick,
            expected,
            duration_s,
        });
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn machine(id: u32, rate: u32, last_tick: u64) -> MachineProgress {
        MachineProgress {
            id,
            rate,
            last_tick,
            stopped: true,
            excused: false,
        }
    }

    #[test]
    fn a_completed_run_at_or_one_tick_either_side_of_its_schedule_ended() {
        for last in [59, 60, 61] {
            assert_eq!(
                not_ended(Some(COMPLETED), 60.0, 0.01, &[machine(0, 1, last)]),
                vec![]
            );
        }
    }

    #[test]
    fn a_run_without_an_outcome_did_not_end_even_with_every_stop_line() {
        let found = not_ended(None, 60.0, 0.01, &[machine(0, 1, 60)]);
        assert_eq!(found, vec![NotEnded::NoOutcome { running: vec![] }]);
        assert!(found[0].to_string().contains("the manifest has no outcome"));
    }

    #[test]
    fn interrupted_and_stopped_early_runs_did_not_end_and_say_why() {
        let int = not_ended(Some("interrupted by SIGHUP"), 60.0, 0.01, &[]);
        assert!(int[0].to_string().contains("interrupted by SIGHUP"));
        let early = not_ended(Some("stopped early: machine 1 died"), 60.0, 0.01, &[]);
        assert!(early[0].to_string().starts_with(
            "STOPPED EARLY: the manifest's outcome.reason is \"stopped early: machine 1 died\""
        ));
    }

    #[test]
    fn a_machine_short_of_its_schedule_beyond_the_tolerance_is_named_with_both_ticks() {
        let machines = [machine(0, 3, 180), machine(1, 2, 12), machine(2, 6, 357)];
        let found = not_ended(Some(COMPLETED), 60.0, 0.01, &machines);
        assert_eq!(
            found.len(),
            1,
            "{found:?}: machine 2 is 3 of 360 short, within 1%"
        );
        assert_eq!(found[0].index(), 1);
        assert_eq!(
            found[0].to_string(),
            "CUT SHORT: machine 1's last tick is 12, its schedule for 60 model seconds reaches tick 120 (no fault explains the 108 missing)"
        );
    }

    #[test]
    fn a_machine_a_fault_explains_is_not_short() {
        let mut dead = machine(1, 2, 20);
        dead.excused = true;
        assert_eq!(not_ended(Some(COMPLETED), 60.0, 0.01, &[dead]), vec![]);
    }

    #[test]
    fn the_schedule_counts_whole_ticks_only() {
        assert_eq!(scheduled_last_tick(3, 60.0), 180);
        assert_eq!(scheduled_last_tick(3, 2.5), 7);
        assert_eq!(scheduled_last_tick(7, 0.1), 0);
        assert_eq!(allowed_short(60, 0.01), 1);
        assert_eq!(allowed_short(6000, 0.01), 60);
    }
}
