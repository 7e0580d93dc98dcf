//! The Lamport and vector clock rules and the choice of a tick's action: pure functions over
//! plain data.
//!
//! Lamport clock:
//! - internal event: `clock + 1`;
//! - send (to one peer or to several at once): `clock + 1`, and every message carries the new value;
//! - receive: `clock = max(clock, message clock) + 1`.
//!
//! Vector clock (one entry per machine, indexed by id), on machine `i`:
//! - internal event and send: `v[i] + 1` (every message of a send carries the new vector);
//! - receive: `v = max(v, message vector)` entry by entry, then `v[i] + 1`.

/// A Lamport logical clock.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LamportClock {
    value: u64,
}

impl LamportClock {
    /// A clock that goes on from `value` (a restarted machine's last logged clock).
    pub fn restored(value: u64) -> LamportClock {
        LamportClock { value }
    }

    /// The current value.
    pub fn value(&self) -> u64 {
        self.value
    }

    /// An internal event; returns the new value.
    pub fn internal(&mut self) -> u64 {
        self.value += 1;
        self.value
    }

    /// A send event (one increment however many recipients); returns the value messages carry.
    pub fn send(&mut self) -> u64 {
        self.value += 1;
        self.value
    }

    /// A receive of a message stamped `message`; returns the new value.
    pub fn receive(&mut self, message: u64) -> u64 {
        self.value = self.value.max(message) + 1;
        self.value
    }
}

/// A vector clock of one machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VectorClock {
    own: usize,
    entries: Vec<u64>,
}

impl VectorClock {
    /// The clock of machine `id` among `machines`, all entries zero.
    pub fn new(id: u32, machines: u32) -> VectorClock {
        VectorClock {
            own: id as usize,
            entries: vec![0; machines as usize],
        }
    }

    /// The clock of machine `id` going on from `entries` (restored after a restart); missing
    /// entries are zero.
    pub fn restored(id: u32, machines: u32, entries: &[u64]) -> VectorClock {
        let mut clock = VectorClock::new(id, machines);
        for (mine, saved) in clock.entries.iter_mut().zip(entries) {
            *mine = *saved;
        }
        clock
    }

    /// The entries, indexed by machine id.
    pub fn entries(&self) -> &[u64] {
        &self.entries
    }

    /// An internal or send event; returns the new vector.
    pub fn tick(&mut self) -> &[u64] {
        self.entries[self.own] += 1;
        &self.entries
    }

    /// A receive of a message carrying `message`; entries beyond this run's machines are ignored.
    pub fn receive(&mut self, message: &[u64]) -> &[u64] {
        for (mine, theirs) in self.entries.iter_mut().zip(message) {
            *mine = (*mine).max(*theirs);
        }
        self.tick()
    }
}

/// Whether event `a` happened before event `b`, by their vector clocks: the tests' oracle (the
/// analysis checks causality its own way).
#[cfg(test)]
pub(crate) fn happened_before(a: &[u64], b: &[u64]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x <= y) && a != b
}

/// What a tick with an empty queue does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DieAction {
    /// Send one message, stamped with one clock value, to each of these peers.
    Send(Vec<u32>),
    /// An internal event.
    Internal,
}

/// Turn a die roll (`1..=die`) into an action for a machine whose peers are `peers` (ascending ids).
///
/// With `k` peers, rolls `1..=k` send to the roll-th peer alone and roll `k + 1` sends to all
/// peers; higher rolls are internal events. With three machines this is the assignment's rule:
/// 1 to one peer, 2 to the other, 3 to both.
pub(crate) fn choose_action(roll: u32, peers: &[u32]) -> DieAction {
    let k = peers.len() as u32;
    match roll {
        r if r >= 1 && r <= k => DieAction::Send(vec![peers[(r - 1) as usize]]),
        r if r == k + 1 => DieAction::Send(peers.to_vec()),
        _ => DieAction::Internal,
    }
}

/// The peers of machine `id` among `machines` machines, in ascending order.
pub(crate) fn peers_of(id: u32, machines: u32) -> Vec<u32> {
    (0..machines).filter(|&p| p != id).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_assignment_rules_with_three_machines() {
        let peers = peers_of(1, 3);
        assert_eq!(peers, vec![0, 2]);
        assert_eq!(choose_action(1, &peers), DieAction::Send(vec![0]));
        assert_eq!(choose_action(2, &peers), DieAction::Send(vec![2]));
        assert_eq!(choose_action(3, &peers), DieAction::Send(vec![0, 2]));
        for roll in 4..=10 {
            assert_eq!(choose_action(roll, &peers), DieAction::Internal);
        }
    }

    #[test]
    fn receive_takes_the_max_then_increments() {
        let mut c = LamportClock::default();
        assert_eq!(c.internal(), 1);
        assert_eq!(c.receive(10), 11);
        assert_eq!(c.receive(3), 12);
        assert_eq!(c.send(), 13);
    }

    #[test]
    fn vector_clocks_follow_the_rules() {
        let mut a = VectorClock::new(0, 3);
        let mut b = VectorClock::new(1, 3);
        assert_eq!(a.tick(), &[1, 0, 0]);
        let sent = a.tick().to_vec();
        assert_eq!(sent, [2, 0, 0]);
        b.tick();
        assert_eq!(b.receive(&sent), &[2, 2, 0]);
        assert!(happened_before(&sent, b.entries()));
        assert!(!happened_before(b.entries(), &sent));
        let c = VectorClock::new(2, 3);
        assert!(!happened_before(c.entries(), c.entries()));
    }

    proptest! {
        #[test]
        fn a_receive_dominates_the_send_and_the_previous_state(
            sender_events in 1usize..30,
            receiver_events in 0usize..30,
        ) {
            let mut a = VectorClock::new(0, 3);
            for _ in 0..sender_events { a.tick(); }
            let sent = a.entries().to_vec();
            let mut b = VectorClock::new(2, 3);
            for _ in 0..receiver_events { b.tick(); }
            let before = b.entries().to_vec();
            let after = b.receive(&sent).to_vec();
            prop_assert!(happened_before(&sent, &after));
            prop_assert!(happened_before(&before, &after));
            prop_assert_eq!(after[2], before[2] + 1);
        }

        #[test]
        fn every_event_strictly_increases_the_clock(ops in proptest::collection::vec((0u8..3, 0u64..1_000_000), 1..200)) {
            let mut c = LamportClock::default();
            for (op, msg) in ops {
                let before = c.value();
                let after = match op {
                    0 => c.internal(),
                    1 => c.send(),
                    _ => c.receive(msg),
                };
                prop_assert!(after > before);
                prop_assert_eq!(after, c.value());
                if op == 2 {
                    prop_assert!(after > msg);
                    prop_assert_eq!(after, before.max(msg) + 1);
                } else {
                    prop_assert_eq!(after, before + 1);
                }
            }
        }

        #[test]
        fn a_message_is_always_received_with_a_higher_clock(sender in proptest::collection::vec(0u8..2, 1..50), receiver_start in 0u64..100) {
            let mut a = LamportClock::default();
            for op in sender { if op == 0 { a.internal(); } else { a.send(); } }
            let stamp = a.send();
            let mut b = LamportClock::default();
            for _ in 0..receiver_start { b.internal(); }
            prop_assert!(b.receive(stamp) > stamp);
        }

        #[test]
        fn every_roll_maps_to_a_valid_action(machines in 2u32..20, id_seed in 0u32..20, roll in 1u32..100) {
            let id = id_seed % machines;
            let peers = peers_of(id, machines);
            match choose_action(roll, &peers) {
                DieAction::Send(to) => {
                    prop_assert!(roll <= machines);
                    prop_assert!(!to.is_empty());
                    prop_assert!(to.iter().all(|p| *p != id && *p < machines));
                }
                DieAction::Internal => prop_assert!(roll > machines),
            }
        }
    }
}
