//! Property tests of the one reader against the writer: every line the writer can produce reads
//! back equal, and every event's name is serde's tag for it.

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use strum::IntoEnumIterator;

use crate::log_format::{
    DropReason, Event, EventKind, FaultKind, FaultPhase, LogLine, FORMAT_VERSION,
    OLDEST_READABLE_FORMAT,
};

use super::line::{parse_line, Line, MAX_QUEUE};
use crate::log_format::timestamp::format_micros;

/// Machine ids a run may have.
fn id() -> impl Strategy<Value = u32> {
    0u32..64
}

/// A set of recipients, ascending, as the machines write them.
fn ids() -> impl Strategy<Value = Vec<u32>> {
    proptest::collection::btree_set(id(), 0..8).prop_map(|set| set.into_iter().collect())
}

/// A clock, tick or count: any a reader keeps exactly (the contract's bound, 2^53 - 1).
fn clock() -> impl Strategy<Value = u64> {
    0..=super::line::MAX_CLOCK
}

fn vc() -> impl Strategy<Value = Vec<u64>> {
    proptest::collection::vec(clock(), 0..6)
}

/// A tick event's physical and hybrid clocks: present (format 6 and up) or not (older lines).
fn new_clocks() -> impl Strategy<Value = (Option<u64>, Option<crate::log_format::Hlc>)> {
    (proptest::option::of(clock()), proptest::option::of(hlc()))
}

/// A hybrid logical clock `[l, c]`.
fn hlc() -> impl Strategy<Value = crate::log_format::Hlc> {
    (clock(), clock()).prop_map(Into::into)
}

/// Any text, escapes and all.
fn text() -> impl Strategy<Value = String> {
    any::<String>()
}

/// Every event the writer can produce (all but `Unknown`, which only readers make), with
/// arbitrary field values within the contract.
fn event() -> impl Strategy<Value = Event> {
    prop_oneof![
        (
            OLDEST_READABLE_FORMAT..=FORMAT_VERSION,
            any::<u32>(),
            clock(),
            any::<u32>(),
            any::<u32>()
        )
            .prop_map(|(format, rate, interval_us, machines, incarnation)| {
                Event::Start {
                    format,
                    rate,
                    interval_us,
                    machines,
                    incarnation,
                }
            }),
        (clock(), clock(), vc(), clock(), new_clocks()).prop_map(
            |(tick, lamport, vc, late_us, (pt_us, hlc))| Event::Internal {
                tick,
                lamport,
                vc,
                late_us,
                pt_us,
                hlc,
            }
        ),
        (clock(), clock(), ids(), vc(), clock(), new_clocks()).prop_map(
            |(tick, lamport, to, vc, late_us, (pt_us, hlc))| Event::Send {
                tick,
                lamport,
                to,
                vc,
                late_us,
                pt_us,
                hlc,
            }
        ),
        (
            (clock(), clock(), id(), clock()),
            (0..=MAX_QUEUE, vc(), clock()),
            (
                proptest::option::of(clock()),
                proptest::option::of(hlc()),
                proptest::option::of(hlc()),
                any::<bool>()
            )
        )
            .prop_map(
                |(
                    (tick, lamport, from, msg_clock),
                    (queue, vc, late_us),
                    (pt_us, hlc, msg_hlc, offset_rejected),
                )| {
                    Event::Recv {
                        tick,
                        lamport,
                        from,
                        msg_clock,
                        queue,
                        vc,
                        late_us,
                        pt_us,
                        hlc,
                        msg_hlc,
                        offset_rejected,
                    }
                }
            ),
        (clock(), clock()).prop_map(|(first, count)| Event::Skipped { first, count }),
        (
            clock(),
            0..=MAX_QUEUE,
            (clock(), clock()),
            (clock(), clock())
        )
            .prop_map(|(lamport, queue, (ticks, skipped), (cpu_ms, max_rss_kb))| {
                Event::Stop {
                    lamport,
                    queue,
                    ticks,
                    skipped,
                    cpu_ms,
                    max_rss_kb,
                }
            }),
        (
            id(),
            clock(),
            proptest::sample::select(DropReason::ALL.to_vec())
        )
            .prop_map(|(to, lamport, reason)| Event::Dropped {
                to: vec![to],
                lamport,
                reason
            }),
        (
            proptest::sample::select(FaultKind::ALL.to_vec()),
            proptest::sample::select(FaultPhase::ALL.to_vec()),
            proptest::option::of(id()),
            text()
        )
            .prop_map(|(kind, phase, peer, detail)| Event::Fault {
                kind,
                phase,
                peer,
                detail
            }),
        (id(), text()).prop_map(|(peer, addr)| Event::PeerConnected { peer, addr }),
        (id(), text()).prop_map(|(peer, reason)| Event::PeerGone { peer, reason }),
        (text(), text(), clock()).prop_map(|(addr, reason, count)| Event::Refused {
            addr,
            reason,
            count
        }),
        text().prop_map(|message| Event::Warning { message }),
    ]
}

/// The events of the strategy cover every kind a writer can produce.
#[test]
fn the_strategy_leaves_out_only_the_readers_unknown() {
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let mut seen = std::collections::HashSet::new();
    for _ in 0..2_000 {
        seen.insert(event().new_tree(&mut runner).unwrap().current().kind());
    }
    let missing: Vec<EventKind> = EventKind::iter().filter(|k| !seen.contains(k)).collect();
    assert_eq!(missing, [EventKind::Unknown]);
}

proptest! {
    #[test]
    fn every_line_the_writer_can_produce_reads_back_equal(
        timestamp in 0i64..=super::line::MAX_TIMESTAMP_US,
        machine in id(),
        line in 1u64..u64::MAX,
        event in event(),
    ) {
        let written = LogLine { timestamp: format_micros(timestamp), machine, event };
        let mut text = serde_json::to_string(&written).unwrap();
        text.push('\n');
        let read = parse_line(text.as_bytes(), machine, line).unwrap();
        prop_assert_eq!(read, Line { machine, line, timestamp, event: written.event });
    }

    #[test]
    fn an_events_name_is_the_tag_serde_writes(event in event()) {
        let json = serde_json::to_value(&event).unwrap();
        prop_assert_eq!(json["event"].as_str(), Some(event.name()));
        prop_assert_eq!(event.kind().name(), event.name());
    }
}

/// `Unknown` is a reader's event; its name is still the one a line tagged so reads as.
#[test]
fn the_unknown_events_name_is_its_tag_too() {
    let json = serde_json::to_value(Event::Unknown).unwrap();
    assert_eq!(json["event"], Event::Unknown.name());
}

/// Fault lines of format 4 had no phase: they read with the one their prose implies.
#[test]
fn format_4_fault_lines_read_with_the_phase_of_their_prose() {
    let cases = [
        (
            "delay",
            r#""peer":1,"detail":"delay of 1500 ms (+ up to 500 ms) to machine 1 begins""#,
            FaultPhase::Begin,
        ),
        (
            "delay",
            r#""peer":1,"detail":"delay of 1500 ms (+ up to 500 ms) to machine 1 ends""#,
            FaultPhase::End,
        ),
        (
            "partition",
            r#""peer":2,"detail":"partition (hold) from machine 2 begins""#,
            FaultPhase::Begin,
        ),
        (
            "partition",
            r#""peer":2,"detail":"partition (hold) from machine 2 heals""#,
            FaultPhase::End,
        ),
        (
            "pause",
            r#""detail":"this machine was paused and is now resumed""#,
            FaultPhase::End,
        ),
        (
            "kill",
            r#""peer":1,"detail":"machine 1 killed (SIGKILL)""#,
            FaultPhase::Instant,
        ),
        (
            "died",
            r#""peer":1,"detail":"machine 1 died (exit 3)""#,
            FaultPhase::Instant,
        ),
    ];
    for (kind, rest, phase) in cases {
        let text = format!(
            r#"{{"timestamp":"2026-01-01T00:00:15.000000Z","machine":0,"event":"fault","kind":"{kind}",{rest}}}"#
        );
        let line = parse_line(text.as_bytes(), 0, 1).unwrap();
        let Event::Fault { phase: read, .. } = line.event else {
            panic!("{line:?}")
        };
        assert_eq!(read, phase, "{text}");
    }
    // A format 5 line says its phase, and an unknown one is refused like any unknown value.
    let text = r#"{"timestamp":"2026-01-01T00:00:15.000000Z","machine":0,"event":"fault","kind":"delay","phase":"end","peer":1,"detail":"... begins"}"#;
    let line = parse_line(text.as_bytes(), 0, 1).unwrap();
    assert!(matches!(
        line.event,
        Event::Fault {
            phase: FaultPhase::End,
            ..
        }
    ));
    let bad = text.replace(r#""end""#, r#""later""#);
    assert!(parse_line(bad.as_bytes(), 0, 1).is_err());
}
