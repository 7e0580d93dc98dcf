//! The log writer's tests: whole lines only, a failure said once, a share reached.

use super::*;
use crate::log_format::LogLine;

#[test]
fn appending_drops_a_line_cut_short() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("machine-0.log");
    std::fs::write(&path, "{\"a\":1}\n{\"b\":").unwrap();
    let sink = LogSink::append(&path).unwrap();
    sink.write_line(b"{\"c\":3}\n");
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "{\"a\":1}\n{\"c\":3}\n"
    );
}

#[test]
fn a_failed_write_leaves_whole_lines_only_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("machine-0.log");
    let sink = LogSink::create(&path).unwrap();
    sink.lock().limit = Some(12);
    sink.write_line(b"{\"a\":1}\n");
    assert_eq!(sink.failure(), None);
    // 8 + 8 bytes cross the limit: 4 bytes get out, then ENOSPC.
    sink.write_line(b"{\"b\":2}\n");
    sink.write_line(b"{\"c\":3}\n");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "{\"a\":1}\n");
    let failure = sink.failure().expect("the write failed");
    assert_eq!(failure.error, "No space left on device");
    assert_eq!(failure.dir, dir.path());
    assert_eq!(
        failure.to_string(),
        format!(
            "cannot write its log in {}: No space left on device",
            dir.path().display()
        )
    );
}

#[test]
fn a_log_already_there_is_not_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("machine-0.log");
    std::fs::write(&path, "another run's line\n").unwrap();
    let err = LogSink::create(&path).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::AlreadyExists);
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "another run's line\n"
    );
}

#[test]
fn written_events_become_json_lines_with_timestamp_and_machine() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("machine-4.log");
    let sink = LogSink::create(&path).unwrap();
    let log = MachineLog::new(4, sink.clone());
    log.write(Event::Internal {
        tick: 1,
        lamport: 1,
        vc: vec![0, 0, 0, 0, 1],
        late_us: 5,
        pt_us: None,
        hlc: None,
    });
    tracing::warn!("a diagnostic that does not belong in the model log");
    log.write(Event::Send {
        tick: 2,
        lamport: 2,
        to: vec![0, 3],
        vc: vec![0, 0, 0, 0, 2],
        late_us: 0,
        pt_us: None,
        hlc: None,
    });
    sink.flush().unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<LogLine> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert_eq!(lines[0].machine, 4);
    assert_eq!(lines[1].event.name(), "send");
    assert!(lines[0].timestamp.ends_with('Z') && lines[0].timestamp.contains('.'));
    let raw: serde_json::Value = serde_json::from_str(text.lines().nth(1).unwrap()).unwrap();
    assert_eq!(raw["to"], serde_json::json!([0, 3]));
    assert!(humantime::parse_rfc3339(&lines[0].timestamp).is_ok());
}

/// One event of every kind the machine writes, every fault kind and drop reason included.
fn every_event() -> Vec<Event> {
    use crate::log_format::{DropReason, FaultKind, FaultPhase};
    let mut events = vec![
        Event::Start {
            format: crate::log_format::FORMAT_VERSION,
            rate: 3,
            interval_us: 333_333,
            machines: 3,
            incarnation: 1,
        },
        Event::Internal {
            tick: 1,
            lamport: 1,
            vc: vec![0, 1, 0],
            late_us: 12,
            pt_us: None,
            hlc: None,
        },
        Event::Send {
            tick: 2,
            lamport: 2,
            to: vec![0, 2],
            vc: vec![0, 2, 0],
            late_us: 0,
            pt_us: None,
            hlc: None,
        },
        Event::Recv {
            tick: 3,
            lamport: 9,
            from: 2,
            msg_clock: 8,
            queue: 4,
            vc: vec![0, 3, 5],
            late_us: 7,
            pt_us: None,
            hlc: None,
            msg_hlc: None,
            offset_rejected: false,
        },
        Event::Skipped { first: 4, count: 2 },
        Event::PeerConnected {
            peer: 0,
            addr: "127.0.0.1:4000".into(),
        },
        Event::PeerGone {
            peer: 2,
            reason: "closed \"by peer\"".into(),
        },
        Event::Refused {
            addr: "[::1]:5000".into(),
            reason: "bad handshake".into(),
            count: 1,
        },
        Event::Warning {
            message: "a line\nwith a newline".into(),
        },
    ];
    for (i, reason) in DropReason::ALL.into_iter().enumerate() {
        events.push(Event::Dropped {
            to: vec![i as u32 * 2],
            lamport: 10 + i as u64,
            reason,
        });
    }
    for (i, kind) in FaultKind::ALL.into_iter().enumerate() {
        events.push(Event::Fault {
            kind,
            phase: FaultPhase::ALL[i % FaultPhase::ALL.len()],
            peer: (i % 2 == 0).then_some(0),
            detail: format!("{kind} for a while"),
        });
    }
    events.push(Event::Stop {
        lamport: 12,
        queue: 1,
        ticks: 6,
        skipped: 2,
        cpu_ms: 40,
        max_rss_kb: 9_000,
    });
    events
}

#[test]
fn every_event_the_writer_writes_is_read_back_equal() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("machine-1.log");
    let sink = LogSink::create(&path).unwrap();
    let log = MachineLog::new(1, sink.clone());
    let events = every_event();
    events.iter().cloned().for_each(|e| log.write(e));
    sink.flush().unwrap();
    let (lines, cut) = crate::runlog::read_log_lines(&path, 1).unwrap();
    assert_eq!(cut, None);
    let read: Vec<Event> = lines.into_iter().map(|l| l.event).collect();
    assert_eq!(read, events);
    // format 3: `to` is an array on every line that has it
    let text = std::fs::read_to_string(&path).unwrap();
    for line in text.lines() {
        let raw: serde_json::Value = serde_json::from_str(line).unwrap();
        if let Some(to) = raw.get("to") {
            assert!(to.is_array(), "{line}");
        }
    }
    assert!(text.contains(r#""reason":"peer gone""#), "{text}");
    assert!(text.contains(r#""kind":"kill""#), "{text}");
}

#[tokio::test]
async fn a_log_says_once_it_holds_its_share_and_takes_lines_on() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("machine-0.log");
    let sink = LogSink::create(&path).unwrap();
    sink.set_share(Some(12));
    sink.write_line(b"{\"a\":1}\n");
    assert!(!sink.share_reached.is_cancelled());
    sink.write_line(b"{\"b\":2}\n");
    sink.share_reached().await;
    sink.write_line(b"{\"c\":3}\n");
    assert_eq!(std::fs::read_to_string(&path).unwrap().lines().count(), 3);
}
