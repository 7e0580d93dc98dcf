//! `logiclock export`: the CSV golden rows of a hand-made run, a corrupt line refused in every
//! format, and a real run's exports checked against its logs (ShiViz's golden files and rules are
//! in `export_shiviz.rs`, Perfetto's in `export_perfetto.rs`).

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use crate::cmd::Logiclock;
use crate::export_shiviz::check_shiviz;
use crate::golden::{fixture, golden_lines, read_logs, real_run, write_golden};
use logiclock::log_format::Event;

/// Longest any export of these tests may take.
pub(crate) const TIMEOUT: Duration = Duration::from_secs(30);

/// `logiclock export FORMAT RUN --out OUT`, which must succeed; the text it wrote.
pub(crate) fn export(format: &str, run: &Path, out: &Path) -> String {
    Logiclock::export(format, run)
        .arg("--out")
        .arg(out)
        .timeout(TIMEOUT)
        .finish()
        .success();
    std::fs::read_to_string(out).unwrap()
}

#[test]
fn csv_golden_rows() {
    let tmp = tempfile::tempdir().unwrap();
    let run = write_golden(&tmp.path().join("golden"));
    let text = export("csv", &run, &tmp.path().join("events.csv"));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "machine,line,timestamp,t_model_s,t_real_s,event,tick,lamport,vc,to,from,msg_clock,queue,late_real_us,peer,detail,pt_us,hlc_l,hlc_c"
    );
    assert_eq!(lines.len(), 1 + 4 + 5 + 4);
    assert!(lines.contains(
        &r#"0,3,2026-01-01T00:00:00.200000Z,0.200000,0.200000,send,2,2,"[2,0,0]","[1,2]",,,,0,,,,,"#
    ));
    assert!(lines.contains(
        &r#"1,4,2026-01-01T00:00:00.400000Z,0.400000,0.400000,recv,3,5,"[2,3,2]",,2,4,0,0,,,,,"#
    ));
    assert!(lines.contains(
        &"2,4,2026-01-01T00:00:00.500000Z,0.500000,0.500000,stop,,4,,,,,,,,queue=0 ticks=2 skipped=0 cpu_ms=1 max_rss_kb=1,,,"
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
