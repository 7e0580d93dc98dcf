//! One simulated machine: the model machine ([`Machine`]) with its schedule in virtual time, its
//! inbox and where it is in its life, and the wiring of one tick: the model's lines to the sink,
//! its messages to the network.

use std::collections::VecDeque;
use std::time::Duration;

use super::network::{Network, Packet, Route};
use crate::log_format::{DropReason, Event};
use crate::model::LineSink;
use crate::model::{Machine, MachineSpec, Schedule, Waiting};

/// Where a machine is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Life {
    Running,
    /// Frozen by a pause fault: no ticks, but its inbox fills.
    Paused,
    /// Killed by a fault (and maybe restarted later).
    Dead,
}

/// A message the network will deliver: `(arrival time, from, to)`.
pub(crate) type Arrival = (u64, u32, u32);

/// One simulated machine.
#[derive(Debug)]
pub(crate) struct SimMachine {
    /// The model: clocks, die, last tick, counters, start and stop lines.
    pub model: Machine,
    /// The tick schedule in virtual nanoseconds, from 0.
    pub schedule: Schedule<u64>,
    pub inbox: VecDeque<Packet>,
    pub life: Life,
    /// Bumped whenever the tick schedule is interrupted; older scheduled ticks are void.
    pub generation: u64,
}

impl SimMachine {
    /// The machine `who`, its schedule starting at virtual time 0 and ending, by the end rule
    /// of [`crate::model::schedule`], at `run_ns`.
    pub(crate) fn new(who: MachineSpec, run_ns: u64) -> Self {
        SimMachine {
            schedule: Schedule::new(0, Duration::from_nanos(who.period_ns), 0).until(run_ns),
            model: Machine::new(who),
            inbox: VecDeque::new(),
            life: Life::Running,
            generation: 0,
        }
    }

    /// The machine's id.
    pub(crate) fn id(&self) -> u32 {
        self.model.identity().id
    }

    /// The slot (from 0) a resumed or restarted machine joins its schedule at: the first one
    /// due at or after virtual time `now`.
    pub(crate) fn next_slot(&mut self, now: u64) -> u64 {
        self.schedule.join_at(now) - 1
    }

    /// Start the machine again after a kill: the model's next incarnation, an empty inbox.
    pub(crate) fn restart(&mut self) {
        self.model.restart();
        self.inbox.clear();
        self.life = Life::Running;
        self.generation += 1;
    }

    /// Run the tick due at virtual time `now`. `reach[p]` is peer `p`'s incarnation while it
    /// lives. Messages put in flight are pushed onto `arrivals`.
    pub(crate) fn tick<S: LineSink<At = u64>>(
        &mut self,
        now: u64,
        reach: &[Option<u32>],
        net: &mut Network,
        sink: &mut S,
        arrivals: &mut Vec<Arrival>,
    ) {
        let id = self.id();
        let Some(due) = self.schedule.due(now) else {
            // Past the run's end: the engine schedules no such tick.
            return;
        };
        let head = self.inbox.pop_front();
        let left = self.inbox.len() as u64;
        let waiting = head.as_ref().map(|msg| Waiting {
            from: msg.from,
            lamport: msg.lamport,
            vc: &msg.vc,
            hlc: msg.hlc,
            left,
        });
        let done = self.model.tick(due.tick, 0, waiting);
        if let Some(skipped) = done.skipped {
            sink.line(now, id, skipped);
        }
        let event = sink.line(now, id, done.event);
        // The real machine logs the send, then its link tasks log what they drop.
        if let Event::Send {
            to, lamport, vc, ..
        } = &event
        {
            let hlc = self.model.hlc();
            for &peer in to {
                let packet = |incarnation| Packet {
                    from: id,
                    lamport: *lamport,
                    hlc,
                    vc: vc.clone(),
                    incarnation,
                };
                let route = reach[peer as usize].map(|to| net.send(peer, packet(to), now));
                if let Some(reason) = dropped(route, id, peer, arrivals) {
                    let line = Event::Dropped {
                        to: vec![peer],
                        lamport: *lamport,
                        reason,
                    };
                    sink.line(now, id, line);
                }
            }
        }
        self.model.recycle(event);
    }
}

/// Why a message from `from` to `peer` is dropped, if it is: `route` is the network's answer, or
/// `None` when the peer is gone. A message on its way is added to `arrivals`.
fn dropped(
    route: Option<Route>,
    from: u32,
    peer: u32,
    arrivals: &mut Vec<Arrival>,
) -> Option<DropReason> {
    match route {
        None => Some(DropReason::PeerGone),
        Some(Route::Arrives(at)) => {
            arrivals.push((at, from, peer));
            None
        }
        Some(Route::Held) => None,
        Some(Route::Dropped(reason)) => Some(reason),
    }
}
