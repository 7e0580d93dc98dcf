//! The actor's reaction to one machine's news: a control message, a bad control line, or the end
//! of its process. A message moves the machine's state (and a restarted machine back into the
//! mesh) or only updates the view; an exit is judged by [`Ending::of`], a pure decision: a
//! fault's kill, a death after a log failure already reported, a death nobody asked for (which
//! may stop the run), or nothing to report.

use super::Supervisor;
use crate::control::{FromMachine, ToMachine};
use crate::log_format::FaultKind;
use crate::manifest::MachineEnd;
use crate::scenario::ExitPolicy;
use crate::supervisor::child::{end_of, ChildEvent};
use crate::supervisor::faults;
use crate::supervisor::state::{Input, Killer, MachineState};
use crate::supervisor::stop::StopRequest;

/// How a machine that could not write its log ends.
const LOG_FAILED_END: MachineEnd = MachineEnd::Exited {
    code: crate::control::EXIT_LOG_FAILED as i32,
};

/// What the end of a machine's process means for the run.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Ending {
    /// A `kill` fault's, on purpose.
    KilledByFault,
    /// It exited for the log failure it reported (what it said); the run is already stopping.
    AfterLogFailure(String),
    /// It died without its final report, nobody having killed it: before it was told to stop,
    /// or (`stopping`) while it stopped.
    Unplanned { stopping: bool },
    /// Nothing to report: it ended after its final report, or the supervisor killed it.
    Expected,
}

impl Ending {
    /// What the end `end` of a machine that was in state `before` means, given what it said
    /// when it failed (`failure`) and whether its final report came (`reported`).
    fn of(before: MachineState, end: MachineEnd, failure: Option<&str>, reported: bool) -> Ending {
        if matches!(before, MachineState::Killing(Killer::Fault)) {
            Ending::KilledByFault
        } else if let Some(failure) = failure.filter(|_| end == LOG_FAILED_END) {
            Ending::AfterLogFailure(failure.to_owned())
        } else if !reported && !matches!(before, MachineState::Killing(_)) {
            let stopping = matches!(before, MachineState::StopAsked | MachineState::Draining);
            Ending::Unplanned { stopping }
        } else {
            Ending::Expected
        }
    }
}

impl Supervisor {
    /// React to what machine `id` did.
    pub(super) fn on_child(&mut self, id: u32, event: ChildEvent) {
        let Some(slot) = self.slots.get_mut(id as usize) else {
            return;
        };
        let input = match event {
            ChildEvent::Message(FromMachine::Listening { addr }) => {
                slot.addr = Some(addr);
                Input::Listened
            }
            ChildEvent::Message(FromMachine::MeshReady) => Input::MeshReady,
            ChildEvent::Message(FromMachine::Stopping) => Input::AnsweredStop,
            ChildEvent::Message(FromMachine::Status {
                tick,
                lamport,
                queue,
            }) => return self.view.machine(id, tick, lamport, queue),
            ChildEvent::Message(FromMachine::LogCapReached) => {
                if let Some(cap) = self.log_cap {
                    if self.stop.is_none() {
                        self.view.note(&format!(
                            "machine {id}'s log reached its share of --max-log-size {cap}: stopping"
                        ));
                    }
                    self.stop = Some(StopRequest::on_log_cap(self.stop.as_ref(), cap));
                }
                return;
            }
            ChildEvent::Message(FromMachine::Stopped(report)) => {
                self.view.machine_stopped(id, &report);
                slot.report = Some(report);
                return;
            }
            ChildEvent::Message(FromMachine::Failed { message }) => {
                self.view.note(&format!("machine {id} failed: {message}"));
                slot.failure = Some(message);
                return;
            }
            ChildEvent::Message(FromMachine::LogFailed { dir, error }) => {
                // The run is worthless without this machine's log: stop it, and say why.
                let failure = format!("cannot write its log in {}: {error}", dir.display());
                let why = format!("machine {id}: {failure}");
                self.view.warn(&why);
                slot.failure = Some(failure);
                self.stop = Some(StopRequest::on_death(self.stop.as_ref(), why));
                return;
            }
            ChildEvent::BadOutput(text) => {
                return self
                    .view
                    .note(&format!("machine {id} sent a bad control line: {text}"));
            }
            ChildEvent::Exited(status) => Input::Exit(end_of(&status)),
        };
        let before = slot.state;
        let rejoining = slot.rejoining();
        match slot.apply(input) {
            // Late news from a machine already told to stop or killed changes nothing.
            Err(_) => {}
            Ok(MachineState::Listening) if rejoining => {
                let addr = slot.addr.expect("set just above");
                faults::rejoin_listening(&self.slots, id, addr);
            }
            Ok(MachineState::MeshReady) if rejoining => {
                let at_unix_us = self.start_at_unix_us;
                if slot.apply(Input::Start).is_ok() {
                    slot.child.send(ToMachine::Start { at_unix_us });
                    slot.started();
                    self.view.note(&format!("machine {id} rejoined the mesh"));
                }
            }
            Ok(MachineState::Exited(end)) => {
                let reported = slot.report.is_some();
                let ending = Ending::of(before, end, slot.failure.as_deref(), reported);
                let pid = slot.child.pid;
                self.on_exit(id, pid, end, ending);
            }
            Ok(_) => {}
        }
    }

    /// Show how machine `id` (process `pid`) ended (`end`, meaning `ending`), tell the others
    /// of a death, and stop the run if a death nobody asked for should stop it.
    fn on_exit(&mut self, id: u32, pid: u32, end: MachineEnd, ending: Ending) {
        match ending {
            Ending::KilledByFault => self.view.machine_killed(id),
            Ending::AfterLogFailure(failure) => {
                // Its log failure is already reported, and the run already stopping.
                self.view.machine_died(id, &format!("failed: {failure}"));
                let detail = format!("machine {id} died: {end}");
                faults::tell_others(&self.slots, id, FaultKind::Died, &detail);
            }
            Ending::Unplanned { stopping } => {
                let when = if stopping {
                    "while it stopped, before its final report"
                } else {
                    "before it was told to stop"
                };
                let why = format!("machine {id} (pid {pid}) died {when}: {end}");
                self.view.warn(&why);
                self.view.machine_died(id, &end.to_string());
                let detail = format!("machine {id} died: {end}");
                faults::tell_others(&self.slots, id, FaultKind::Died, &detail);
                if self.spawner.scenario.on_machine_exit == ExitPolicy::Stop {
                    self.stop = Some(StopRequest::on_death(self.stop.as_ref(), why));
                }
            }
            Ending::Expected => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use MachineState as S;

    const EXIT_0: MachineEnd = MachineEnd::Exited { code: 0 };
    const SIGKILL: MachineEnd = MachineEnd::Signaled { signal: 9 };
    const DISK_FULL: Option<&str> = Some("cannot write its log in /tmp/run: disk full");

    #[test]
    fn a_fault_kill_ends_as_planned_whatever_the_machine_said_before() {
        let killed = S::Killing(Killer::Fault);
        let end = MachineEnd::KilledByFault;
        assert_eq!(
            Ending::of(killed, end, DISK_FULL, false),
            Ending::KilledByFault
        );
        assert_eq!(Ending::of(killed, end, None, true), Ending::KilledByFault);
    }

    #[test]
    fn an_exit_for_a_log_failure_already_reported_is_not_reported_as_unplanned() {
        let failure = DISK_FULL.unwrap().to_owned();
        for before in [S::Running, S::StopAsked, S::Draining] {
            assert_eq!(
                Ending::of(before, LOG_FAILED_END, DISK_FULL, false),
                Ending::AfterLogFailure(failure.clone()),
                "{before:?}"
            );
        }
    }

    #[test]
    fn a_failure_that_ends_with_another_exit_is_a_death_nobody_planned() {
        let crashed = MachineEnd::Exited { code: 101 };
        assert_eq!(
            Ending::of(S::Running, crashed, DISK_FULL, false),
            Ending::Unplanned { stopping: false }
        );
        assert_eq!(
            Ending::of(S::Running, LOG_FAILED_END, None, false),
            Ending::Unplanned { stopping: false },
            "the exit code alone, without the failure it said, is no log failure"
        );
    }

    #[test]
    fn a_machine_that_ends_without_its_final_report_before_any_kill_died_unplanned() {
        for before in [
            S::Spawned,
            S::Listening,
            S::MeshReady,
            S::Running,
            S::Paused,
        ] {
            for end in [EXIT_0, SIGKILL] {
                let ending = Ending::of(before, end, None, false);
                let unplanned = Ending::Unplanned { stopping: false };
                assert_eq!(ending, unplanned, "{before:?}, {end:?}");
            }
        }
    }

    #[test]
    fn a_machine_that_dies_after_it_was_told_to_stop_is_said_to_have_died_stopping() {
        for before in [S::StopAsked, S::Draining] {
            for end in [EXIT_0, SIGKILL] {
                let ending = Ending::of(before, end, None, false);
                let unplanned = Ending::Unplanned { stopping: true };
                assert_eq!(ending, unplanned, "{before:?}, {end:?}");
            }
        }
    }

    #[test]
    fn an_end_after_the_final_report_or_a_supervisor_kill_is_expected() {
        assert_eq!(
            Ending::of(S::Draining, EXIT_0, None, true),
            Ending::Expected
        );
        let killed = S::Killing(Killer::Supervisor);
        let end = MachineEnd::KilledBySupervisor;
        assert_eq!(Ending::of(killed, end, None, false), Ending::Expected);
        assert_eq!(Ending::of(killed, end, DISK_FULL, false), Ending::Expected);
    }
}
