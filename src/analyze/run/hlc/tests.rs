//! Tests of the `hlc` check, on hand-made lines.

use super::*;

fn line(n: u64, event: Event) -> Line {
    Line {
        machine: 0,
        line: n,
        timestamp: n as i64,
        event,
    }
}

fn start() -> Event {
    Event::Start {
        format: 6,
        rate: 10,
        interval_us: 100_000,
        machines: 2,
        incarnation: 0,
    }
}

fn internal(tick: u64, pt: u64, l: u64, c: u64) -> Event {
    Event::Internal {
        tick,
        lamport: tick,
        vc: vec![],
        late_us: 0,
        pt_us: Some(pt),
        hlc: Some(Hlc { l, c }),
    }
}

fn recv(tick: u64, pt: u64, hlc: (u64, u64), msg: (u64, u64)) -> Event {
    Event::Recv {
        tick,
        lamport: tick,
        from: 1,
        msg_clock: 1,
        queue: 0,
        vc: vec![],
        late_us: 0,
        pt_us: Some(pt),
        hlc: Some(hlc.into()),
        msg_hlc: Some(msg.into()),
        offset_rejected: false,
    }
}

fn check(events: Vec<Event>) -> (HlcSummary, Vec<HlcOffence>) {
    let mut c = HlcCheck::new(1);
    for (i, e) in events.into_iter().enumerate() {
        c.observe(0, &line(i as u64 + 1, e));
    }
    c.finish(1)
}

#[test]
fn clocks_by_the_rules_pass_with_their_figures() {
    let (figures, offences) = check(vec![
        start(),
        internal(1, 0, 0, 1),
        // 5 ms fast at tick 2 (due at 100 ms).
        internal(2, 105_000, 105_000, 0),
        recv(3, 200_000, (200_000, 3), (200_000, 2)),
    ]);
    assert_eq!(offences, vec![]);
    assert!(figures.checked);
    assert_eq!((figures.epsilon_model_us, figures.max_c), (5_000, 3));
    assert_eq!(figures.pt_program_order_inversions, 0);
}

#[test]
fn physical_time_against_causality_is_counted_per_edge() {
    let send = |tick, pt, lamport| Event::Send {
        tick,
        lamport,
        to: vec![0],
        vc: vec![],
        late_us: 0,
        pt_us: Some(pt),
        hlc: Some(Hlc { l: pt, c: 0 }),
    };
    let mut c = HlcCheck::new(2);
    let mut line = |m: u32, n: u64, event: Event| {
        let rec = Line {
            machine: m,
            line: n,
            timestamp: 0,
            event,
        };
        c.observe(m as usize, &rec);
    };
    line(1, 1, start());
    line(0, 1, start());
    // Machine 1's clock is 50 ms fast: its message arrives "before" it was sent.
    line(1, 2, send(1, 50_000, 1));
    line(0, 2, recv(1, 10_000, (50_000, 1), (50_000, 0)));
    // A clock stepped back: machine 0's next event reads earlier.
    line(0, 3, internal(2, 5_000, 50_000, 2));
    line(1, 3, send(2, 150_000, 2));
    let mut second = recv(3, 200_000, (200_000, 0), (150_000, 0));
    if let Event::Recv { msg_clock, .. } = &mut second {
        *msg_clock = 2;
    }
    line(0, 4, second);
    let (figures, _) = c.finish(1);
    assert_eq!(figures.messages_timed, 2);
    assert_eq!(figures.pt_message_inversions, 1);
    assert_eq!(figures.pt_program_order_inversions, 1);
}

#[test]
fn a_wrong_hlc_is_an_offence_on_its_line_with_the_expected_value() {
    let (_, offences) = check(vec![
        start(),
        internal(1, 0, 0, 1),
        recv(2, 100_000, (100_000, 0), (150_000, 4)),
    ]);
    assert_eq!(offences.len(), 1, "{offences:?}");
    assert_eq!(offences[0].line, 3);
    assert_eq!(
        offences[0].message,
        "hlc [100000, 0], expected max([0, 1], msg [150000, 4], pt 100000) = [150000, 5]"
    );
}

#[test]
fn an_l_behind_the_physical_clock_or_too_far_ahead_is_an_offence() {
    let (_, offences) = check(vec![start(), internal(1, 7, 5, 0)]);
    assert!(offences
        .iter()
        .any(|o| o.message.contains("behind the physical clock")));
    // An l 1 s ahead of a perfect clock: beyond epsilon (0) and a period (100 ms).
    let (_, offences) = check(vec![start(), recv(1, 0, (1_000_000, 1), (1_000_000, 0))]);
    assert_eq!(offences.len(), 1, "{offences:?}");
    assert!(offences[0]
        .message
        .starts_with("l - pt_us = 1000000 µs, beyond epsilon 0 µs"));
}

#[test]
fn a_run_without_hybrid_clocks_is_not_checked_and_says_why() {
    let mut old = internal(1, 0, 0, 1);
    if let Event::Internal { pt_us, hlc, .. } = &mut old {
        (*pt_us, *hlc) = (None, None);
    }
    let mut c = HlcCheck::new(1);
    c.observe(0, &line(1, old));
    assert!(c.skipped_because().unwrap().contains("format 5 or older"));
    let (figures, offences) = c.finish(1);
    assert!(!figures.checked && offences.is_empty());
}
