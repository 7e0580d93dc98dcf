//! Chrome/Perfetto trace-event JSON: a process track per machine, a slice per clock event, a flow
//! arrow from each send to its receive, counters for the Lamport clock and the queue.
//!
//! Flows use the "v2" form (`bind_id` with `flow_out` on the sending slice and `flow_in` on the
//! receiving one), which both chrome://tracing and the Perfetto UI read. A slice binds one flow,
//! so a send to several machines gets one child slice per received message (`to machine-N`),
//! each holding that message's flow and ending no later than that message's receive (see
//! [`child_slices`]). The children's arguments (`message_to`, `message_lamport`) share no key with
//! a receive's, because catapult merges both ends' arguments into the flow. Timestamps are µs
//! since the run start. Each record is written with serde ([`super::trace_events`]).

use std::io::Write;

use crate::log_format::Event;
use crate::runlog::Line;
use crate::timeline::{Message, Timeline};

use super::detail::detail;
use super::trace_events::{
    Counter, DetailArgs, Header, Instant, MessageArgs, MessageSlice, Meta, NameArgs, OtherData,
    SortArgs, TickArgs, TickSlice,
};

/// The trace thread of every machine's clock events.
const TID: u32 = 1;

/// Counter tracks: Perfetto names a JSON counter's track "<name> <arg key>", so these read
/// "Lamport clock" and "queue length" (chrome://tracing shows the name with the key as series).
const COUNTER_LAMPORT: &str = "Lamport";
const COUNTER_LAMPORT_KEY: &str = "clock";
const COUNTER_QUEUE: &str = "queue";
const COUNTER_QUEUE_KEY: &str = "length";

/// One received message of a send: its recipient, flow id and receive time (µs since the start).
#[derive(Debug, Clone, Copy)]
struct Flow {
    to: u32,
    id: u64,
    recv_us: i64,
}

/// A child slice of a send, in ns since the run start.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Child {
    start_ns: i64,
    end_ns: i64,
}

/// Process id of machine `id` (trace viewers treat pid 0 specially).
pub(crate) fn pid(id: u32) -> u32 {
    id + 1
}

/// Write the trace of `timeline`, with a flow for every message of `messages` that was received.
pub(crate) fn write(
    timeline: &Timeline,
    messages: &[Message],
    out: &mut impl Write,
) -> std::io::Result<()> {
    let (recv_flow, mut send_flows) = flows(timeline, messages);
    let widths = slice_widths(timeline);
    let header = serde_json::to_string(&Header {
        display_time_unit: "ms",
        other_data: OtherData {
            run: timeline.dir.display().to_string(),
        },
    })?;
    // The records follow as the last member, an array written one record at a time.
    let open = header.strip_suffix('}').expect("a JSON object ends with }");
    writeln!(out, "{open},\"traceEvents\":[")?;
    let mut records = Records { out, first: true };
    write_tracks(&mut records, timeline)?;
    for (i, e) in timeline.events.iter().enumerate() {
        let ts = e.timestamp - timeline.origin_us;
        if !e.event.is_clock_event() {
            // Peer connections are left out of the trace.
            if !matches!(
                e.event,
                Event::PeerConnected { .. } | Event::PeerGone { .. }
            ) {
                let name = e.event.name();
                write_instant(&mut records, e.machine, ts, name, detail(&e.event))?;
            }
            continue;
        }
        let slice = Slice {
            event: e,
            ts,
            dur: widths[i],
            flow_in: recv_flow[i],
        };
        write_slice(&mut records, &slice)?;
        write_children(&mut records, &slice, &mut send_flows[i])?;
        write_counters(&mut records, &slice)?;
    }
    records.out.write_all(b"\n]}\n")
}

/// The trace's records, written one after the other with a `,` line break between them.
struct Records<'a, W: Write> {
    out: &'a mut W,
    first: bool,
}

impl<W: Write> Records<'_, W> {
    /// Write `record`, after the separator unless it is the first.
    fn write(&mut self, record: &impl serde::Serialize) -> std::io::Result<()> {
        if !std::mem::take(&mut self.first) {
            self.out.write_all(b",\n")?;
        }
        serde_json::to_writer(&mut *self.out, record)?;
        Ok(())
    }
}

/// One clock event's slice: when it starts and lasts (µs) and the flow it receives (0: none).
struct Slice<'a> {
    event: &'a Line,
    ts: i64,
    dur: f64,
    flow_in: u64,
}

/// Flow ids (message index + 1, for every message with both ends): the flow each event
/// receives (0: none), and the flows each event sends.
fn flows(timeline: &Timeline, messages: &[Message]) -> (Vec<u64>, Vec<Vec<Flow>>) {
    let events = &timeline.events;
    let mut recv_flow = vec![0u64; events.len()];
    let mut send_flows: Vec<Vec<Flow>> = vec![Vec::new(); events.len()];
    for (i, m) in messages.iter().enumerate() {
        if let (Some(s), Some(r)) = (m.send, m.recv) {
            let id = i as u64 + 1;
            recv_flow[r] = id;
            send_flows[s].push(Flow {
                to: m.to,
                id,
                recv_us: events[r].timestamp - timeline.origin_us,
            });
        }
    }
    (recv_flow, send_flows)
}

/// The metadata that names each machine's process and thread and orders the processes.
fn write_tracks(records: &mut Records<'_, impl Write>, timeline: &Timeline) -> std::io::Result<()> {
    for (n, m) in timeline.machines.iter().enumerate() {
        let (ph, pid, tid) = ("M", pid(m.id), TID);
        let name = |name: String| NameArgs { name };
        let process = format!("machine {} (rate {}/s)", m.id, m.rate);
        records.write(&Meta {
            ph,
            name: "process_name",
            pid,
            tid,
            args: name(process),
        })?;
        records.write(&Meta {
            ph,
            name: "process_sort_index",
            pid,
            tid,
            args: SortArgs { sort_index: n },
        })?;
        records.write(&Meta {
            ph,
            name: "thread_name",
            pid,
            tid,
            args: name("ticks".into()),
        })?;
    }
    Ok(())
}

/// An instant marker for an event that is not a clock event (start, stop, fault, dropped, ...).
fn write_instant(
    records: &mut Records<'_, impl Write>,
    machine: u32,
    ts: i64,
    name: &str,
    detail: String,
) -> std::io::Result<()> {
    records.write(&Instant {
        ph: "i",
        s: "t",
        cat: "event",
        name,
        pid: pid(machine),
        tid: TID,
        ts,
        args: DetailArgs { detail },
    })
}

/// A clock event's slice, with its arguments and the end of the flow it receives.
fn write_slice(records: &mut Records<'_, impl Write>, slice: &Slice<'_>) -> std::io::Result<()> {
    let e = slice.event;
    records.write(&TickSlice {
        ph: "X",
        cat: "tick",
        name: e.event.name(),
        pid: pid(e.machine),
        tid: TID,
        ts: slice.ts,
        dur: to_the_ns(slice.dur),
        args: slice_args(e),
        bind_id: (slice.flow_in != 0).then_some(slice.flow_in),
        flow_in: (slice.flow_in != 0).then_some(true),
    })
}

/// A send's child slices, one per received message, each holding the start of that flow.
fn write_children(
    records: &mut Records<'_, impl Write>,
    slice: &Slice<'_>,
    flows: &mut [Flow],
) -> std::io::Result<()> {
    let p = pid(slice.event.machine);
    let lamport = slice.event.event.lamport().unwrap_or(0);
    for (flow, child) in child_slices(slice.ts as f64, slice.dur, flows) {
        records.write(&MessageSlice {
            ph: "X",
            cat: "message",
            name: format!("to machine-{}", flow.to),
            pid: p,
            tid: TID,
            ts: micros(child.start_ns),
            dur: micros(child.end_ns - child.start_ns),
            bind_id: flow.id,
            flow_out: true,
            args: MessageArgs {
                message_to: flow.to,
                message_lamport: lamport,
            },
        })?;
    }
    Ok(())
}

/// The counters at a clock event: the Lamport clock, and the queue length at a receive.
fn write_counters(records: &mut Records<'_, impl Write>, slice: &Slice<'_>) -> std::io::Result<()> {
    let e = slice.event;
    let counter = |name, key, value| Counter {
        ph: "C",
        name,
        pid: pid(e.machine),
        tid: TID,
        ts: slice.ts,
        args: [(key, value)].into(),
    };
    let lamport = e.event.lamport().unwrap_or(0);
    records.write(&counter(COUNTER_LAMPORT, COUNTER_LAMPORT_KEY, lamport))?;
    if let Event::Recv { queue, .. } = e.event {
        records.write(&counter(COUNTER_QUEUE, COUNTER_QUEUE_KEY, queue))?;
    }
    Ok(())
}

/// The child slices of a send at `ts` (µs) lasting `dur` (µs), one per flow of `flows`.
///
/// Both importers take flow ends in time order and drop or reverse an arrow whose `flow_in`
/// slice starts before its `flow_out` slice ends (catapult's `flow_slice_ordering_error`,
/// Perfetto's `flow_end_without_start`). So the children run in the order of their receives,
/// one after the other inside the send's slice, and each ends no later than its own receive.
fn child_slices(ts: f64, dur: f64, flows: &mut [Flow]) -> Vec<(Flow, Child)> {
    flows.sort_by_key(|f| (f.recv_us, f.to));
    let start = (ts * 1_000.0).round() as i64;
    let end = start + (dur * 1_000.0).floor() as i64;
    let share = (end - start) / flows.len().max(1) as i64;
    let mut cursor = start;
    flows
        .iter()
        .map(|&flow| {
            let recv_ns = flow.recv_us * 1_000;
            // A receive logged before its send (clock resolution) cannot be honoured; the
            // child then has no width at the send's start.
            let child_start = cursor.min(recv_ns).max(start);
            let child_end = (child_start + share * 9 / 10)
                .min(recv_ns)
                .min(end)
                .max(child_start);
            cursor = child_end;
            (
                flow,
                Child {
                    start_ns: child_start,
                    end_ns: child_end,
                },
            )
        })
        .collect()
}

/// A duration in µs rounded to the ns as decimal text rounds it (not as `x * 1000` rounds, which
/// can differ by one ns at a half).
fn to_the_ns(us: f64) -> f64 {
    format!("{us:.3}")
        .parse()
        .expect("a formatted float parses")
}

/// A time in ns as µs (three decimals, which JSON writes as the shortest number that reads back).
fn micros(ns: i64) -> f64 {
    ns as f64 / 1_000.0
}

/// Width of each clock event's slice, µs: half the machine's tick interval, shortened so that it
/// ends before the machine's next event (slices on one track must nest, not overlap).
fn slice_widths(timeline: &Timeline) -> Vec<f64> {
    let mut widths = vec![0.0; timeline.events.len()];
    let mut next: Vec<Option<i64>> = vec![None; 64];
    for (i, e) in timeline.events.iter().enumerate().rev() {
        if !e.event.is_clock_event() {
            continue;
        }
        let half = timeline
            .machine_index(e.machine)
            .map_or(1_000.0, |m| timeline.machines[m].interval_us / 2.0);
        let slot = &mut next[e.machine as usize % 64];
        let gap = slot.map_or(f64::INFINITY, |n| (n - e.timestamp) as f64 * 0.9);
        widths[i] = half.min(gap).max(0.5);
        *slot = Some(e.timestamp);
    }
    widths
}

/// The slice's arguments: clocks, tick and the message fields.
fn slice_args(e: &Line) -> TickArgs {
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
            ..
        } => {
            args.from = Some(from);
            args.msg_clock = Some(msg_clock);
            args.queue = Some(queue);
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

#[cfg(test)]
mod tests;
