//! The discrete-event core: one queue of timed events over every machine, run to the end of the
//! scenario in virtual time. Synchronous and pure but for the [`LineSink`] it writes lines to.

use crate::log_format::{FaultKind, FaultPhase};
use crate::manifest::FaultOutcome;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::machine::{Arrival, Life, SimMachine};
use super::network::Network;
use crate::fault;
use crate::fault::FaultAction;
use crate::model::machine::StopReport;
use crate::model::LineSink;

use crate::model::machine::stop_line;
use crate::model::physical::PhysicalClock;
use crate::model::MachineSpec;
use crate::scenario::Scenario;

/// What happens at an instant; at the same virtual time, lower kinds go first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    /// A fault action of the scenario's timeline.
    Fault,
    /// A message reaches a machine's inbox.
    Arrival,
    /// A machine's tick.
    Tick,
}

/// One scheduled event. The derived order is the tie-break rule of the module doc:
/// time, then kind, then machine id, then `n` (fault index, send sequence, tick slot).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Entry {
    at: u64,
    kind: Kind,
    machine: u32,
    n: u64,
    /// The sender of an arrival; the schedule generation of a tick.
    tag: u64,
}

/// A fault action as it fell due, for the manifest: `(virtual ns, kind, phase, machines, detail,
/// outcome)`; the outcome says whether it was done or why it no longer applied.
pub(crate) type FaultDone = (u64, FaultKind, FaultPhase, Vec<u32>, String, FaultOutcome);

/// How the simulated run ended.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SimOutcome {
    /// Virtual nanoseconds the run lasted.
    pub end_ns: u64,
    pub faults: Vec<FaultDone>,
    /// Per machine, its final figures, or `None` if a kill fault ended it for good.
    pub reports: Vec<Option<StopReport>>,
    /// Restarts per machine.
    pub restarts: Vec<u32>,
}

/// The simulation of one scenario.
pub(crate) struct Engine {
    pub(super) machines: Vec<SimMachine>,
    /// Each machine's incarnation while it lives: who a message can reach.
    pub(super) reach: Vec<Option<u32>>,
    pub(super) net: Network,
    queue: BinaryHeap<Reverse<Entry>>,
    pub(super) timeline: Vec<(u64, FaultAction)>,
    end_ns: u64,
    sends: u64,
    pub(super) arrivals: Vec<Arrival>,
    pub(super) faults: Vec<FaultDone>,
}

impl Engine {
    /// Set up `scenario`: rates drawn as the supervisor draws them, every first tick at time 0.
    pub(crate) fn new(scenario: &Scenario) -> Engine {
        let n = scenario.machines;
        let end_ns = scenario.real_duration().as_nanos() as u64;
        let machines: Vec<SimMachine> = (0..n)
            .zip(scenario.machine_rates())
            .map(|(id, rate)| {
                SimMachine::new(
                    MachineSpec {
                        id,
                        machines: n,
                        rate,
                        period_ns: scenario.tick_interval(rate).as_nanos().max(1) as u64,
                        die: scenario.die,
                        seed: scenario.seed,
                        incarnation: 0,
                        physical: PhysicalClock::of(
                            scenario.physical_clock.as_ref(),
                            scenario.seed,
                            id,
                        ),
                    },
                    end_ns,
                )
            })
            .collect();
        let timeline = fault::timeline(&scenario.faults, scenario.speedup)
            .into_iter()
            .map(|(at, action)| (at.as_nanos() as u64, action))
            .collect::<Vec<_>>();
        let mut engine = Engine {
            reach: vec![Some(0); n as usize],
            net: Network::new(n, scenario.latency_us, scenario.jitter_us, scenario.seed),
            queue: BinaryHeap::new(),
            end_ns,
            sends: 0,
            arrivals: Vec::new(),
            faults: Vec::new(),
            machines,
            timeline,
        };
        for (i, (at, _)) in engine.timeline.iter().enumerate() {
            engine.queue.push(Reverse(Entry {
                at: *at,
                kind: Kind::Fault,
                machine: 0,
                n: i as u64,
                tag: 0,
            }));
        }
        for id in 0..n {
            engine.schedule_tick(id, 0);
        }
        engine
    }

    /// Each machine's rate and tick period in virtual nanoseconds.
    pub(crate) fn periods(&self) -> Vec<(u32, u64)> {
        self.machines
            .iter()
            .map(|m| (m.model.identity().rate, m.model.identity().period_ns))
            .collect()
    }

    /// Run to the end: `start` lines at 0, every event before the end, `stop` lines at the end.
    /// A sink that halts (see [`LineSink::halted`]) ends the run at the next event boundary:
    /// the end is then the instant of the last event carried out.
    pub(crate) fn run<S: LineSink<At = u64>>(mut self, sink: &mut S) -> SimOutcome {
        for m in &self.machines {
            sink.line(0, m.id(), m.model.start_line());
        }
        let mut now = 0;
        while let Some(&Reverse(entry)) = self.queue.peek() {
            if entry.at >= self.end_ns {
                break;
            }
            if sink.halted() {
                self.end_ns = now;
                break;
            }
            now = entry.at;
            self.queue.pop();
            match entry.kind {
                Kind::Fault => self.fault(entry.at, entry.n as usize, sink),
                Kind::Arrival => {
                    let packet = self.net.arrive(entry.tag as u32, entry.machine, entry.at);
                    if let Some(packet) =
                        packet.filter(|p| self.reach[entry.machine as usize] == Some(p.incarnation))
                    {
                        self.machines[entry.machine as usize]
                            .inbox
                            .push_back(packet);
                    }
                    // Otherwise the receiver died since (the message is lost with it), or the
                    // message died with its sender.
                }
                Kind::Tick => self.tick(entry, sink),
            }
        }
        let mut reports = Vec::with_capacity(self.machines.len());
        for m in &self.machines {
            if m.life == Life::Dead {
                reports.push(None);
                continue;
            }
            // Messages still on their way count as queued, as a real machine drains its
            // connections into its inbox before it stops.
            let (id, incarnation) = (m.id(), m.model.identity().incarnation);
            let queue = m.inbox.len() as u64 + self.net.pending_to(id, incarnation);
            let report = m.model.report(queue, 0, 0);
            sink.line(self.end_ns, id, stop_line(&report));
            reports.push(Some(report));
        }
        SimOutcome {
            end_ns: self.end_ns,
            faults: self.faults,
            reports,
            restarts: self
                .machines
                .iter()
                .map(|m| m.model.identity().incarnation)
                .collect(),
        }
    }

    pub(super) fn schedule_tick(&mut self, id: u32, slot: u64) {
        let m = &self.machines[id as usize];
        // The end rule is the schedule's, as in a real machine: the tick due at the end does
        // not run.
        let at = m.schedule.due_time(slot + 1);
        if m.schedule.holds(slot + 1) {
            self.queue.push(Reverse(Entry {
                at,
                kind: Kind::Tick,
                machine: id,
                n: slot,
                tag: m.generation,
            }));
        }
    }

    fn tick<S: LineSink<At = u64>>(&mut self, entry: Entry, sink: &mut S) {
        let m = &mut self.machines[entry.machine as usize];
        if m.generation != entry.tag || m.life != Life::Running {
            return;
        }
        m.tick(
            entry.at,
            &self.reach,
            &mut self.net,
            sink,
            &mut self.arrivals,
        );
        self.schedule_arrivals();
        self.schedule_tick(entry.machine, entry.n + 1);
    }

    pub(super) fn schedule_arrivals(&mut self) {
        for (at, from, to) in self.arrivals.drain(..) {
            self.sends += 1;
            self.queue.push(Reverse(Entry {
                at,
                kind: Kind::Arrival,
                machine: to,
                n: self.sends,
                tag: u64::from(from),
            }));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log_format::Event;
    use crate::model::sink::Lines;
    use crate::scenario::Overrides;

    fn scenario(text: &str) -> Scenario {
        Scenario::parse(text, std::path::Path::new("t.toml"), &Overrides::default()).unwrap()
    }

    #[test]
    fn a_message_arriving_as_a_tick_is_due_is_taken_by_that_tick() {
        // One tick per second and a latency of exactly one second: every message arrives at
        // the instant of the receiver's next tick.
        for seed in 0..20 {
            let s = scenario(&format!(
                "machines = 2\nduration_s = 20\nseed = {seed}\n[clock]\nrates = [1, 1]\n\
                 [events]\ndie = 3\n[network]\nlatency_us = 1000000\n"
            ));
            let mut lines = Lines::default();
            Engine::new(&s).run(&mut lines);
            let Some((at, from, lamport)) = lines.0.iter().find_map(|(at, m, e)| match e {
                Event::Send { lamport, .. } => Some((*at, *m, *lamport)),
                _ => None,
            }) else {
                continue;
            };
            let next = lines
                .0
                .iter()
                .find(|(t, m, e)| *t == at + 1_000_000_000 && *m != from && e.tick().is_some());
            match next {
                Some((_, _, Event::Recv { msg_clock, .. })) => assert_eq!(*msg_clock, lamport),
                other => {
                    panic!("seed {seed}: the first message was not taken on arrival: {other:?}")
                }
            }
        }
    }

    #[test]
    fn ticks_fall_on_their_slots_and_a_paused_machine_skips_them() {
        let s = scenario(
            "machines = 3\nduration_s = 10\nseed = 4\n[clock]\nrates = [2, 4, 5]\n\
             [[fault]]\nkind = \"pause\"\nat_s = 2\nmachine = 1\nduration_s = 3\n",
        );
        let mut lines = Lines::default();
        let outcome = Engine::new(&s).run(&mut lines);
        for (at, m, e) in &lines.0 {
            if let Some(tick) = e.tick() {
                let period = [500_000_000, 250_000_000, 200_000_000][*m as usize];
                assert_eq!(*at, (tick - 1) * period, "machine {m} tick {tick}");
            }
        }
        // Machine 1 (4/s) is frozen from 2 s to 5 s: ticks 9..=20 are skipped, 21 runs at 5 s.
        let skipped: Vec<_> = lines
            .0
            .iter()
            .filter(|(_, m, e)| *m == 1 && e.name() == "skipped")
            .collect();
        assert_eq!(skipped.len(), 1);
        assert_eq!(
            skipped[0].2,
            Event::Skipped {
                first: 9,
                count: 12
            }
        );
        let report = outcome.reports[1].clone().unwrap();
        assert_eq!((report.ticks, report.skipped), (40, 12));
        assert_eq!(outcome.faults.len(), 2);
    }
}
