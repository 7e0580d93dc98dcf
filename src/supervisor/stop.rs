//! Why a run stops before its deadline, as one value: the first request stops the machines in
//! order, a second signal forces the stop.

use super::signal::Stop;
use crate::run::LogCap;

/// A request to stop the run before its deadline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum StopRequest {
    /// Stop every machine in order (answer `stop`, drain, exit), for this reason.
    Once(StopCause),
    /// A second signal: kill every machine still running, at once.
    Twice(Stop),
}

/// What asked for an orderly stop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum StopCause {
    /// SIGINT or SIGTERM.
    Signal(Stop),
    /// A machine died and the scenario says to stop the run then (`on_machine_exit = "stop"`).
    MachineDied(String),
    /// A machine's log reached its share of `--max-log-size`.
    LogCap(LogCap),
}

impl StopRequest {
    /// The request after a signal: the first signal asks for an orderly stop (and outranks a
    /// machine's death), the next forces it.
    pub(crate) fn on_signal(current: Option<&StopRequest>, stop: Stop) -> StopRequest {
        match current {
            None | Some(StopRequest::Once(StopCause::MachineDied(_) | StopCause::LogCap(_))) => {
                StopRequest::Once(StopCause::Signal(stop))
            }
            Some(StopRequest::Once(StopCause::Signal(first)) | StopRequest::Twice(first)) => {
                StopRequest::Twice(*first)
            }
        }
    }

    /// The request after a machine died under the `stop` policy: an orderly stop, unless a stop
    /// is already under way.
    pub(crate) fn on_death(current: Option<&StopRequest>, why: String) -> StopRequest {
        match current {
            None => StopRequest::Once(StopCause::MachineDied(why)),
            Some(request) => request.clone(),
        }
    }

    /// The request after a machine's log reached its share of `cap`: an orderly stop, unless a
    /// stop is already under way.
    pub(crate) fn on_log_cap(current: Option<&StopRequest>, cap: LogCap) -> StopRequest {
        match current {
            None => StopRequest::Once(StopCause::LogCap(cap)),
            Some(request) => request.clone(),
        }
    }

    /// A planned stop short of the duration that leaves the run not clean although every machine
    /// stopped in order: the log size cap (exit 1, see `exit.rs`).
    pub(crate) fn short_of_the_end(&self) -> bool {
        matches!(self, StopRequest::Once(StopCause::LogCap(_)))
    }

    /// The signal that asked for the stop, if one did.
    pub(crate) fn signal(&self) -> Option<Stop> {
        match self {
            StopRequest::Once(StopCause::Signal(stop)) | StopRequest::Twice(stop) => Some(*stop),
            StopRequest::Once(StopCause::MachineDied(_) | StopCause::LogCap(_)) => None,
        }
    }

    /// The manifest's reason for the run's end.
    pub(crate) fn reason(&self) -> String {
        match self {
            StopRequest::Once(StopCause::MachineDied(why)) => format!("stopped early: {why}"),
            StopRequest::Once(StopCause::LogCap(cap)) => cap.reason(),
            StopRequest::Once(StopCause::Signal(stop)) | StopRequest::Twice(stop) => {
                format!("interrupted by {}", stop.name())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const INT: Stop = Stop::Interrupt;
    const TERM: Stop = Stop::Terminate;

    fn died() -> StopRequest {
        StopRequest::Once(StopCause::MachineDied("machine 1 died".into()))
    }

    #[test]
    fn the_first_signal_stops_in_order_and_the_second_forces() {
        let once = StopRequest::on_signal(None, INT);
        assert_eq!(once, StopRequest::Once(StopCause::Signal(INT)));
        let twice = StopRequest::on_signal(Some(&once), TERM);
        assert_eq!(
            twice,
            StopRequest::Twice(INT),
            "the first signal names the stop"
        );
        assert_eq!(StopRequest::on_signal(Some(&twice), INT), twice);
        assert_eq!(twice.signal(), Some(INT));
        assert_eq!(twice.reason(), "interrupted by SIGINT");
    }

    #[test]
    fn a_signal_after_a_death_is_an_orderly_stop_by_that_signal() {
        let request = StopRequest::on_signal(Some(&died()), TERM);
        assert_eq!(request, StopRequest::Once(StopCause::Signal(TERM)));
        assert_eq!(request.signal(), Some(TERM));
    }

    #[test]
    fn a_death_does_not_replace_a_stop_under_way() {
        let first = StopRequest::on_death(None, "machine 1 died".into());
        assert_eq!(first, died());
        assert_eq!(first.signal(), None);
        assert_eq!(first.reason(), "stopped early: machine 1 died");
        let signalled = StopRequest::Once(StopCause::Signal(INT));
        assert_eq!(
            StopRequest::on_death(Some(&signalled), "machine 2 died".into()),
            signalled
        );
        assert_eq!(StopRequest::on_death(Some(&first), "again".into()), first);
    }
}
