//! A link fault's changes, shared by both engines: how a machine sends to one peer while a delay
//! or partition holds the link, the change that begins the fault and the one that ends it, and
//! what a change comes to wherever it is carried out (the sending machine's `fault` line and the
//! manifest's record).

use crate::log_format::{Event, FaultKind, FaultPhase};
use crate::model::link::LinkState;

/// Set how machine `from` sends to machine `to`: one direction of a delay or partition,
/// beginning or ending.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkChange {
    pub from: u32,
    pub to: u32,
    /// How `from` sends to `to` from now on.
    pub state: LinkState,
    /// `delay` or `partition`.
    pub kind: FaultKind,
    /// Whether the change begins the fault or ends it.
    pub phase: FaultPhase,
    /// What to log, e.g. "partition (hold) from machine 2 begins".
    pub note: String,
}

impl LinkChange {
    /// The change of the link `from` -> `to` to `state`, of fault kind `kind` in `phase`, noted
    /// `note`.
    pub fn new(
        (from, to): (u32, u32),
        state: LinkState,
        (kind, phase): (FaultKind, FaultPhase),
        note: String,
    ) -> LinkChange {
        LinkChange {
            from,
            to,
            state,
            kind,
            phase,
            note,
        }
    }

    /// The change that puts `state` on the link `from` -> `to`, noted "`what` begins", and the
    /// one that puts that link back to normal, noted "`what` `ends`".
    pub fn begin_and_end(
        (from, to): (u32, u32),
        kind: FaultKind,
        state: LinkState,
        what: &str,
        ends: &str,
    ) -> [LinkChange; 2] {
        let change = |state, phase, note| LinkChange::new((from, to), state, (kind, phase), note);
        [
            change(state, FaultPhase::Begin, format!("{what} begins")),
            change(
                LinkState::default(),
                FaultPhase::End,
                format!("{what} {ends}"),
            ),
        ]
    }

    /// The `fault` line machine `from` writes when the change reaches it: it names the peer.
    pub fn line(&self) -> Event {
        Event::Fault {
            kind: self.kind,
            phase: self.phase,
            peer: Some(self.to),
            detail: self.note.clone(),
        }
    }

    /// The manifest's record of the change: its kind, phase, the machines it concerns (sender
    /// first) and its detail.
    pub fn record(&self) -> (FaultKind, FaultPhase, Vec<u32>, String) {
        let detail = format!("machine {}: {}", self.from, self.note);
        (self.kind, self.phase, vec![self.from, self.to], detail)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::super::spec::Fault;
    use super::super::timeline::{timeline, Action};
    use super::*;
    use crate::model::link::PartitionMode;

    /// The link actions of `faults`' timeline at speedup 1, with their real offsets in seconds.
    fn link_steps(faults: &[Fault]) -> Vec<(f64, Action)> {
        let steps = timeline(faults, 1.0).into_iter();
        let steps = steps.filter(|(_, action)| matches!(action, Action::Link(_)));
        let seconds = |(at, action): (Duration, Action)| (at.as_secs_f64(), action);
        steps.map(seconds).collect()
    }

    /// The action that sets the link `from` -> `to` to `state`, noted `note`: a begin, unless
    /// `state` is the normal one.
    fn link(from: u32, to: u32, state: LinkState, kind: FaultKind, note: &str) -> Action {
        let phase = if state == LinkState::default() {
            FaultPhase::End
        } else {
            FaultPhase::Begin
        };
        LinkChange::new((from, to), state, (kind, phase), note.to_owned()).into()
    }

    #[test]
    fn a_partition_end_restores_exactly_the_links_it_cut() {
        let partition = Fault::Partition {
            at_s: 2.0,
            machines: [3, 1],
            duration_s: 4.0,
            mode: PartitionMode::Hold,
        };
        let cut = LinkState {
            block: Some(PartitionMode::Hold),
            ..LinkState::default()
        };
        let normal = LinkState::default();
        let kind = FaultKind::Partition;
        let from_1 = "partition (hold) from machine 1";
        let from_3 = "partition (hold) from machine 3";
        assert_eq!(
            link_steps(&[partition]),
            [
                (2.0, link(3, 1, cut, kind, &format!("{from_1} begins"))),
                (2.0, link(1, 3, cut, kind, &format!("{from_3} begins"))),
                (6.0, link(3, 1, normal, kind, &format!("{from_1} heals"))),
                (6.0, link(1, 3, normal, kind, &format!("{from_3} heals"))),
            ]
        );
    }

    #[test]
    fn a_delay_holds_one_direction_only_and_its_end_puts_it_back_to_normal() {
        let delay = Fault::Delay {
            at_s: 1.0,
            from: 0,
            to: 2,
            delay_ms: 250.0,
            jitter_ms: 10.0,
            duration_s: 3.0,
        };
        let held = LinkState {
            delay_us: 250_000,
            jitter_us: 10_000,
            block: None,
        };
        let kind = FaultKind::Delay;
        let what = "delay of 250 ms (+ up to 10 ms) to machine 2";
        assert_eq!(
            link_steps(&[delay]),
            [
                (1.0, link(0, 2, held, kind, &format!("{what} begins"))),
                (
                    4.0,
                    link(0, 2, LinkState::default(), kind, &format!("{what} ends"))
                ),
            ]
        );
    }

    #[test]
    fn the_sender_logs_a_change_naming_its_peer_and_the_note() {
        let [begin, _] = LinkChange::begin_and_end(
            (4, 0),
            FaultKind::Delay,
            LinkState::default(),
            "delay of 5 ms (+ up to 0 ms) to machine 0",
            "ends",
        );
        let line = Event::Fault {
            kind: FaultKind::Delay,
            phase: FaultPhase::Begin,
            peer: Some(0),
            detail: "delay of 5 ms (+ up to 0 ms) to machine 0 begins".into(),
        };
        assert_eq!(begin.line(), line);
    }

    #[test]
    fn the_manifest_records_a_change_with_the_sender_first_and_the_senders_note() {
        let cut = LinkState {
            block: Some(PartitionMode::Drop),
            ..LinkState::default()
        };
        let what = "partition (drop) from machine 1";
        let [begin, heal] =
            LinkChange::begin_and_end((2, 1), FaultKind::Partition, cut, what, "heals");
        assert_eq!(
            begin.record(),
            (
                FaultKind::Partition,
                FaultPhase::Begin,
                vec![2, 1],
                "machine 2: partition (drop) from machine 1 begins".to_owned()
            )
        );
        assert_eq!(heal.record().1, FaultPhase::End);
        assert_eq!(
            heal.record().3,
            "machine 2: partition (drop) from machine 1 heals"
        );
    }
}
