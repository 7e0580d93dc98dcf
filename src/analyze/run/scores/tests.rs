use super::*;
use crate::analyze::run::causality::CausalityCounter;
use crate::model::clock::{LamportClock, VectorClock};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// A run of `events` clock events on machines whose physical clocks are `skew_us` ahead of true
/// time, messages taking `latency_us`, one event every 100 µs of true time somewhere; built with
/// the model's clock rules and scored.
fn scored_run(skew_us: &[i64], latency_us: i64, events: usize, seed: u64) -> ClockScores {
    let n = skew_us.len();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut lamport = vec![LamportClock::default(); n];
    let mut vcs: Vec<VectorClock> = (0..n)
        .map(|i| VectorClock::new(i as u32, n as u32))
        .collect();
    let mut hlc = vec![Hlc::default(); n];
    // Messages in flight: (arrives at, to, from, lamport, hlc, vc).
    let mut flight: Vec<(i64, usize, u32, u64, Hlc, Vec<u64>)> = Vec::new();
    let ids: Vec<u32> = (0..n as u32).collect();
    let mut counter = ScoreCounter::new(n, n);
    let mut causality = CausalityCounter::new(&ids);
    let mut physical = HlcSummary {
        checked: true,
        ..HlcSummary::default()
    };
    let mut sent_pt = std::collections::HashMap::new();
    let mut last_pt = vec![None; n];
    for k in 0..events {
        let now = 1_000 + 100 * k as i64;
        let m = rng.random_range(0..n);
        let pt = (now + skew_us[m]) as u64;
        let arrived = flight.iter().position(|f| f.0 <= now && f.1 == m);
        let (event, l) = if let Some(at) = arrived {
            let (_, _, from, msg_clock, msg_hlc, vc) = flight.remove(at);
            let l = lamport[m].receive(msg_clock);
            hlc[m] = hlc[m].receive(msg_hlc, pt);
            let v = vcs[m].receive(&vc).to_vec();
            physical.messages_timed += 1;
            physical.pt_message_inversions += u64::from(pt <= sent_pt[&(from, msg_clock)]);
            let recv = Event::Recv {
                tick: 0,
                lamport: l,
                from,
                msg_clock,
                queue: 0,
                vc: v,
                late_us: 0,
                pt_us: Some(pt),
                hlc: Some(hlc[m]),
                msg_hlc: Some(msg_hlc),
                offset_rejected: false,
            };
            (recv, l)
        } else {
            let l = lamport[m].internal();
            hlc[m] = hlc[m].local(pt);
            let v = vcs[m].tick().to_vec();
            if rng.random_bool(0.5) {
                let to = (m + rng.random_range(1..n)) % n;
                flight.push((now + latency_us, to, m as u32, l, hlc[m], v.clone()));
                sent_pt.insert((m as u32, l), pt);
            }
            let internal = Event::Internal {
                tick: 0,
                lamport: l,
                vc: v,
                late_us: 0,
                pt_us: Some(pt),
                hlc: Some(hlc[m]),
            };
            (internal, l)
        };
        if last_pt[m].is_some_and(|last| pt <= last) {
            physical.pt_program_order_inversions += 1;
        }
        last_pt[m] = Some(pt);
        let line = Line {
            machine: m as u32,
            line: k as u64 + 1,
            timestamp: now,
            event,
        };
        let vc = match &line.event {
            Event::Recv { vc, .. } | Event::Internal { vc, .. } => vc.clone(),
            _ => unreachable!("only receives and internal events are built"),
        };
        causality.push(m, l, &vc);
        counter.push(m, m as u32, &line, l, &vc);
    }
    counter.finish(&causality.finish(), &physical)
}

fn row(s: &ClockScores, clock: ClockName) -> &ClockScore {
    s.clocks.iter().find(|c| c.clock == clock).unwrap()
}

#[test]
fn lamport_and_hlc_never_invert_and_physical_time_does_once_skew_beats_latency() {
    // Machine 1 is 5 ms behind, messages take 1 ms.
    let s = scored_run(&[0, -5_000, 2_000], 1_000, 1_500, 7);
    assert_eq!(s.sampled_events, 1_500, "a small run is sampled whole");
    for clock in [ClockName::Lamport, ClockName::Hlc, ClockName::Vector] {
        let r = row(&s, clock);
        assert_eq!((r.inverted_messages, r.inverted_steps), (0, 0), "{clock:?}");
        assert!(
            r.inverted_pairs.exact && r.inverted_pairs.part == 0,
            "{clock:?}"
        );
    }
    let physical = row(&s, ClockName::Physical);
    assert!(physical.inverted_messages > 0, "{physical:?}");
    assert!(physical.inverted_pairs.part > 0 && physical.inverted_pairs.exact);
    // Without skew beyond the latency, physical time inverts no message.
    let calm = scored_run(&[0, -500, 300], 1_000, 1_500, 7);
    assert_eq!(row(&calm, ClockName::Physical).inverted_messages, 0);
}

#[test]
fn the_clocks_cost_their_wire_bytes_and_the_vector_orders_no_concurrent_pair() {
    let s = scored_run(&[0, 0, 0, 0], 500, 300, 1);
    let bytes: Vec<(ClockName, u64)> = s
        .clocks
        .iter()
        .map(|c| (c.clock, c.bytes_per_message))
        .collect();
    assert_eq!(
        bytes,
        [
            (ClockName::Physical, 0),
            (ClockName::Lamport, 8),
            (ClockName::Hlc, 16),
            (ClockName::Vector, 2 + 8 * 4)
        ]
    );
    let vector = row(&s, ClockName::Vector);
    assert_eq!(vector.orders_concurrent.part, 0);
    assert!(vector.against_true_time.is_none());
    // Physical time without skew orders concurrent pairs as true time does: one event per
    // 100 µs, so no two share a time, and none is ordered against it.
    let physical = row(&s, ClockName::Physical);
    assert_eq!(physical.against_true_time.unwrap().part, 0);
    assert_eq!(
        physical.orders_concurrent.part,
        physical.orders_concurrent.whole
    );
}

#[test]
fn the_sampled_lamport_share_brackets_the_exact_count_on_a_run_larger_than_the_sample() {
    let s = scored_run(&[0, 3_000, -3_000, 1_000, 0], 2_000, 12_000, 3);
    assert_eq!((s.events, s.sampled_events), (12_000, 2_000));
    let exact = row(&s, ClockName::Lamport).orders_concurrent;
    let sampled = s.lamport_orders_concurrent_sampled;
    assert!(exact.exact && !sampled.exact);
    assert!(
        sampled.low <= exact.share && exact.share <= sampled.high,
        "exact {exact:?}, sampled {sampled:?}"
    );
    assert!(sampled.high - sampled.low < 0.1, "{sampled:?}");
    let physical = row(&s, ClockName::Physical);
    assert!(!physical.orders_concurrent.exact);
}

#[test]
fn the_sampled_interval_holds_the_exact_lamport_share_for_most_seeds() {
    // A 95% interval should miss about one run in twenty; over twelve runs, at most three misses.
    let mut missed = Vec::new();
    for seed in 0..12 {
        let s = scored_run(&[0, 2_000, -2_000, 500], 1_500, 6_000, 100 + seed);
        let exact = row(&s, ClockName::Lamport).orders_concurrent.share;
        let sampled = s.lamport_orders_concurrent_sampled;
        if !(sampled.low <= exact && exact <= sampled.high) {
            missed.push((seed, exact, sampled));
        }
    }
    assert!(missed.len() <= 3, "{missed:?}");
}
