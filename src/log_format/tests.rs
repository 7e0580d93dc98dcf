//! Tests of the log contract: names, tags and the lines as written.

use super::*;

#[test]
fn a_send_line_has_the_contract_fields_at_top_level() {
    let line = LogLine {
        timestamp: "2026-01-01T00:00:00.000001Z".into(),
        machine: 2,
        event: Event::Send {
            tick: 7,
            lamport: 12,
            to: vec![0, 1],
            vc: vec![4, 0, 9],
            late_us: 3,
            pt_us: None,
            hlc: None,
        },
    };
    let json: serde_json::Value = serde_json::to_value(&line).unwrap();
    assert_eq!(json["event"], "send");
    assert_eq!(json["machine"], 2);
    assert_eq!(json["lamport"], 12);
    assert_eq!(json["to"], serde_json::json!([0, 1]));
    assert_eq!(json["vc"], serde_json::json!([4, 0, 9]));
    let back: LogLine = serde_json::from_value(json).unwrap();
    assert_eq!(back, line);
}

#[test]
fn format_1_lines_without_vector_clocks_still_read() {
    let line: LogLine = serde_json::from_str(
        r#"{"timestamp":"2026-01-01T00:00:00Z","machine":0,"event":"internal","tick":1,"lamport":1,"late_us":0}"#,
    )
    .unwrap();
    assert_eq!(line.event.vc(), Some(&[][..]));
    assert!(readable(1) && readable(FORMAT_VERSION) && !readable(FORMAT_VERSION + 1));
}

#[test]
fn unknown_event_names_are_read_as_unknown() {
    let line: LogLine = serde_json::from_str(
        r#"{"timestamp":"2026-01-01T00:00:00Z","machine":0,"event":"future_thing","x":1}"#,
    )
    .unwrap();
    assert_eq!(line.event, Event::Unknown);
}

#[test]
fn a_format_2_dropped_line_with_a_bare_recipient_still_reads() {
    let old: LogLine = serde_json::from_str(
        r#"{"timestamp":"2026-01-01T00:00:00Z","machine":0,"event":"dropped","to":2,"lamport":5,"reason":"peer gone"}"#,
    )
    .unwrap();
    let expected = Event::Dropped {
        to: vec![2],
        lamport: 5,
        reason: DropReason::PeerGone,
    };
    assert_eq!(old.event, expected);
    let written = serde_json::to_value(&old).unwrap();
    assert_eq!(written["to"], serde_json::json!([2]));
}

#[test]
fn fault_kinds_and_drop_reasons_are_their_wire_strings() {
    for kind in FaultKind::ALL {
        let json = serde_json::to_string(&kind).unwrap();
        assert_eq!(json, format!("\"{kind}\""));
        assert_eq!(kind.as_str().parse::<FaultKind>(), Ok(kind));
    }
    for phase in FaultPhase::ALL {
        let json = serde_json::to_string(&phase).unwrap();
        assert_eq!(json, format!("\"{phase}\""));
        assert_eq!(phase.as_str().parse::<FaultPhase>(), Ok(phase));
    }
    for reason in DropReason::ALL {
        assert_eq!(
            serde_json::to_string(&reason).unwrap(),
            format!("\"{reason}\"")
        );
        assert_eq!(reason.as_str().parse::<DropReason>(), Ok(reason));
    }
    assert!("explode".parse::<FaultKind>().is_err());
}
