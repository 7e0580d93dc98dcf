//! `logiclock analyze` run as a user would: the real binary on hand-made run directories whose
//! answers were computed by hand, on corrupt inputs, and on a short real run.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use logiclock::log_format::FORMAT_VERSION;
use logiclock::manifest::{MachineEntry, Manifest, MANIFEST_VERSION};
use logiclock::scenario::{RateSpec, Scenario};
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_logiclock");
const T0: &str = "2026-01-01T00:00:00.000000Z";

/// Timestamp `ms` milliseconds after [`T0`].
fn ts(ms: u64) -> String {
    format!(
        "2026-01-01T00:00:{:02}.{:06}Z",
        ms / 1000,
        (ms % 1000) * 1000
    )
}

/// Write a manifest for machines with these rates at speedup 1.
fn write_manifest(dir: &Path, rates: &[u32]) {
    let manifest = Manifest {
        manifest_version: MANIFEST_VERSION,
        log_format: FORMAT_VERSION,
        logiclock_version: "test".into(),
        scenario: Scenario {
            name: "hand".into(),
            machines: rates.len() as u32,
            duration_s: 2.5,
            seed: 7,
            speedup: 1.0,
            rates: RateSpec::Fixed(rates.to_vec()),
            die: 10,
            host: [127, 0, 0, 1].into(),
            ports: vec![0; rates.len()],
            ..Scenario::default()
        },
        started_at: T0.into(),
        machines: rates
            .iter()
            .enumerate()
            .map(|(id, &rate)| MachineEntry {
                id: id as u32,
                rate,
                interval_us: 1e6 / f64::from(rate),
                addr: ([127, 0, 0, 1], 0).into(),
                pid: 1,
                log: format!("machine-{id}.log"),
                restarts: Vec::new(),
            })
            .collect(),
        outcome: None,
    };
    manifest.write(dir).unwrap();
}

/// One log line of machine `m` at `ms` with the event fields `rest`.
fn line(ms: u64, m: u32, rest: &str) -> String {
    format!(r#"{{"timestamp":"{}","machine":{m},{rest}}}"#, ts(ms))
}

fn start(m: u32, rate: u32) -> String {
    line(
        0,
        m,
        &format!(
            r#""event":"start","format":1,"rate":{rate},"interval_us":{},"machines":3"#,
            1_000_000 / rate
        ),
    )
}

/// The hand-made run (speedup 1). Machine 0 (rate 2) sends clock 1 to 1 and 2 at 0.5 s, ticks
/// internally at 1.0 s, sends clock 3 to 1 and 2 at 1.5 s and clock 4 to 2 at 2.0 s. Machines 1
/// and 2 (rate 1) only receive: clock 1 at 1.0 s and clock 3 at 2.0 s; machine 2 stops with the
/// clock-4 message in its queue.
fn hand_made_logs() -> [Vec<String>; 3] {
    [
        vec![
            start(0, 2),
            line(
                0,
                0,
                r#""event":"peer_connected","peer":1,"addr":"127.0.0.1:1""#,
            ),
            line(
                500,
                0,
                r#""event":"send","tick":1,"lamport":1,"to":[1,2],"late_us":0"#,
            ),
            line(
                1000,
                0,
                r#""event":"internal","tick":2,"lamport":2,"late_us":0"#,
            ),
            line(
                1500,
                0,
                r#""event":"send","tick":3,"lamport":3,"to":[1,2],"late_us":0"#,
            ),
            line(
                2000,
                0,
                r#""event":"send","tick":4,"lamport":4,"to":[2],"late_us":0"#,
            ),
            line(2100, 0, r#""event":"future_event","whatever":[1,{"a":2}]"#),
            line(
                2500,
                0,
                r#""event":"stop","lamport":4,"queue":0,"ticks":4,"skipped":0,"cpu_ms":1,"max_rss_kb":1"#,
            ),
        ],
        vec![
            start(1, 1),
            line(
                1000,
                1,
                r#""event":"recv","tick":1,"lamport":2,"from":0,"msg_clock":1,"queue":0,"late_us":0"#,
            ),
            line(
                2000,
                1,
                r#""event":"recv","tick":2,"lamport":4,"from":0,"msg_clock":3,"queue":0,"late_us":0"#,
            ),
            line(
                2500,
                1,
                r#""event":"stop","lamport":4,"queue":0,"ticks":2,"skipped":0,"cpu_ms":1,"max_rss_kb":1"#,
            ),
        ],
        vec![
            start(2, 1),
            line(
                1000,
                2,
                r#""event":"recv","tick":1,"lamport":2,"from":0,"msg_clock":1,"queue":0,"late_us":0"#,
            ),
            line(
                2000,
                2,
                r#""event":"recv","tick":2,"lamport":4,"from":0,"msg_clock":3,"queue":0,"late_us":0"#,
            ),
            line(
                2500,
                2,
                r#""event":"stop","lamport":4,"queue":1,"ticks":2,"skipped":0,"cpu_ms":1,"max_rss_kb":1"#,
            ),
        ],
    ]
}

fn write_run(dir: &Path, logs: &[Vec<String>]) {
    std::fs::create_dir_all(dir).unwrap();
    write_manifest(dir, &[2, 1, 1]);
    for (id, lines) in logs.iter().enumerate() {
        std::fs::write(
            dir.join(format!("machine-{id}.log")),
            lines.join("\n") + "\n",
        )
        .unwrap();
    }
}

fn analyze(args: &[&Path]) -> Output {
    let out = Command::new(BIN)
        .arg("analyze")
        .args(args)
        .output()
        .unwrap();
    eprintln!(
        "$ logiclock analyze {args:?}\n--- exit {:?}\n--- stdout\n{}--- stderr\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn summary(dir: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(dir.join("summary.json")).unwrap()).unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn hand_made_dir() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("run");
    write_run(&dir, &hand_made_logs());
    (tmp, dir)
}

#[test]
fn hand_made_run_gives_the_hand_computed_figures() {
    let (_tmp, dir) = hand_made_dir();
    let out = analyze(&[&dir]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("checks: PASS"));
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
    assert_eq!(m[0]["delay_us"]["count"], 0);
    // machines 1 and 2 only receive: jumps 0->2, 2->4; empty queue all run; 0.5 s delays
    for i in [1, 2] {
        assert_eq!(m[i]["jumps"]["histogram"], serde_json::json!([[2, 2]]));
        assert_eq!(m[i]["jumps"]["mean"], 2.0);
        assert_eq!(m[i]["jumps"]["share_above_1"], 1.0);
        assert_eq!(m[i]["jumps"]["biggest"][0]["event"], "recv");
        assert_eq!(m[i]["queue"]["max"], 0);
        assert_eq!(m[i]["queue"]["mean"], 0.0);
        assert_eq!(m[i]["queue"]["p95"], 0);
        assert_eq!(m[i]["delay_us"]["p50"], 500_000);
        assert_eq!(m[i]["delay_us"]["max"], 500_000);
        assert_eq!(m[i]["events"]["recv"], 2);
        assert_eq!(m[i]["events"]["internal"], 0);
    }
    assert_eq!(m[2]["queue"]["at_stop"], 1);
    // drift every 0.5 s (machine 0's interval): clocks (0,0,0) (1,0,0) (2,2,2) (3,2,2) (4,4,4) (4,4,4)
    let d = &s["drift"];
    assert_eq!(d["step_us"], 500_000);
    assert_eq!(d["samples"], 6);
    assert_eq!(d["machines"][1]["max_drift"], -1);
    assert_eq!(d["machines"][1]["max_drift_at_s"], 0.5);
    assert_eq!(d["machines"][1]["final_drift"], 0);
    assert_eq!(d["machines"][0]["max_drift"], 0);
    let slope = d["machines"][2]["slope_per_s"].as_f64().unwrap();
    assert!((slope - 0.5 / 4.375).abs() < 1e-9, "{slope}");
    let drift_csv = std::fs::read_to_string(dir.join("drift.csv")).unwrap();
    assert_eq!(
        drift_csv,
        "t_s,machine_0,machine_1,machine_2\n0.000000,0,0,0\n0.500000,0,-1,-1\n1.000000,0,0,0\n\
         1.500000,0,-1,-1\n2.000000,0,0,0\n2.500000,0,0,0\n"
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
    assert!(
        svg.contains("machine 1 (rate 1/s)") && svg.contains("system time since run start (s)")
    );
    let report = std::fs::read_to_string(dir.join("report.md")).unwrap();
    assert!(report.contains("![Logical clock against system time](clock.svg)"));
}

#[test]
fn a_lost_message_fails_the_check_and_is_named() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("run");
    let mut logs = hand_made_logs();
    // machine 1 never receives clock 3 and stops with an empty queue
    logs[1] = vec![
        logs[1][0].clone(),
        logs[1][1].clone(),
        line(
            2500,
            1,
            r#""event":"stop","lamport":2,"queue":0,"ticks":1,"skipped":0,"cpu_ms":1,"max_rss_kb":1"#,
        ),
    ];
    write_run(&dir, &logs);
    let out = analyze(&[&dir]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
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
    let mut logs = hand_made_logs();
    logs[2][2] = logs[2][2].replace(r#""lamport":4"#, r#""lamport":3"#);
    logs[2][3] = logs[2][3].replace(r#""lamport":4"#, r#""lamport":3"#);
    write_run(&dir, &logs);
    let out = analyze(&[&dir]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("machine-2.log line 3: recv: clock 3, expected max(2, 3) + 1 = 4")
    );
}

/// Corrupt inputs: each gives exit 2 and its own message naming the file (and line).
#[test]
fn corrupt_inputs_each_say_what_is_wrong() {
    type Spoil = fn(&Path);
    fn edit(path: PathBuf, f: impl FnOnce(String) -> String) {
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(path, f(text)).unwrap();
    }
    let cases: [(&str, Spoil, &str); 5] = [
        (
            "truncated line",
            |d| {
                edit(d.join("machine-1.log"), |t| {
                    t + r#"{"timestamp":"2026-01-01T00:00:03.000000Z","machine":1,"ev"#
                })
            },
            "machine-1.log line 5: truncated line",
        ),
        (
            "wrong field type",
            |d| {
                edit(d.join("machine-1.log"), |t| {
                    t.replacen(r#""lamport":2"#, r#""lamport":"2""#, 1)
                })
            },
            "machine-1.log line 2: invalid type: string \"2\", expected u64",
        ),
        (
            "missing manifest",
            |d| std::fs::remove_file(d.join("manifest.json")).unwrap(),
            "run: missing manifest.json",
        ),
        (
            "other format version",
            |d| {
                edit(d.join("machine-2.log"), |t| {
                    t.replacen(r#""format":1"#, r#""format":7"#, 1)
                })
            },
            "machine-2.log: log format 7, this build reads formats 1 to 2",
        ),
        (
            "missing log",
            |d| std::fs::remove_file(d.join("machine-2.log")).unwrap(),
            "manifest.json lists machine 2 but machine-2.log is missing",
        ),
    ];
    for (name, spoil, expected) in cases {
        let (_tmp, dir) = hand_made_dir();
        spoil(&dir);
        let out = analyze(&[&dir]);
        assert_eq!(out.status.code(), Some(2), "{name}");
        assert!(stderr(&out).contains(expected), "{name}: {}", stderr(&out));
        assert!(
            !dir.join("summary.json").exists(),
            "{name}: no summary for a corrupt run"
        );
    }
}

#[test]
fn several_runs_get_an_aggregate_table_and_the_worst_exit_code() {
    let (_a, good) = hand_made_dir();
    let (_b, other) = hand_made_dir();
    let out = analyze(&[&good, &other]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
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
    assert!(
        row.contains(" 4 ") && row.contains("2.000 ± 0.000"),
        "{row}"
    );
    std::fs::remove_file(other.join("manifest.json")).unwrap();
    assert_eq!(analyze(&[&good, &other]).status.code(), Some(2));
}

/// A short real run, then `analyze`: the summary must agree with the logs themselves.
#[test]
fn end_to_end_a_real_run_analyzed() {
    let tmp = tempfile::tempdir().unwrap();
    let run = tmp.path().join("run");
    let status = Command::new(BIN)
        .args([
            "run",
            "configs/default.toml",
            "--speedup",
            "100",
            "--duration",
            "30",
        ])
        .args(["--seed", "3", "--quiet", "--out"])
        .arg(&run)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(status.status.success(), "run failed: {}", stderr(&status));
    let out = analyze(&[&run]);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", stderr(&out));
    let s = summary(&run);
    for check in s["verdict"]["checks"].as_array().unwrap() {
        if ["lamport", "matching", "lost"].contains(&check["name"].as_str().unwrap()) {
            assert_eq!(check["passed"], true, "{check}");
        }
    }
    let (mut sends, mut recvs) = (0u64, 0u64);
    for m in s["machines"].as_array().unwrap() {
        let id = m["id"].as_u64().unwrap();
        let text = std::fs::read_to_string(run.join(format!("machine-{id}.log"))).unwrap();
        let lines: Vec<Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let is_clock =
            |l: &&Value| ["internal", "send", "recv"].contains(&l["event"].as_str().unwrap());
        let last = lines.iter().rev().find(is_clock).unwrap();
        assert_eq!(m["final_clock"], last["lamport"], "machine {id}");
        assert_eq!(m["lines"], lines.len() as u64);
        sends += lines
            .iter()
            .filter(|l| l["event"] == "send")
            .map(|l| l["to"].as_array().unwrap().len() as u64)
            .sum::<u64>();
        recvs += lines.iter().filter(|l| l["event"] == "recv").count() as u64;
    }
    let links = s["links"].as_array().unwrap();
    let sum = |k: &str| links.iter().map(|l| l[k].as_u64().unwrap()).sum::<u64>();
    assert_eq!(sum("sent"), sends);
    assert_eq!(sum("received"), recvs);
    assert_eq!(sum("sent"), sum("received") + sum("left_in_queue"));
}
