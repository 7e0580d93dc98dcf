//! Chrome/Perfetto trace-event JSON: a process track per machine, a slice per clock event, a flow
//! arrow from each send to its receive, counters for the Lamport clock and the queue.
//!
//! Flows use the "v2" form (`bind_id` with `flow_out` on the sending slice and `flow_in` on the
//! receiving one), which both chrome://tracing and the Perfetto UI read. A slice binds one flow,
//! so a send to several machines gets one child slice per received message (`to machine-N`),
//! each holding that message's flow and ending before that message's receive (see
//! [`flows`], which also says how the trace is streamed). The children's arguments (`message_to`, `message_lamport`) share no key with
//! a receive's, because catapult merges both ends' arguments into the flow. Timestamps are µs
//! since the run start. Each record is written with serde ([`super::trace_events`]).

use std::io::Write;

use crate::log_format::Event;
use crate::runlog::Line;
use crate::timeline::{Opened, Timeline};

use super::detail::detail;
use super::trace_events::{
    Counter, DetailArgs, Header, Instant, MessageArgs, MessageSlice, Meta, Micros, NameArgs,
    OtherData, SortArgs, TickSlice,
};
pub(crate) use args::push_list;
use args::slice_args;
use flows::{ChildOut, FlowIn, Flows};

mod args;
mod flows;

/// The trace thread of every machine's clock events.
const TID: u32 = 1;

/// Counter tracks: Perfetto names a JSON counter's track "<name> <arg key>", so these read
/// "Lamport clock" and "queue length" (chrome://tracing shows the name with the key as series).
const COUNTER_LAMPORT: &str = "Lamport";
const COUNTER_LAMPORT_KEY: &str = "clock";
const COUNTER_QUEUE: &str = "queue";
const COUNTER_QUEUE_KEY: &str = "length";
/// The hybrid clock's tracks (log format 6 and up): "HLC l_minus_pt_us", how far `l` runs ahead
/// of the machine's physical clock, and "HLC c".
const COUNTER_HLC: &str = "HLC";
const COUNTER_HLC_AHEAD_KEY: &str = "l_minus_pt_us";
const COUNTER_HLC_C_KEY: &str = "c";

/// Process id of machine `id` (trace viewers treat pid 0 specially).
pub(crate) fn pid(id: u32) -> u32 {
    id + 1
}

/// Write the trace of the run `run` as its lines stream by, with a flow for every message that
/// was received ([`flows`]).
pub(crate) fn write(run: &mut Opened, out: &mut impl Write) -> std::io::Result<()> {
    let header = serde_json::to_string(&Header {
        display_time_unit: "ms",
        other_data: OtherData {
            run: run.timeline.dir.display().to_string(),
        },
    })?;
    // The records follow as the last member, an array written one record at a time.
    let open = header.strip_suffix('}').expect("a JSON object ends with }");
    writeln!(out, "{open},\"traceEvents\":[")?;
    let mut records = Records { out, first: true };
    write_tracks(&mut records, &run.timeline)?;
    let mut stream = Stream {
        flows: Flows::default(),
        open: (0..run.timeline.machines.len()).map(|_| None).collect(),
        seq: 0,
    };
    run.each(|timeline, e| stream.line(&mut records, timeline, e))
        .map_err(std::io::Error::other)??;
    for m in 0..stream.open.len() {
        stream.close_slice(&mut records, &run.timeline, m, None)?;
    }
    records.out.write_all(b"\n]}\n")
}

/// A clock event whose slice waits for its machine's next clock event (which bounds its width).
struct OpenSlice {
    event: Line,
    ts: i64,
    seq: usize,
}

/// The state of the streamed trace.
struct Stream {
    flows: Flows,
    /// Each machine's last clock event, by manifest index.
    open: Vec<Option<OpenSlice>>,
    /// Clock events seen.
    seq: usize,
}

impl Stream {
    /// Write what line `e` completes, and keep it if it is a clock event.
    fn line(
        &mut self,
        records: &mut Records<'_, impl Write>,
        timeline: &Timeline,
        e: Line,
    ) -> std::io::Result<()> {
        let ts = e.timestamp - timeline.origin_us;
        if !e.event.is_clock_event() {
            match e.event {
                // Peer connections are left out of the trace.
                Event::PeerConnected { .. } | Event::PeerGone { .. } => {}
                _ => {
                    if let Event::Dropped {
                        ref to, lamport, ..
                    } = e.event
                    {
                        for &to in to {
                            self.flows.dropped(e.machine, to, lamport, ts);
                        }
                    }
                    let name = e.event.name();
                    write_instant(records, e.machine, ts, name, detail(&e.event))?;
                }
            }
            return Ok(());
        }
        let Some(m) = timeline.machine_index(e.machine) else {
            return Ok(());
        };
        self.close_slice(records, timeline, m, Some(e.timestamp))?;
        self.seq += 1;
        match e.event {
            Event::Send {
                ref to, lamport, ..
            } => self.flows.send(e.machine, lamport, ts, to, self.seq),
            Event::Recv {
                from, msg_clock, ..
            } => self.flows.recv(from, e.machine, msg_clock, ts, self.seq),
            _ => {}
        }
        self.write_children(records)?;
        self.open[m] = Some(OpenSlice {
            event: e,
            ts,
            seq: self.seq,
        });
        Ok(())
    }

    /// Write the open slice of machine `m`, now that its next clock event is at `next` (µs since
    /// the epoch; `None`: the log has ended).
    fn close_slice(
        &mut self,
        records: &mut Records<'_, impl Write>,
        timeline: &Timeline,
        m: usize,
        next: Option<i64>,
    ) -> std::io::Result<()> {
        let Some(open) = self.open[m].take() else {
            return Ok(());
        };
        let e = &open.event;
        // Half the machine's tick interval, shortened so that it ends before the machine's next
        // event (slices on one track must nest, not overlap).
        // An imported run's interval is unknown: the gap to the next event bounds the slice,
        // and its last slice lasts a millisecond.
        let half = timeline.machines[m]
            .interval_us
            .map_or(f64::INFINITY, |i| i / 2.0);
        let gap = next.map_or(f64::INFINITY, |n| (n - e.timestamp) as f64 * 0.9);
        let dur = match half.min(gap) {
            d if d.is_finite() => d.max(0.5),
            _ => 1_000.0,
        };
        let flow_in = self.flows.take_recv(open.seq).flow_in;
        let slice = Slice {
            event: e,
            ts: open.ts,
            dur,
            flow_in,
        };
        write_slice(records, &slice)?;
        if let Event::Send { lamport, .. } = e.event {
            let children = self
                .flows
                .send_written(e.machine, lamport, open.ts as f64, dur);
            for c in children {
                write_child(records, &c)?;
            }
        }
        write_counters(records, &slice)
    }

    /// Write the children the matching completed.
    fn write_children(&mut self, records: &mut Records<'_, impl Write>) -> std::io::Result<()> {
        for c in self.flows.take_children() {
            write_child(records, &c)?;
        }
        Ok(())
    }
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

/// One clock event's slice: when it starts and lasts (µs) and the flow it receives.
struct Slice<'a> {
    event: &'a Line,
    ts: i64,
    dur: f64,
    flow_in: Option<FlowIn>,
}

/// The metadata that names each machine's process and thread and orders the processes.
fn write_tracks(records: &mut Records<'_, impl Write>, timeline: &Timeline) -> std::io::Result<()> {
    for (n, m) in timeline.machines.iter().enumerate() {
        let (ph, pid, tid) = ("M", pid(m.id), TID);
        let name = |name: String| NameArgs { name };
        let process = format!("machine {} ({})", m.id, crate::timeline::rate_text(m.rate));
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
    let (mut ts, mut dur) = (Micros::Whole(slice.ts), to_the_ns(slice.dur));
    if let Some(flow) = slice.flow_in {
        // A receive at (or, by clock resolution, before) its send's start: 1 ns after it, so
        // that Perfetto reads the flow's start first (see the module's doc).
        let start_ns = slice.ts * 1_000;
        let shift = flow.send_ns + 1 - start_ns;
        if shift > 0 && (shift as f64) < dur * 1_000.0 {
            ts = Micros::Frac(micros(start_ns + shift));
            dur = to_the_ns(dur - shift as f64 / 1_000.0);
        }
    }
    records.write(&TickSlice {
        ph: "X",
        cat: "tick",
        name: e.event.name(),
        pid: pid(e.machine),
        tid: TID,
        ts,
        dur,
        args: slice_args(e),
        bind_id: slice.flow_in.map(|f| f.id),
        flow_in: slice.flow_in.map(|_| true),
    })
}

/// A send's child slice for one received message, holding the start of that message's flow.
fn write_child(records: &mut Records<'_, impl Write>, c: &ChildOut) -> std::io::Result<()> {
    let (flow, child) = (c.flow, c.child);
    records.write(&MessageSlice {
        ph: "X",
        cat: "message",
        name: format!("to machine-{}", flow.to),
        pid: pid(c.from),
        tid: TID,
        ts: micros(child.start_ns),
        dur: micros(child.end_ns - child.start_ns),
        bind_id: flow.id,
        flow_out: true,
        args: MessageArgs {
            message_to: flow.to,
            message_lamport: c.lamport,
        },
    })
}

/// The counters at a clock event: the Lamport clock, the queue length at a receive, and the
/// hybrid clock's `l - pt` and `c` where the line carries them.
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
    if let (Some(h), Some(pt)) = (e.event.hlc(), e.event.pt_us()) {
        let mut hlc = counter(COUNTER_HLC, COUNTER_HLC_AHEAD_KEY, h.l.saturating_sub(pt));
        hlc.args.insert(COUNTER_HLC_C_KEY, h.c);
        records.write(&hlc)?;
    }
    Ok(())
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

#[cfg(test)]
mod tests;
