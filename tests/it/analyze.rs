//! `logiclock analyze` run as a user would: the real binary on hand-made run directories whose
//! answers were computed by hand, alone and several at once; and the typed log lines the other
//! analyze tests build their runs from (corrupt inputs are in `analyze_corrupt.rs`, a real run in
//! `analyze_real.rs`, fault runs in `analyze_faults.rs`).

use std::path::{Path, PathBuf};

use logiclock::log_format::Event;
use serde_json::Value;

use crate::cmd::{Finished, Logiclock};
use crate::fixture::{at, line, Entry, Fixture};

/// Longest any command of these tests may take.
pub const TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

/// A format 1 `start` line (no vector clocks) of one of three machines.
pub fn start(rate: u32) -> Event {
    Event::Start {
        format: 1,
        rate,
        interval_us: 1_000_000 / u64::from(rate),
        machines: 3,
        incarnation: 0,
    }
}

/// A format 1 `send` line (no vector clock).
pub fn send(tick: u64, lamport: u64, to: &[u32]) -> Event {
    Event::Send {
        tick,
        lamport,
        to: to.to_vec(),
        vc: Vec::new(),
        late_us: 0,
        pt_us: None,
        hlc: None,
    }
}

/// A format 1 `internal` line.
pub fn internal(tick: u64, lamport: u64) -> Event {
    Event::Internal {
        tick,
        lamport,
        vc: Vec::new(),
        late_us: 0,
        pt_us: None,
        hlc: None,
    }
}

/// A format 1 `recv` line, with an empty queue after it.
pub fn recv(tick: u64, lamport: u64, from: u32, msg_clock: u64) -> Event {
    Event::Recv {
        tick,
        lamport,
        from,
        msg_clock,
        queue: 0,
        vc: Vec::new(),
        late_us: 0,
        pt_us: None,
        hlc: None,
        msg_hlc: None,
        offset_rejected: false,
    }
}

/// A `stop` line.
pub fn stop(lamport: u64, queue: u64, ticks: u64, skipped: u64) -> Event {
    Event::Stop {
        lamport,
        queue,
        ticks,
        skipped,
        cpu_ms: 1,
        max_rss_kb: 1,
    }
}

/// The hand-made run (speedup 1). Machine 0 (rate 2) sends clock 1 to 1 and 2 at 0.5 s, ticks
/// internally at 1.0 s, sends clock 3 to 1 and 2 at 1.5 s and clock 4 to 2 at 2.0 s. Machines 1
/// and 2 (rate 1) only receive: clock 1 at 1.0 s and clock 3 at 2.0 s; machine 2 stops with the
/// clock-4 message in its queue. Machine 0 also logs an event this version does not know.
pub(crate) fn hand_made() -> Fixture {
    let peer = Event::PeerConnected {
        peer: 1,
        addr: "127.0.0.1:1".into(),
    };
    let future = format!(
        r#"{{"timestamp":"{}","machine":0,"event":"future_event","whatever":[1,{{"a":2}}]}}"#,
        at(2100)
    );
    Fixture::new(3)
        .rates([2, 1, 1])
        .duration(2.5)
        .line(0, 0, start(2))
        .line(0, 0, peer)
        .line(0, 500, send(1, 1, &[1, 2]))
        .line(0, 1000, internal(2, 2))
        .line(0, 1500, send(3, 3, &[1, 2]))
        .line(0, 2000, send(4, 4, &[2]))
        .raw_line(0, &future)
        .line(0, 2500, stop(4, 0, 4, 0))
        .line(1, 0, start(1))
        .line(1, 1000, recv(1, 2, 0, 1))
        .line(1, 2000, recv(2, 4, 0, 3))
        .line(1, 2500, stop(4, 0, 2, 0))
        .line(2, 0, start(1))
        .line(2, 1000, recv(1, 2, 0, 1))
        .line(2, 2000, recv(2, 4, 0, 3))
        .line(2, 2500, stop(4, 1, 2, 0))
}

/// `logiclock analyze DIRS`, its output shown if the test fails.
pub fn analyze(dirs: &[&Path]) -> Finished {
    let out = Logiclock::analyze(dirs[0])
        .args(&dirs[1..])
        .timeout(TIMEOUT)
        .finish();
    eprintln!("{}", out.describe());
    out
}

/// The `summary.json` that `analyze` wrote into `dir`.
pub fn summary(dir: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(dir.join("summary.json")).unwrap()).unwrap()
}

/// Assert that the correctness checks (Lamport, matching, nothing lost, vector clocks) are in
/// the `summary` of a run and passed; `context` is printed with a failure.
pub fn assert_correct(summary: &Value, context: &str) {
    let checks = summary["verdict"]["checks"].as_array().unwrap();
    for name in ["lamport", "matching", "lost", "vector"] {
        let check = checks.iter().find(|c| c["name"] == name);
        let check = check.unwrap_or_else(|| panic!("no {name} check: {context}"));
        assert_eq!(check["passed"], true, "{name}: {check}\n{context}");
    }
}

fn hand_made_dir() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = hand_made().write(tmp.path().join("run"));
    (tmp, dir)
}

#[test]
fn hand_made_run_gives_the_hand_computed_figures() {
    let (_tmp, dir) = hand_made_dir();
    let out = analyze(&[&dir]);
    assert_eq!(out.code(), Some(0));
    assert!(out.stdout.contains("checks: PASS"));
    let s = summary(&dir);
    assert_eq!(s["verdict"]["passed"], true);
    assert_eq!(s["lines"], 16);
    let m = &s["machines"];
    // machine 0: jumps 1,1,1,1; never receives; an unknown event is counted as other
    assert_eq!(m[0]["final_clock"], 4);
    assert_eq!(m[0]["jumps"]["histogram"], serde_json::json!([[1, 4]]));
    assert_eq!(m[0]["events"]["other"], 2);
    assert_eq!(m[0]["events"]["send"], 3);
    assert_eq!(m[0]["achieved_rate"], 2.0);
    assert_eq!(m[0]["delay_real_us"]["count"], 0);
    // machines 1 and 2 only receive: jumps 0->2, 2->4; empty queue all run; 0.5 s delays
    for i in [1, 2] {
        assert_eq!(m[i]["jumps"]["histogram"], serde_json::json!([[2, 2]]));
        assert_eq!(m[i]["jumps"]["mean"], 2.0);
        assert_eq!(m[i]["jumps"]["share_above_1"], 1.0);
        assert_eq!(m[i]["jumps"]["biggest"][0]["event"], "recv");
        assert_eq!(m[i]["queue"]["max"], 0);
        assert_eq!(m[i]["queue"]["mean"], 0.0);
        assert_eq!(m[i]["queue"]["p95"], 0);
        assert_eq!(m[i]["delay_real_us"]["p50"], 500_000);
        assert_eq!(m[i]["delay_real_us"]["max"], 500_000);
        assert_eq!(m[i]["events"]["recv"], 2);
        assert_eq!(m[i]["events"]["internal"], 0);
    }
    assert_eq!(m[2]["queue"]["at_stop"], 1);
    // drift every 0.5 s (machine 0's interval): clocks (0,0,0) (1,0,0) (2,2,2) (3,2,2) (4,4,4) (4,4,4)
    let d = &s["drift"];
    assert_eq!(d["step_real_us"], 500_000);
    assert_eq!(d["samples"], 6);
    assert_eq!(d["machines"][1]["max_drift"], -1);
    assert_eq!(d["machines"][1]["max_drift_at_model_s"], 0.5);
    assert_eq!(d["machines"][1]["max_drift_at_real_s"], 0.5, "speedup 1");
    assert_eq!(d["machines"][1]["final_drift"], 0);
    assert_eq!(d["machines"][0]["max_drift"], 0);
    let slope = d["machines"][2]["slope_per_model_s"].as_f64().unwrap();
    assert!((slope - 0.5 / 4.375).abs() < 1e-9, "{slope}");
    let drift_csv = std::fs::read_to_string(dir.join("drift.csv")).unwrap();
    assert_eq!(
        drift_csv,
        "t_model_s,t_real_s,machine_0,machine_1,machine_2\n0.000000,0.000000,0,0,0\n\
         0.500000,0.500000,0,-1,-1\n1.000000,1.000000,0,0,0\n1.500000,1.500000,0,-1,-1\n\
         2.000000,2.000000,0,0,0\n2.500000,2.500000,0,0,0\n"
    );
    // links: 0->1 two sent, two received; 0->2 three sent, two received, one left in the queue
    let links: Vec<(u64, u64, u64, u64, u64)> = s["links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            let f = |k: &str| l[k].as_u64().unwrap();
            (
                f("from"),
                f("to"),
                f("sent"),
                f("received"),
                f("left_in_queue"),
            )
        })
        .collect();
    assert_eq!(links, vec![(0, 1, 2, 2, 0), (0, 2, 3, 2, 1)]);
    for file in [
        "report.md",
        "clock.csv",
        "queue.csv",
        "clock.svg",
        "drift.svg",
        "queue.svg",
        "jumps-machine-2.svg",
    ] {
        assert!(dir.join(file).is_file(), "{file} missing");
    }
    let svg = std::fs::read_to_string(dir.join("clock.svg")).unwrap();
    assert!(svg.contains("machine 1 (rate 1/s)") && svg.contains("model time since run start (s)"));
    let report = std::fs::read_to_string(dir.join("report.md")).unwrap();
    assert!(report.contains("![Logical clock against model time (speedup 1: "));
}

#[test]
fn a_lost_message_fails_the_check_and_is_named() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("run");
    let mut run = hand_made();
    // machine 1 never receives clock 3 and stops with an empty queue
    run.log_mut(1).truncate(2);
    run.line(1, 2500, stop(2, 0, 1, 0)).write(&dir);
    let out = analyze(&[&dir]);
    assert_eq!(out.code(), Some(1));
    let text = out.stdout.clone();
    assert!(text.contains("checks: FAIL"));
    assert!(
        text.contains("machine-0.log line 5: message 0->1 with clock 3 was never received"),
        "{text}"
    );
    assert!(
        text.contains(r#""event":"send","tick":3,"lamport":3"#),
        "the line is quoted"
    );
    let s = summary(&dir);
    let checks = s["verdict"]["checks"].as_array().unwrap();
    let lost = checks.iter().find(|c| c["name"] == "lost").unwrap();
    assert_eq!(lost["passed"], false);
    assert_eq!(lost["offences"], 1);
    assert_eq!(lost["first"][0]["line"], 5);
    assert_eq!(s["links"][0]["lost"], 1);
}

#[test]
fn a_broken_lamport_rule_fails_with_its_line() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("run");
    let mut run = hand_made();
    run.log_mut(2)[2] = Entry::Line(line(2000, 2, recv(2, 3, 0, 3)));
    run.log_mut(2)[3] = Entry::Line(line(2500, 2, stop(3, 1, 2, 0)));
    run.write(&dir);
    let out = analyze(&[&dir]);
    assert_eq!(out.code(), Some(1));
    assert!(out
        .stdout
        .contains("machine-2.log line 3: recv: clock 3, expected max(2, 3) + 1 = 4"));
}

#[test]
fn several_runs_get_an_aggregate_table_and_the_worst_exit_code() {
    let (_a, good) = hand_made_dir();
    let (_b, other) = hand_made_dir();
    let out = analyze(&[&good, &other]);
    assert_eq!(out.code(), Some(0));
    let text = out.stdout.clone();
    assert!(
        text.contains("aggregate over 2 runs (2 passed their checks)"),
        "{text}"
    );
    // rate 1: machines 1 and 2 of both runs, all with mean jump 2
    let row = text
        .lines()
        .skip_while(|l| !l.starts_with("aggregate"))
        .find(|l| l.trim_start().starts_with("1 "))
        .unwrap();
    assert!(row.contains(" 4 ") && row.contains("2.00±0.00"), "{row}");
    std::fs::remove_file(other.join("manifest.json")).unwrap();
    assert_eq!(analyze(&[&good, &other]).code(), Some(2));
}
