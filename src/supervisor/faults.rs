//! Faults on purpose, carried out on the machines' slots: kill, pause and resume, link changes,
//! restarts, and a restarted machine's way back into the mesh.

use crate::log_format::{Event, FaultKind, FaultPhase};
use std::collections::VecDeque;
use std::net::SocketAddr;
use std::time::{Duration, SystemTime};

use super::slot::{Slot, Spawner};
use super::state::Killer;
use crate::control::ToMachine;
use crate::fault::{FaultAction, MachineChange};
use crate::manifest::{FaultCause, FaultRecord};

/// What carrying out one fault action came to.
#[derive(Debug)]
pub enum Carried {
    /// Done; the manifest records it.
    Done(FaultRecord),
    /// Nothing to do: the machine is not in a state the action applies to.
    NotApplicable,
    /// A restart whose kill has not been reported yet: try again shortly.
    RetryLater,
    /// The action could not be carried out.
    Failed(String),
}

/// Carry out one fault action and tell the machines it concerns.
pub fn carry_out<E: Send + 'static>(
    slots: &mut [Slot],
    spawner: &Spawner<E>,
    action: FaultAction,
) -> Carried {
    match action {
        FaultAction::Kill(id) => {
            if !slots[id as usize].kill(Killer::Fault) {
                return Carried::NotApplicable;
            }
            let change = MachineChange::Killed(id);
            if let Some(Event::Fault { kind, detail, .. }) = change.line() {
                tell_others(slots, id, kind, &detail);
            }
            done(change.record())
        }
        FaultAction::Restart(id) => {
            let slot = &slots[id as usize];
            if slot.state.live() {
                return Carried::RetryLater;
            }
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
                return Carried::NotApplicable;
            }
            done(MachineChange::Paused(id).record())
        }
        FaultAction::Resume(id) => {
            let slot = &mut slots[id as usize];
            if !slot.resume() {
                return Carried::NotApplicable;
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
fn done((kind, phase, machines, detail): (FaultKind, FaultPhase, Vec<u32>, String)) -> Carried {
    Carried::Done(FaultRecord {
        at: crate::log_format::timestamp::format_system(SystemTime::now()),
        kind,
        phase: Some(phase),
        machines,
        detail,
        cause: FaultCause::Planned,
    })
}

/// Put `action` into the time-ordered `timeline` at real offset `at`, after those due as early.
pub fn schedule(
    timeline: &mut VecDeque<(Duration, FaultAction)>,
    at: Duration,
    action: FaultAction,
) {
    let index = timeline.partition_point(|(t, _)| *t <= at);
    timeline.insert(index, (at, action));
}

/// Tell every live machine but `id` that `id` is gone (`kind` `kill` or `died`), so they stop
/// writing to it at once and log what they drop.
pub fn tell_others(slots: &[Slot], id: u32, kind: FaultKind, detail: &str) {
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
pub fn rejoin_listening(slots: &[Slot], id: u32, addr: SocketAddr) {
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
