//! One flat CSV table of every line of every machine, in system-time order, for pandas and
//! spreadsheets. Written with the `csv` crate, which quotes a field only when it must. Column
//! names are plain identifiers with their unit (`t_model_s`, `t_real_s`, `late_real_us`), so SQL
//! and pandas take them unquoted. The physical and hybrid clocks (`pt_us`, `hlc_l`, `hlc_c`, model
//! microseconds and a count) come last, empty on lines without them (logs before format 6).

use std::io::Write;

use crate::log_format::timestamp::format_micros;
use crate::log_format::Event;
use crate::runlog::Line;
use crate::timebase::TimeBase;
use crate::timeline::{Opened, Timeline};

use super::detail::detail;
use super::perfetto::push_list;

/// The columns, in order.
pub(crate) const COLUMNS: [&str; 19] = [
    "machine",
    "line",
    "timestamp",
    "t_model_s",
    "t_real_s",
    "event",
    "tick",
    "lamport",
    "vc",
    "to",
    "from",
    "msg_clock",
    "queue",
    "late_real_us",
    "peer",
    "detail",
    "pt_us",
    "hlc_l",
    "hlc_c",
];

/// Write every line of the run as one row (`t_model_s`, `t_real_s`: seconds since the run
/// start), as it is read.
pub(crate) fn write(run: &mut Opened, out: &mut impl Write) -> std::io::Result<()> {
    let mut csv = csv::Writer::from_writer(out);
    csv.write_record(COLUMNS)?;
    run.each(|timeline: &Timeline, e| csv.write_record(row(&e, timeline.time_base())))
        .map_err(std::io::Error::other)??;
    csv.flush()
}

/// The fields of line `e`; `base` is the run's start and speedup.
fn row(e: &Line, base: TimeBase) -> [String; 19] {
    let opt = |value: Option<u64>| value.map_or_else(String::new, |v| v.to_string());
    let list = |items: &[u64]| {
        let mut text = String::new();
        if !items.is_empty() {
            push_list(&mut text, items.iter());
        }
        text
    };
    let (mut lamport, mut to, mut from, mut msg_clock, mut queue, mut peer) =
        (e.event.lamport(), String::new(), None, None, None, None);
    match &e.event {
        Event::Send { to: ids, .. } => push_list(&mut to, ids.iter()),
        Event::Recv {
            from: f,
            msg_clock: c,
            queue: q,
            ..
        } => (from, msg_clock, queue) = (Some(u64::from(*f)), Some(*c), Some(*q)),
        Event::Dropped {
            to: ids,
            lamport: l,
            ..
        } => {
            push_list(&mut to, ids.iter());
            lamport = Some(*l);
        }
        Event::Fault { peer: p, .. } => peer = p.map(u64::from),
        Event::PeerConnected { peer: p, .. } | Event::PeerGone { peer: p, .. } => {
            peer = Some(u64::from(*p))
        }
        Event::Start { .. }
        | Event::Internal { .. }
        | Event::Skipped { .. }
        | Event::Stop { .. }
        | Event::Refused { .. }
        | Event::Warning { .. }
        | Event::Unknown => {}
    }
    let late_us = e.event.tick_and_lateness().map(|(_, late_us)| late_us);
    [
        e.machine.to_string(),
        e.line.to_string(),
        format_micros(e.timestamp),
        format!("{:.6}", base.model_s(e.timestamp)),
        format!("{:.6}", base.real_s(e.timestamp)),
        e.event.name().to_string(),
        opt(e.event.tick()),
        opt(lamport),
        list(e.event.vc().unwrap_or_default()),
        to,
        opt(from),
        opt(msg_clock),
        opt(queue),
        opt(late_us),
        opt(peer),
        detail(&e.event),
        opt(e.event.pt_us()),
        opt(e.event.hlc().map(|h| h.l)),
        opt(e.event.hlc().map(|h| h.c)),
    ]
}
