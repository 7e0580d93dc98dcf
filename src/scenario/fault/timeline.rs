//! The timeline of fault actions both engines carry out: each validated fault turned into what
//! is done at which real offset from the start (kill, restart, pause, resume, link changes).

use std::time::Duration;

use crate::log_format::FaultKind;

use super::link::LinkChange;
use super::spec::Fault;
use crate::model::link::{LinkState, PartitionMode};

/// One thing done at a point of the run, by the supervisor or in the simulation.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Kill(u32),
    /// Start a killed machine again; it rejoins the mesh with its clock restored from its log.
    Restart(u32),
    Pause(u32),
    Resume(u32),
    /// Set how one machine sends to another.
    Link(LinkChange),
}

impl From<LinkChange> for Action {
    fn from(change: LinkChange) -> Action {
        Action::Link(change)
    }
}

/// The actions for `faults`, at real offsets from the start, in time order.
pub fn timeline(faults: &[Fault], speedup: f64) -> Vec<(Duration, Action)> {
    let real = |model_s: f64| Duration::from_secs_f64(model_s / speedup);
    let real_us = |model_ms: f64| (model_ms * 1000.0 / speedup).round() as u64;
    let mut steps = Vec::new();
    for fault in faults {
        match *fault {
            Fault::Kill {
                at_s,
                machine,
                restart_after_s,
            } => {
                steps.push((real(at_s), Action::Kill(machine)));
                if let Some(after) = restart_after_s {
                    steps.push((real(at_s + after), Action::Restart(machine)));
                }
            }
            Fault::Pause {
                at_s,
                machine,
                duration_s,
            } => {
                steps.push((real(at_s), Action::Pause(machine)));
                steps.push((real(at_s + duration_s), Action::Resume(machine)));
            }
            Fault::Delay {
                at_s,
                from,
                to,
                delay_ms,
                jitter_ms,
                duration_s,
            } => {
                let state = LinkState {
                    delay_us: real_us(delay_ms),
                    jitter_us: real_us(jitter_ms),
                    block: None,
                };
                let what =
                    format!("delay of {delay_ms} ms (+ up to {jitter_ms} ms) to machine {to}");
                let changes =
                    LinkChange::begin_and_end((from, to), FaultKind::Delay, state, &what, "ends");
                link_steps(&mut steps, real(at_s), real(at_s + duration_s), changes);
            }
            Fault::Partition {
                at_s,
                machines: [a, b],
                duration_s,
                mode,
            } => {
                let mode_name = match mode {
                    PartitionMode::Hold => "hold",
                    PartitionMode::Drop => "drop",
                };
                let cut = LinkState {
                    block: Some(mode),
                    ..LinkState::default()
                };
                for (from, to) in [(a, b), (b, a)] {
                    let what = format!("partition ({mode_name}) from machine {to}");
                    let kind = FaultKind::Partition;
                    let changes = LinkChange::begin_and_end((from, to), kind, cut, &what, "heals");
                    link_steps(&mut steps, real(at_s), real(at_s + duration_s), changes);
                }
            }
        }
    }
    steps.sort_by_key(|(at, _)| *at);
    steps
}

/// Push a link fault's two changes: the one that begins it at `begin`, the one that ends it at `end`.
fn link_steps(
    steps: &mut Vec<(Duration, Action)>,
    begin: Duration,
    end: Duration,
    [first, last]: [LinkChange; 2],
) {
    steps.push((begin, first.into()));
    steps.push((end, last.into()));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_timeline_scales_to_real_time_and_heals_every_cut() {
        let faults = vec![
            Fault::Pause {
                at_s: 10.0,
                machine: 1,
                duration_s: 5.0,
            },
            Fault::Partition {
                at_s: 20.0,
                machines: [0, 2],
                duration_s: 10.0,
                mode: PartitionMode::Drop,
            },
            Fault::Delay {
                at_s: 1.0,
                from: 2,
                to: 0,
                delay_ms: 1000.0,
                jitter_ms: 0.0,
                duration_s: 1.0,
            },
        ];
        let steps = timeline(&faults, 10.0);
        let at = |s: f64| Duration::from_secs_f64(s);
        assert_eq!(steps[0].0, at(0.1));
        assert!(
            matches!(&steps[0].1, Action::Link(LinkChange { from: 2, to: 0, state, .. }) if state.delay_us == 100_000)
        );
        assert_eq!(steps[1].0, at(0.2));
        assert!(
            matches!(&steps[1].1, Action::Link(LinkChange { state, .. }) if *state == LinkState::default())
        );
        assert_eq!(steps[2], (at(1.0), Action::Pause(1)));
        assert_eq!(steps[3], (at(1.5), Action::Resume(1)));
        let cuts = steps.iter().filter(|(_, a)| matches!(a, Action::Link(LinkChange { state, .. }) if state.block == Some(PartitionMode::Drop))).count();
        let heals = steps
            .iter()
            .filter(|(t, a)| {
                *t == at(3.0)
                    && matches!(a, Action::Link(LinkChange { state, .. }) if state.block.is_none())
            })
            .count();
        assert_eq!((cuts, heals), (2, 2));
    }
}
