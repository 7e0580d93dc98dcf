//! Tests of [`super`]: an imported run directory reads back through the one reader.

use std::path::PathBuf;

use super::{manifest, write_run, Source};
use crate::import::convert::{Converted, MachineLines};
use crate::log_format::Event;
use crate::manifest::{Engine, ImportedTimestamps, Manifest};

fn internal(tick: u64) -> Event {
    Event::Internal {
        tick,
        lamport: tick,
        vc: vec![tick, 0],
        late_us: 0,
        pt_us: None,
        hlc: None,
    }
}

fn converted() -> Converted {
    let machine = |id: u32| MachineLines {
        machine: id,
        source: PathBuf::from(format!("in/m{id}.csv")),
        source_lines: vec![2, 5],
        lines: vec![
            (1_700_000_000_000_000, internal(1)),
            (1_700_000_000_500_000, internal(2)),
        ],
    };
    Converted {
        machines: vec![machine(0), machine(1)],
        synthetic_times: false,
        derived: vec!["tick: the event's index on its machine, from 1".into()],
    }
}

fn source() -> Source {
    Source {
        dir: PathBuf::from("in"),
        format: "csv".into(),
    }
}

#[test]
fn the_manifest_says_imported_and_leaves_the_unknown_null() {
    let m = manifest(&converted(), &source(), std::time::UNIX_EPOCH);
    assert_eq!(m.engine, Engine::Imported);
    assert_eq!(m.scenario, None);
    assert_eq!(m.started_at, "2023-11-14T22:13:20.000000Z");
    let imported = m.imported.as_ref().expect("an imported record");
    assert_eq!(imported.source, "in");
    assert_eq!(imported.format, "csv");
    assert_eq!(imported.at, "1970-01-01T00:00:00.000000Z");
    assert_eq!(imported.timestamps, ImportedTimestamps::Logged);
    assert_eq!(imported.files[1].source, "in/m1.csv");
    assert_eq!(imported.files[1].lines, [[2, 2], [5, 5]]);
    let json = serde_json::to_value(&m).unwrap();
    for key in ["rate", "interval_us", "addr", "pid"] {
        assert!(json["machines"][0][key].is_null(), "{key}: {json}");
    }
    assert!(json["scenario"].is_null() && json["outcome"].is_null());
    assert_eq!(json["engine"], "imported");
}

#[test]
fn an_imported_run_reads_back_through_runlog_line_for_line() {
    let dir = tempfile::tempdir().unwrap();
    let written = write_run(dir.path(), &converted(), &source()).unwrap();
    let run = crate::runlog::open_run(dir.path()).unwrap();
    assert_eq!(run.manifest, written);
    assert_eq!(Manifest::read(dir.path()).unwrap(), written);
    let mut lines = Vec::new();
    crate::runlog::read_log(&run.logs[1], 1, |line| {
        lines.push((line.line, line.timestamp, line.event));
        true
    })
    .unwrap();
    assert_eq!(
        lines,
        [
            (1, 1_700_000_000_000_000, internal(1)),
            (2, 1_700_000_000_500_000, internal(2))
        ]
    );
}

#[test]
fn an_existing_log_is_never_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("machine-1.log");
    std::fs::write(&log, "theirs\n").unwrap();
    let err = write_run(dir.path(), &converted(), &source()).unwrap_err();
    assert!(err.to_string().contains("machine-1.log"), "{err}");
    assert_eq!(std::fs::read_to_string(&log).unwrap(), "theirs\n");
}
