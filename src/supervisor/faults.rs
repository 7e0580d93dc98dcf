//! Faults on purpose, carried out by the supervisor: kill, pause and resume, link changes, and
//! a restarted machine's way back into the mesh.

use std::net::SocketAddr;
use std::time::{Duration, SystemTime};

use tokio::time::Instant;

use super::actor::{Slot, Supervisor, RETRY_RESTART};
use super::signal;
use crate::control::ToMachine;
use crate::fault::Action;
use crate::manifest::FaultRecord;

impl Supervisor {
    /// Carry out one fault action, tell the machines it concerns, and record it.
    pub(super) async fn carry_out(&mut self, action: Action) {
        let (kind, machines, detail) = match action {
            Action::Kill(id) => {
                let slot = &mut self.slots[id as usize];
                if slot.exit.is_some() {
                    return;
                }
                slot.fault_killed = true;
                // A dead process gets no more signals (its pid may be reused).
                slot.paused = false;
                slot.child.kill();
                for (peer, slot) in (0u32..).zip(&mut self.slots) {
                    if peer != id {
                        slot.child
                            .send(&ToMachine::Fault {
                                kind: "kill".into(),
                                peer: Some(id),
                                detail: format!("machine {id} killed (SIGKILL)"),
                                link: None,
                            })
                            .await;
                    }
                }
                ("kill", vec![id], format!("machine {id} killed (SIGKILL)"))
            }
            Action::Restart(id) => {
                let slot = &self.slots[id as usize];
                if slot.exit.is_none() {
                    // The kill's exit is not reported yet: try again shortly.
                    let again = self.elapsed() + RETRY_RESTART;
                    let at = self.timeline.partition_point(|(t, _)| *t <= again);
                    self.timeline.insert(at, (again, Action::Restart(id)));
                    return;
                }
                let (rate, incarnation) = (slot.rate, slot.incarnation + 1);
                let child = match self.spawn_machine(id, rate, incarnation).await {
                    Ok(child) => child,
                    Err(e) => {
                        self.view
                            .warn(&format!("failed to restart machine {id}: {e}"));
                        return;
                    }
                };
                let slot = &mut self.slots[id as usize];
                let old = std::mem::replace(slot, Slot::new(child, rate));
                let mut earlier = old.earlier;
                earlier.push((old.child.pid, old.addr));
                slot.earlier = earlier;
                slot.incarnation = incarnation;
                slot.rejoining = true;
                (
                    "restart",
                    vec![id],
                    format!(
                        "machine {id} restarted (process {incarnation}, pid {})",
                        slot.child.pid
                    ),
                )
            }
            Action::Pause(id) => {
                let slot = &mut self.slots[id as usize];
                if slot.exit.is_some() || !signal::send(slot.child.pid, libc::SIGSTOP) {
                    return;
                }
                slot.paused = true;
                ("pause", vec![id], format!("machine {id} paused (SIGSTOP)"))
            }
            Action::Resume(id) => {
                if !self.resume(id) {
                    return;
                }
                let detail = format!("machine {id} resumed (SIGCONT)");
                self.slots[id as usize]
                    .child
                    .send(&ToMachine::Fault {
                        kind: "pause".into(),
                        peer: None,
                        detail: "this machine was paused and is now resumed".into(),
                        link: None,
                    })
                    .await;
                ("resume", vec![id], detail)
            }
            Action::Link {
                from,
                to,
                state,
                kind,
                note,
            } => {
                self.slots[from as usize]
                    .child
                    .send(&ToMachine::Fault {
                        kind: kind.into(),
                        peer: Some(to),
                        detail: note.clone(),
                        link: Some(state),
                    })
                    .await;
                (kind, vec![from, to], format!("machine {from}: {note}"))
            }
        };
        self.view.note(&format!("fault: {detail}"));
        self.fault_log.push(FaultRecord {
            at: humantime::format_rfc3339_micros(SystemTime::now()).to_string(),
            kind: kind
                .parse()
                .expect("fault actions are named by the contract's fault kinds"),
            machines,
            detail,
        });
    }

    /// A restarted machine listens: tell it where its live peers are, and tell them to dial it.
    pub(super) async fn rejoin_listening(&mut self, id: u32, addr: SocketAddr) {
        let live = |s: &Slot| s.exit.is_none() && !s.rejoining;
        let addrs: Vec<Option<SocketAddr>> = self
            .slots
            .iter()
            .map(|s| s.addr.filter(|_| live(s)))
            .collect();
        for (peer, slot) in (0u32..).zip(&mut self.slots) {
            if peer == id {
                slot.child
                    .send(&ToMachine::Peers {
                        addrs: addrs.clone(),
                    })
                    .await;
            } else if live(slot) {
                slot.child.send(&ToMachine::Rejoin { peer: id, addr }).await;
            }
        }
    }

    /// Real time since the tick loops started.
    pub(super) fn elapsed(&self) -> Duration {
        Instant::now().saturating_duration_since(self.started)
    }

    /// SIGCONT a paused machine; false if it was not paused.
    pub(super) fn resume(&mut self, id: u32) -> bool {
        let slot = &mut self.slots[id as usize];
        if !slot.paused || slot.exit.is_some() {
            return false;
        }
        slot.paused = false;
        signal::send(slot.child.pid, libc::SIGCONT)
    }
}
