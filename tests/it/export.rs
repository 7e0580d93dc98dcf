//! `logiclock export`: golden files of a hand-made run, ShiViz's clock rules, and a real run's
//! exports checked against its logs.

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use crate::cmd::Logiclock;
use crate::golden::{fixture, golden_lines, read_logs, real_run, write_golden};
use logiclock::log_format::Event;

const TIMEOUT: Duration = Duration::from_secs(30);

fn export(format: &str, run: &Path, out: &Path) -> String {
    Logiclock::export(format, run)
        .arg("--out")
        .arg(out)
        .timeout(TIMEOUT)
        .finish()
        .success();
    std::fs::read_to_string(out).unwrap()
}

/// Check a ShiViz log against ShiViz's rules; returns the number of events per host.
fn check_shiviz(text: &str) -> HashMap<String, u64> {
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some(r"(?<event>.*)\n(?<host>\S*) (?<clock>{.*})")
    );
    lines.next().expect("the delimiter line");
    let mut own: HashMap<String, u64> = HashMap::new();
    let body: Vec<&str> = lines.filter(|l| !l.starts_with("=== ")).collect();
    assert_eq!(body.len() % 2, 0, "event and clock lines come in pairs");
    for pair in body.chunks(2) {
        let (host, clock) = pair[1].split_once(' ').expect("host {clock}");
        let clock: HashMap<String, u64> =
            serde_json::from_str(clock).unwrap_or_else(|e| panic!("bad clock {clock:?}: {e}"));
        let count = own.entry(host.to_string()).or_default();
        *count += 1;
        assert_eq!(
            clock.get(host),
            Some(&*count),
            "{host}'s own entry must be 1 more than at its previous event: {pair:?}"
        );
        assert!(clock.values().all(|&v| v > 0), "only non-zero entries");
    }
    own
}

#[test]
fn shiviz_golden_file_of_a_hand_made_run() {
    let tmp = tempfile::tempdir().unwrap();
    let run = write_golden(&tmp.path().join("golden"));
    let text = export("shiviz", &run, &tmp.path().join("g.log"));
    let expected = r#"(?<event>.*)\n(?<host>\S*) (?<clock>{.*})

internal lamport=1 tick=1 t=0.100000s
machine-0 {"machine-0": 1}
internal lamport=1 tick=1 t=0.150000s
machine-1 {"machine-1": 1}
send to machine-1,machine-2 lamport=2 tick=2 t=0.200000s
machine-0 {"machine-0": 2}
recv from machine-0 msg_clock=2 lamport=3 queue=0 tick=1 t=0.250000s
machine-2 {"machine-0": 2, "machine-2": 1}
recv from machine-0 msg_clock=2 lamport=3 queue=0 tick=2 t=0.300000s
machine-1 {"machine-0": 2, "machine-1": 2}
send to machine-1 lamport=4 tick=2 t=0.350000s
machine-2 {"machine-0": 2, "machine-2": 2}
recv from machine-2 msg_clock=4 lamport=5 queue=0 tick=3 t=0.400000s
machine-1 {"machine-0": 2, "machine-1": 3, "machine-2": 2}
"#;
    assert_eq!(text, expected);
    let counts = check_shiviz(&text);
    assert_eq!(counts["machine-1"], 3);
}

#[test]
fn shiviz_exports_several_runs_as_several_executions() {
    let tmp = tempfile::tempdir().unwrap();
    let a = write_golden(&tmp.path().join("run-a"));
    let b = write_golden(&tmp.path().join("run-b"));
    let out = tmp.path().join("both.log");
    Logiclock::export("shiviz", &a)
        .arg(&b)
        .arg("--out")
        .arg(&out)
        .timeout(TIMEOUT)
        .finish()
        .success();
    let text = std::fs::read_to_string(&out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[1], "=== (?<trace>.*) ===");
    assert_eq!(lines[2], "=== run-a ===");
    assert_eq!(lines.iter().filter(|l| **l == "=== run-b ===").count(), 1);
    assert_eq!(lines.len(), 2 + 2 + 2 * 7 * 2);
    // Each execution restarts the clocks: check them one by one.
    let (first, second) = text.split_once("=== run-b ===\n").unwrap();
    check_shiviz(first);
    check_shiviz(&format!("{}\n\n{second}", lines[0]));
}

#[test]
fn shiviz_labels_two_runs_called_seed5_by_their_batches() {
    let tmp = tempfile::tempdir().unwrap();
    let a = write_golden(&tmp.path().join("batch-a").join("seed5"));
    let b = write_golden(&tmp.path().join("batch-b").join("seed5"));
    let out = tmp.path().join("both.log");
    Logiclock::export("shiviz", &a)
        .arg(&b)
        .arg(&a)
        .arg("--out")
        .arg(&out)
        .timeout(TIMEOUT)
        .finish()
        .success();
    let text = std::fs::read_to_string(&out).unwrap();
    // ShiViz (js/model/parser.js) refuses a file whose executions share a label.
    let labels: Vec<&str> = text
        .lines()
        .skip(2)
        .filter_map(|l| l.strip_prefix("=== ")?.strip_suffix(" ==="))
        .collect();
    assert_eq!(
        labels,
        ["batch-a/seed5", "batch-b/seed5", "batch-a/seed5 (2)"]
    );
}

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

#[test]
fn csv_golden_rows() {
    let tmp = tempfile::tempdir().unwrap();
    let run = write_golden(&tmp.path().join("golden"));
    let text = export("csv", &run, &tmp.path().join("events.csv"));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "machine,line,timestamp,ts_us,event,tick,lamport,vc,to,from,msg_clock,queue,late_us,peer,detail"
    );
    assert_eq!(lines.len(), 1 + 4 + 5 + 4);
    assert!(lines
        .contains(&r#"0,3,2026-01-01T00:00:00.200000Z,200000,send,2,2,"[2,0,0]","[1,2]",,,,0,,"#));
    assert!(
        lines.contains(&r#"1,4,2026-01-01T00:00:00.400000Z,400000,recv,3,5,"[2,3,2]",,2,4,0,0,,"#)
    );
    assert!(lines.contains(
        &"2,4,2026-01-01T00:00:00.500000Z,500000,stop,,4,,,,,,,,queue=0 ticks=2 skipped=0 cpu_ms=1 max_rss_kb=1"
    ));
}

#[test]
fn a_corrupt_line_is_exit_2_naming_the_file_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    // A whole line without the fields of its event (a line cut short at the end only warns).
    let run = fixture(golden_lines())
        .raw_line(
            1,
            r#"{"timestamp":"2026-01-01T00:00:00.6Z","machine":1,"event":"recv"}"#,
        )
        .write(tmp.path().join("golden"));
    for format in ["shiviz", "perfetto", "csv"] {
        Logiclock::export(format, &run)
            .timeout(TIMEOUT)
            .finish()
            .exit_code(2)
            .stderr_contains("machine-1.log line 6");
    }
}

#[test]
fn shiviz_refuses_logs_without_vector_clocks() {
    let tmp = tempfile::tempdir().unwrap();
    let mut lines = golden_lines();
    for l in lines.iter_mut().flatten() {
        match &mut l.event {
            Event::Internal { vc, .. } | Event::Send { vc, .. } | Event::Recv { vc, .. } => {
                vc.clear()
            }
            _ => {}
        }
    }
    let run = fixture(lines).write(tmp.path().join("old"));
    Logiclock::export("shiviz", &run)
        .timeout(TIMEOUT)
        .finish()
        .exit_code(2)
        .stderr_contains("no vector clocks");
    // The other formats do without them.
    Logiclock::export("csv", &run)
        .timeout(TIMEOUT)
        .finish()
        .success();
}

#[test]
fn a_real_run_exports_match_its_logs() {
    let tmp = tempfile::tempdir().unwrap();
    let run = real_run(tmp.path());
    let logs = read_logs(&run);
    let clock_events = logs
        .iter()
        .filter(|l| {
            matches!(
                l.event,
                Event::Internal { .. } | Event::Send { .. } | Event::Recv { .. }
            )
        })
        .count();
    let recvs = logs
        .iter()
        .filter(|l| matches!(l.event, Event::Recv { .. }))
        .count();
    assert!(recvs > 10, "the run should exchange messages");

    let csv = export("csv", &run, &tmp.path().join("events.csv"));
    assert_eq!(csv.lines().count(), 1 + logs.len(), "one row per log line");

    let shiviz = export("shiviz", &run, &tmp.path().join("shiviz.log"));
    let per_host = check_shiviz(&shiviz);
    assert_eq!(per_host.values().sum::<u64>() as usize, clock_events);
    assert_eq!(per_host.len(), 3);

    let trace: serde_json::Value =
        serde_json::from_str(&export("perfetto", &run, &tmp.path().join("trace.json"))).unwrap();
    let events = trace["traceEvents"].as_array().unwrap();
    let slices = events
        .iter()
        .filter(|e| e["ph"] == "X" && e["cat"] == "tick")
        .count();
    assert_eq!(slices, clock_events, "one slice per clock event");
    // Every receive has exactly one flow, from a send of the machine it names.
    let mut outs: HashMap<u64, (u64, u64)> = HashMap::new();
    for e in events.iter().filter(|e| e["flow_out"] == true) {
        let id = e["bind_id"].as_u64().unwrap();
        let to = e["args"]["message_to"].as_u64().unwrap();
        assert!(outs.insert(id, (e["pid"].as_u64().unwrap(), to)).is_none());
    }
    let mut flows_in = 0;
    for e in events.iter().filter(|e| e["flow_in"] == true) {
        let id = e["bind_id"].as_u64().unwrap();
        let (send_pid, to) = outs.remove(&id).expect("a flow_in has its flow_out");
        assert_eq!(
            e["pid"].as_u64().unwrap(),
            to + 1,
            "the flow ends at its recipient"
        );
        assert_eq!(e["args"]["from"].as_u64().unwrap() + 1, send_pid);
        flows_in += 1;
    }
    assert_eq!(flows_in, recvs, "every receive has one flow");
    assert!(outs.is_empty(), "every flow_out has its flow_in: {outs:?}");
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
    assert_eq!(tracks, ["Lamport clock", "queue length"]);
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
