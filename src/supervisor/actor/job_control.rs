//! Ctrl-Z and `fg`: the actor pauses the machines with itself, as nextest pauses its tests.
//!
//! On SIGTSTP the supervisor SIGSTOPs every machine's process group (each machine leads its own,
//! so the terminal's Ctrl-Z never reaches them), records a `pause` for each ticking machine in the
//! manifest's fault records with the cause `job_control`, and then stops itself. When the shell's
//! `fg` (or any SIGCONT) continues it, it records a `resume` for each and SIGCONTs them, in the same
//! step, before it handles anything else. `analyze` then explains the slots the machines skipped
//! meanwhile as it does a pause fault's, naming job control as the cause.
//!
//! The run keeps its length on the wall clock, as a paused machine's schedule does: its deadline
//! and the faults' times do not move (a fault that fell due while suspended is carried out at
//! once after `fg`). The set-up and stop deadlines do move, by the time suspended, since no
//! machine could answer meanwhile.

use std::time::SystemTime;

use nix::sys::signal::Signal;
use tokio::time::Instant;

use super::Supervisor;
use crate::log_format::{FaultKind, FaultPhase};
use crate::manifest::{FaultCause, FaultRecord};
use crate::supervisor::signal;
use crate::supervisor::state::MachineState;

impl Supervisor {
    /// SIGTSTP: stop the machines, then this process; on SIGCONT, resume them.
    pub(super) fn suspend(&mut self) {
        let stopped: Vec<(u32, u32)> = (0u32..)
            .zip(&self.slots)
            .filter(|(_, slot)| suspends(slot.state))
            .filter(|(_, slot)| signal::send_group(slot.child.pid, Signal::SIGSTOP))
            .map(|(id, slot)| (id, slot.child.pid))
            .collect();
        let ticking: Vec<u32> = stopped
            .iter()
            .map(|&(id, _)| id)
            .filter(|&id| self.slots[id as usize].state == MachineState::Running)
            .collect();
        self.record(
            FaultKind::Pause,
            &ticking,
            "paused with the supervisor (SIGTSTP, job control)",
        );
        self.view
            .note("SIGTSTP: the machines are paused with the supervisor; `fg` resumes them");

        let suspended_at = Instant::now();
        signal::stop_self();
        // Here only once continued.
        self.suspended += suspended_at.elapsed();

        self.record(
            FaultKind::Resume,
            &ticking,
            "resumed with the supervisor (SIGCONT, job control)",
        );
        for &(_, pid) in &stopped {
            signal::send_group(pid, Signal::SIGCONT);
        }
        self.view.note(&format!(
            "SIGCONT: the machines resume after {:.1} s suspended",
            suspended_at.elapsed().as_secs_f64()
        ));
    }

    /// Record `kind` by job control, now, for each of `machines`: one record a machine, as a
    /// `pause` or `resume` fault has, so every reader of fault records pairs them as it does those.
    fn record(&mut self, kind: FaultKind, machines: &[u32], what: &str) {
        let at = humantime::format_rfc3339_micros(SystemTime::now()).to_string();
        for &id in machines {
            self.fault_log.push(FaultRecord {
                at: at.clone(),
                kind,
                // A suspension begins with its pause and ends with its resume.
                phase: Some(match kind {
                    FaultKind::Pause => FaultPhase::Begin,
                    _ => FaultPhase::End,
                }),
                machines: vec![id],
                detail: format!("machine {id} {what}"),
                cause: FaultCause::JobControl,
                outcome: Default::default(),
            });
        }
    }
}

/// Whether job control stops (and then continues) a machine in `state`: every live one, but one
/// a `pause` fault holds (the fault's `resume` lets it go, not `fg`) or one being killed.
fn suspends(state: MachineState) -> bool {
    state.live() && !matches!(state, MachineState::Paused | MachineState::Killing(_))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::MachineEnd;
    use crate::supervisor::state::Killer;
    use MachineState as S;

    #[test]
    fn ctrl_z_stops_every_live_machine_but_one_a_pause_fault_holds_or_one_being_killed() {
        for state in [
            S::Spawned,
            S::Listening,
            S::MeshReady,
            S::Running,
            S::StopAsked,
            S::Draining,
        ] {
            assert!(suspends(state), "{state:?}");
        }
        let dead = S::Exited(MachineEnd::Exited { code: 0 });
        for state in [S::Paused, S::Killing(Killer::Fault), dead] {
            assert!(!suspends(state), "{state:?}");
        }
    }
}
