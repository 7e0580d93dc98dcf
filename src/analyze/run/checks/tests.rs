//! Tests of the checks, on hand-made lines.

use super::*;
use crate::log_format::Event;
use crate::runlog::Line;

fn feed(events: &[Event]) -> Verdict {
    let mut checks = Checks::new(vec![(0, "machine-0.log".into())]);
    for (i, event) in events.iter().enumerate() {
        checks.observe(
            0,
            &Line {
                machine: 0,
                timestamp: i as i64,
                line: i as u64 + 1,
                event: event.clone(),
            },
        );
    }
    checks.verdict()
}

fn failed(v: &Verdict) -> Vec<(&str, Option<u64>)> {
    v.checks
        .iter()
        .filter(|c| !c.passed)
        .flat_map(|c| c.first.iter().map(move |o| (c.name.as_str(), o.line)))
        .collect()
}

#[test]
fn a_correct_sequence_passes() {
    let v = feed(&[
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
            lamport: 10,
            from: 1,
            msg_clock: 9,
            queue: 0,
            vc: vec![],
            late_us: 0,
            pt_us: None,
            hlc: None,
            msg_hlc: None,
            offset_rejected: false,
        },
        Event::Recv {
            tick: 4,
            lamport: 11,
            from: 1,
            msg_clock: 3,
            queue: 0,
            vc: vec![],
            late_us: 0,
            pt_us: None,
            hlc: None,
            msg_hlc: None,
            offset_rejected: false,
        },
        Event::Stop {
            lamport: 11,
            queue: 0,
            ticks: 4,
            skipped: 0,
            cpu_ms: 0,
            max_rss_kb: 0,
        },
    ]);
    assert!(v.passed, "{v:?}");
}

#[test]
fn a_skip_during_a_pause_is_expected_and_one_outside_is_not() {
    use super::super::faults::{MachineFaults, TimeSpan};
    let plan = FaultPlan {
        machines: vec![MachineFaults {
            down: vec![TimeSpan { from: 10, to: 20 }],
            ..MachineFaults::default()
        }],
        records: Vec::new(),
    };
    let mut checks = Checks::new(vec![(0, "machine-0.log".into())]).with_faults(plan);
    let rec = |ts: i64, line: u64, event: Event| Line {
        machine: 0,
        timestamp: ts,
        line,
        event,
    };
    checks.observe(
        0,
        &rec(
            5,
            1,
            Event::Internal {
                tick: 1,
                lamport: 1,
                vc: vec![],
                late_us: 0,
                pt_us: None,
                hlc: None,
            },
        ),
    );
    // logged just after the resume: the pause's doing
    checks.observe(0, &rec(21, 2, Event::Skipped { first: 2, count: 3 }));
    checks.observe(
        0,
        &rec(
            22,
            3,
            Event::Internal {
                tick: 5,
                lamport: 2,
                vc: vec![],
                late_us: 0,
                pt_us: None,
                hlc: None,
            },
        ),
    );
    // long after it: a real stall
    let late = 20 + super::super::faults::SKIP_SLACK_US + 1;
    checks.observe(0, &rec(late, 4, Event::Skipped { first: 6, count: 1 }));
    let v = checks.verdict();
    let skipped = &v.checks[3];
    assert_eq!((skipped.offences, skipped.expected), (1, 1));
    assert_eq!(skipped.first[0].line, Some(4));
    assert_eq!(skipped.expected_first[0].line, Some(2));
    assert!(skipped.expected_first[0].message.contains("(fault)"));
    assert!(!v.passed);
}

#[test]
fn broken_rules_name_their_lines() {
    let v = feed(&[
        Event::Internal {
            tick: 1,
            lamport: 2,
            vc: vec![],
            late_us: 0,
            pt_us: None,
            hlc: None,
        },
        Event::Recv {
            tick: 2,
            lamport: 4,
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
        Event::Skipped { first: 3, count: 2 },
        Event::Internal {
            tick: 5,
            lamport: 5,
            vc: vec![],
            late_us: 0,
            pt_us: None,
            hlc: None,
        },
        Event::Internal {
            tick: 7,
            lamport: 6,
            vc: vec![],
            late_us: 0,
            pt_us: None,
            hlc: None,
        },
        Event::Stop {
            lamport: 7,
            queue: 0,
            ticks: 7,
            skipped: 2,
            cpu_ms: 0,
            max_rss_kb: 0,
        },
    ]);
    assert_eq!(
        failed(&v),
        vec![
            ("lamport", Some(1)),
            ("lamport", Some(2)),
            ("lamport", Some(6)),
            ("skipped", Some(3)),
            ("skipped", Some(5)),
        ]
    );
    let lamport = &v.checks[0].first[1].message;
    assert_eq!(lamport, "recv: clock 4, expected max(2, 4) + 1 = 5");
}

#[test]
fn skipped_slots_within_the_tolerance_pass_with_their_figure_and_beyond_it_fail() {
    let run = |skips: u64| {
        let mut events = vec![Event::Skipped {
            first: 1,
            count: skips,
        }];
        events.extend((skips + 1..=200).map(|tick| Event::Internal {
            tick,
            lamport: tick - skips,
            vc: vec![],
            late_us: 0,
            pt_us: None,
            hlc: None,
        }));
        feed(&events)
    };
    let within = run(2);
    let skipped = &within.checks[CheckId::Skipped as usize];
    assert!(within.passed, "{within:?}");
    assert_eq!((skipped.offences, skipped.tolerated), (0, 1));
    assert_eq!(
        skipped.note.as_deref(),
        Some("machine 0 skipped 2 of 200 tick slots (1.0%), within the 1.0% tolerance")
    );
    let beyond = run(3);
    let skipped = &beyond.checks[CheckId::Skipped as usize];
    assert!(!beyond.passed);
    assert_eq!((skipped.offences, skipped.tolerated), (1, 0));
    assert!(skipped
        .note
        .as_deref()
        .unwrap()
        .contains("(1.5%), beyond the 1.0%"));
}

#[test]
fn with_timing_unknown_the_timing_checks_pass_saying_why_and_the_clock_checks_still_judge() {
    let line = |tick, lamport| Line {
        machine: 0,
        timestamp: tick as i64,
        line: tick,
        event: Event::Internal {
            tick,
            lamport,
            vc: vec![],
            late_us: 0,
            pt_us: None,
            hlc: None,
        },
    };
    let mut checks = Checks::new(vec![(0, "machine-0.log".into())])
        .with_timing_unknown(Some("skipped: imported: rates unknown".into()));
    checks.observe(0, &line(1, 1));
    // Tick 3 after tick 1 (a numbering offence) with a clock that jumps (a Lamport offence).
    checks.observe(0, &line(3, 5));
    checks.offend(CheckId::Rate, 0, None, || "achieved 2, configured 1".into());
    let v = checks.verdict();
    let check = |name: &str| v.checks.iter().find(|c| c.name == name).unwrap();
    for name in ["skipped", "rate", "ended"] {
        assert!(check(name).passed, "{name}");
        assert_eq!(check(name).offences, 0, "{name}");
        assert_eq!(
            check(name).note.as_deref(),
            Some("skipped: imported: rates unknown")
        );
    }
    assert!(!check("lamport").passed);
    assert_eq!(check("lamport").first[0].line, Some(3));
    assert_eq!(
        check("hlc").note.as_deref(),
        Some("not checked: an imported run's logs carry no `hlc`")
    );
    assert!(!v.passed);
}
