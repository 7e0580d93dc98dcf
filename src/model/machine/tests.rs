//! Tests of one model machine's tick, start and stop lines.

use super::*;

fn who(die: u32) -> MachineSpec {
    MachineSpec {
        id: 0,
        machines: 3,
        rate: 4,
        period_ns: 250_000_000,
        die,
        seed: 1,
        incarnation: 0,
        physical: PhysicalClock::perfect(),
    }
}

#[test]
fn a_waiting_message_is_received_by_the_rules() {
    let mut m = Machine::new(who(10));
    let vc = [0, 50, 0];
    let waiting = Waiting {
        from: 1,
        lamport: 50,
        vc: &vc,
        hlc: Hlc { l: 10, c: 4 },
        left: 2,
    };
    let tick = m.tick(1, 7, Some(waiting));
    assert_eq!(tick.skipped, None);
    assert_eq!(
        tick.event,
        Event::Recv {
            tick: 1,
            lamport: 51,
            from: 1,
            msg_clock: 50,
            queue: 2,
            vc: vec![1, 50, 0],
            late_us: 7,
            pt_us: Some(0),
            hlc: Some(Hlc { l: 10, c: 5 }),
            msg_hlc: Some(Hlc { l: 10, c: 4 }),
            offset_rejected: false,
        }
    );
    assert!(tick.recipients().is_empty());
    assert_eq!(m.counts().received, 1);
}

#[test]
fn a_skewed_clock_stamps_pt_and_hlc_and_a_message_too_far_ahead_is_marked() {
    use crate::model::physical::{PhysicalClockSpec, Spread};
    let spec = PhysicalClockSpec {
        skew_us: Spread::Fixed(vec![1_000, 0, 0]),
        max_offset_us: 100_000,
        ..PhysicalClockSpec::default()
    };
    let mut m = Machine::new(MachineSpec {
        physical: spec.for_machine(1, 0),
        ..who(10)
    });
    // Tick 2 is due at 250 ms true time: the clock reads 251 ms.
    let ahead = |l| Waiting {
        from: 1,
        lamport: 1,
        vc: &[0, 1, 0],
        hlc: Hlc { l, c: 0 },
        left: 0,
    };
    let tick = m.tick(2, 0, Some(ahead(351_001)));
    let Event::Recv {
        pt_us,
        hlc,
        offset_rejected,
        ..
    } = tick.event
    else {
        panic!("{:?}", tick.event);
    };
    assert_eq!(pt_us, Some(251_000));
    assert_eq!(hlc, Some(Hlc { l: 351_001, c: 1 }));
    assert!(offset_rejected, "101.001 ms ahead of a 100 ms bound");
    let tick = m.tick(3, 0, Some(ahead(600_000)));
    assert!(matches!(
        tick.event,
        Event::Recv {
            offset_rejected: false,
            ..
        }
    ));
    assert_eq!(m.hlc(), Hlc { l: 600_000, c: 1 });
}

#[test]
fn slots_passed_since_the_last_tick_are_one_skipped_line() {
    let mut m = Machine::new(who(10));
    m.tick(1, 0, None);
    let tick = m.tick(5, 0, None);
    assert_eq!(tick.skipped, Some(Event::Skipped { first: 2, count: 3 }));
    assert_eq!(tick.event.tick(), Some(5));
    assert_eq!((m.last_tick(), m.counts().skipped), (5, 3));
    assert_eq!(m.clock().value(), 2, "skipped slots move no clock");
}

#[test]
fn with_the_smallest_die_every_tick_sends_to_its_recipients() {
    let mut m = Machine::new(who(3));
    for n in 1..=50 {
        let tick = m.tick(n, 0, None);
        let Event::Send { to, lamport, .. } = &tick.event else {
            panic!("tick {n} did not send: {:?}", tick.event);
        };
        assert_eq!(tick.recipients(), to.as_slice());
        assert!(to.iter().all(|p| [1, 2].contains(p)));
        assert_eq!(*lamport, n);
        m.recycle(tick.event);
    }
}

#[test]
fn start_and_stop_lines_say_who_and_what() {
    let mut m = Machine::restored(who(10), LamportClock::restored(40), &[40, 0, 0], 4);
    m.restart();
    assert_eq!(
        m.start_line(),
        Event::Start {
            format: FORMAT_VERSION,
            rate: 4,
            interval_us: 250_000,
            machines: 3,
            incarnation: 1,
        }
    );
    m.tick(10, 0, None);
    let report = m.report(3, 12, 900);
    assert_eq!((report.lamport, report.ticks, report.skipped), (41, 10, 5));
    assert_eq!(
        stop_line(&report),
        Event::Stop {
            lamport: 41,
            queue: 3,
            ticks: 10,
            skipped: 5,
            cpu_ms: 12,
            max_rss_kb: 900,
        }
    );
}
