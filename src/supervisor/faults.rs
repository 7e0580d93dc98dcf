//! Faults on purpose, carried out on the machines' slots: kill, pause and resume, link changes,
//! restarts, and a restarted machine's way back into the mesh.

use crate::log_format::{Event, FaultKind, FaultPhase};
use std::collections::VecDeque;
use std::net::SocketAddr;
use std::time::{Duration, SystemTime};

use super::slot::{Slot, Spawner};
use super::state::{Killer, MachineState};
use crate::control::ToMachine;
use crate::fault::{applies, Condition, FaultAction, MachineChange};
use crate::manifest::{FaultCause, FaultOutcome, FaultRecord};

/// What carrying out one fault action came to.
#[derive(Debug)]
pub(crate) enum Carried {
    /// Done; the manifest records it.
    Done(FaultRecord),
    /// Nothing to do: the machine is not in a state the action applies to; the record says why.
    NotApplicable(FaultRecord),
    /// A restart whose kill has not been reported yet: try again shortly.
    RetryLater,
    /// The action could not be carried out.
    Failed(String),
}

/// Carry out one fault action and tell the machines it concerns.
pub(crate) fn carry_out<E: Send + 'static>(
    slots: &mut [Slot],
    spawner: &Spawner<E>,
    action: FaultAction,
) -> Carried {
    if let Some(id) = machine_of(&action) {
        let slot = &slots[id as usize];
        if matches!(action, FaultAction::Restart(_))
            && matches!(slot.state, MachineState::Killing(_))
        {
            return Carried::RetryLater;
        }
        if let Some(why) = applies::not_applicable(&action, condition(slot)) {
            return not_applicable(&action, why);
        }
    }
    match action {
        FaultAction::Kill(id) => {
            if !slots[id as usize].kill(Killer::Fault) {
                return not_applicable(&action, format!("machine {id} is dead"));
            }
            let change = MachineChange::Killed(id);
            if let Some(Event::Fault { kind, detail, .. }) = change.line() {
                tell_others(slots, id, kind, &detail);
            }
            done(change.record())
        }
        FaultAction::Restart(id) => {
            let slot = &slots[id as usize];
            let (rate, incarnation) = (slot.rate, slot.incarnation + 1);
            let child = match spawner.spawn(id, rate, incarnation) {
                Ok(child) => child,
                Err(e) => return Carried::Failed(format!("failed to restart machine {id}: {e}")),
            };
            let slot = &mut slots[id as usize];
            let old = std::mem::replace(slot, Slot::new(child, rate));
            slot.earlier = old.earlier;
            slot.earlier.push((old.child.pid, old.addr));
            slot.incarnation = incarnation;
            let pid = slot.child.pid;
            let change = MachineChange::Restarted {
                id,
                incarnation,
                pid,
            };
            done(change.record())
        }
        FaultAction::Pause(id) => {
            if !slots[id as usize].pause() {
                // Running by the shared rule, but its process could not be stopped.
                return not_applicable(&action, format!("machine {id} is not ticking"));
            }
            done(MachineChange::Paused(id).record())
        }
        FaultAction::Resume(id) => {
            let slot = &mut slots[id as usize];
            if !slot.resume() {
                return not_applicable(&action, format!("machine {id} is not paused"));
            }
            let change = MachineChange::Resumed(id);
            if let Some(Event::Fault {
                kind,
                phase,
                peer,
                detail,
            }) = change.line()
            {
                slot.child.send(ToMachine::Fault {
                    kind,
                    phase,
                    peer,
                    detail,
                    link: None,
                });
            }
            done(change.record())
        }
        FaultAction::Link(change) => {
            let (from, to, state) = (change.from, change.to, change.state);
            let (kind, phase, machines, detail) = change.record();
            slots[from as usize].child.send(ToMachine::Fault {
                kind,
                phase,
                peer: Some(to),
                detail: change.note,
                link: Some(state),
            });
            done((kind, phase, machines, detail))
        }
    }
}

/// A fault carried out now, recorded as `kind` in `phase`, concerning `machines`, with `detail`.
fn done(record: (FaultKind, FaultPhase, Vec<u32>, String)) -> Carried {
    Carried::Done(record_now(record, FaultOutcome::Done))
}

/// `action`, due now, recorded as not applicable because of `why`.
pub(crate) fn not_applicable(action: &FaultAction, why: String) -> Carried {
    let record = record_now(applies::planned(action), FaultOutcome::NotApplicable(why));
    Carried::NotApplicable(record)
}

fn record_now(
    (kind, phase, machines, detail): (FaultKind, FaultPhase, Vec<u32>, String),
    outcome: FaultOutcome,
) -> FaultRecord {
    FaultRecord {
        at: crate::log_format::timestamp::format_system(SystemTime::now()),
        kind,
        phase: Some(phase),
        machines,
        detail,
        cause: FaultCause::Planned,
        outcome,
    }
}

/// The machine a kill, restart, pause or resume concerns; `None` for a link change.
fn machine_of(action: &FaultAction) -> Option<u32> {
    match *action {
        FaultAction::Kill(id)
        | FaultAction::Restart(id)
        | FaultAction::Pause(id)
        | FaultAction::Resume(id) => Some(id),
        FaultAction::Link(_) => None,
    }
}

/// What the machine of `slot` is, as the shared rule of [`applies`] sees it: a process being
/// killed is dead already; one setting up (a restart rejoining) or stopping is running, or
/// paused if a pause fell due while it rejoined (as in the twin, where a restarted machine is
/// running from the restart on).
fn condition(slot: &Slot) -> Condition {
    match slot.state {
        MachineState::Killing(_) | MachineState::Exited(_) => Condition::Dead,
        MachineState::Paused => Condition::Paused,
        _ if slot.pause_pending => Condition::Paused,
        _ => Condition::Running,
    }
}

/// Put `action` into the time-ordered `timeline` at real offset `at`, after those due as early.
pub(crate) fn schedule(
    timeline: &mut VecDeque<(Duration, FaultAction)>,
    at: Duration,
    action: FaultAction,
) {
    let index = timeline.partition_point(|(t, _)| *t <= at);
    timeline.insert(index, (at, action));
}

/// Tell every live machine but `id` that `id` is gone (`kind` `kill` or `died`), so they stop
/// writing to it at once and log what they drop.
pub(crate) fn tell_others(slots: &[Slot], id: u32, kind: FaultKind, detail: &str) {
    for (peer, slot) in (0u32..).zip(slots) {
        if peer != id && slot.state.live() {
            slot.child.send(ToMachine::Fault {
                kind,
                // A machine's end has no duration.
                phase: FaultPhase::Instant,
                peer: Some(id),
                detail: detail.to_owned(),
                link: None,
            });
        }
    }
}

/// A restarted machine listens: tell it where its live peers are, and tell them to dial it.
pub(crate) fn rejoin_listening(slots: &[Slot], id: u32, addr: SocketAddr) {
    let addrs: Vec<Option<SocketAddr>> = slots
        .iter()
        .map(|s| s.addr.filter(|_| s.in_mesh()))
        .collect();
    for (peer, slot) in (0u32..).zip(slots) {
        if peer == id {
            slot.child.send(ToMachine::Peers {
                addrs: addrs.clone(),
            });
        } else if slot.in_mesh() {
            slot.child.send(ToMachine::Rejoin { peer: id, addr });
        }
    }
}
