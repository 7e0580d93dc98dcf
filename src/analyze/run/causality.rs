//! Causality from vector clocks: how many pairs of events were concurrent, and how often the
//! Lamport clock put such a pair in an order that causality does not give.
//!
//! Event `a` happened before `b` when `a`'s vector is `<=` `b`'s in every entry and they differ;
//! otherwise, on different machines, they are concurrent. Counting pairs one by one would be
//! quadratic, and keeping every event's vector for a count at the end grows with the run (a
//! kilobyte per event at 64 machines), so the count is streamed. For a machine `j` with `n_j`
//! events, the pairs with an event `a` of another machine `i` split into those `a` happened before
//! (`a` is among the first `vc_b[i]` events of `i` for some `b` of `j`), those that happened after
//! (`a` knows `b`: `vc_a[j]` is at least `b`'s position), and the concurrent rest. Summed over
//! `j`'s events, the first kind is `S(j, i)` and the second `S(i, j)`, where `S(x, y)` is the sum
//! of `min(vc_e[y], n_y)` over the events `e` of `x`. So
//! `concurrent_j = n_j (N - n_j) - sum over i != j of (S(j, i) + S(i, j))`: sums kept as the events
//! come, in any order. An entry beyond the events of its machine seen so far (a receive read
//! before its send, a log cut short) is kept until that machine catches up, to be capped at the end.
//!
//! Concurrent pairs with equal Lamport values (ties) are found when the later of the two comes:
//! each machine keeps the Lamport values of its recent events (they strictly increase) until
//! every other machine has passed them.
//!
//! Memory is bounded by what is in flight: the recent events of each machine within the spread
//! of Lamport values between the machines, and entries ahead of their machine. A machine that
//! stops early (killed for good) holds the others' values from then on, 16 bytes per event.
//! The figures equal a pair-by-pair count for logs that keep the vector rules (each machine's own
//! entry grows by one per event); for logs that break them the vector check fails anyway.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

use serde::{Deserialize, Serialize};

/// A machine's recent events kept for ties: their Lamport values, oldest first (8 bytes an event:
/// a machine that lags behind in Lamport value makes the others keep every event since), the
/// position of the first (from 1; the others follow one by one), and the entries of their vectors
/// that were ahead of their machine when they came (rare: a receive read before its send), by
/// position.
#[derive(Debug, Clone, Default)]
struct Recent {
    lamports: VecDeque<u64>,
    first: u64,
    ahead: std::collections::HashMap<u64, Box<[(usize, u64)]>>,
}

/// The causality figures of a run, counted event by event.
#[derive(Debug, Clone)]
pub(crate) struct CausalityCounter {
    ids: Vec<u32>,
    /// Events seen per machine (by index).
    count: Vec<u64>,
    /// `sum over i != j of S(j, i)` per machine `j`, entries not capped yet.
    knows_out: Vec<u64>,
    /// `sum over i != j of S(i, j)` per machine `j`, entries not capped yet.
    known_in: Vec<u64>,
    /// Entries ahead of their machine `y` when seen, per `y`: (value, machine `x` of the event),
    /// smallest value first; dropped once `y` has that many events.
    ahead: Vec<BinaryHeap<Reverse<(u64, usize)>>>,
    /// Each machine's recent events, oldest first.
    recent: Vec<Recent>,
    /// Each machine's last Lamport value (0 before its first event).
    last_lamport: Vec<u64>,
    /// Concurrent pairs with equal Lamport values, per machine.
    ties: Vec<u64>,
}

impl CausalityCounter {
    /// A counter for machines with these ids, in manifest order (vectors are indexed by id).
    pub(crate) fn new(ids: &[u32]) -> CausalityCounter {
        let m = ids.len();
        CausalityCounter {
            ids: ids.to_vec(),
            count: vec![0; m],
            knows_out: vec![0; m],
            known_in: vec![0; m],
            ahead: vec![BinaryHeap::new(); m],
            recent: vec![Recent::default(); m],
            last_lamport: vec![0; m],
            ties: vec![0; m],
        }
    }

    /// Count the next clock event of the machine at index `j`, with its Lamport value and
    /// vector (indexed by machine id, as long as the run is wide).
    pub(crate) fn push(&mut self, j: usize, lamport: u64, vc: &[u64]) {
        self.count[j] += 1;
        let position = self.count[j];
        // Entries of machine `j` that are no longer ahead.
        while let Some(&Reverse((v, _))) = self.ahead[j].peek() {
            if v > position {
                break;
            }
            self.ahead[j].pop();
        }
        let mut ahead = Vec::new();
        for (i, &id) in self.ids.iter().enumerate() {
            if i == j {
                continue;
            }
            let v = vc.get(id as usize).copied().unwrap_or(0);
            // Saturating: only logs that break the vector rules (an entry beyond its machine's
            // events, capped at the end) come near the limit.
            self.knows_out[j] = self.knows_out[j].saturating_add(v);
            self.known_in[i] = self.known_in[i].saturating_add(v);
            if v > self.count[i] {
                self.ahead[i].push(Reverse((v, j)));
                ahead.push((i, v));
            }
        }
        self.count_ties(j, lamport, position, vc);
        self.last_lamport[j] = lamport;
        let recent = &mut self.recent[j];
        if recent.lamports.is_empty() {
            recent.first = position;
        }
        recent.lamports.push_back(lamport);
        if !ahead.is_empty() {
            recent.ahead.insert(position, ahead.into_boxed_slice());
        }
        self.forget_passed();
    }

    /// Pair event `b` (machine `j`) with the earlier events of equal Lamport value on the other
    /// machines, when neither knows the other.
    fn count_ties(&mut self, j: usize, lamport: u64, position: u64, vc: &[u64]) {
        for i in 0..self.ids.len() {
            if i == j || lamport > self.last_lamport[i] {
                continue;
            }
            let recent = &self.recent[i];
            let Ok(k) = recent.lamports.binary_search(&lamport) else {
                continue;
            };
            let a_position = recent.first + k as u64;
            // `a` happened before `b`: `b` knows `a`'s position on `i`.
            let a_before_b = vc.get(self.ids[i] as usize).copied().unwrap_or(0) >= a_position;
            // `b` happened before `a`: `a` knew more of `j` than had come, up to `b`.
            let b_before_a = recent
                .ahead
                .get(&a_position)
                .iter()
                .flat_map(|entries| entries.iter())
                .any(|&(y, v)| y == j && v >= position);
            if !a_before_b && !b_before_a {
                self.ties[i] += 1;
                self.ties[j] += 1;
            }
        }
    }

    /// Forget each machine's recent events that every other machine has passed: no later event
    /// can share their Lamport value.
    fn forget_passed(&mut self) {
        let m = self.ids.len();
        if m < 2 {
            return;
        }
        // The two smallest last values: the floor for a machine is the least of the others.
        let (mut low, mut second) = ((u64::MAX, usize::MAX), u64::MAX);
        for (i, &l) in self.last_lamport.iter().enumerate() {
            if l < low.0 {
                second = low.0;
                low = (l, i);
            } else if l < second {
                second = l;
            }
        }
        for (i, recent) in self.recent.iter_mut().enumerate() {
            let floor = if i == low.1 { second } else { low.0 };
            while recent.lamports.front().is_some_and(|&l| l <= floor) {
                recent.lamports.pop_front();
                if !recent.ahead.is_empty() {
                    recent.ahead.remove(&recent.first);
                }
                recent.first += 1;
            }
        }
    }

    /// Clock events counted so far.
    pub(crate) fn events(&self) -> u64 {
        self.count.iter().sum()
    }

    /// The figures, once every event has been counted.
    pub(crate) fn finish(mut self) -> Causality {
        // Entries beyond their machine's final count are capped at it.
        for y in 0..self.ids.len() {
            let n = self.count[y];
            for Reverse((v, x)) in std::mem::take(&mut self.ahead[y]) {
                if v > n {
                    self.knows_out[x] = self.knows_out[x].saturating_sub(v - n);
                    self.known_in[y] = self.known_in[y].saturating_sub(v - n);
                }
            }
        }
        let events: u64 = self.count.iter().sum();
        let per: Vec<MachineCausality> = (0..self.ids.len())
            .map(|j| {
                let n = self.count[j];
                let cross = i128::from(n) * i128::from(events - n);
                let concurrent =
                    (cross - i128::from(self.knows_out[j]) - i128::from(self.known_in[j])).max(0)
                        as u64;
                MachineCausality {
                    id: self.ids[j],
                    events: n,
                    concurrent_pairs: concurrent,
                    lamport_orders_concurrent: concurrent.saturating_sub(self.ties[j]),
                }
            })
            .collect();
        let concurrent2: u64 = per.iter().map(|p| p.concurrent_pairs).sum();
        let ordered2: u64 = per.iter().map(|p| p.lamport_orders_concurrent).sum();
        figures(per, concurrent2, ordered2)
    }
}

/// Causality figures of one machine's events.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MachineCausality {
    pub id: u32,
    pub events: u64,
    /// Pairs (one event here, one on another machine) that are concurrent.
    pub concurrent_pairs: u64,
    /// Of those, pairs the Lamport clock orders anyway (different values).
    pub lamport_orders_concurrent: u64,
}

/// Causality figures of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Causality {
    pub events: u64,
    /// Pairs of events on different machines.
    pub cross_pairs: u64,
    pub concurrent_pairs: u64,
    /// `concurrent_pairs / cross_pairs`.
    pub concurrent_share: f64,
    /// Concurrent pairs with different Lamport values: Lamport says one came first although
    /// neither happened before the other.
    pub lamport_orders_concurrent: u64,
    /// `lamport_orders_concurrent / concurrent_pairs`.
    pub lamport_misleads_share: f64,
    /// Concurrent pairs with equal Lamport values.
    pub lamport_ties: u64,
    pub machines: Vec<MachineCausality>,
}

/// The run's figures from each machine's, and twice the concurrent and Lamport-ordered pairs
/// (each pair is counted from both of its machines).
fn figures(per: Vec<MachineCausality>, concurrent2: u64, ordered2: u64) -> Causality {
    let events: u64 = per.iter().map(|p| p.events).sum();
    let same_machine: u64 = per
        .iter()
        .map(|p| p.events * p.events.saturating_sub(1) / 2)
        .sum();
    let cross_pairs = (events * events.saturating_sub(1) / 2).saturating_sub(same_machine);
    let concurrent_pairs = concurrent2 / 2;
    let lamport_orders_concurrent = ordered2 / 2;
    let share = |part: u64, whole: u64| {
        if whole == 0 {
            0.0
        } else {
            part as f64 / whole as f64
        }
    };
    Causality {
        events,
        cross_pairs,
        concurrent_pairs,
        concurrent_share: share(concurrent_pairs, cross_pairs),
        lamport_orders_concurrent,
        lamport_misleads_share: share(lamport_orders_concurrent, concurrent_pairs),
        lamport_ties: concurrent_pairs - lamport_orders_concurrent,
        machines: per,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::clock::{happened_before, LamportClock, VectorClock};
    use proptest::prelude::*;

    /// Events as (machine, lamport, vc) in the order they happened, built with the real clock
    /// rules from a script of actions: `(machine, None)` an internal event, `(machine, Some(k))`
    /// a receive of the k-th earlier event (which acts as its send).
    fn build(machines: usize, script: &[(usize, Option<usize>)]) -> Vec<(usize, u64, Vec<u64>)> {
        let mut lamports: Vec<LamportClock> = vec![LamportClock::default(); machines];
        let mut vcs: Vec<VectorClock> = (0..machines)
            .map(|i| VectorClock::new(i as u32, machines as u32))
            .collect();
        let mut log: Vec<(usize, u64, Vec<u64>)> = Vec::new();
        for &(i, from) in script {
            let (l, v) = match from.and_then(|k| log.get(k).cloned()) {
                Some((_, l, v)) => (lamports[i].receive(l), vcs[i].receive(&v).to_vec()),
                None => (lamports[i].internal(), vcs[i].tick().to_vec()),
            };
            log.push((i, l, v));
        }
        log
    }

    /// The figures of `log` counted as the events come in `order` (indices into `log`).
    fn count(machines: usize, log: &[(usize, u64, Vec<u64>)], order: &[usize]) -> Causality {
        let ids: Vec<u32> = (0..machines as u32).collect();
        let mut counter = CausalityCounter::new(&ids);
        for &k in order {
            let (i, l, v) = &log[k];
            counter.push(*i, *l, v);
        }
        counter.finish()
    }

    fn causality(machines: usize, log: &[(usize, u64, Vec<u64>)]) -> Causality {
        count(machines, log, &(0..log.len()).collect::<Vec<_>>())
    }

    /// The same figures by brute force over every pair.
    fn brute(events: &[(usize, u64, Vec<u64>)]) -> (u64, u64) {
        let (mut concurrent, mut ordered) = (0, 0);
        for (x, a) in events.iter().enumerate() {
            for b in &events[x + 1..] {
                if a.0 != b.0 && !happened_before(&a.2, &b.2) && !happened_before(&b.2, &a.2) {
                    concurrent += 1;
                    if a.1 != b.1 {
                        ordered += 1;
                    }
                }
            }
        }
        (concurrent, ordered)
    }

    #[test]
    fn two_machines_that_never_talk_are_all_concurrent() {
        // Machine 0: 3 internal events (lamport 1,2,3); machine 1: 2 (lamport 1,2).
        let e = build(2, &[(0, None), (0, None), (1, None), (0, None), (1, None)]);
        let c = causality(2, &e);
        assert_eq!(c.cross_pairs, 6);
        assert_eq!(c.concurrent_pairs, 6);
        // Equal Lamport values: (1,1) and (2,2).
        assert_eq!(c.lamport_ties, 2);
        assert_eq!(c.lamport_orders_concurrent, 4);
        assert_eq!(c.machines[0].concurrent_pairs, 6);
    }

    #[test]
    fn a_message_orders_what_came_before_it() {
        // 0: a1 (send); 1: b1, then receives a1 as b2; 0: a2.
        // a1 -> b2; b1 || a1, b1 || a2, b2 || a2.
        let e = build(2, &[(0, None), (1, None), (1, Some(0)), (0, None)]);
        let c = causality(2, &e);
        assert_eq!(c.cross_pairs, 4);
        assert_eq!(c.concurrent_pairs, 3);
        // Lamport: a1=1, b1=1, b2=2, a2=2: ties (b1,a1) and (b2,a2); (b1,a2) ordered.
        assert_eq!(c.lamport_ties, 2);
        assert_eq!(c.lamport_orders_concurrent, 1);
    }

    #[test]
    fn a_receive_read_before_its_send_counts_the_same() {
        // 0: a1 sends to 1, received as b1 (lamport 2); 1: b2. Read b1 and b2 before a1.
        let e = build(2, &[(0, None), (1, Some(0)), (1, None)]);
        let in_order = causality(2, &e);
        let skewed = count(2, &e, &[1, 2, 0]);
        assert_eq!(in_order, skewed);
        assert_eq!(in_order.concurrent_pairs, 0);
    }

    #[test]
    fn a_vector_entry_beyond_a_cut_log_is_capped_at_its_events() {
        // Machine 0's second event (the send) is lost: machine 1's receive knows 2 events of 0.
        let e = build(2, &[(0, None), (0, None), (1, Some(1)), (1, None)]);
        let c = count(2, &e, &[0, 2, 3]);
        // a1 happened before both events of 1: no concurrent pair.
        assert_eq!((c.events, c.concurrent_pairs), (3, 0));
    }

    proptest! {
        #[test]
        fn the_streamed_count_equals_brute_force_in_any_order_per_machine(
            machines in 2usize..5,
            script in proptest::collection::vec((0usize..5, proptest::option::of(0usize..60)), 1..60),
            shuffle in proptest::collection::vec(0usize..1000, 60),
        ) {
            let script: Vec<(usize, Option<usize>)> =
                script.into_iter().map(|(i, k)| (i % machines, k)).collect();
            let e = build(machines, &script);
            let c = causality(machines, &e);
            let (concurrent, ordered) = brute(&e);
            prop_assert_eq!(c.concurrent_pairs, concurrent);
            prop_assert_eq!(c.lamport_orders_concurrent, ordered);
            // Merged logs keep each machine's order but may interleave machines otherwise
            // (skewed timestamps): the figures do not change.
            let mut order: Vec<usize> = (0..e.len()).collect();
            order.sort_by_key(|&k| (shuffle[e[k].0 * 7 % 60], k));
            prop_assert_eq!(count(machines, &e, &order), c);
        }
    }
}
