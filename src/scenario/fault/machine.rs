//! A fault on one whole machine, shared by both engines: what a kill, restart, pause or resume
//! comes to wherever it is carried out (the manifest's record and the `fault` line it has a
//! machine write), so that the real run and the simulation can never word it differently.

use crate::log_format::{Event, FaultKind, FaultPhase};

/// What a resumed machine logs of its own pause.
const RESUMED: &str = "this machine was paused and is now resumed";

/// A kill, restart, pause or resume, as carried out on machine `id`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MachineChange {
    /// Killed (SIGKILL).
    Killed(u32),
    /// Started again as its `incarnation`th process, OS process `pid` (0 in the simulation,
    /// which has no processes).
    Restarted { id: u32, incarnation: u32, pid: u32 },
    /// Frozen (SIGSTOP).
    Paused(u32),
    /// Let go on after a pause (SIGCONT).
    Resumed(u32),
}

impl MachineChange {
    /// The manifest's record of the change: its kind, phase, the one machine it concerns and its
    /// detail.
    pub(crate) fn record(&self) -> (FaultKind, FaultPhase, Vec<u32>, String) {
        let (kind, id, what) = match *self {
            MachineChange::Killed(id) => (FaultKind::Kill, id, "killed (SIGKILL)".to_owned()),
            MachineChange::Restarted {
                id,
                incarnation,
                pid,
            } => (
                FaultKind::Restart,
                id,
                format!("restarted (process {incarnation}, pid {pid})"),
            ),
            MachineChange::Paused(id) => (FaultKind::Pause, id, "paused (SIGSTOP)".to_owned()),
            MachineChange::Resumed(id) => (FaultKind::Resume, id, "resumed (SIGCONT)".to_owned()),
        };
        let phase = match self {
            MachineChange::Paused(_) => FaultPhase::Begin,
            MachineChange::Resumed(_) => FaultPhase::End,
            MachineChange::Killed(_) | MachineChange::Restarted { .. } => FaultPhase::Instant,
        };
        (kind, phase, vec![id], format!("machine {id} {what}"))
    }

    /// The `fault` line the change has a machine write, if any. A kill's is written by every
    /// other live machine (it names the dead one, in the words of the record); a resume's by the
    /// resumed machine itself (it names no peer); a pause or restart has none.
    pub(crate) fn line(&self) -> Option<Event> {
        match *self {
            MachineChange::Killed(id) => Some(Event::Fault {
                kind: FaultKind::Kill,
                phase: FaultPhase::Instant,
                peer: Some(id),
                detail: self.record().3,
            }),
            // Kind `pause`: the line says what the machine went through, not what let it go.
            // Phase `end`: the machine writes it once it runs again.
            MachineChange::Resumed(_) => Some(Event::Fault {
                kind: FaultKind::Pause,
                phase: FaultPhase::End,
                peer: None,
                detail: RESUMED.to_owned(),
            }),
            MachineChange::Restarted { .. } | MachineChange::Paused(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kill_is_recorded_as_killed_by_sigkill() {
        assert_eq!(
            MachineChange::Killed(1).record(),
            (
                FaultKind::Kill,
                FaultPhase::Instant,
                vec![1],
                "machine 1 killed (SIGKILL)".to_owned()
            )
        );
    }

    #[test]
    fn a_restart_is_recorded_with_its_process_number_and_pid() {
        let change = MachineChange::Restarted {
            id: 2,
            incarnation: 3,
            pid: 4711,
        };
        assert_eq!(
            change.record(),
            (
                FaultKind::Restart,
                FaultPhase::Instant,
                vec![2],
                "machine 2 restarted (process 3, pid 4711)".to_owned()
            )
        );
    }

    #[test]
    fn a_pause_is_recorded_as_paused_by_sigstop() {
        assert_eq!(
            MachineChange::Paused(0).record(),
            (
                FaultKind::Pause,
                FaultPhase::Begin,
                vec![0],
                "machine 0 paused (SIGSTOP)".to_owned()
            )
        );
    }

    #[test]
    fn a_resume_is_recorded_as_resumed_by_sigcont() {
        assert_eq!(
            MachineChange::Resumed(63).record(),
            (
                FaultKind::Resume,
                FaultPhase::End,
                vec![63],
                "machine 63 resumed (SIGCONT)".to_owned()
            )
        );
    }

    #[test]
    fn the_others_log_a_kill_naming_the_dead_machine_in_the_words_of_the_record() {
        let line = Event::Fault {
            kind: FaultKind::Kill,
            phase: FaultPhase::Instant,
            peer: Some(5),
            detail: "machine 5 killed (SIGKILL)".into(),
        };
        assert_eq!(MachineChange::Killed(5).line(), Some(line));
    }

    #[test]
    fn a_resumed_machine_logs_that_it_was_paused_naming_no_peer() {
        let line = Event::Fault {
            kind: FaultKind::Pause,
            phase: FaultPhase::End,
            peer: None,
            detail: "this machine was paused and is now resumed".into(),
        };
        assert_eq!(MachineChange::Resumed(1).line(), Some(line));
    }

    #[test]
    fn no_machine_logs_a_line_for_a_pause_or_a_restart() {
        let restart = MachineChange::Restarted {
            id: 1,
            incarnation: 1,
            pid: 0,
        };
        assert_eq!(MachineChange::Paused(1).line(), None);
        assert_eq!(restart.line(), None);
    }
}
