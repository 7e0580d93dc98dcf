use super::*;

/// An event of machine `machine` (id = index) with vector `vc` and the clocks given.
fn event(machine: usize, vc: &[u64], lamport: u64, pt: u64, true_us: i64) -> SampledEvent {
    SampledEvent {
        machine,
        id: machine as u32,
        vc: vc.into(),
        lamport,
        pt_us: Some(pt),
        hlc: Some(Hlc { l: pt, c: 0 }),
        true_us,
    }
}

#[test]
fn a_run_smaller_than_the_sample_is_kept_whole_and_in_order() {
    let mut r = Reservoir::new(10, SAMPLE_SEED);
    for k in 0..7 {
        r.offer(|| event(0, &[k + 1], k + 1, k, k as i64));
    }
    assert_eq!(r.seen(), 7);
    let lamports: Vec<u64> = r.events().iter().map(|e| e.lamport).collect();
    assert_eq!(lamports, [1, 2, 3, 4, 5, 6, 7]);
}

#[test]
fn the_reservoir_keeps_every_part_of_a_long_stream_alike_and_the_same_each_time() {
    let draw = || {
        let mut r = Reservoir::new(1_000, SAMPLE_SEED);
        for k in 0..100_000u64 {
            r.offer(|| event(0, &[k + 1], k, k, k as i64));
        }
        r.events().iter().map(|e| e.lamport).collect::<Vec<_>>()
    };
    let kept = draw();
    assert_eq!(kept.len(), 1_000);
    assert_eq!(kept, draw(), "a fixed seed draws the same sample");
    // Uniform: each tenth of the stream holds about a tenth of the sample (100 +- 40).
    for tenth in 0..10 {
        let n = kept.iter().filter(|&&l| l / 10_000 == tenth).count();
        assert!((60..=140).contains(&n), "tenth {tenth} holds {n} of 1000");
    }
}

#[test]
fn physical_time_behind_on_the_receiver_inverts_the_message_and_lamport_does_not() {
    // 0 sends (pt 100) to 1, which receives it at pt 50: its clock is 80 µs behind.
    let send = event(0, &[1, 0], 1, 100, 100);
    let recv = event(1, &[1, 1], 2, 50, 130);
    let scores = score(&[send, recv], &SAMPLED, true);
    let [physical, lamport, hlc] = [scores[0], scores[1], scores[2]];
    assert_eq!((physical.inverted.part, physical.inverted.whole), (1, 1));
    assert_eq!((lamport.inverted.part, lamport.inverted.whole), (0, 1));
    // The HLC here is only pt (the test's events), so it inverts too: the scorer judges values.
    assert_eq!(hlc.inverted.part, 1);
    assert!(physical.inverted.exact);
}

#[test]
fn concurrent_pairs_are_scored_for_ordering_and_against_true_time() {
    // Two machines that never talk. Machine 1's clock runs 1000 µs ahead.
    let events = [
        event(0, &[1, 0], 1, 0, 0),
        event(0, &[2, 0], 2, 500, 500),
        event(1, &[0, 1], 1, 1_300, 300),
        event(1, &[0, 2], 2, 1_500, 500),
    ];
    let scores = score(&events, &SAMPLED, true);
    let (physical, lamport) = (scores[0], scores[1]);
    // Four concurrent pairs; every pt differs; Lamport ties (1,1) and (2,2).
    assert_eq!(
        (
            physical.orders_concurrent.part,
            physical.orders_concurrent.whole
        ),
        (4, 4)
    );
    assert_eq!(
        (
            lamport.orders_concurrent.part,
            lamport.orders_concurrent.whole
        ),
        (2, 4)
    );
    // True times: (0,300) (0,500) (500,300) (500,500 equal: left out). pt puts 500 before 1300
    // though true time has 300 first: one of three against.
    assert_eq!(
        (
            physical.against_true_time.part,
            physical.against_true_time.whole
        ),
        (1, 3)
    );
    // Lamport orders (e0 1, e3 2) as true time does (0 < 500), and (e1 2, e2 1) too (500 > 300).
    assert_eq!(
        (
            lamport.against_true_time.part,
            lamport.against_true_time.whole
        ),
        (0, 2)
    );
}

#[test]
fn a_sampled_share_has_an_interval_around_it_and_an_exact_one_none() {
    let mut t = Tally::new(4);
    for (a, b, hit) in [
        (0, 1, true),
        (0, 2, false),
        (1, 3, true),
        (2, 3, false),
        (1, 2, false),
    ] {
        t.add(a, b, hit);
    }
    let sampled = t.estimate(false);
    assert_eq!((sampled.part, sampled.whole), (2, 5));
    assert!(sampled.low < 0.4 && 0.4 < sampled.high, "{sampled:?}");
    let exact = t.estimate(true);
    assert_eq!((exact.low, exact.high), (0.4, 0.4));
    // None found in 2000 sampled events: still an upper bound above 0.
    let mut none = Tally::new(2_000);
    none.add(0, 1, false);
    let e = none.estimate(false);
    assert_eq!(e.low, 0.0);
    assert!(e.high > 0.0 && e.high < 0.01, "{e:?}");
}
