//! `logiclock export perfetto`: the golden trace of a hand-made run (tracks, slices, flows,
//! counters), and a checker of the rules chrome://tracing and Perfetto apply to flows and
//! counters, run on the golden trace and on a real multicast run.

use std::collections::HashMap;

use crate::cmd::Logiclock;
use crate::export::export;
use crate::golden::{read_logs, write_golden};
use logiclock::log_format::Event;

#[test]
fn perfetto_golden_flows_tracks_and_counters() {
    let tmp = tempfile::tempdir().unwrap();
    let run = write_golden(&tmp.path().join("golden"));
    let text = export("perfetto", &run, &tmp.path().join("trace.json"));
    let trace: serde_json::Value = serde_json::from_str(&text).unwrap();
    let events = trace["traceEvents"].as_array().unwrap();
    let names: Vec<&str> = events
        .iter()
        .filter(|e| e["name"] == "process_name")
        .map(|e| e["args"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "machine 0 (rate 1/s)",
            "machine 1 (rate 2/s)",
            "machine 2 (rate 3/s)"
        ]
    );
    let slices = |name: &str| {
        events
            .iter()
            .filter(|e| e["ph"] == "X" && e["name"] == name)
            .count()
    };
    assert_eq!(
        (slices("internal"), slices("send"), slices("recv")),
        (2, 2, 3)
    );
    // Flows: (pid of the send, ts of the send) -> (pid, ts) of the receive, by bind_id.
    let mut outs = HashMap::new();
    let mut ins = HashMap::new();
    for e in events {
        if let Some(id) = e["bind_id"].as_u64() {
            let end = (e["pid"].as_u64().unwrap(), e["ts"].as_f64().unwrap() as u64);
            if e["flow_out"] == true {
                assert!(outs.insert(id, end).is_none(), "one flow_out per id");
            } else {
                assert_eq!(e["flow_in"], true);
                assert!(ins.insert(id, end).is_none(), "one flow_in per id");
            }
        }
    }
    // A flow starts in a child slice of its send (one per recipient), inside the send's slice.
    let mut flows: Vec<_> = outs
        .iter()
        .map(|(id, &(pid, ts))| {
            let send_ts = if pid == 1 { 200_000 } else { 350_000 };
            assert!((send_ts..send_ts + 100_000 * 5).contains(&ts), "{pid} {ts}");
            ((pid, send_ts), ins[id])
        })
        .collect();
    flows.sort();
    assert_eq!(
        flows,
        [
            ((1, 200_000), (2, 300_000)),
            ((1, 200_000), (3, 250_000)),
            ((3, 350_000), (2, 400_000))
        ]
    );
    let lamport: Vec<u64> = events
        .iter()
        .filter(|e| e["ph"] == "C" && e["name"] == "Lamport" && e["pid"] == 2)
        .map(|e| e["args"]["clock"].as_u64().unwrap())
        .collect();
    assert_eq!(lamport, [1, 3, 5]);
    let queues = events.iter().filter(|e| e["name"] == "queue").count();
    assert_eq!(queues, 3);
    assert_eq!(check_perfetto_viewer_rules(events), 3);
}

/// Check the rules chrome://tracing (catapult's trace_event_importer) and Perfetto's
/// `flow_tracker` apply to flows and counters; returns the number of flows.
fn check_perfetto_viewer_rules(events: &[serde_json::Value]) -> usize {
    // Both importers take flow ends in time order: a flow_in slice that starts before its
    // flow_out slice ends is dropped (catapult: flow_slice_ordering_error; Perfetto:
    // flow_end_without_start) or drawn backwards.
    let mut outs: HashMap<u64, &serde_json::Value> = HashMap::new();
    for e in events.iter().filter(|e| e["flow_out"] == true) {
        assert!(outs.insert(e["bind_id"].as_u64().unwrap(), e).is_none());
    }
    let mut flows = 0;
    let mut backwards = Vec::new();
    let mut clashes = std::collections::BTreeSet::new();
    for e in events.iter().filter(|e| e["flow_in"] == true) {
        let out = outs[&e["bind_id"].as_u64().unwrap()];
        let out_end = out["ts"].as_f64().unwrap() + out["dur"].as_f64().unwrap();
        if e["ts"].as_f64().unwrap() < out_end {
            backwards.push((out["ts"].clone(), out["dur"].clone(), e["ts"].clone()));
        }
        // catapult merges the producer's and the consumer's args into the flow.
        let out_args = out["args"].as_object().unwrap();
        clashes.extend(
            e["args"]
                .as_object()
                .unwrap()
                .keys()
                .filter(|k| out_args.contains_key(*k))
                .cloned(),
        );
        flows += 1;
    }
    assert!(
        backwards.is_empty(),
        "{} of {flows} flows end before they start (send ts, dur, recv ts): {:?}",
        backwards.len(),
        &backwards[..backwards.len().min(5)]
    );
    assert!(
        clashes.is_empty(),
        "arguments on both ends of a flow (catapult: arg_merge_error): {clashes:?}"
    );
    // Perfetto names a counter track "<name> <arg key>".
    let mut tracks: Vec<String> = events
        .iter()
        .filter(|e| e["ph"] == "C")
        .flat_map(|e| {
            let name = e["name"].as_str().unwrap().to_string();
            e["args"]
                .as_object()
                .unwrap()
                .keys()
                .map(move |k| format!("{name} {k}"))
        })
        .collect();
    tracks.sort();
    tracks.dedup();
    // The hybrid clock's two tracks, for runs that carry it (log format 6 and up).
    let hlc = events
        .iter()
        .any(|e| e["ph"] == "X" && e["args"]["hlc"].is_string());
    let mut expected = vec!["Lamport clock", "queue length"];
    if hlc {
        expected.splice(0..0, ["HLC c", "HLC l_minus_pt_us"]);
    }
    assert_eq!(tracks, expected);
    flows
}

#[test]
fn perfetto_flows_of_a_real_multicast_run_all_start_before_they_end() {
    let tmp = tempfile::tempdir().unwrap();
    let run = tmp.path().join("run");
    Logiclock::run("configs/five-machines.toml")
        .speedup(50.0)
        .duration(30.0)
        .seed(5)
        .quiet()
        .out(&run)
        .finish()
        .success();
    let recvs = read_logs(&run)
        .iter()
        .filter(|l| matches!(l.event, Event::Recv { .. }))
        .count();
    let trace: serde_json::Value =
        serde_json::from_str(&export("perfetto", &run, &tmp.path().join("trace.json"))).unwrap();
    let flows = check_perfetto_viewer_rules(trace["traceEvents"].as_array().unwrap());
    assert_eq!(flows, recvs, "one flow per receive");
    assert!(
        flows > 100,
        "the run should exchange many messages: {flows}"
    );
}

/// The flows Perfetto's JSON importer keeps: records sorted as its `TraceSorter` sorts them (by
/// time in ns, then complete slices longest first, then the rest, then file order), each
/// `flow_in` kept only when its `flow_out` came before (else `flow_end_without_start`).
/// Returns (flows kept, flows dropped).
fn perfetto_kept_flows(events: &[serde_json::Value]) -> (usize, usize) {
    let ns = |v: &serde_json::Value| {
        let us = v.as_f64().unwrap();
        // Perfetto's CoerceToTs: whole µs exactly, else rounded to the ns.
        if us == us.trunc() {
            us as i64 * 1_000
        } else {
            (us * 1_000.0).round() as i64
        }
    };
    let mut order: Vec<(i64, i64, usize)> = events
        .iter()
        .enumerate()
        .filter(|(_, e)| e["ph"] != "M")
        .map(|(i, e)| {
            let key = if e["ph"] == "X" {
                i64::MAX - ns(&e["dur"])
            } else {
                i64::MAX
            };
            (ns(&e["ts"]), key, i)
        })
        .collect();
    order.sort();
    let mut started = std::collections::HashSet::new();
    let (mut kept, mut dropped) = (0, 0);
    for (_, _, i) in order {
        let e = &events[i];
        let Some(id) = e["bind_id"].as_u64() else {
            continue;
        };
        if e["flow_out"] == true {
            assert!(started.insert(id), "flow {id} starts twice");
        } else if started.contains(&id) {
            kept += 1;
        } else {
            dropped += 1;
        }
    }
    (kept, dropped)
}

#[test]
fn perfetto_keeps_the_arrow_of_every_message_of_a_link_without_latency() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = crate::util::scenario(
        tmp.path(),
        "instant.toml",
        "name = \"instant\"\nmachines = 5\nduration_s = 20\nspeedup = 1.0\nseed = 3\n\
         [clock]\nmin_rate = 1\nmax_rate = 6\n[events]\ndie = 10\n[network]\nlatency_us = 0\n",
    );
    let run = tmp.path().join("run");
    Logiclock::run(&scenario)
        .args(["--engine", "sim"])
        .quiet()
        .out(&run)
        .finish()
        .success();
    let lines = read_logs(&run);
    let recvs = lines
        .iter()
        .filter(|l| matches!(l.event, Event::Recv { .. }))
        .count();
    // Without latency, receives are logged at their send's very instant.
    let sends: std::collections::HashSet<(u32, u64, i64)> = lines
        .iter()
        .filter_map(|l| match l.event {
            Event::Send { lamport, .. } => Some((l.machine, lamport, l.timestamp)),
            _ => None,
        })
        .collect();
    let instant = lines
        .iter()
        .filter(|l| match l.event {
            Event::Recv {
                from, msg_clock, ..
            } => sends.contains(&(from, msg_clock, l.timestamp)),
            _ => false,
        })
        .count();
    assert!(
        instant > 20,
        "few receives at their send's instant: {instant}"
    );
    let trace: serde_json::Value =
        serde_json::from_str(&export("perfetto", &run, &tmp.path().join("trace.json"))).unwrap();
    let events = trace["traceEvents"].as_array().unwrap();
    assert_eq!(
        perfetto_kept_flows(events),
        (recvs, 0),
        "Perfetto keeps one arrow per receive"
    );
    assert_eq!(check_perfetto_viewer_rules(events), recvs);
}

#[test]
fn perfetto_keeps_every_arrow_of_the_golden_and_a_real_run() {
    let tmp = tempfile::tempdir().unwrap();
    let run = write_golden(&tmp.path().join("golden"));
    let text = export("perfetto", &run, &tmp.path().join("trace.json"));
    let trace: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        perfetto_kept_flows(trace["traceEvents"].as_array().unwrap()),
        (3, 0)
    );
}
