//! The rules one log is judged on alone, line by line in file order: the Lamport rules
//! (`lamport-internal`, `lamport-send`, `lamport-recv`, `broadcast`), `monotonic`, `timestamps`
//! and `ids`.
//!
//! After a wrong value the replay goes on from the value found, as `analyze` does, so one bad
//! line gives one finding and a bug is reported where it is, not again on every later line.

use super::rule::{Finding, Options, Place, Rule, SendRule};
use crate::foreign::{ForeignEvent, ForeignKind, ForeignLog};
use crate::log_format::timestamp::format_micros;

/// A Lamport finding and the clock before its line (a broadcast counted per recipient is
/// recognised by it in `links`).
#[derive(Debug, Clone)]
pub(crate) struct Jump {
    pub finding: Finding,
    /// The clock before the line.
    pub from: u64,
}

/// What one log's replay found.
#[derive(Debug, Default)]
pub(crate) struct LogCheck {
    /// Lamport findings, each with its jump.
    pub jumps: Vec<Jump>,
    /// Every other finding (`monotonic`, `timestamps`, `ids`).
    pub findings: Vec<Finding>,
    /// Lines found going backwards (the vector check does not report them again).
    pub backwards: Vec<u64>,
}

/// The place of `event` in `file`.
pub(crate) fn place(file: &str, event: &ForeignEvent) -> Place {
    Place {
        file: file.to_owned(),
        line: Some(event.line),
    }
}

/// The values the messages of a send carry, in the order of its `to`, under `rule`.
pub(crate) fn carried(lamport: u64, recipients: usize, rule: SendRule) -> Vec<u64> {
    match rule {
        SendRule::Once => vec![lamport; recipients],
        SendRule::PerMessage => {
            let first = lamport.saturating_sub(recipients.max(1) as u64 - 1);
            (0..recipients as u64).map(|k| first + k).collect()
        }
    }
}

/// Whether a line of `log` between lines `after` and `before` could not be read: the event
/// after such a gap is not judged against the one before it (its value stands for what the lost
/// line did), so one unreadable line gives one finding, its own.
pub(crate) fn after_gap(log: &ForeignLog, after: u64, before: u64) -> bool {
    log.problems
        .iter()
        .filter_map(|p| p.line)
        .any(|l| l > after && l < before)
}

/// Replay the Lamport rules over `log` (machine `own`) and check its ids and timestamps.
pub(crate) fn check_log(
    log: &ForeignLog,
    file: &str,
    own: u32,
    known: &dyn Fn(u32) -> bool,
    options: &Options,
) -> LogCheck {
    let mut out = LogCheck::default();
    let mut prev = 0u64;
    let mut prev_ts: Option<(i64, u64)> = None;
    // The line of the last event read, and whether a clock is missing since it was judged.
    let mut last_line = 0u64;
    let mut unknown = false;
    let carries = log.events.iter().any(|e| e.lamport.is_some());
    for e in &log.events {
        let at = place(file, e);
        unknown |= after_gap(log, last_line, e.line);
        last_line = e.line;
        ids(e, &at, own, known, &mut out.findings);
        if let Some(ts) = e.timestamp_us {
            if let Some((before, line)) = prev_ts.filter(|&(before, _)| ts < before) {
                out.findings.push(Finding {
                    rule: Rule::Timestamps,
                    at: at.clone(),
                    expected: format!("at or after line {line}'s {}", format_micros(before)),
                    found: format_micros(ts),
                    witness: vec![],
                });
            }
            prev_ts = Some((ts, e.line));
        }
        let Some(value) = e.lamport else {
            // A log that carries the clock has it on every event: one without it hides it.
            if carries {
                out.findings.push(Finding {
                    rule: Rule::Readable,
                    at,
                    expected: "a `lamport` value, as on the log's other lines".to_owned(),
                    found: "none".to_owned(),
                    witness: vec![],
                });
                unknown = true;
            }
            continue;
        };
        if std::mem::take(&mut unknown) {
            // The clock before this line is not known: it starts the replay again.
            if value < prev {
                out.backwards.push(e.line);
            }
            prev = value;
            continue;
        }
        if value < prev {
            out.backwards.push(e.line);
            out.findings.push(Finding {
                rule: Rule::Monotonic,
                at,
                expected: format!("a clock above the previous line's {prev}"),
                found: format!("{value}: the clock went backwards (a restart that lost it?)"),
                witness: vec![],
            });
        } else if let Some((rule, expected, sum)) = expected(e, prev, options.send_rule) {
            if value != sum {
                let finding = Finding {
                    rule,
                    at,
                    expected,
                    found: value.to_string(),
                    witness: vec![],
                };
                out.jumps.push(Jump {
                    finding,
                    from: prev,
                });
            }
        }
        prev = value;
    }
    out
}

/// The rule a line's clock is judged by, the expected value as text, and the value.
fn expected(e: &ForeignEvent, prev: u64, rule: SendRule) -> Option<(Rule, String, u64)> {
    Some(match &e.kind {
        ForeignKind::Internal => (
            Rule::LamportInternal,
            format!("{prev} + 1 = {}", prev.saturating_add(1)),
            prev.saturating_add(1),
        ),
        ForeignKind::Send { to } if to.len() > 1 => match rule {
            SendRule::Once => (
                Rule::Broadcast,
                format!(
                    "{prev} + 1 = {} (one increment for the send to {to:?})",
                    prev.saturating_add(1)
                ),
                prev.saturating_add(1),
            ),
            SendRule::PerMessage => {
                let k = to.len() as u64;
                let text = format!(
                    "{prev} + {k} = {} (one increment per recipient)",
                    prev.saturating_add(k)
                );
                (Rule::Broadcast, text, prev.saturating_add(k))
            }
        },
        ForeignKind::Send { .. } => (
            Rule::LamportSend,
            format!("{prev} + 1 = {}", prev.saturating_add(1)),
            prev.saturating_add(1),
        ),
        ForeignKind::Recv { msg_clock, .. } => {
            let m = (*msg_clock)?;
            let sum = prev.max(m).saturating_add(1);
            (
                Rule::LamportRecv,
                format!("max({prev}, {m}) + 1 = {sum}"),
                sum,
            )
        }
    })
}

/// `ids`: the line's machine is the file's, and its peers are known other machines.
fn ids(
    e: &ForeignEvent,
    at: &Place,
    own: u32,
    known: &dyn Fn(u32) -> bool,
    out: &mut Vec<Finding>,
) {
    let mut wrong = |expected: String, found: String| {
        out.push(Finding {
            rule: Rule::Ids,
            at: at.clone(),
            expected,
            found,
            witness: vec![],
        })
    };
    if e.machine != own {
        wrong(
            format!("machine {own} (the file's)"),
            format!("machine {}", e.machine),
        );
    }
    match &e.kind {
        ForeignKind::Send { to } => {
            if let Some(bad) = to.iter().find(|&&p| p == own || !known(p)) {
                let what = if *bad == own {
                    "itself"
                } else {
                    "an unknown machine"
                };
                wrong(
                    "a send to other known machines".to_owned(),
                    format!("to {to:?}: {bad} is {what}"),
                );
            }
        }
        ForeignKind::Recv { from, .. } if *from == own || !known(*from) => {
            let what = if *from == own {
                "itself"
            } else {
                "an unknown machine"
            };
            wrong(
                "a receive from another known machine".to_owned(),
                format!("from {from}, {what}"),
            );
        }
        _ => {}
    }
}

/// Whether a receive from `from` by `own` is on a link that can be matched (its ids are sane).
pub(crate) fn on_a_link(from: u32, own: u32, known: &dyn Fn(u32) -> bool) -> bool {
    from != own && known(from)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(line: u64, kind: ForeignKind, lamport: u64) -> ForeignEvent {
        ForeignEvent {
            line,
            machine: 0,
            kind,
            lamport: Some(lamport),
            timestamp_us: Some(line as i64),
            vc: None,
        }
    }

    fn check(events: Vec<ForeignEvent>, rule: SendRule) -> LogCheck {
        let log = ForeignLog {
            events,
            ..Default::default()
        };
        let options = Options {
            send_rule: rule,
            ..Options::default()
        };
        check_log(&log, "m0.log", 0, &|m| m < 3, &options)
    }

    fn recv(from: u32, m: u64) -> ForeignKind {
        ForeignKind::Recv {
            from,
            msg_clock: Some(m),
            queue: None,
        }
    }

    #[test]
    fn one_bad_receive_gives_one_finding_and_the_replay_goes_on_from_it() {
        let events = vec![
            event(1, ForeignKind::Internal, 1),
            event(2, recv(1, 52), 52),
            event(3, ForeignKind::Internal, 53),
        ];
        let out = check(events, SendRule::Once);
        assert_eq!(out.jumps.len(), 1, "{:?}", out.jumps);
        let f = &out.jumps[0].finding;
        assert_eq!((f.rule, f.at.line), (Rule::LamportRecv, Some(2)));
        assert_eq!(f.expected, "max(1, 52) + 1 = 53");
        assert_eq!(f.found, "52");
    }

    #[test]
    fn a_broadcast_counts_once_or_per_message_as_told() {
        let to = ForeignKind::Send { to: vec![1, 2] };
        let twice = vec![event(1, to.clone(), 2), event(2, ForeignKind::Internal, 3)];
        assert!(check(twice.clone(), SendRule::PerMessage).jumps.is_empty());
        let once = check(twice, SendRule::Once);
        assert_eq!(once.jumps[0].finding.rule, Rule::Broadcast);
        assert_eq!(carried(2, 2, SendRule::PerMessage), [1, 2]);
        assert_eq!(carried(2, 2, SendRule::Once), [2, 2]);
    }

    #[test]
    fn a_reset_is_monotonic_not_a_lamport_finding_and_bad_ids_are_named() {
        let mut events = vec![
            event(1, ForeignKind::Internal, 1),
            event(2, ForeignKind::Internal, 2),
            event(3, ForeignKind::Internal, 1),
            event(4, recv(0, 0), 2),
            event(5, ForeignKind::Send { to: vec![7] }, 3),
        ];
        events[1].timestamp_us = Some(10);
        let out = check(events, SendRule::Once);
        assert!(out.jumps.is_empty(), "{:?}", out.jumps);
        let rules: Vec<(Rule, Option<u64>)> =
            out.findings.iter().map(|f| (f.rule, f.at.line)).collect();
        assert_eq!(
            rules,
            [
                (Rule::Timestamps, Some(3)),
                (Rule::Monotonic, Some(3)),
                (Rule::Ids, Some(4)),
                (Rule::Ids, Some(5))
            ]
        );
        assert_eq!(out.backwards, [3]);
    }
}
