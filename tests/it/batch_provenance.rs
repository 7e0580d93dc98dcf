//! A batch's runs are grouped by what their manifests record (`{key, value, seed}`, written
//! when each runs), never by their directories' names: renamed, oddly named or old members.

use std::path::Path;
use std::time::Duration;

use crate::batch_analyze::sweep;
use crate::cmd::Logiclock;

const TIMEOUT: Duration = Duration::from_secs(60);

/// `analyze BATCH`, which must succeed; returns its `aggregate.json`.
fn analyze(batch: &Path) -> serde_json::Value {
    Logiclock::analyze(batch)
        .arg("-q")
        .timeout(TIMEOUT)
        .finish()
        .success();
    serde_json::from_str(&std::fs::read_to_string(batch.join("aggregate.json")).unwrap()).unwrap()
}

/// The machines (samples) of each die value's groups, in the aggregate's order of groups.
fn samples_by_die(json: &serde_json::Value) -> Vec<(String, u64)> {
    let mut out: Vec<(String, u64)> = Vec::new();
    for g in json["groups"].as_array().unwrap() {
        let value = crate::batch_analyze::swept_label(&g["swept_value"]);
        let n = g["n"].as_u64().unwrap();
        match out.last_mut() {
            Some((last, total)) if *last == value => *total += n,
            _ => out.push((value, n)),
        }
    }
    out
}

/// Rename member `from` of `batch` to `to`.
fn rename(batch: &Path, from: &str, to: &str) {
    std::fs::rename(batch.join(from), batch.join(to)).unwrap();
}

/// Change member `run`'s manifest with `edit`.
fn edit_manifest(batch: &Path, run: &str, edit: impl FnOnce(&mut serde_json::Value)) {
    let path = batch.join(run).join("manifest.json");
    let mut json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    edit(&mut json);
    std::fs::write(&path, serde_json::to_string_pretty(&json).unwrap()).unwrap();
}

#[test]
fn each_run_of_a_sweep_records_its_key_typed_value_and_seed() {
    let tmp = tempfile::tempdir().unwrap();
    let batch = sweep(tmp.path());
    let manifest: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(batch.join("events.die=10-seed12/manifest.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        manifest["batch"],
        serde_json::json!({"key": "events.die", "value": 10, "seed": 12}),
        "a number stays a number"
    );
}

#[test]
fn a_batch_with_a_run_directory_named_x_nan_is_analyzed_without_a_panic() {
    let tmp = tempfile::tempdir().unwrap();
    let batch = sweep(tmp.path());
    rename(&batch, "events.die=4-seed11", "x=nan-seed1");
    rename(&batch, "events.die=4-seed12", "x=4-seed12");
    rename(&batch, "events.die=10-seed11", "x=10-seed11");
    rename(&batch, "events.die=10-seed12", "x=nan-seed2");
    let json = analyze(&batch);
    assert_eq!(json["swept_key"], "events.die");
    assert_eq!(
        samples_by_die(&json),
        [("4".to_owned(), 6), ("10".to_owned(), 6)]
    );
}

#[test]
fn a_renamed_member_directory_still_groups_by_its_recorded_value() {
    let tmp = tempfile::tempdir().unwrap();
    let batch = sweep(tmp.path());
    // A name that says the opposite of what the run did.
    rename(&batch, "events.die=4-seed11", "events.die=10-seed99");
    let json = analyze(&batch);
    assert_eq!(json["swept_key"], "events.die");
    assert_eq!(
        samples_by_die(&json),
        [("4".to_owned(), 6), ("10".to_owned(), 6)],
        "two runs of three machines per die value"
    );
}

#[test]
fn a_swept_value_with_a_comma_gives_every_csv_row_the_header_width() {
    let tmp = tempfile::tempdir().unwrap();
    let batch = sweep(tmp.path());
    for seed in [11, 12] {
        let run = format!("events.die=4-seed{seed}");
        edit_manifest(&batch, &run, |m| m["batch"]["value"] = "a,b".into());
        // Named as it would be, so a reader of names sees the comma too.
        rename(&batch, &run, &format!("events.die=a,b-seed{seed}"));
    }
    analyze(&batch);
    let mut csv = csv::Reader::from_path(batch.join("aggregate.csv")).unwrap();
    let width = csv.headers().unwrap().len();
    let rows: Vec<csv::StringRecord> = csv.records().map(|r| r.unwrap()).collect();
    assert!(!rows.is_empty());
    for row in &rows {
        assert_eq!(row.len(), width, "{row:?}");
    }
    assert!(rows.iter().any(|row| &row[1] == "a,b"), "{rows:?}");
}

#[test]
fn a_batch_made_before_the_record_groups_by_its_scenarios_values() {
    let tmp = tempfile::tempdir().unwrap();
    let batch = sweep(tmp.path());
    for (n, run) in [
        "events.die=4-seed11",
        "events.die=4-seed12",
        "events.die=10-seed11",
        "events.die=10-seed12",
    ]
    .into_iter()
    .enumerate()
    {
        edit_manifest(&batch, run, |m| {
            m.as_object_mut().unwrap().remove("batch");
        });
        rename(&batch, run, &format!("run{n}"));
    }
    let json = analyze(&batch);
    // Named as the manifest's scenario block names it (`die`, not the TOML file's `events.die`).
    assert_eq!(json["swept_key"], "die", "the one key that differs");
    assert_eq!(
        samples_by_die(&json),
        [("4".to_owned(), 6), ("10".to_owned(), 6)]
    );
}
