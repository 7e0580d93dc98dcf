//! Tests of [`super`]: fault records, machine ends and versions read and written.

use super::{FaultCause, FaultOutcome, FaultRecord, MachineEnd};
use crate::log_format::{FaultKind, FaultPhase};

#[test]
fn a_planned_fault_record_leaves_its_cause_out_and_job_control_writes_it() {
    let mut record = FaultRecord {
        at: "2026-01-01T00:00:05Z".into(),
        kind: FaultKind::Pause,
        phase: Some(FaultPhase::Begin),
        machines: vec![2],
        detail: "machine 2 paused (SIGSTOP)".into(),
        cause: FaultCause::Planned,
        outcome: Default::default(),
    };
    let planned = serde_json::to_string(&record).unwrap();
    assert!(!planned.contains("cause"), "{planned}");
    assert_eq!(
        serde_json::from_str::<FaultRecord>(&planned).unwrap(),
        record
    );
    record.cause = FaultCause::JobControl;
    let job = serde_json::to_string(&record).unwrap();
    assert!(job.contains(r#""cause":"job_control""#), "{job}");
    assert_eq!(serde_json::from_str::<FaultRecord>(&job).unwrap(), record);
}

#[test]
fn a_fault_that_did_not_apply_is_written_with_its_reason_and_a_done_one_without_outcome() {
    let mut record = FaultRecord {
        at: "2026-01-01T00:00:05Z".into(),
        kind: FaultKind::Kill,
        phase: Some(FaultPhase::Instant),
        machines: vec![1],
        detail: "kill of machine 1 planned".into(),
        cause: FaultCause::Planned,
        outcome: FaultOutcome::Done,
    };
    assert!(!serde_json::to_string(&record).unwrap().contains("outcome"));
    record.outcome = FaultOutcome::NotApplicable("machine 1 is dead".into());
    let json = serde_json::to_string(&record).unwrap();
    assert!(
        json.contains(r#""outcome":{"not_applicable":"machine 1 is dead"}"#),
        "{json}"
    );
    assert_eq!(serde_json::from_str::<FaultRecord>(&json).unwrap(), record);
}

fn read(json: &str) -> MachineEnd {
    serde_json::from_str(json).unwrap()
}

#[test]
fn every_end_is_read_back_equal() {
    for end in [
        MachineEnd::Exited { code: 3 },
        MachineEnd::Signaled { signal: 11 },
        MachineEnd::KilledByFault,
        MachineEnd::KilledBySupervisor,
        MachineEnd::Unknown,
    ] {
        assert_eq!(read(&serde_json::to_string(&end).unwrap()), end);
    }
    assert_eq!(
        serde_json::to_string(&MachineEnd::Exited { code: 0 }).unwrap(),
        r#"{"how":"exited","code":0}"#
    );
}

#[test]
fn the_text_of_version_1_manifests_is_still_read() {
    let cases = [
        ("exit 0", MachineEnd::Exited { code: 0 }),
        ("exit 3", MachineEnd::Exited { code: 3 }),
        (
            "killed by signal 9 (SIGKILL)",
            MachineEnd::Signaled { signal: 9 },
        ),
        ("killed by signal 10", MachineEnd::Signaled { signal: 10 }),
        (
            "killed by signal 9 (SIGKILL) (kill fault)",
            MachineEnd::KilledByFault,
        ),
        (
            "exit 0 (killed by the supervisor)",
            MachineEnd::KilledBySupervisor,
        ),
        (
            "killed by signal 9 (SIGKILL) (killed by the supervisor)",
            MachineEnd::KilledBySupervisor,
        ),
        ("unknown", MachineEnd::Unknown),
        ("ended in an unknown way", MachineEnd::Unknown),
    ];
    for (text, end) in cases {
        assert_eq!(read(&format!("{text:?}")), end, "{text}");
    }
}

#[test]
fn a_committed_manifest_of_a_real_run_reads_with_its_scenario_and_no_import() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("experiments/default/seed101");
    let m = super::Manifest::read(&dir).unwrap();
    assert_eq!(m.engine, super::Engine::Real);
    assert_eq!(m.imported, None);
    assert_eq!(m.seed(), Some(101));
    assert!(m
        .machines
        .iter()
        .all(|e| e.rate.is_some() && e.pid.is_some()));
    let json = serde_json::to_string(&m).unwrap();
    assert!(!json.contains("imported"), "{json}");
}

#[test]
fn the_imported_engine_is_no_choice_of_run() {
    use clap::ValueEnum;
    let names: Vec<String> = super::Engine::value_variants()
        .iter()
        .filter_map(|e| e.to_possible_value())
        .map(|v| v.get_name().to_owned())
        .collect();
    assert_eq!(names, ["real", "sim"]);
    assert_eq!(
        serde_json::to_string(&super::Engine::Imported).unwrap(),
        r#""imported""#
    );
    assert!(!super::Engine::Imported.ran_here() && super::Engine::Sim.ran_here());
}

#[test]
fn source_lines_are_kept_as_ranges_of_consecutive_lines() {
    use super::line_ranges;
    assert_eq!(line_ranges(&[]), Vec::<[u64; 2]>::new());
    assert_eq!(line_ranges(&[1, 2, 3, 4]), [[1, 4]]);
    assert_eq!(line_ranges(&[2, 3, 7, 9, 10]), [[2, 3], [7, 7], [9, 10]]);
    assert_eq!(line_ranges(&[5, 4]), [[5, 5], [4, 4]]);
}
