//! The exports carry the physical and hybrid clocks (issue 18): the CSV's `pt_us`, `hlc_l` and
//! `hlc_c`, ShiViz's event text and Perfetto's slice arguments hold each line's logged values.

use std::collections::{BTreeMap, BTreeSet};

use crate::cmd::Logiclock;
use crate::export::{export, TIMEOUT};
use crate::golden::read_logs;
use logiclock::log_format::Event;

#[test]
fn every_export_carries_each_lines_physical_and_hybrid_clock() {
    let tmp = tempfile::tempdir().unwrap();
    let run = tmp.path().join("twin");
    Logiclock::run(crate::cmd::repo().join("configs/skewed-clocks.toml"))
        .args(["--engine", "sim", "--duration", "4"])
        .seed(9)
        .quiet()
        .out(&run)
        .timeout(TIMEOUT)
        .finish()
        .success();
    let logs = read_logs(&run);
    // (machine, line) -> (pt_us, l, c) of every clock event.
    let logged: BTreeMap<(u32, u64), (u64, u64, u64)> = logs
        .iter()
        .filter_map(|l| {
            let (pt, h) = (l.event.pt_us()?, l.event.hlc()?);
            Some(((l.machine, l.line), (pt, h.l, h.c)))
        })
        .collect();
    assert!(logged.len() > 300, "{} clock events", logged.len());

    let text = export("csv", &run, &tmp.path().join("events.csv"));
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (machine, line, pt, l, c) = (
        col("machine"),
        col("line"),
        col("pt_us"),
        col("hlc_l"),
        col("hlc_c"),
    );
    let mut from_csv = BTreeMap::new();
    for row in reader.records() {
        let row = row.unwrap();
        if row[pt].is_empty() {
            assert!(row[l].is_empty() && row[c].is_empty(), "{row:?}");
            continue;
        }
        let num = |k: usize| row[k].parse::<u64>().unwrap();
        from_csv.insert((num(machine) as u32, num(line)), (num(pt), num(l), num(c)));
    }
    assert_eq!(from_csv, logged);

    // ShiViz: each event line names its clocks; a receive also the message's.
    let shiviz = export("shiviz", &run, &tmp.path().join("shiviz.log"));
    let mut from_shiviz = BTreeSet::new();
    for event in shiviz.lines().filter(|t| t.contains(" hlc=[")) {
        let field = |key: &str| event.split(key).nth(1).unwrap().split(' ').next().unwrap();
        from_shiviz.insert((field(" pt_us=").to_owned(), field(" hlc=").to_owned()));
    }
    let expected: BTreeSet<(String, String)> = logged
        .values()
        .map(|(pt, l, c)| (pt.to_string(), format!("[{l},{c}]")))
        .collect();
    assert_eq!(from_shiviz, expected);
    let recv = logs
        .iter()
        .find_map(|l| match &l.event {
            Event::Recv {
                msg_hlc: Some(m), ..
            } => Some(format!(" msg_hlc=[{},{}]", m.l, m.c)),
            _ => None,
        })
        .expect("the run has receives");
    assert!(shiviz.contains(&recv), "no {recv:?} in the ShiViz log");

    // Perfetto: each tick slice's arguments.
    let trace: serde_json::Value =
        serde_json::from_str(&export("perfetto", &run, &tmp.path().join("trace.json"))).unwrap();
    let from_trace: BTreeSet<(u64, String)> = trace["traceEvents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["ph"] == "X" && e["cat"] == "tick")
        .map(|e| {
            let args = &e["args"];
            (
                args["pt_us"].as_u64().unwrap(),
                args["hlc"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expected: BTreeSet<(u64, String)> = logged
        .values()
        .map(|(pt, l, c)| (*pt, format!("[{l},{c}]")))
        .collect();
    assert_eq!(from_trace, expected);
    // And the hybrid clock's counter track: l - pt and c at every clock event.
    let from_counters: BTreeSet<(u64, u64)> = trace["traceEvents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["ph"] == "C" && e["name"] == "HLC")
        .map(|e| {
            let args = &e["args"];
            (
                args["l_minus_pt_us"].as_u64().unwrap(),
                args["c"].as_u64().unwrap(),
            )
        })
        .collect();
    let expected: BTreeSet<(u64, u64)> = logged.values().map(|(pt, l, c)| (l - pt, *c)).collect();
    assert_eq!(from_counters, expected);
}
