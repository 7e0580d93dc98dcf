//! The Markdown tables of `logiclock analyze`'s `report.md`, read back cell by cell: a run at a
//! speedup gives its times and rates in model seconds, as its scenario does.

use logiclock::log_format::Event;
use logiclock::manifest::{FaultCause, FaultRecord, MachineExit, Manifest, RunOutcome};

use crate::analyze::{analyze, internal, stop};
use crate::fixture::{at, Fixture};
use crate::plots::read;

/// The cells of the Markdown table row of `report` that starts with `first`, under the header
/// that names `column`.
fn report_cell(report: &str, column: &str, first: &str) -> String {
    let mut header: Option<Vec<String>> = None;
    for line in report.lines() {
        let cells: Vec<String> = line
            .trim_matches('|')
            .split('|')
            .map(|c| c.trim().to_string())
            .collect();
        if cells.iter().any(|c| c == column) {
            header = Some(cells);
            continue;
        }
        if let Some(h) = &header {
            if cells.first().map(String::as_str) == Some(first) && cells.len() == h.len() {
                let k = h.iter().position(|c| c == column).unwrap();
                return cells[k].clone();
            }
        }
    }
    panic!("no row {first:?} under a column {column:?} in\n{report}")
}

#[test]
fn tables_give_model_time_where_the_scenario_does() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("run");
    // Speedup 10: two rate-1 machines tick every 100 real ms (1 model s) for 2 real s; machine 1
    // is killed at 1.5 real s = model second 15, the `at_s = 15` of its scenario.
    let start10 = Event::Start {
        format: 1,
        rate: 1,
        interval_us: 100_000,
        machines: 2,
        incarnation: 0,
    };
    let mut run = Fixture::new(2).duration(20.0);
    for m in 0..2u32 {
        run = run.line(m, 0, start10.clone());
        let last = if m == 1 { 14 } else { 20 };
        for k in 1..=last {
            run = run.line(m, k * 100, internal(k, k));
        }
        if m == 0 {
            run = run.line(m, 2010, stop(20, 0, 20, 0));
        }
    }
    run.manifest_edit(|manifest: &mut Manifest| {
        manifest.scenario.as_mut().unwrap().speedup = 10.0;
        for m in &mut manifest.machines {
            m.interval_us = Some(100_000.0);
        }
        manifest.outcome = Some(RunOutcome {
            ended_at: at(2100),
            clean: true,
            reason: "completed".into(),
            faults: vec![FaultRecord {
                at: at(1500),
                kind: "kill".parse().unwrap(),
                // An older manifest's record: the reader infers its phase.
                phase: None,
                machines: vec![1],
                detail: "machine 1 killed".into(),
                cause: FaultCause::Planned,
                outcome: Default::default(),
            }],
            exits: vec![MachineExit {
                id: 1,
                status: "killed by signal 9 (SIGKILL) (kill fault)".into(),
                clean: true,
                report: None,
            }],
        })
    })
    .write(&dir);
    assert_ne!(analyze(&[&dir]).code(), Some(2));
    let report = read(&dir, "report.md");
    assert_eq!(report_cell(&report, "at (model s)", "15.000"), "15.000");
    assert_eq!(report_cell(&report, "real s", "15.000"), "1.500");
    // a rate-1 machine's clock runs at 1 per model second, not 10 per real second
    assert_eq!(report_cell(&report, "clock/model s", "0"), "1.00");
    assert_eq!(report_cell(&report, "clock/model s", "1"), "1.00");
}
