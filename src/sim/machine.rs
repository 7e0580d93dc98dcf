//! One simulated machine: its clocks, die stream, inbox and counters, and what one tick does.
//!
//! The tick is the real tick loop's, step for step: [`decide`] takes the head of the inbox or
//! rolls the machine's own die stream, and the clocks move by the rules of `machine/clock.rs`.

use crate::log_format::DropReason;
use std::collections::VecDeque;

use rand_chacha::ChaCha8Rng;

use super::network::{Network, Packet, Route};
use super::Sink;
use crate::log_format::Event;
use crate::machine::clock::{peers_of, Action, LamportClock, VectorClock};
use crate::machine::step::{decide, Step};
use crate::scenario::machine_rng;

/// Where a machine is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Life {
    Running,
    /// Frozen by a pause fault: no ticks, but its inbox fills.
    Paused,
    /// Killed by a fault (and maybe restarted later).
    Dead,
}

/// A message the network will deliver: `(arrival time, from, to)`.
pub type Arrival = (u64, u32, u32);

/// One simulated machine.
#[derive(Debug)]
pub struct SimMachine {
    pub id: u32,
    pub rate: u32,
    /// Virtual nanoseconds between ticks (the real loop's period at the scenario's speedup).
    pub period_ns: u64,
    peers: Vec<u32>,
    die: u32,
    seed: u64,
    rng: ChaCha8Rng,
    pub clock: LamportClock,
    vclock: VectorClock,
    pub inbox: VecDeque<Packet>,
    /// Number of the last tick run (or skipped), 0 before the first.
    pub last_tick: u64,
    /// Counters of the current process (a restart starts them again, as a new process would).
    pub skipped: u64,
    pub sent: u64,
    pub received: u64,
    pub incarnation: u32,
    pub life: Life,
    /// Bumped whenever the tick schedule is interrupted; older scheduled ticks are void.
    pub generation: u64,
}

impl SimMachine {
    /// Machine `id` of `machines`, ticking every `period_ns`, with its die stream from `seed`.
    pub fn new(id: u32, machines: u32, rate: u32, period_ns: u64, die: u32, seed: u64) -> Self {
        SimMachine {
            id,
            rate,
            period_ns,
            peers: peers_of(id, machines),
            die,
            seed,
            rng: machine_rng(seed, id, 0),
            clock: LamportClock::default(),
            vclock: VectorClock::new(id, machines),
            inbox: VecDeque::new(),
            last_tick: 0,
            skipped: 0,
            sent: 0,
            received: 0,
            incarnation: 0,
            life: Life::Running,
            generation: 0,
        }
    }

    /// The first slot (from 0) at or after virtual time `now`: where a resumed or restarted
    /// machine joins its schedule.
    pub fn next_slot(&self, now: u64) -> u64 {
        now.div_ceil(self.period_ns)
    }

    /// Start the machine again after a kill: a new die stream, an empty inbox, new counters;
    /// the clocks and the tick numbering go on from where they were.
    pub fn restart(&mut self) {
        self.incarnation += 1;
        self.rng = machine_rng(self.seed, self.id, self.incarnation);
        self.inbox.clear();
        (self.skipped, self.sent, self.received) = (0, 0, 0);
        self.life = Life::Running;
        self.generation += 1;
    }

    /// Run the tick of `slot` (tick number `slot + 1`) at virtual time `now`. `reach[p]` is peer
    /// `p`'s incarnation while it lives. Messages put in flight are pushed onto `arrivals`;
    /// `vc` is a scratch vector lent to the log lines.
    #[expect(
        clippy::too_many_arguments,
        reason = "the engine's parts, lent for one tick"
    )]
    pub fn tick<S: Sink>(
        &mut self,
        slot: u64,
        now: u64,
        reach: &[Option<u32>],
        net: &mut Network,
        sink: &mut S,
        arrivals: &mut Vec<Arrival>,
        vc: &mut Vec<u64>,
    ) {
        let tick = slot + 1;
        if tick > self.last_tick + 1 {
            let count = tick - self.last_tick - 1;
            self.skipped += count;
            let first = self.last_tick + 1;
            sink.line(now, self.id, Event::Skipped { first, count });
        }
        self.last_tick = tick;
        let event = match decide(self.inbox.pop_front(), &mut self.rng, self.die, &self.peers) {
            Step::Receive(msg) => {
                let lamport = self.clock.receive(msg.lamport);
                refill(vc, self.vclock.receive(&msg.vc));
                self.received += 1;
                Event::Recv {
                    tick,
                    lamport,
                    from: msg.from,
                    msg_clock: msg.lamport,
                    queue: self.inbox.len() as u64,
                    vc: std::mem::take(vc),
                    late_us: 0,
                }
            }
            Step::Act(Action::Internal) => {
                let lamport = self.clock.internal();
                refill(vc, self.vclock.tick());
                Event::Internal {
                    tick,
                    lamport,
                    vc: std::mem::take(vc),
                    late_us: 0,
                }
            }
            Step::Act(Action::Send(to)) => {
                let lamport = self.clock.send();
                refill(vc, self.vclock.tick());
                self.sent += to.len() as u64;
                let event = Event::Send {
                    tick,
                    lamport,
                    to,
                    vc: std::mem::take(vc),
                    late_us: 0,
                };
                let event = sink.line(now, self.id, event);
                let Event::Send {
                    to, vc: carried, ..
                } = &event
                else {
                    unreachable!("the sink hands back the event it was given")
                };
                // The real machine logs the send, then its link tasks log what they drop.
                for &peer in to {
                    let packet = |incarnation| Packet {
                        from: self.id,
                        lamport,
                        vc: carried.clone(),
                        incarnation,
                    };
                    let route = reach[peer as usize].map(|to| net.send(peer, packet(to), now));
                    if let Some(reason) = dropped(route, self.id, peer, arrivals) {
                        sink.line(
                            now,
                            self.id,
                            Event::Dropped {
                                to: vec![peer],
                                lamport,
                                reason,
                            },
                        );
                    }
                }
                if let Event::Send { vc: carried, .. } = event {
                    *vc = carried;
                }
                return;
            }
        };
        if let Event::Recv { vc: back, .. } | Event::Internal { vc: back, .. } =
            sink.line(now, self.id, event)
        {
            *vc = back;
        }
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

/// Copy a clock into the scratch vector without allocating once it has grown.
fn refill(scratch: &mut Vec<u64>, entries: &[u64]) {
    scratch.clear();
    scratch.extend_from_slice(entries);
}
