//! The simulated network: every directed link between the machines, each a
//! [`model::Link`](crate::model::Link) over the scenario's `[network]` wire, driven in virtual
//! nanoseconds.
//!
//! The link rules (release at send time plus latency, jitter and fault delay, FIFO per link,
//! partitions holding or dropping) are the model's, shared with the real link task; this file
//! only keeps the links, the network's seeded jitter stream and the count of messages pending
//! for a machine. Jitter comes from the network's own stream, separate from the machines' die
//! streams, drawn in the order the messages are put on their links.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::fault::LinkState;
use crate::log_format::DropReason;
use crate::model::{Fate, Link, Wire};

/// The ChaCha stream of the network's jitter draws; machine streams are `(incarnation << 32) |
/// (id + 1)` with ids below 64, so they never reach this one.
const NETWORK_STREAM: u64 = u64::MAX;

/// A message on its way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Packet {
    pub from: u32,
    pub lamport: u64,
    /// The sender's hybrid logical clock after the send.
    pub hlc: crate::log_format::Hlc,
    pub vc: Vec<u64>,
    /// The receiver's incarnation when the message was sent; a restarted receiver never gets it.
    pub incarnation: u32,
}

/// What the network did with a message handed to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Route {
    /// It arrives at this virtual time (nanoseconds).
    Arrives(u64),
    /// A partition in hold mode keeps it.
    Held,
    /// The link discarded it, for this reason.
    Dropped(DropReason),
}

/// Every directed link between `machines` machines.
#[derive(Debug)]
pub(crate) struct Network {
    machines: u32,
    rng: ChaCha8Rng,
    links: Vec<Link<u64, Packet>>,
}

impl Network {
    /// A network with the scenario's latency and jitter (real microseconds), seeded by `seed`.
    pub(crate) fn new(machines: u32, latency_us: u64, jitter_us: u64, seed: u64) -> Network {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(NETWORK_STREAM);
        let wire = Wire {
            latency_us,
            jitter_us,
        };
        Network {
            machines,
            rng,
            links: (0..machines * machines).map(|_| Link::new(wire)).collect(),
        }
    }

    fn link(&mut self, from: u32, to: u32) -> &mut Link<u64, Packet> {
        &mut self.links[(from * self.machines + to) as usize]
    }

    /// Put `packet` on the link `from -> to` at virtual time `now`.
    pub(crate) fn send(&mut self, to: u32, packet: Packet, now: u64) -> Route {
        let link = &mut self.links[(packet.from * self.machines + to) as usize];
        match link.send(packet, now, &mut self.rng) {
            Fate::Release(at) => Route::Arrives(at),
            Fate::Held => Route::Held,
            Fate::Dropped { reason, .. } => Route::Dropped(reason),
        }
    }

    /// Set how `from` sends to `to` from virtual time `now`. A partition that heals lets its
    /// held messages go, in order; their arrival times are returned, oldest first.
    pub(crate) fn set_state(&mut self, from: u32, to: u32, state: LinkState, now: u64) -> Vec<u64> {
        let link = &mut self.links[(from * self.machines + to) as usize];
        link.set(state, now, &mut self.rng)
    }

    /// Machine `from` died at virtual time `now`: what its partitions held and what its delays
    /// had not let go die with it, as in a real run, where they are in the sender's process.
    /// Its sends are left unreceived with no `dropped` line, which `analyze` explains by the
    /// kill.
    pub(crate) fn sender_died(&mut self, from: u32, now: u64) {
        for to in 0..self.machines {
            self.link(from, to).sender_died(now);
        }
    }

    /// The oldest message in flight on `from -> to` if it arrives by `now`. An arrival scheduled
    /// for a message that died with its sender finds none due (or takes a later one due at the
    /// same instant, whose own arrival then finds none): every message arrives at its time.
    pub(crate) fn arrive(&mut self, from: u32, to: u32, now: u64) -> Option<Packet> {
        self.link(from, to).pop_due(now)
    }

    /// Messages to `to`, sent to its current incarnation, still in flight or held.
    pub(crate) fn pending_to(&self, to: u32, incarnation: u32) -> u64 {
        (0..self.machines)
            .map(|from| &self.links[(from * self.machines + to) as usize])
            .flat_map(Link::pending)
            .filter(|p| p.incarnation == incarnation)
            .count() as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::link::PartitionMode;

    fn packet(from: u32, lamport: u64) -> Packet {
        Packet {
            from,
            lamport,
            hlc: crate::log_format::Hlc::default(),
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
        assert_eq!(net.arrive(0, 1, u64::MAX).unwrap().lamport, 1);
        assert_eq!(net.arrive(0, 1, u64::MAX).unwrap().lamport, 2);
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
        assert_eq!(net.arrive(0, 1, u64::MAX).unwrap().lamport, 1);
        let drop = LinkState {
            block: Some(PartitionMode::Drop),
            ..LinkState::default()
        };
        net.set_state(1, 0, drop, 0);
        assert_eq!(
            net.send(0, packet(1, 9), 0),
            Route::Dropped(DropReason::Partition)
        );
    }

    #[test]
    fn what_a_held_partition_holds_dies_with_its_sender_and_the_heal_releases_nothing() {
        let mut net = Network::new(3, 10, 0, 1);
        let hold = LinkState {
            block: Some(PartitionMode::Hold),
            ..LinkState::default()
        };
        net.set_state(0, 1, hold, 0);
        net.set_state(2, 1, hold, 0);
        assert_eq!(net.send(1, packet(0, 1), 0), Route::Held);
        assert_eq!(net.send(1, packet(2, 7), 0), Route::Held);
        net.sender_died(0, 0);
        assert_eq!(
            net.pending_to(1, 0),
            1,
            "only the live sender's message is left"
        );
        assert!(net
            .set_state(0, 1, LinkState::default(), 1_000_000)
            .is_empty());
        assert_eq!(
            net.set_state(2, 1, LinkState::default(), 1_000_000).len(),
            1
        );
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
