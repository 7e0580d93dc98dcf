//! Chrome/Perfetto trace-event JSON: a process track per machine, a slice per clock event, a flow
//! arrow from each send to its receive, counters for the Lamport clock and the queue.
//!
//! Flows use the "v2" form (`bind_id` with `flow_out` on the sending slice and `flow_in` on the
//! receiving one), which both chrome://tracing and the Perfetto UI read. A slice binds one flow,
//! so a send to several machines gets one child slice per received message (`to machine-N`),
//! each holding that message's flow (a little shorter than its share, so that it nests
//! strictly inside the send). Timestamps are µs since the run start.

use std::io::Write;

use crate::timeline::{Event, Kind, Message, Timeline};

/// The trace thread of every machine's clock events.
const TID: u32 = 1;

/// Process id of machine `id` (trace viewers treat pid 0 specially).
pub fn pid(id: u32) -> u32 {
    id + 1
}

/// Write the trace of `timeline`, with a flow for every message of `messages` that was received.
pub fn write(
    timeline: &Timeline,
    messages: &[Message],
    out: &mut impl Write,
) -> std::io::Result<()> {
    let events = &timeline.events;
    // Flow ids: message index + 1 for every message with both ends.
    let mut recv_flow = vec![0u64; events.len()];
    let mut send_flows: Vec<Vec<(u32, u64)>> = vec![Vec::new(); events.len()];
    for (i, m) in messages.iter().enumerate() {
        if let (Some(s), Some(r)) = (m.send, m.recv) {
            let id = i as u64 + 1;
            recv_flow[r] = id;
            send_flows[s].push((m.to, id));
        }
    }
    let widths = slice_widths(timeline);

    writeln!(
        out,
        "{{\"displayTimeUnit\":\"ms\",\"otherData\":{{\"run\":{}}},\"traceEvents\":[",
        json_string(&timeline.dir.display().to_string())
    )?;
    let mut first = true;
    let mut sep = |out: &mut dyn Write| -> std::io::Result<()> {
        if !std::mem::take(&mut first) {
            out.write_all(b",\n")?;
        }
        Ok(())
    };
    for (n, m) in timeline.machines.iter().enumerate() {
        let p = pid(m.id);
        sep(out)?;
        write!(
            out,
            r#"{{"ph":"M","name":"process_name","pid":{p},"tid":{TID},"args":{{"name":"machine {} (rate {}/s)"}}}}"#,
            m.id, m.rate
        )?;
        sep(out)?;
        write!(
            out,
            r#"{{"ph":"M","name":"process_sort_index","pid":{p},"tid":{TID},"args":{{"sort_index":{n}}}}}"#
        )?;
        sep(out)?;
        write!(
            out,
            r#"{{"ph":"M","name":"thread_name","pid":{p},"tid":{TID},"args":{{"name":"ticks"}}}}"#
        )?;
    }
    let mut args = String::with_capacity(128);
    for (i, e) in events.iter().enumerate() {
        let p = pid(e.machine);
        let ts = (e.ts_us - timeline.origin_us) as f64;
        if let Kind::Other(other) = &e.kind {
            if other.name.starts_with("peer_") {
                continue;
            }
            sep(out)?;
            write!(
                out,
                r#"{{"ph":"i","s":"t","cat":"event","name":"{}","pid":{p},"tid":{TID},"ts":{ts:.0},"args":{{"detail":{}}}}}"#,
                other.name,
                json_string(&other.detail)
            )?;
            continue;
        }
        let dur = widths[i];
        args.clear();
        slice_args(&mut args, e);
        sep(out)?;
        write!(
            out,
            r#"{{"ph":"X","cat":"tick","name":"{}","pid":{p},"tid":{TID},"ts":{ts:.0},"dur":{dur:.3},"args":{{{args}}}"#,
            e.name()
        )?;
        if recv_flow[i] != 0 {
            write!(out, r#","bind_id":{},"flow_in":true"#, recv_flow[i])?;
        }
        out.write_all(b"}")?;
        let flows = &send_flows[i];
        let part = dur / flows.len().max(1) as f64;
        for (k, &(to, id)) in flows.iter().enumerate() {
            sep(out)?;
            write!(
                out,
                r#"{{"ph":"X","cat":"message","name":"to machine-{to}","pid":{p},"tid":{TID},"ts":{:.3},"dur":{:.3},"bind_id":{id},"flow_out":true,"args":{{"to":{to},"lamport":{}}}}}"#,
                ts + part * k as f64,
                part * 0.9,
                e.lamport.unwrap_or(0)
            )?;
        }
        sep(out)?;
        write!(
            out,
            r#"{{"ph":"C","name":"lamport","pid":{p},"tid":{TID},"ts":{ts:.0},"args":{{"lamport":{}}}}}"#,
            e.lamport.unwrap_or(0)
        )?;
        if let Kind::Recv { queue, .. } = e.kind {
            sep(out)?;
            write!(
                out,
                r#"{{"ph":"C","name":"queue","pid":{p},"tid":{TID},"ts":{ts:.0},"args":{{"queue":{queue}}}}}"#
            )?;
        }
    }
    out.write_all(b"\n]}\n")
}

/// Width of each clock event's slice, µs: half the machine's tick interval, shortened so that it
/// ends before the machine's next event (slices on one track must nest, not overlap).
fn slice_widths(timeline: &Timeline) -> Vec<f64> {
    let mut widths = vec![0.0; timeline.events.len()];
    let mut next: Vec<Option<i64>> = vec![None; 64];
    for (i, e) in timeline.events.iter().enumerate().rev() {
        if !e.is_clock_event() {
            continue;
        }
        let half = timeline
            .machine_index(e.machine)
            .map_or(1_000.0, |m| timeline.machines[m].interval_us / 2.0);
        let slot = &mut next[e.machine as usize % 64];
        let gap = slot.map_or(f64::INFINITY, |n| (n - e.ts_us) as f64 * 0.9);
        widths[i] = half.min(gap).max(0.5);
        *slot = Some(e.ts_us);
    }
    widths
}

/// The slice's arguments: clocks, tick and the message fields.
fn slice_args(out: &mut String, e: &Event) {
    use std::fmt::Write as _;
    let _ = write!(
        out,
        r#""lamport":{},"tick":{}"#,
        e.lamport.unwrap_or(0),
        e.tick.unwrap_or(0)
    );
    if !e.vc.is_empty() {
        out.push_str(r#","vc":""#);
        push_list(out, e.vc.iter());
        out.push('"');
    }
    match e.kind {
        Kind::Send { to } => {
            out.push_str(r#","to":""#);
            push_list(out, to.iter());
            out.push('"');
        }
        Kind::Recv {
            from,
            msg_clock,
            queue,
        } => {
            let _ = write!(
                out,
                r#","from":{from},"msg_clock":{msg_clock},"queue":{queue}"#
            );
        }
        _ => {}
    }
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

fn json_string(text: &str) -> String {
    serde_json::to_string(text).expect("a string always serializes")
}
