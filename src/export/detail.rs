//! The fields of a log line that have no column or argument of their own in an export, as
//! `key=value` text for people (CSV's `detail` column, a Perfetto instant's `detail` argument).
//! Nothing reads this text back.

use std::fmt::Write as _;

use crate::log_format::Event;

/// `format=4 rate=2 ...`: the event's remaining fields, numbers first, texts quoted.
pub(crate) fn detail(event: &Event) -> String {
    let mut out = String::new();
    let mut put = |key: &str, value: &dyn std::fmt::Display| {
        if !out.is_empty() {
            out.push(' ');
        }
        let _ = write!(out, "{key}={value}");
    };
    let text = |value: &str| format!("{value:?}");
    match event {
        Event::Start {
            format,
            rate,
            interval_us,
            machines,
            incarnation,
        } => {
            put("format", format);
            put("rate", rate);
            put("interval_us", interval_us);
            put("machines", machines);
            put("incarnation", incarnation);
        }
        // The clock events' fields all have columns of their own.
        Event::Internal { .. } | Event::Send { .. } | Event::Recv { .. } => {}
        Event::Skipped { first, count } => {
            put("first", first);
            put("count", count);
        }
        Event::Stop {
            lamport: _,
            queue,
            ticks,
            skipped,
            cpu_ms,
            max_rss_kb,
        } => {
            put("queue", queue);
            put("ticks", ticks);
            put("skipped", skipped);
            put("cpu_ms", cpu_ms);
            put("max_rss_kb", max_rss_kb);
        }
        Event::Dropped { reason, .. } => put("reason", &text(reason.as_str())),
        Event::Fault { kind, detail, .. } => {
            put("kind", &text(kind.as_str()));
            put("detail", &text(detail));
        }
        Event::PeerConnected { addr, .. } => put("addr", &text(addr)),
        Event::PeerGone { reason, .. } => put("reason", &text(reason)),
        Event::Refused {
            addr,
            reason,
            count,
        } => {
            put("count", count);
            put("addr", &text(addr));
            put("reason", &text(reason));
        }
        Event::Warning { message } => put("message", &text(message)),
        Event::Unknown => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log_format::DropReason;

    #[test]
    fn other_fields_read_as_key_value_text() {
        let stop = Event::Stop {
            lamport: 4,
            queue: 0,
            ticks: 2,
            skipped: 0,
            cpu_ms: 1,
            max_rss_kb: 1,
        };
        assert_eq!(
            detail(&stop),
            "queue=0 ticks=2 skipped=0 cpu_ms=1 max_rss_kb=1"
        );
        let gone = Event::PeerGone {
            peer: 2,
            reason: "closed \"x\"".into(),
        };
        assert_eq!(detail(&gone), r#"reason="closed \"x\"""#);
        let dropped = Event::Dropped {
            to: vec![2],
            lamport: 9,
            reason: DropReason::PeerGone,
        };
        assert_eq!(detail(&dropped), r#"reason="peer gone""#);
    }
}
