//! Whether a machine fault still applies when it falls due, one rule for both engines: a fault
//! that no longer applies (a kill of a dead machine, a pause of a dead one) is recorded as not
//! applicable, with its reason, never dropped.

use crate::log_format::{FaultKind, FaultPhase};

use super::timeline::Action;

/// What a machine is doing when a fault action concerning it falls due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Condition {
    /// Ticking, or about to tick (set up, not yet started).
    Running,
    /// Frozen by a `pause` fault.
    Paused,
    /// Killed (or killed and not yet reported gone), or ended.
    Dead,
}

impl Condition {
    fn words(self) -> &'static str {
        match self {
            Condition::Running => "is running",
            Condition::Paused => "is paused",
            Condition::Dead => "is dead",
        }
    }
}

/// Why `action` does not apply to a machine in `condition`, or `None` when it does. Link
/// changes always apply (a dead sender's link is set for its next process).
pub fn not_applicable(action: &Action, condition: Condition) -> Option<String> {
    use Condition::{Dead, Paused, Running};
    let (id, applies) = match *action {
        Action::Kill(id) => (id, condition != Dead),
        Action::Restart(id) => (id, condition == Dead),
        Action::Pause(id) => (id, condition == Running),
        Action::Resume(id) => (id, condition == Paused),
        Action::Link(_) => return None,
    };
    (!applies).then(|| format!("machine {id} {}", condition.words()))
}

/// The record of `action` when it did not apply: its kind and phase, its machine, and what was
/// planned.
pub fn planned(action: &Action) -> (FaultKind, FaultPhase, Vec<u32>, String) {
    let (kind, phase, id, what) = match *action {
        Action::Kill(id) => (FaultKind::Kill, FaultPhase::Instant, id, "kill"),
        Action::Restart(id) => (FaultKind::Restart, FaultPhase::Instant, id, "restart"),
        Action::Pause(id) => (FaultKind::Pause, FaultPhase::Begin, id, "pause"),
        Action::Resume(id) => (FaultKind::Resume, FaultPhase::End, id, "resume"),
        Action::Link(ref change) => return change.record(),
    };
    (
        kind,
        phase,
        vec![id],
        format!("{what} of machine {id} planned"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_kill_and_a_pause_of_a_dead_machine_do_not_apply_and_say_why() {
        let dead = Condition::Dead;
        assert_eq!(
            not_applicable(&Action::Kill(1), dead).as_deref(),
            Some("machine 1 is dead")
        );
        assert_eq!(
            not_applicable(&Action::Pause(2), dead).as_deref(),
            Some("machine 2 is dead")
        );
        assert_eq!(
            not_applicable(&Action::Resume(2), dead).as_deref(),
            Some("machine 2 is dead")
        );
        assert_eq!(not_applicable(&Action::Restart(1), dead), None);
    }

    #[test]
    fn kill_pause_resume_and_restart_apply_in_their_own_states_only() {
        use Condition::{Paused, Running};
        assert_eq!(not_applicable(&Action::Kill(0), Paused), None);
        assert_eq!(not_applicable(&Action::Pause(0), Running), None);
        assert!(not_applicable(&Action::Pause(0), Paused).is_some());
        assert_eq!(not_applicable(&Action::Resume(0), Paused), None);
        assert!(not_applicable(&Action::Resume(0), Running).is_some());
        assert_eq!(
            not_applicable(&Action::Restart(0), Running).as_deref(),
            Some("machine 0 is running")
        );
        assert_eq!(
            planned(&Action::Pause(3)),
            (
                FaultKind::Pause,
                FaultPhase::Begin,
                vec![3],
                "pause of machine 3 planned".into()
            )
        );
    }
}
