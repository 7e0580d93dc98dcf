//! The scenario's faults carried out in the simulation, as the supervisor and the machines
//! carry them out in a real run: the same `fault` lines, the same manifest records.

use super::engine::Engine;
use super::machine::Life;
use crate::fault::{applies, Condition, FaultAction, MachineChange};
use crate::manifest::FaultOutcome;
use crate::model::LineSink;

impl Engine {
    /// Carry out fault action `index` of the timeline, as the supervisor and machines would.
    pub(super) fn fault<S: LineSink<At = u64>>(&mut self, now: u64, index: usize, sink: &mut S) {
        let action = self.timeline[index].1.clone();
        if let Some(why) = self.not_applicable(&action) {
            let (kind, phase, machines, detail) = applies::planned(&action);
            let outcome = FaultOutcome::NotApplicable(why);
            self.faults
                .push((now, kind, phase, machines, detail, outcome));
            return;
        }
        let (kind, phase, machines, detail) = match action {
            FaultAction::Kill(id) => {
                let m = &mut self.machines[id as usize];
                m.life = Life::Dead;
                m.generation += 1;
                m.inbox.clear();
                self.reach[id as usize] = None;
                self.net.sender_died(id, now);
                let change = MachineChange::Killed(id);
                if let Some(line) = change.line() {
                    for other in &self.machines {
                        if other.id() != id && other.life != Life::Dead {
                            sink.line(now, other.id(), line.clone());
                        }
                    }
                }
                change.record()
            }
            FaultAction::Restart(id) => {
                let count = self.machines.len() as u32;
                let m = &mut self.machines[id as usize];
                m.restart();
                let (incarnation, slot) = (m.model.identity().incarnation, m.next_slot(now));
                self.reach[id as usize] = Some(incarnation);
                sink.line(now, id, m.model.start_line());
                self.schedule_tick(id, slot);
                // A new process sends on normal links: a delay or partition in force on its
                // sending side does not carry over (what the old one held died with it at the
                // kill, so nothing of it is let go here).
                for peer in (0..count).filter(|&p| p != id) {
                    for at in self.net.set_state(id, peer, Default::default(), now) {
                        self.arrivals.push((at, id, peer));
                    }
                }
                self.schedule_arrivals();
                // No process, so no pid: 0 stands in for it.
                let pid = 0;
                let change = MachineChange::Restarted {
                    id,
                    incarnation,
                    pid,
                };
                change.record()
            }
            FaultAction::Pause(id) => {
                let m = &mut self.machines[id as usize];
                m.life = Life::Paused;
                m.generation += 1;
                MachineChange::Paused(id).record()
            }
            FaultAction::Resume(id) => {
                let m = &mut self.machines[id as usize];
                m.life = Life::Running;
                let slot = m.next_slot(now);
                let change = MachineChange::Resumed(id);
                if let Some(line) = change.line() {
                    sink.line(now, id, line);
                }
                self.schedule_tick(id, slot);
                change.record()
            }
            FaultAction::Link(change) => {
                let (from, to, state) = (change.from, change.to, change.state);
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
        self.faults
            .push((now, kind, phase, machines, detail, FaultOutcome::Done));
    }

    /// Why `action` no longer applies to its machine, by the rule both engines share.
    fn not_applicable(&self, action: &FaultAction) -> Option<String> {
        let id = match *action {
            FaultAction::Kill(id)
            | FaultAction::Restart(id)
            | FaultAction::Pause(id)
            | FaultAction::Resume(id) => id,
            FaultAction::Link(_) => return None,
        };
        let condition = match self.machines[id as usize].life {
            Life::Running => Condition::Running,
            Life::Paused => Condition::Paused,
            Life::Dead => Condition::Dead,
        };
        applies::not_applicable(action, condition)
    }
}
