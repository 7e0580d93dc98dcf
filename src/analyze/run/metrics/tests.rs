//! Tests of [`super`]: per-machine figures accumulated line by line.

use super::*;

fn rec(ts: i64, line: u64, event: Event) -> Line {
    Line {
        machine: 0,
        line,
        timestamp: ts,
        event,
    }
}

#[test]
fn jumps_and_queue_by_hand() {
    // clock 1, 2 (send), 7 (recv of 6, queue 2), 8 (recv of 3, queue 1), 9 (recv 0 left), 10
    let mut m = MachineMetrics::new(0, Some(2), Some(500_000.0));
    let t0 = TimeBase::new(0, 1.0);
    let events = [
        Event::Start {
            format: 1,
            rate: 2,
            interval_us: 500_000,
            machines: 2,
            incarnation: 0,
        },
        Event::Internal {
            tick: 1,
            lamport: 1,
            vc: vec![],
            late_us: 0,
            pt_us: None,
            hlc: None,
        },
        Event::Send {
            tick: 2,
            lamport: 2,
            to: vec![1],
            vc: vec![],
            late_us: 0,
            pt_us: None,
            hlc: None,
        },
        Event::Recv {
            tick: 3,
            lamport: 7,
            from: 1,
            msg_clock: 6,
            queue: 2,
            vc: vec![],
            late_us: 0,
            pt_us: None,
            hlc: None,
            msg_hlc: None,
            offset_rejected: false,
        },
        Event::Recv {
            tick: 4,
            lamport: 8,
            from: 1,
            msg_clock: 3,
            queue: 1,
            vc: vec![],
            late_us: 0,
            pt_us: None,
            hlc: None,
            msg_hlc: None,
            offset_rejected: false,
        },
        Event::Recv {
            tick: 5,
            lamport: 9,
            from: 1,
            msg_clock: 4,
            queue: 0,
            vc: vec![],
            late_us: 0,
            pt_us: None,
            hlc: None,
            msg_hlc: None,
            offset_rejected: false,
        },
        Event::Internal {
            tick: 6,
            lamport: 10,
            vc: vec![],
            late_us: 0,
            pt_us: None,
            hlc: None,
        },
        Event::Unknown,
        Event::Stop {
            lamport: 10,
            queue: 0,
            ticks: 6,
            skipped: 0,
            cpu_ms: 0,
            max_rss_kb: 0,
        },
    ];
    for (i, ev) in events.into_iter().enumerate() {
        m.observe(&rec(i as i64 * 500_000, i as u64 + 1, ev), t0);
    }
    let s = m.summary(t0);
    assert_eq!(s.ticks, 6);
    assert_eq!(s.final_clock, 10);
    // jumps: 1, 1, 5, 1, 1, 1
    assert_eq!(s.jumps.histogram, vec![[1, 5], [5, 1]]);
    assert_eq!(s.jumps.max, 5);
    assert!((s.jumps.mean - 10.0 / 6.0).abs() < 1e-12);
    assert!((s.jumps.share_above_1 - 1.0 / 6.0).abs() < 1e-12);
    assert_eq!(s.jumps.biggest[0].size, 5);
    assert_eq!(s.jumps.biggest[0].line, 4);
    assert_eq!(s.jumps.biggest[0].at_real_s, 1.5);
    assert_eq!(s.jumps.biggest[0].at_model_s, 1.5, "speedup 1");
    // queue per tick: 0 0 2 1 0 0
    assert_eq!((s.queue.max, s.queue.p95), (2, 2));
    assert!((s.queue.mean - 0.5).abs() < 1e-12);
    assert_eq!(s.events["recv"], 3);
    assert_eq!(s.events["other"], 1);
    // ticks 1..6 at 0.5 s steps from t=0.5 s to 3.0 s: exactly the configured 2 per second
    assert!((s.achieved_rate.unwrap() - 2.0).abs() < 1e-9);
    // clock 10 at 3.0 s
    assert!((s.clock_per_model_s - 10.0 / 3.0).abs() < 1e-9);
}

#[test]
fn an_empty_queue_all_run_gives_zeros() {
    let mut m = MachineMetrics::new(0, Some(1), Some(1e6));
    for t in 1..=4 {
        m.observe(
            &rec(
                t * 1_000_000,
                t as u64,
                Event::Internal {
                    tick: t as u64,
                    lamport: t as u64,
                    vc: vec![],
                    late_us: 0,
                    pt_us: None,
                    hlc: None,
                },
            ),
            TimeBase::new(0, 1.0),
        );
    }
    let s = m.summary(TimeBase::new(0, 1.0));
    assert_eq!((s.queue.max, s.queue.p95, s.queue.mean), (0, 0, 0.0));
    assert_eq!(s.delay_real_us.count, 0);
    assert_eq!(s.jumps.share_above_1, 0.0);
}

#[test]
fn at_speedup_60_times_and_the_clock_rate_are_per_model_second() {
    // clock 1 then 4 (a jump of 3) at 0.5 and 1.0 real s: model seconds 30 and 60.
    let base = TimeBase::new(0, 60.0);
    let mut m = MachineMetrics::new(0, Some(2), Some(8_333.0));
    for (t, lamport) in [(500_000, 1), (1_000_000, 4)] {
        let tick = lamport;
        m.observe(
            &rec(
                t,
                lamport,
                Event::Internal {
                    tick,
                    lamport,
                    vc: vec![],
                    late_us: 0,
                    pt_us: None,
                    hlc: None,
                },
            ),
            base,
        );
    }
    let s = m.summary(base);
    let gap = &s.jumps.biggest[0];
    assert_eq!((gap.size, gap.at_real_s, gap.at_model_s), (3, 1.0, 60.0));
    assert!((s.clock_per_model_s - 4.0 / 60.0).abs() < 1e-12);
}
