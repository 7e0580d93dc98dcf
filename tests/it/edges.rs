//! The edges of issue 16: a run too large for its disk, duplicate sweep values, default names
//! taken at once, unusable hosts and names, outputs that are not directories.

use std::time::Duration;

use crate::cmd::Logiclock;
use crate::util;

const TIMEOUT: Duration = Duration::from_secs(30);

/// The scenario: the most machines at the highest rate for the longest duration.
const WEEK_AT_FULL_RATE: &str = "name = \"week\"\nmachines = 64\nduration_s = 604800\n\
    [clock]\nmin_rate = 1000\nmax_rate = 1000\n[events]\ndie = 100\n";

#[test]
fn a_week_of_64_machines_at_full_rate_is_refused_before_anything_is_created() {
    for engine in ["real", "sim"] {
        let tmp = tempfile::tempdir().unwrap();
        let scenario = util::scenario(tmp.path(), "week.toml", WEEK_AT_FULL_RATE);
        let out = tmp.path().join("out");
        let done = Logiclock::run(&scenario)
            .args(["--engine", engine])
            .out(&out)
            .current_dir(tmp.path())
            .timeout(TIMEOUT)
            .finish()
            .exit_code(2)
            .stderr_contains("38.7 billion lines")
            .stderr_contains("TB of logs")
            .stderr_contains("free")
            .stderr_contains("--duration");
        assert!(
            !out.exists(),
            "{engine}: nothing is created\n{}",
            done.describe()
        );
    }
}

#[test]
fn a_batch_too_large_for_the_disk_is_refused_with_its_total_and_no_batch_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = util::scenario(tmp.path(), "week.toml", WEEK_AT_FULL_RATE);
    let done = Logiclock::run(&scenario)
        .args(["--engine", "sim", "--repeat", "2"])
        .current_dir(tmp.path())
        .timeout(TIMEOUT)
        .finish()
        .exit_code(2)
        .stderr_contains("77.4 billion lines");
    assert!(!tmp.path().join("runs").exists(), "{}", done.describe());
}

#[test]
fn a_run_records_its_estimate_in_its_manifest() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    Logiclock::run("configs/default.toml")
        .args(["--engine", "sim", "--seed", "1"])
        .out(&out)
        .timeout(TIMEOUT)
        .finish()
        .success();
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    let (mut lines, mut bytes) = (0, 0);
    for entry in std::fs::read_dir(&out).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "log") {
            let text = std::fs::read_to_string(path).unwrap();
            lines += text.lines().count() as u64;
            bytes += text.len() as u64;
        }
    }
    let estimate = &manifest["estimate"];
    // Within a line per machine: the twin's last tick may fall either side of the end.
    let expected = estimate["lines"].as_u64().unwrap();
    assert!(
        expected.abs_diff(lines) <= 3,
        "{estimate} against {lines} lines"
    );
    let ratio = estimate["bytes"].as_u64().unwrap() as f64 / bytes as f64;
    assert!(
        (0.9..1.2).contains(&ratio),
        "{estimate} against {bytes} bytes"
    );
}

/// A plain twin run of the default scenario at `out`.
fn twin_run(out: &std::path::Path, seed: u64) {
    Logiclock::run("configs/default.toml")
        .args(["--engine", "sim"])
        .duration(10.0)
        .seed(seed)
        .quiet()
        .out(out)
        .timeout(TIMEOUT)
        .finish()
        .success();
}

#[test]
fn a_batch_names_and_leaves_out_a_foreign_run_and_fails_a_member_without_a_manifest() {
    let tmp = tempfile::tempdir().unwrap();
    let batch = crate::batch_analyze::sweep(tmp.path());
    twin_run(&batch.join("stranger"), 5);
    std::fs::create_dir(batch.join("notes")).unwrap();
    let cut = batch.join("events.die=10-seed12");
    std::fs::remove_file(cut.join("manifest.json")).unwrap();
    let done = Logiclock::analyze(&batch)
        .timeout(TIMEOUT)
        .finish()
        .exit_code(2)
        .stderr_contains("stranger is not a run of the batch")
        .stderr_contains("notes is not a run of the batch")
        .stderr_contains("1 of the 4 runs of the batch")
        .stderr_contains("events.die=10-seed12")
        .stdout_contains("aggregate over 3 runs");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(batch.join("aggregate.json")).unwrap())
            .unwrap();
    assert_eq!(json["runs"], 3, "{}", done.describe());
    assert_eq!(json["swept_key"], "events.die", "{json}");
    assert!(!batch.join("stranger/report.md").exists(), "left out");
}

#[test]
fn a_run_given_twice_is_counted_once() {
    let tmp = tempfile::tempdir().unwrap();
    let run = tmp.path().join("a");
    twin_run(&run, 3);
    let done = Logiclock::analyze(&run)
        .arg(tmp.path().join("./a"))
        .timeout(TIMEOUT)
        .finish()
        .success()
        .stderr_contains("counted once");
    assert_eq!(done.stdout.matches("wrote report.md").count(), 1);
    assert!(
        !done.stdout.contains("aggregate over 2 runs"),
        "{}",
        done.describe()
    );

    let batch = crate::batch_analyze::sweep(tmp.path());
    let done = Logiclock::analyze(batch.join("events.die=4-seed11"))
        .arg(&batch)
        .timeout(TIMEOUT)
        .finish()
        .success()
        .stderr_contains("counted once")
        .stdout_contains("aggregate over 4 runs");
    assert_eq!(done.stdout.matches("wrote report.md").count(), 4);
}
