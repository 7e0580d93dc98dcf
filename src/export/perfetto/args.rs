//! A tick slice's arguments in the trace: the clocks, the tick and the message fields.

use crate::export::trace_events::TickArgs;
use crate::log_format::Event;
use crate::runlog::Line;

/// The slice's arguments: clocks, tick and the message fields.
pub(super) fn slice_args(e: &Line) -> TickArgs {
    let list = |items: &[u64]| {
        let mut text = String::new();
        push_list(&mut text, items.iter());
        text
    };
    let mut args = TickArgs {
        lamport: e.event.lamport().unwrap_or(0),
        tick: e.event.tick().unwrap_or(0),
        vc: e.event.vc().filter(|vc| !vc.is_empty()).map(list),
        to: None,
        from: None,
        msg_clock: None,
        queue: None,
        pt_us: e.event.pt_us(),
        hlc: e.event.hlc().map(|h| format!("[{},{}]", h.l, h.c)),
        msg_hlc: None,
    };
    match e.event {
        Event::Send { ref to, .. } => {
            let mut text = String::new();
            push_list(&mut text, to.iter());
            args.to = Some(text);
        }
        Event::Recv {
            from,
            msg_clock,
            queue,
            msg_hlc,
            ..
        } => {
            args.from = Some(from);
            args.msg_clock = Some(msg_clock);
            args.queue = Some(queue);
            args.msg_hlc = msg_hlc.map(|h| format!("[{},{}]", h.l, h.c));
        }
        _ => {}
    }
    args
}

/// `[1,0,2]`.
pub(crate) fn push_list<T: std::fmt::Display>(out: &mut String, items: impl Iterator<Item = T>) {
    use std::fmt::Write as _;
    out.push('[');
    for (k, item) in items.enumerate() {
        if k > 0 {
            out.push(',');
        }
        let _ = write!(out, "{item}");
    }
    out.push(']');
}
