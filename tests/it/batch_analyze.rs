//! `logiclock analyze BATCH_DIR`: a batch made by `--repeat`/`--sweep` is analyzed as a batch,
//! grouped by what it varied, and its aggregate is written into it.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::cmd::Logiclock;

const TIMEOUT: Duration = Duration::from_secs(60);

/// A sweep of `events.die` over 4 and 10, two seeds each, on the simulated engine.
pub fn sweep(dir: &Path) -> PathBuf {
    let out = dir.join("batch");
    Logiclock::run("configs/default.toml")
        .duration(20.0)
        .seed(11)
        .args([
            "--engine",
            "sim",
            "--repeat",
            "2",
            "--sweep",
            "events.die=4,10",
        ])
        .quiet()
        .out(&out)
        .current_dir(dir)
        .timeout(TIMEOUT)
        .finish()
        .success();
    out
}

/// A swept value of `aggregate.json` as the tables show it: a string as it is, a number as JSON.
pub fn swept_label(value: &serde_json::Value) -> String {
    value
        .as_str()
        .map_or_else(|| value.to_string(), str::to_owned)
}

#[test]
fn a_batch_directory_is_analyzed_run_by_run_and_aggregated_by_swept_value() {
    let tmp = tempfile::tempdir().unwrap();
    let batch = sweep(tmp.path());
    let done = Logiclock::analyze(&batch)
        .timeout(TIMEOUT)
        .finish()
        .success();
    for run in ["events.die=4-seed11", "events.die=10-seed12"] {
        assert!(
            batch.join(run).join("report.md").is_file(),
            "{run} analyzed"
        );
    }
    for file in [
        "aggregate.md",
        "aggregate.json",
        "aggregate.csv",
        "aggregate.svg",
    ] {
        assert!(
            batch.join(file).is_file(),
            "{file} written\n{}",
            done.describe()
        );
    }
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(batch.join("aggregate.json")).unwrap())
            .unwrap();
    assert_eq!(json["swept_key"], "events.die");
    assert_eq!(json["runs"], 4);
    let groups = json["groups"].as_array().unwrap();
    let values: Vec<String> = groups
        .iter()
        .map(|g| swept_label(&g["swept_value"]))
        .collect();
    assert!(
        values
            .windows(2)
            .all(|w| w[0] == w[1] || (w[0] == "4" && w[1] == "10")),
        "grouped by die value, 4 before 10: {values:?}"
    );
    for die in ["4", "10"] {
        let n: u64 = groups
            .iter()
            .filter(|g| swept_label(&g["swept_value"]) == die)
            .map(|g| g["n"].as_u64().unwrap())
            .sum();
        assert_eq!(n, 6, "two runs of three machines with die {die}");
    }
    for g in groups {
        let single = g["n"] == 1;
        for v in g["values"].as_array().unwrap() {
            assert_eq!(
                v["sd"].is_null(),
                single,
                "no spread for a single sample: {g}"
            );
        }
    }
    let md = std::fs::read_to_string(batch.join("aggregate.md")).unwrap();
    assert!(md.contains("| events.die | rate | runs | n |"), "{md}");
    let csv = std::fs::read_to_string(batch.join("aggregate.csv")).unwrap();
    let relative = json["relative_groups"].as_array().unwrap();
    assert_eq!(
        csv.lines().count(),
        1 + groups.len() + relative.len(),
        "a row per group, by rate and by relative rate"
    );
    let svg = std::fs::read_to_string(batch.join("aggregate.svg")).unwrap();
    let texts = crate::util::svg_texts(&svg);
    assert!(
        texts.iter().any(|t| t == "jump mean by events.die"),
        "{texts:?}"
    );
    assert!(texts.iter().any(|t| t == "4") && texts.iter().any(|t| t == "10"));
    assert!(done.stdout.contains("by events.die, then configured rate;"));
}

/// The hand-made run with machine 1's last receive and its stop cut off, and no outcome: a run
/// still in progress (or whose supervisor was killed), with a message in flight.
fn cut_short() -> crate::fixture::Fixture {
    let mut lines = crate::golden::golden_lines();
    lines[1].truncate(3);
    crate::golden::fixture(lines).manifest_edit(|m| m.outcome = None)
}

#[test]
fn a_run_without_an_outcome_is_named_in_progress_not_lossy() {
    let tmp = tempfile::tempdir().unwrap();
    let run = cut_short().write(tmp.path().join("run"));
    let done = Logiclock::analyze(&run)
        .timeout(TIMEOUT)
        .finish()
        .exit_code(1);
    assert!(
        done.stdout.contains("IN PROGRESS OR INTERRUPTED"),
        "{}",
        done.describe()
    );
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(run.join("summary.json")).unwrap()).unwrap();
    let check = |name: &str| {
        summary["verdict"]["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .unwrap()
            .clone()
    };
    assert_eq!(check("ended")["passed"], false);
    assert_eq!(
        check("lost")["passed"],
        true,
        "a message in flight is not lost"
    );
    assert_eq!(check("lost")["expected"], 1);
    let report = std::fs::read_to_string(run.join("report.md")).unwrap();
    assert!(report.contains("IN PROGRESS OR INTERRUPTED"), "{report}");
}

/// A twin batch of two twenty-second default runs (seeds 11 and 12) in `tmp`/batch.
pub(crate) fn twin_batch_of_two(tmp: &Path) -> PathBuf {
    let batch = tmp.join("batch");
    Logiclock::run("configs/default.toml")
        .duration(20.0)
        .seed(11)
        .args(["--engine", "sim", "--repeat", "2"])
        .quiet()
        .out(&batch)
        .current_dir(tmp)
        .timeout(TIMEOUT)
        .finish()
        .success();
    batch
}

#[test]
fn an_interrupted_run_is_not_counted_clean_in_a_batch() {
    let tmp = tempfile::tempdir().unwrap();
    let batch = twin_batch_of_two(tmp.path());
    // The second run as Ctrl-C leaves it: the supervisor records why it ended.
    let manifest = batch.join("seed12").join("manifest.json");
    let mut json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&manifest).unwrap()).unwrap();
    json["outcome"]["reason"] = "interrupted by SIGINT".into();
    std::fs::write(&manifest, json.to_string()).unwrap();
    let done = Logiclock::analyze(&batch)
        .timeout(TIMEOUT)
        .finish()
        .exit_code(1);
    assert!(
        done.stdout
            .contains("INTERRUPTED: the run was interrupted by SIGINT"),
        "{}",
        done.describe()
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(batch.join("aggregate.json")).unwrap())
            .unwrap();
    assert_eq!(
        (json["runs"].as_u64(), json["passed"].as_u64()),
        (Some(2), Some(1)),
        "{}",
        done.stdout
    );
    assert!(done
        .stdout
        .contains("aggregate over 2 runs (1 passed their checks; failed: seed12)"));
}

#[test]
fn analyze_output_fits_100_columns_and_quiet_prints_one_verdict_per_run() {
    let tmp = tempfile::tempdir().unwrap();
    let batch = sweep(tmp.path());
    let done = Logiclock::analyze(&batch)
        .env_remove("COLUMNS")
        .timeout(TIMEOUT)
        .finish()
        .success();
    let wide: Vec<&str> = done
        .stdout
        .lines()
        .filter(|l| l.chars().count() > 100)
        .collect();
    assert!(wide.is_empty(), "lines over 100 columns: {wide:#?}");
    // The machines table is wider than 100 columns: wrapped, its last column still there.
    assert!(done.stdout.contains("max real ms"), "{}", done.stdout);

    let quiet = Logiclock::analyze(&batch)
        .arg("-q")
        .timeout(TIMEOUT)
        .finish()
        .success();
    let lines: Vec<&str> = quiet.stdout.lines().collect();
    assert_eq!(lines.len(), 4, "one line per run: {lines:#?}");
    for line in lines {
        assert!(
            line.ends_with("-seed11: PASS") || line.ends_with("-seed12: PASS"),
            "{line}"
        );
    }
}

#[test]
fn a_batch_aggregate_also_groups_by_relative_rate_and_draws_queue_and_drift_against_rate() {
    let tmp = tempfile::tempdir().unwrap();
    let batch = twin_batch_of_two(tmp.path());
    Logiclock::analyze(&batch)
        .arg("-q")
        .timeout(TIMEOUT)
        .finish()
        .success();
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(batch.join("aggregate.json")).unwrap())
            .unwrap();
    // Each run's fastest machine (or machines) has relative rate 1.
    let mut fastest = 0;
    for run in ["seed11", "seed12"] {
        let manifest: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(batch.join(run).join("manifest.json")).unwrap(),
        )
        .unwrap();
        let rates: Vec<u64> = manifest["machines"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["rate"].as_u64().unwrap())
            .collect();
        let top = *rates.iter().max().unwrap();
        fastest += rates.iter().filter(|&&r| r == top).count() as u64;
    }
    let relative = json["relative_groups"].as_array().unwrap();
    let at_one: u64 = relative
        .iter()
        .filter(|g| g["relative_rate"] == 1.0)
        .map(|g| g["n"].as_u64().unwrap())
        .sum();
    assert_eq!(at_one, fastest, "{json}");
    let all: u64 = relative.iter().map(|g| g["n"].as_u64().unwrap()).sum();
    assert_eq!(all, 6, "every machine of both runs in one relative group");
    let svg = std::fs::read_to_string(batch.join("aggregate.svg")).unwrap();
    let texts = crate::util::svg_texts(&svg);
    for title in [
        "jump mean by relative rate",
        "queue mean by rate",
        "max drift by relative rate",
    ] {
        assert!(texts.iter().any(|t| t == title), "{title}: {texts:?}");
    }
}
