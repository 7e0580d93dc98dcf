//! The checker on small hand-made submissions whose findings are known line by line.

use std::path::Path;

use super::rule::{Options, Rule, SendRule};
use super::rules::{grade, Cell, Graded};
use crate::foreign::{ForeignEvent, ForeignKind, ForeignLog, Problem};

fn internal() -> ForeignKind {
    ForeignKind::Internal
}

fn send(to: &[u32]) -> ForeignKind {
    ForeignKind::Send { to: to.to_vec() }
}

fn recv(from: u32, m: u64) -> ForeignKind {
    ForeignKind::Recv {
        from,
        msg_clock: Some(m),
        queue: None,
    }
}

/// Machine `machine`'s log of `(kind, lamport, vc)` lines, one a second.
fn log(machine: u32, lines: Vec<(ForeignKind, u64, Option<Vec<u64>>)>) -> ForeignLog {
    let events = lines
        .into_iter()
        .enumerate()
        .map(|(i, (kind, lamport, vc))| ForeignEvent {
            line: i as u64 + 1,
            machine,
            kind,
            lamport: Some(lamport),
            timestamp_us: Some(1_000_000 * (i as i64 + 1)),
            vc,
        })
        .collect();
    ForeignLog {
        file: format!("s/machine-{machine}.log").into(),
        machine: Some(machine),
        events,
        problems: vec![],
    }
}

fn graded(logs: &[ForeignLog], rule: SendRule) -> Graded {
    let options = Options {
        send_rule: rule,
        ..Options::default()
    };
    grade("s", Path::new("s"), None, logs, &[], &options)
}

fn rules(g: &Graded) -> Vec<(Rule, String)> {
    g.findings
        .iter()
        .map(|f| (f.rule, f.at.to_string()))
        .collect()
}

fn cell(g: &Graded, rule: Rule) -> Cell {
    g.cells.iter().find(|(r, _)| *r == rule).unwrap().1
}

#[test]
fn two_messages_swapped_on_a_link_are_one_fifo_finding_with_both_sends_and_receives() {
    let logs = [
        log(0, vec![(send(&[1]), 1, None), (send(&[1]), 2, None)]),
        log(1, vec![(recv(0, 2), 3, None), (recv(0, 1), 4, None)]),
        log(2, vec![(internal(), 1, None)]),
    ];
    let g = graded(&logs, SendRule::Once);
    assert_eq!(rules(&g), [(Rule::Fifo, "machine-1.log:2".to_owned())]);
    let witness: Vec<String> = g.findings[0]
        .witness
        .iter()
        .map(|p| p.to_string())
        .collect();
    assert_eq!(
        witness,
        [
            "machine-0.log:1",
            "machine-0.log:2",
            "machine-1.log:1",
            "machine-1.log:2"
        ]
    );
    assert_eq!(
        cell(&g, Rule::Vector),
        Cell::NotApplicable,
        "no vectors logged"
    );
    assert_eq!(cell(&g, Rule::Matched), Cell::Pass);
}

#[test]
fn a_message_received_twice_is_one_duplicate() {
    let logs = [
        log(0, vec![(send(&[1]), 1, None)]),
        log(1, vec![(recv(0, 1), 2, None), (recv(0, 1), 3, None)]),
        log(2, vec![(internal(), 1, None)]),
    ];
    let g = graded(&logs, SendRule::Once);
    assert_eq!(rules(&g), [(Rule::Matched, "machine-1.log:2".to_owned())]);
    assert!(
        g.findings[0].expected.contains("machine-1.log:1"),
        "{}",
        g.findings[0]
    );
}

#[test]
fn a_broadcast_counted_per_recipient_passes_per_message_and_is_one_finding_under_once() {
    let logs = [
        log(0, vec![(send(&[1, 2]), 2, None)]),
        log(1, vec![(recv(0, 1), 2, None)]),
        log(2, vec![(recv(0, 2), 3, None)]),
    ];
    assert!(graded(&logs, SendRule::PerMessage).passed());
    let g = graded(&logs, SendRule::Once);
    assert_eq!(rules(&g), [(Rule::Broadcast, "machine-0.log:1".to_owned())]);
    assert_eq!(
        g.findings[0].expected,
        "0 + 1 = 1 (one increment for the send to [1, 2])"
    );
}

#[test]
fn a_clock_not_carried_is_carried_with_the_send_as_witness() {
    let logs = [
        log(0, vec![(internal(), 1, None), (send(&[1]), 2, None)]),
        log(1, vec![(recv(0, 0), 1, None)]),
        log(2, vec![(internal(), 1, None)]),
    ];
    let g = graded(&logs, SendRule::Once);
    assert_eq!(rules(&g), [(Rule::Carried, "machine-1.log:1".to_owned())]);
    assert_eq!(
        g.findings[0].expected,
        "msg_clock 2, the clock of the send at machine-0.log:2"
    );
    assert_eq!(g.findings[0].found, "0");
}

#[test]
fn vector_bugs_are_named_and_each_line_found_once() {
    let logs = [
        log(0, vec![(send(&[1]), 1, Some(vec![1, 0, 0]))]),
        // A merge without the own increment, then a send that does not increment.
        log(
            1,
            vec![
                (recv(0, 1), 2, Some(vec![1, 0, 0])),
                (send(&[2]), 3, Some(vec![1, 0, 0])),
            ],
        ),
        log(2, vec![(recv(1, 3), 4, Some(vec![1, 0, 1]))]),
    ];
    let g = graded(&logs, SendRule::Once);
    assert_eq!(
        rules(&g),
        [
            (Rule::Vector, "machine-1.log:1".to_owned()),
            (Rule::Vector, "machine-1.log:2".to_owned())
        ]
    );
    assert!(g.findings[0]
        .found
        .ends_with("merged without the own increment"));
    assert!(g.findings[1].found.ends_with("own entry not incremented"));
}

#[test]
fn shape_judges_machines_rates_and_the_internal_share() {
    // 60 internal events at 10 a second on machine 0 alone: no machine 1 or 2, too fast, and
    // all internal against 7/10.
    let mut fast = log(0, (1..=60).map(|l| (internal(), l, None)).collect());
    for e in &mut fast.events {
        e.timestamp_us = Some(100_000 * e.line as i64);
    }
    let g = graded(&[fast], SendRule::Once);
    let shape: Vec<&str> = g
        .findings
        .iter()
        .filter(|f| f.rule == Rule::Shape)
        .map(|f| f.found.as_str())
        .collect();
    assert_eq!(shape.len(), 3, "{shape:?}");
    assert!(
        shape.iter().any(|s| s.contains("no log of [1, 2]")),
        "{shape:?}"
    );
    assert!(
        shape.iter().any(|s| s.starts_with("10.00 per second")),
        "{shape:?}"
    );
    assert!(
        shape.iter().any(|s| s.starts_with("1.000 (60 of 60)")),
        "{shape:?}"
    );
}

#[test]
fn an_unreadable_submission_is_a_row_of_readable_findings_and_nothing_judged() {
    let problem = Problem {
        file: "s/machine-0.log".into(),
        line: None,
        message: "empty".to_owned(),
    };
    let g = grade(
        "s",
        Path::new("s"),
        None,
        &[],
        &[problem],
        &Options::default(),
    );
    assert_eq!(rules(&g), [(Rule::Readable, "machine-0.log".to_owned())]);
    for (rule, cell) in &g.cells {
        let want = if *rule == Rule::Readable {
            Cell::Fail(1)
        } else {
            Cell::NotApplicable
        };
        assert_eq!(*cell, want, "{rule:?}");
    }
}

#[test]
fn clocks_at_the_top_of_u64_are_findings_not_a_panic() {
    let logs = [
        log(0, vec![(send(&[1]), u64::MAX, Some(vec![u64::MAX, 0, 0]))]),
        log(
            1,
            vec![(
                recv(0, u64::MAX),
                u64::MAX,
                Some(vec![u64::MAX, u64::MAX, 0]),
            )],
        ),
        log(
            2,
            vec![(internal(), u64::MAX, None), (internal(), u64::MAX, None)],
        ),
    ];
    let g = graded(&logs, SendRule::PerMessage);
    assert!(
        g.findings.iter().any(|f| f.rule == Rule::LamportSend),
        "{:#?}",
        g.findings
    );
}

#[test]
fn a_log_without_lamport_values_is_one_finding_on_its_file_not_a_receive_of_no_message_each() {
    let mut logs = vec![
        log(0, vec![(send(&[1]), 1, None), (internal(), 2, None)]),
        log(1, vec![(recv(0, 1), 2, None), (internal(), 3, None)]),
    ];
    for l in &mut logs {
        for e in &mut l.events {
            e.lamport = None;
        }
    }
    let submission = crate::foreign::Submission {
        dir: "s".into(),
        format: Some(crate::foreign::Format::JsonLines),
        logs,
        problems: vec![],
    };
    let g = super::rules::grade_submission("s", &submission, &Options::default());
    let readable: Vec<_> = g
        .findings
        .iter()
        .filter(|f| f.rule == Rule::Readable)
        .collect();
    assert_eq!(readable.len(), 2, "{:?}", g.findings);
    assert!(
        readable[0].found.contains("--field lamport="),
        "{:?}",
        readable[0]
    );
    assert!(
        g.findings
            .iter()
            .all(|f| f.rule == Rule::Readable || f.rule == Rule::Shape),
        "{:?}",
        g.findings
    );
}

#[test]
fn an_unreadable_line_or_a_line_without_its_clock_is_one_finding_not_one_more_on_the_next_line() {
    // Machine 0: internal 1, [line 2 unreadable: a send 2], internal 3, internal 4 without its
    // lamport, internal 5: only the two lines themselves are findings.
    let mut m0 = log(
        0,
        vec![
            (internal(), 1, Some(vec![1, 0])),
            (internal(), 3, Some(vec![3, 0])),
            (internal(), 4, Some(vec![4, 0])),
            (internal(), 5, Some(vec![5, 0])),
        ],
    );
    for (e, line) in m0.events.iter_mut().zip([1, 3, 4, 5]) {
        e.line = line;
    }
    m0.events[2].lamport = None;
    m0.problems.push(Problem {
        file: m0.file.clone(),
        line: Some(2),
        message: "`lamport` should be a whole number >= 0, found \"two\"".to_owned(),
    });
    let m1 = log(1, vec![(internal(), 1, Some(vec![0, 1]))]);
    let g = graded(&[m0, m1], SendRule::Once);
    let found: Vec<(Rule, String)> = rules(&g)
        .into_iter()
        .filter(|(r, _)| *r != Rule::Shape)
        .collect();
    assert_eq!(
        found,
        [
            (Rule::Readable, "machine-0.log:2".to_owned()),
            (Rule::Readable, "machine-0.log:4".to_owned()),
        ],
        "{:?}",
        g.findings
    );
}
