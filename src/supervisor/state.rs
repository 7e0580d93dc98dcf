//! A machine's life as the supervisor sees it: one state enum and the pure transitions between
//! states, so the actor asks "may this happen now?" in one place.
//!
//! ```text
//! Spawned -> Listening -> MeshReady -> Running <-> Paused
//!    |           |            |           |
//!    +-----------+------------+-----------+--> StopAsked -> Draining
//! any live state --kill--> Killing(by) --exit--> Exited(KilledByFault | KilledBySupervisor)
//! any live state --exit--> Exited(how it ended by itself)
//! ```
//!
//! A paused machine is resumed before it is asked to stop, so `Paused` never goes to `StopAsked`.

use crate::manifest::MachineEnd;

/// Where one machine process is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MachineState {
    /// Started and sent its configuration; not listening yet.
    Spawned,
    /// Listening; not yet connected to every peer.
    Listening,
    /// Connected to every peer; waiting for `start`.
    MeshReady,
    /// Ticking.
    Running,
    /// Stopped by a `pause` fault (SIGSTOP) and not yet resumed.
    Paused,
    /// Told to stop; has not answered yet.
    StopAsked,
    /// Answered `stop`: draining its queue and log.
    Draining,
    /// Sent SIGKILL; its exit is not reported yet.
    Killing(Killer),
    /// Its process ended.
    Exited(MachineEnd),
}

/// Who kills a machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Killer {
    /// A `kill` fault of the scenario, on purpose.
    Fault,
    /// The supervisor, because the machine did not stop in time.
    Supervisor,
}

/// Something that happens to a machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Input {
    /// It reported its listening address.
    Listened,
    /// It reported its mesh connected.
    MeshReady,
    /// It was told to start ticking.
    Start,
    /// A `pause` fault stopped it (SIGSTOP).
    Pause,
    /// It was resumed (SIGCONT).
    Resume,
    /// It was told to stop.
    AskStop,
    /// It answered `stop`.
    AnsweredStop,
    /// SIGKILL was sent to it.
    Kill(Killer),
    /// Its process ended by itself this way (a kill in progress overrides it).
    Exit(MachineEnd),
}

/// A transition the machine's state does not allow; the state stays as it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("failed to apply {input:?} to a machine in state {from:?}")]
pub(crate) struct Illegal {
    pub from: MachineState,
    pub input: Input,
}

impl MachineState {
    /// The state after `input`, or why `input` cannot happen now.
    pub(crate) fn on(self, input: Input) -> Result<MachineState, Illegal> {
        use MachineState as S;
        let next = match (self, input) {
            (S::Exited(_), _) => None,
            (S::Killing(by), Input::Exit(_)) => Some(S::Exited(match by {
                Killer::Fault => MachineEnd::KilledByFault,
                Killer::Supervisor => MachineEnd::KilledBySupervisor,
            })),
            (_, Input::Exit(how)) => Some(S::Exited(how)),
            (S::Killing(_), _) => None,
            (_, Input::Kill(by)) => Some(S::Killing(by)),
            (S::Spawned, Input::Listened) => Some(S::Listening),
            (S::Listening, Input::MeshReady) => Some(S::MeshReady),
            (S::MeshReady, Input::Start) => Some(S::Running),
            (S::Running, Input::Pause) => Some(S::Paused),
            (S::Paused, Input::Resume) => Some(S::Running),
            (S::Spawned | S::Listening | S::MeshReady | S::Running, Input::AskStop) => {
                Some(S::StopAsked)
            }
            (S::StopAsked, Input::AnsweredStop) => Some(S::Draining),
            _ => None,
        };
        next.ok_or(Illegal { from: self, input })
    }

    /// Its process has not ended yet.
    pub(crate) fn live(self) -> bool {
        !matches!(self, MachineState::Exited(_))
    }

    /// How its process ended, if it has.
    pub(crate) fn end(self) -> Option<MachineEnd> {
        match self {
            MachineState::Exited(how) => Some(how),
            _ => None,
        }
    }

    /// Stopped on request and exited 0 with its final report, or killed on purpose by a fault.
    pub(crate) fn clean(self, reported: bool) -> bool {
        match self {
            MachineState::Exited(MachineEnd::KilledByFault) => true,
            MachineState::Exited(MachineEnd::Exited { code: 0 }) => reported,
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use MachineState as S;

    const EXIT_0: Input = Input::Exit(MachineEnd::Exited { code: 0 });

    /// Every state, the end states included.
    fn states() -> Vec<MachineState> {
        vec![
            S::Spawned,
            S::Listening,
            S::MeshReady,
            S::Running,
            S::Paused,
            S::StopAsked,
            S::Draining,
            S::Killing(Killer::Fault),
            S::Killing(Killer::Supervisor),
            S::Exited(MachineEnd::Exited { code: 0 }),
        ]
    }

    fn inputs() -> Vec<Input> {
        vec![
            Input::Listened,
            Input::MeshReady,
            Input::Start,
            Input::Pause,
            Input::Resume,
            Input::AskStop,
            Input::AnsweredStop,
            Input::Kill(Killer::Fault),
            Input::Kill(Killer::Supervisor),
            EXIT_0,
        ]
    }

    /// The whole table of legal transitions; every other pair must be refused.
    fn legal(from: MachineState, input: Input) -> Option<MachineState> {
        let live_not_killing = !matches!(from, S::Exited(_) | S::Killing(_));
        Some(match (from, input) {
            (S::Spawned, Input::Listened) => S::Listening,
            (S::Listening, Input::MeshReady) => S::MeshReady,
            (S::MeshReady, Input::Start) => S::Running,
            (S::Running, Input::Pause) => S::Paused,
            (S::Paused, Input::Resume) => S::Running,
            (S::Spawned | S::Listening | S::MeshReady | S::Running, Input::AskStop) => S::StopAsked,
            (S::StopAsked, Input::AnsweredStop) => S::Draining,
            (_, Input::Kill(by)) if live_not_killing => S::Killing(by),
            (S::Killing(Killer::Fault), Input::Exit(_)) => S::Exited(MachineEnd::KilledByFault),
            (S::Killing(Killer::Supervisor), Input::Exit(_)) => {
                S::Exited(MachineEnd::KilledBySupervisor)
            }
            (_, Input::Exit(how)) if live_not_killing => S::Exited(how),
            _ => return None,
        })
    }

    #[test]
    fn every_pair_of_state_and_input_follows_the_table() {
        for from in states() {
            for input in inputs() {
                let got = from.on(input);
                match legal(from, input) {
                    Some(to) => assert_eq!(got, Ok(to), "{from:?} on {input:?}"),
                    None => assert_eq!(got, Err(Illegal { from, input }), "{from:?} on {input:?}"),
                }
            }
        }
    }

    #[test]
    fn a_machine_goes_from_spawned_to_a_clean_exit() {
        let mut state = S::Spawned;
        for input in [
            Input::Listened,
            Input::MeshReady,
            Input::Start,
            Input::Pause,
            Input::Resume,
            Input::AskStop,
            Input::AnsweredStop,
            EXIT_0,
        ] {
            state = state.on(input).unwrap();
        }
        assert_eq!(state, S::Exited(MachineEnd::Exited { code: 0 }));
        assert!(state.clean(true));
        assert!(
            !state.clean(false),
            "an exit without the final report is not clean"
        );
    }

    #[test]
    fn a_kill_decides_how_the_machine_ended_whatever_the_os_says() {
        let killed = S::Running.on(Input::Kill(Killer::Supervisor)).unwrap();
        let ended = killed.on(EXIT_0).unwrap();
        assert_eq!(ended.end(), Some(MachineEnd::KilledBySupervisor));
        assert!(!ended.clean(true));
        let faulted = S::Paused.on(Input::Kill(Killer::Fault)).unwrap();
        let ended = faulted.on(Input::Exit(MachineEnd::Signaled { signal: 9 }));
        assert_eq!(ended.unwrap().end(), Some(MachineEnd::KilledByFault));
        assert!(
            ended.unwrap().clean(false),
            "a kill fault is part of the plan"
        );
    }

    #[test]
    fn a_paused_machine_must_be_resumed_before_it_is_asked_to_stop() {
        assert!(S::Paused.on(Input::AskStop).is_err());
        let resumed = S::Paused.on(Input::Resume).unwrap();
        assert_eq!(resumed.on(Input::AskStop), Ok(S::StopAsked));
    }

    #[test]
    fn only_an_exited_machine_is_not_live() {
        for state in states() {
            assert_eq!(state.live(), state.end().is_none(), "{state:?}");
        }
    }
}
