//! The simulated network: per-link latency, jitter, and the link faults (delay, partition).
//!
//! A message sent at virtual time `t` from `a` to `b` arrives at
//! `max(t + latency + jitter + fault delay + fault jitter, arrival of the previous message on
//! a -> b)`: links are FIFO, so a message never overtakes an earlier one on the same link.
//! Jitter is drawn uniformly from `0..=jitter_us` with the network's own seeded stream, separate
//! from the machines' die streams. A partition in hold mode keeps messages until it heals, then
//! sends them in order; in drop mode the message is discarded (the sender logs it `dropped`).

use std::collections::VecDeque;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::fault::{LinkState, PartitionMode};

/// The ChaCha stream of the network's jitter draws; machine streams are `(incarnation << 32) |
/// (id + 1)` with ids below 64, so they never reach this one.
const NETWORK_STREAM: u64 = u64::MAX;

/// A message on its way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Packet {
    pub from: u32,
    pub lamport: u64,
    pub vc: Vec<u64>,
    /// The receiver's incarnation when the message was sent; a restarted receiver never gets it.
    pub incarnation: u32,
}

/// What the network did with a message handed to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// It arrives at this virtual time (nanoseconds).
    Arrives(u64),
    /// A partition in hold mode keeps it.
    Held,
    /// A partition in drop mode discarded it.
    Dropped,
}

#[derive(Debug, Default)]
struct Link {
    state: LinkState,
    /// Arrival time of the latest message put on the link.
    last_arrival: u64,
    /// Sent, not yet arrived, in order.
    in_flight: VecDeque<Packet>,
    /// Kept by a partition in hold mode, in order.
    held: VecDeque<Packet>,
}

/// Every directed link between `machines` machines.
#[derive(Debug)]
pub struct Network {
    machines: u32,
    latency_ns: u64,
    jitter_us: u64,
    rng: ChaCha8Rng,
    links: Vec<Link>,
}

impl Network {
    /// A network with the scenario's latency and jitter (real microseconds), seeded by `seed`.
    pub fn new(machines: u32, latency_us: u64, jitter_us: u64, seed: u64) -> Network {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(NETWORK_STREAM);
        Network {
            machines,
            latency_ns: latency_us * 1_000,
            jitter_us,
            rng,
            links: (0..machines * machines).map(|_| Link::default()).collect(),
        }
    }

    fn link(&mut self, from: u32, to: u32) -> &mut Link {
        &mut self.links[(from * self.machines + to) as usize]
    }

    /// Put `packet` on the link `from -> to` at virtual time `now`.
    pub fn send(&mut self, to: u32, packet: Packet, now: u64) -> Route {
        let from = packet.from;
        match self.link(from, to).state.block {
            Some(PartitionMode::Drop) => Route::Dropped,
            Some(PartitionMode::Hold) => {
                self.link(from, to).held.push_back(packet);
                Route::Held
            }
            None => Route::Arrives(self.transmit(from, to, packet, now)),
        }
    }

    /// Put a packet in flight and return its arrival time.
    fn transmit(&mut self, from: u32, to: u32, packet: Packet, now: u64) -> u64 {
        let jitter = match self.jitter_us {
            0 => 0,
            j => self.rng.random_range(0..=j),
        };
        let state = self.link(from, to).state;
        let fault_jitter = match state.jitter_us {
            0 => 0,
            j => self.rng.random_range(0..=j),
        };
        let delay_ns = self.latency_ns + (jitter + state.delay_us + fault_jitter) * 1_000;
        let link = self.link(from, to);
        let at = (now + delay_ns).max(link.last_arrival);
        link.last_arrival = at;
        link.in_flight.push_back(packet);
        at
    }

    /// Set how `from` sends to `to` from virtual time `now`. A partition that heals lets its
    /// held messages go, in order; their arrival times are returned, oldest first.
    pub fn set_state(&mut self, from: u32, to: u32, state: LinkState, now: u64) -> Vec<u64> {
        let link = self.link(from, to);
        link.state = state;
        if state.block.is_some() {
            return Vec::new();
        }
        let held: Vec<Packet> = link.held.drain(..).collect();
        held.into_iter()
            .map(|packet| self.transmit(from, to, packet, now))
            .collect()
    }

    /// The oldest message in flight on `from -> to`: the one that arrives next on that link.
    pub fn arrive(&mut self, from: u32, to: u32) -> Packet {
        self.link(from, to)
            .in_flight
            .pop_front()
            .expect("an arrival is scheduled only for a packet in flight")
    }

    /// Messages to `to`, sent to its current incarnation, still in flight or held.
    pub fn pending_to(&self, to: u32, incarnation: u32) -> u64 {
        (0..self.machines)
            .map(|from| &self.links[(from * self.machines + to) as usize])
            .flat_map(|l| l.in_flight.iter().chain(&l.held))
            .filter(|p| p.incarnation == incarnation)
            .count() as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn packet(from: u32, lamport: u64) -> Packet {
        Packet {
            from,
            lamport,
            vc: vec![],
            incarnation: 0,
        }
    }

    #[test]
    fn a_message_arrives_after_the_latency_and_never_overtakes() {
        let mut net = Network::new(3, 100, 0, 1);
        assert_eq!(net.send(1, packet(0, 1), 1_000), Route::Arrives(101_000));
        net.set_state(
            0,
            1,
            LinkState {
                delay_us: 500,
                ..LinkState::default()
            },
            2_000,
        );
        assert_eq!(net.send(1, packet(0, 2), 2_000), Route::Arrives(602_000));
        net.set_state(0, 1, LinkState::default(), 3_000);
        // Without the delay it would arrive at 103 us: it waits for the one ahead of it.
        assert_eq!(net.send(1, packet(0, 3), 3_000), Route::Arrives(602_000));
        assert_eq!(net.arrive(0, 1).lamport, 1);
        assert_eq!(net.arrive(0, 1).lamport, 2);
    }

    #[test]
    fn a_held_partition_releases_in_order_and_a_dropping_one_discards() {
        let mut net = Network::new(2, 10, 0, 1);
        let hold = LinkState {
            block: Some(PartitionMode::Hold),
            ..LinkState::default()
        };
        net.set_state(0, 1, hold, 0);
        assert_eq!(net.send(1, packet(0, 1), 0), Route::Held);
        assert_eq!(net.send(1, packet(0, 2), 5), Route::Held);
        assert_eq!(net.pending_to(1, 0), 2);
        let released = net.set_state(0, 1, LinkState::default(), 1_000_000);
        assert_eq!(released, vec![1_010_000, 1_010_000]);
        assert_eq!(net.arrive(0, 1).lamport, 1);
        let drop = LinkState {
            block: Some(PartitionMode::Drop),
            ..LinkState::default()
        };
        net.set_state(1, 0, drop, 0);
        assert_eq!(net.send(0, packet(1, 9), 0), Route::Dropped);
    }

    #[test]
    fn jitter_is_bounded_and_the_same_for_the_same_seed() {
        let draws = |seed| {
            let mut net = Network::new(2, 100, 50, seed);
            (0..200)
                .map(|i| match net.send(1, packet(0, i), i * 1_000_000) {
                    Route::Arrives(at) => at - i * 1_000_000,
                    other => panic!("{other:?}"),
                })
                .collect::<Vec<_>>()
        };
        let a = draws(3);
        assert_eq!(a, draws(3));
        assert!(a.iter().all(|d| (100_000..=150_000).contains(d)));
        assert!(a.iter().any(|d| *d != a[0]), "jitter varies");
    }
}
