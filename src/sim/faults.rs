//! The scenario's faults carried out in the simulation, as the supervisor and the machines
//! carry them out in a real run: the same `fault` lines, the same manifest records.

use super::engine::{start_line, Engine};
use super::machine::Life;
use super::Sink;
use crate::fault::{Action, LinkChange};
use crate::log_format::Event;
use crate::log_format::FaultKind;

impl Engine {
    /// Carry out fault action `index` of the timeline, as the supervisor and machines would.
    pub(super) fn fault<S: Sink>(&mut self, now: u64, index: usize, sink: &mut S) {
        let action = self.timeline[index].1.clone();
        let (kind, machines, detail) = match action {
            Action::Kill(id) => {
                let m = &mut self.machines[id as usize];
                if m.life == Life::Dead {
                    return;
                }
                m.life = Life::Dead;
                m.generation += 1;
                m.inbox.clear();
                self.reach[id as usize] = None;
                let detail = format!("machine {id} killed (SIGKILL)");
                for other in &self.machines {
                    if other.id != id && other.life != Life::Dead {
                        let line = Event::Fault {
                            kind: FaultKind::Kill,
                            peer: Some(id),
                            detail: detail.clone(),
                        };
                        sink.line(now, other.id, line);
                    }
                }
                (FaultKind::Kill, vec![id], detail)
            }
            Action::Restart(id) => {
                let count = self.machines.len() as u32;
                let m = &mut self.machines[id as usize];
                if m.life != Life::Dead {
                    return;
                }
                m.restart();
                let (incarnation, slot) = (m.incarnation, m.next_slot(now));
                self.reach[id as usize] = Some(incarnation);
                let line = start_line(m, count);
                sink.line(now, id, line);
                self.schedule_tick(id, slot);
                // A new process sends on normal links: a delay or partition in force on its
                // sending side does not carry over (what the old one held is let go).
                for peer in (0..count).filter(|&p| p != id) {
                    for at in self.net.set_state(id, peer, Default::default(), now) {
                        self.arrivals.push((at, id, peer));
                    }
                }
                self.schedule_arrivals();
                let detail = format!("machine {id} restarted (process {incarnation}, pid 0)");
                (FaultKind::Restart, vec![id], detail)
            }
            Action::Pause(id) => {
                let m = &mut self.machines[id as usize];
                if m.life != Life::Running {
                    return;
                }
                m.life = Life::Paused;
                m.generation += 1;
                (
                    FaultKind::Pause,
                    vec![id],
                    format!("machine {id} paused (SIGSTOP)"),
                )
            }
            Action::Resume(id) => {
                let m = &mut self.machines[id as usize];
                if m.life != Life::Paused {
                    return;
                }
                m.life = Life::Running;
                let slot = m.next_slot(now);
                let line = Event::Fault {
                    kind: FaultKind::Pause,
                    peer: None,
                    detail: "this machine was paused and is now resumed".into(),
                };
                sink.line(now, id, line);
                self.schedule_tick(id, slot);
                (
                    FaultKind::Resume,
                    vec![id],
                    format!("machine {id} resumed (SIGCONT)"),
                )
            }
            Action::Link {
                from,
                to,
                state,
                kind,
                note,
            } => {
                let change = LinkChange::new(from, to, state, kind, note);
                if self.machines[from as usize].life != Life::Dead {
                    sink.line(now, from, change.line());
                }
                for at in self.net.set_state(from, to, state, now) {
                    self.arrivals.push((at, from, to));
                }
                self.schedule_arrivals();
                change.record()
            }
        };
        self.faults.push((now, kind.to_owned(), machines, detail));
    }
}
