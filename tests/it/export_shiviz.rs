//! `logiclock export shiviz`: the golden file of a hand-made run, several runs as several
//! executions with labels of their own, logs without vector clocks refused, and a checker of
//! ShiViz's clock rules that the real-run export test uses too.

use std::collections::HashMap;

use crate::cmd::Logiclock;
use crate::export::{export, TIMEOUT};
use crate::golden::{fixture, golden_lines, write_golden};
use logiclock::log_format::Event;

/// Check a ShiViz log against ShiViz's rules; returns the number of events per host.
pub(crate) fn check_shiviz(text: &str) -> HashMap<String, u64> {
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

internal lamport=1 tick=1 t_model_s=0.100000 t_real_s=0.100000
machine-0 {"machine-0": 1}
internal lamport=1 tick=1 t_model_s=0.150000 t_real_s=0.150000
machine-1 {"machine-1": 1}
send to machine-1,machine-2 lamport=2 tick=2 t_model_s=0.200000 t_real_s=0.200000
machine-0 {"machine-0": 2}
recv from machine-0 msg_clock=2 lamport=3 queue=0 tick=1 t_model_s=0.250000 t_real_s=0.250000
machine-2 {"machine-0": 2, "machine-2": 1}
recv from machine-0 msg_clock=2 lamport=3 queue=0 tick=2 t_model_s=0.300000 t_real_s=0.300000
machine-1 {"machine-0": 2, "machine-1": 2}
send to machine-1 lamport=4 tick=2 t_model_s=0.350000 t_real_s=0.350000
machine-2 {"machine-0": 2, "machine-2": 2}
recv from machine-2 msg_clock=4 lamport=5 queue=0 tick=3 t_model_s=0.400000 t_real_s=0.400000
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
