//! Tests of [`super`]: events, ticks, timestamps and refusals.

use std::path::PathBuf;

use super::{convert, ConvertError, SYNTHETIC_EPOCH_US};
use crate::foreign::{ForeignEvent, ForeignKind, ForeignLog};
use crate::log_format::Event;

fn ev(machine: u32, line: u64, kind: ForeignKind, lamport: Option<u64>) -> ForeignEvent {
    ForeignEvent {
        line,
        machine,
        kind,
        lamport,
        timestamp_us: Some(1_000_000 * line as i64),
        vc: None,
    }
}

fn log(machine: u32, events: Vec<ForeignEvent>) -> ForeignLog {
    ForeignLog {
        file: PathBuf::from(format!("sub/m{machine}.jsonl")),
        machine: Some(machine),
        events,
        problems: Vec::new(),
    }
}

/// Machine 0 sends to 1 (clock 1), machine 1 receives it (clock 2), then an internal event;
/// machine 1's log comes first, as a reader may give them.
fn pair() -> Vec<ForeignLog> {
    vec![
        log(
            1,
            vec![
                ev(
                    1,
                    3,
                    ForeignKind::Recv {
                        from: 0,
                        msg_clock: Some(1),
                        queue: None,
                    },
                    Some(2),
                ),
                ev(1, 4, ForeignKind::Internal, Some(3)),
            ],
        ),
        log(
            0,
            vec![ev(0, 2, ForeignKind::Send { to: vec![1] }, Some(1))],
        ),
    ]
}

#[test]
fn events_keep_their_clocks_and_ticks_count_along_each_machine() {
    let c = convert(&pair()).unwrap();
    assert_eq!(
        c.machines.iter().map(|m| m.machine).collect::<Vec<_>>(),
        [0, 1]
    );
    assert!(!c.synthetic_times);
    let m1 = &c.machines[1];
    assert_eq!(m1.source_lines, [3, 4]);
    assert_eq!(m1.lines[0].0, 3_000_000);
    match &m1.lines[0].1 {
        Event::Recv {
            tick,
            lamport,
            from,
            msg_clock,
            queue,
            late_us,
            ..
        } => assert_eq!(
            (*tick, *lamport, *from, *msg_clock, *queue, *late_us),
            (1, 2, 0, 1, 0, 0)
        ),
        other => panic!("not a recv: {other:?}"),
    }
    assert_eq!(m1.lines[1].1.tick(), Some(2));
    assert!(
        c.derived.iter().any(|d| d.starts_with("queue: 0")),
        "{:?}",
        c.derived
    );
}

#[test]
fn without_timestamps_every_time_is_synthetic_causal_and_increasing() {
    let mut logs = pair();
    logs[0].events[1].timestamp_us = None;
    // A clock that goes back on machine 1: its times still increase.
    logs[0]
        .events
        .push(ev(1, 5, ForeignKind::Internal, Some(1)));
    let c = convert(&logs).unwrap();
    assert!(c.synthetic_times);
    let send = c.machines[0].lines[0].0;
    let times: Vec<i64> = c.machines[1].lines.iter().map(|(at, _)| *at).collect();
    assert_eq!(send, SYNTHETIC_EPOCH_US + 1_000);
    assert_eq!(times[0], SYNTHETIC_EPOCH_US + 2_000 + 1);
    assert!(send < times[0], "the send comes before its receive");
    assert!(times.windows(2).all(|w| w[0] < w[1]), "{times:?}");
    assert!(c.derived.iter().any(|d| d.contains("synthetic")));
}

#[test]
fn a_missing_lamport_or_msg_clock_refuses_naming_file_and_line() {
    let mut logs = pair();
    logs[1].events[0].lamport = None;
    assert_eq!(
        convert(&logs).unwrap_err(),
        ConvertError::NoLamport {
            file: PathBuf::from("sub/m0.jsonl"),
            line: 2
        }
    );
    let mut logs = pair();
    logs[1].events[0].kind = ForeignKind::Recv {
        from: 1,
        msg_clock: None,
        queue: Some(0),
    };
    let err = convert(&logs).unwrap_err().to_string();
    assert!(
        err.contains("sub/m0.jsonl line 2") && err.contains("msg_clock"),
        "{err}"
    );
}

#[test]
fn machines_must_have_distinct_ids_below_64() {
    let mut logs = pair();
    logs[0].machine = Some(0);
    let err = convert(&logs).unwrap_err().to_string();
    assert!(
        err.contains("machine 0") && err.contains("m1.jsonl"),
        "{err}"
    );
    let mut logs = pair();
    logs[0].machine = Some(64);
    assert!(matches!(
        convert(&logs),
        Err(ConvertError::MachineId { id: 64, .. })
    ));
    let mut logs = pair();
    logs[0].machine = None;
    assert!(matches!(
        convert(&logs),
        Err(ConvertError::NoMachine { .. })
    ));
}

#[test]
fn a_clock_or_a_time_no_reader_can_hold_refuses_naming_file_and_line() {
    let mut logs = pair();
    logs[1].events[0].lamport = Some(u64::MAX);
    match convert(&logs) {
        Err(ConvertError::Impossible { file, line, why }) => {
            assert_eq!((file, line), (PathBuf::from("sub/m0.jsonl"), 2));
            assert!(why.contains("at most 2^53 - 1"), "{why}");
        }
        other => panic!("{other:?}"),
    }
    let mut logs = pair();
    logs[0].events[1].timestamp_us = Some(253_402_214_400_000_000);
    match convert(&logs) {
        Err(ConvertError::Impossible { line, why, .. }) => {
            assert_eq!(line, 4);
            assert!(why.contains("1970 to 2199"), "{why}");
        }
        other => panic!("{other:?}"),
    }
}
