//! Causality from vector clocks: how many pairs of events were concurrent, and how often the
//! Lamport clock put such a pair in an order that causality does not give.
//!
//! Event `a` happened before `b` when `a`'s vector is `<=` `b`'s in every entry and they differ;
//! otherwise, on different machines, they are concurrent. Counting pairs one by one would be
//! quadratic, so for each event `b` of machine `j` and each other machine `i`:
//! - the events of `i` that happened before `b` are its first `vc_b[i]` events;
//! - the events of `i` that `b` happened before are those whose entry `j` is at least `b`'s
//!   position on `j` (entry `j` never decreases along `i`'s events: a binary search);
//! - the ones in between are concurrent with `b`, and since Lamport values strictly increase along
//!   `i`, at most one of them has `b`'s Lamport value (another binary search).
//!
//! Time is O(events x machines x log events); memory one `u32` per event and machine, plus the
//! Lamport values (about 20 bytes per event with three machines).

use serde::{Deserialize, Serialize};

/// The clock events (internal, send, receive) of one machine, in log order.
#[derive(Debug, Default, Clone)]
pub(crate) struct MachineEvents {
    pub id: u32,
    /// Lamport value after each event.
    pub lamport: Vec<u64>,
    /// `knows[j][k]`: entry `j` of the vector clock after event `k` (an event count, which fits
    /// 32 bits for any run this tool makes).
    pub knows: Vec<Vec<u32>>,
}

impl MachineEvents {
    /// Empty event lists for machine `id` of a run of `machines` machines.
    pub(crate) fn new(id: u32, machines: usize) -> MachineEvents {
        MachineEvents {
            id,
            lamport: Vec::new(),
            knows: vec![Vec::new(); machines],
        }
    }

    /// Add the next event; a vector of the wrong length (a format 1 log has none) is refused.
    pub(crate) fn push(&mut self, lamport: u64, vc: &[u64]) -> bool {
        if vc.len() != self.knows.len() {
            return false;
        }
        self.lamport.push(lamport);
        for (entries, &v) in self.knows.iter_mut().zip(vc) {
            entries.push(u32::try_from(v).unwrap_or(u32::MAX));
        }
        true
    }

    fn len(&self) -> usize {
        self.lamport.len()
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

/// Compute the causality figures of the events of every machine of a run.
pub(crate) fn causality(machines: &[MachineEvents]) -> Causality {
    let m = machines.len();
    let mut per: Vec<MachineCausality> = machines
        .iter()
        .map(|e| MachineCausality {
            id: e.id,
            events: e.len() as u64,
            concurrent_pairs: 0,
            lamport_orders_concurrent: 0,
        })
        .collect();
    let (mut concurrent2, mut ordered2) = (0u64, 0u64);
    for j in 0..m {
        let b_events = &machines[j];
        for k in 0..b_events.len() {
            let position = b_events.knows[j][k];
            let lamport = b_events.lamport[k];
            for (i, a_events) in machines.iter().enumerate() {
                if i == j {
                    continue;
                }
                let n = a_events.len();
                let before = (b_events.knows[i][k] as usize).min(n);
                let first_after = a_events.knows[j].partition_point(|&v| v < position);
                if first_after <= before {
                    continue;
                }
                let concurrent = (first_after - before) as u64;
                let window = &a_events.lamport[before..first_after];
                let ties = u64::from(window.binary_search(&lamport).is_ok());
                per[j].concurrent_pairs += concurrent;
                per[j].lamport_orders_concurrent += concurrent - ties;
                concurrent2 += concurrent;
                ordered2 += concurrent - ties;
            }
        }
    }
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

    /// Events as (lamport, vc) per machine, built with the real clock rules from a script of
    /// actions: `(machine, None)` an internal event, `(machine, Some(k))` a receive of the k-th
    /// earlier event (which acts as its send).
    fn build(machines: usize, script: &[(usize, Option<usize>)]) -> Vec<MachineEvents> {
        let mut lamports: Vec<LamportClock> = vec![LamportClock::default(); machines];
        let mut vcs: Vec<VectorClock> = (0..machines)
            .map(|i| VectorClock::new(i as u32, machines as u32))
            .collect();
        let mut log: Vec<(u64, Vec<u64>)> = Vec::new();
        let mut out: Vec<MachineEvents> = (0..machines)
            .map(|i| MachineEvents::new(i as u32, machines))
            .collect();
        for &(i, from) in script {
            let (l, v) = match from.and_then(|k| log.get(k).cloned()) {
                Some((l, v)) => (lamports[i].receive(l), vcs[i].receive(&v).to_vec()),
                None => (lamports[i].internal(), vcs[i].tick().to_vec()),
            };
            out[i].push(l, &v);
            log.push((l, v));
        }
        out
    }

    /// The same figures by brute force over every pair.
    fn brute(machines: &[MachineEvents]) -> (u64, u64) {
        let events: Vec<(usize, u64, Vec<u64>)> = machines
            .iter()
            .enumerate()
            .flat_map(|(i, e)| {
                (0..e.len()).map(move |k| {
                    (
                        i,
                        e.lamport[k],
                        e.knows.iter().map(|col| u64::from(col[k])).collect(),
                    )
                })
            })
            .collect();
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
        let c = causality(&e);
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
        let c = causality(&e);
        assert_eq!(c.cross_pairs, 4);
        assert_eq!(c.concurrent_pairs, 3);
        // Lamport: a1=1, b1=1, b2=2, a2=2: ties (b1,a1) and (b2,a2); (b1,a2) ordered.
        assert_eq!(c.lamport_ties, 2);
        assert_eq!(c.lamport_orders_concurrent, 1);
    }

    proptest! {
        #[test]
        fn the_fast_count_equals_brute_force(
            machines in 2usize..5,
            script in proptest::collection::vec((0usize..5, proptest::option::of(0usize..60)), 1..60),
        ) {
            let script: Vec<(usize, Option<usize>)> =
                script.into_iter().map(|(i, k)| (i % machines, k)).collect();
            let e = build(machines, &script);
            let c = causality(&e);
            let (concurrent, ordered) = brute(&e);
            prop_assert_eq!(c.concurrent_pairs, concurrent);
            prop_assert_eq!(c.lamport_orders_concurrent, ordered);
        }
    }
}
