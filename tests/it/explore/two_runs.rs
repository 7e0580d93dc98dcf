//! Two runs on one page (`logiclock explore RUN_A RUN_B`): both stacked on one axis, their event
//! counts those of their logs, and the first divergence the one `logiclock diff` finds.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::harness::{selftest, three_machines, twin, TIMEOUT};
use super::oracle::Oracle;
use crate::cmd::Logiclock;

/// `logiclock explore A B`, the page written (into B, by default).
fn explore_two(a: &Path, b: &Path) -> PathBuf {
    let name = a.file_name().unwrap().to_string_lossy().into_owned();
    Logiclock::new()
        .arg("explore")
        .arg(a)
        .arg(b)
        .timeout(TIMEOUT)
        .logs_in(b)
        .finish()
        .success()
        .stderr_contains(&format!("explore-vs-{name}.html"));
    b.join(format!("explore-vs-{name}.html"))
}

/// Clock events in a run's logs.
fn events(run: &Path) -> usize {
    Oracle::read(run).lanes.iter().map(Vec::len).sum()
}

/// `logiclock diff A B`'s report.
fn diff(a: &Path, b: &Path) -> Value {
    Logiclock::new()
        .arg("diff")
        .arg(a)
        .arg(b)
        .timeout(TIMEOUT)
        .finish()
        .success();
    serde_json::from_str(&std::fs::read_to_string(b.join("diff.json")).unwrap()).unwrap()
}

/// The page's divergence without its log lines and time, as `diff.json` writes a difference.
fn as_diff(divergence: &Value) -> Value {
    let mut d = divergence.clone();
    for side in ["a", "b"] {
        if let Some(s) = d[side].as_object_mut() {
            s.remove("line");
        }
    }
    let o = d.as_object_mut().unwrap();
    o.remove("machine");
    o.remove("model_s");
    d
}

/// The page's divergence is one of the machines' first differences in `diff.json` (the
/// earliest one), on that machine; none exactly when diff finds none.
fn assert_matches_diff(out: &Value, report: &Value) {
    let firsts: Vec<(u64, &Value)> = report["machines"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| !m["first_difference"].is_null())
        .map(|m| (m["id"].as_u64().unwrap(), &m["first_difference"]))
        .collect();
    let d = &out["divergence"];
    if firsts.is_empty() {
        assert!(d.is_null(), "diff found none, the page {d}");
        return;
    }
    let machine = d["machine"].as_u64().expect("a divergence on the page");
    let (_, first) = firsts
        .iter()
        .find(|(id, _)| *id == machine)
        .unwrap_or_else(|| panic!("diff found no difference on machine {machine}: {report}"));
    assert_eq!(as_diff(d), **first, "{out}");
}

fn blocks_count_their_logs(out: &Value, a: &Path, b: &Path) {
    assert_eq!(out["ok"], true, "{out}");
    assert_eq!(out["shared_axis"], true, "{out}");
    assert_eq!(out["a"]["events"], events(a), "{out}");
    assert_eq!(out["b"]["events"], events(b), "{out}");
}

#[test]
fn a_twin_stacked_on_its_own_rerun_shows_no_divergence() {
    if !crate::browser::available() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let a = twin(tmp.path(), "a", &three_machines(20));
    let b = twin(tmp.path(), "b", &three_machines(20));
    let out = selftest(&explore_two(&a, &b), "");
    blocks_count_their_logs(&out, &a, &b);
    assert!(out["divergence"].is_null(), "{out}");
    assert!(
        out["text"].as_str().unwrap().contains("no divergence"),
        "{out}"
    );
    assert_eq!(out["a"]["marker"], false, "{out}");
    assert_matches_diff(&out, &diff(&a, &b));
}

#[test]
fn two_runs_that_part_on_a_tick_are_marked_where_diff_says() {
    if !crate::browser::available() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    // Machine 1 receives on tick 2 in one run, on tick 3 in the other.
    let a = crate::diff::run(&tmp.path().join("a"), 2, 5);
    let b = crate::diff::run(&tmp.path().join("b"), 3, 5);
    let out = selftest(&explore_two(&a, &b), "");
    blocks_count_their_logs(&out, &a, &b);
    assert_eq!(out["divergence"]["machine"], 1, "{out}");
    assert_eq!(out["divergence"]["tick"], 2, "{out}");
    assert_eq!(out["a"]["marker"], true, "{out}");
    assert_eq!(out["b"]["marker"], true, "{out}");
    // A click on the divergence's words selects its event in both runs.
    assert_eq!(out["click_selects"], true, "{out}");
    let text = out["text"].as_str().unwrap();
    assert!(text.contains("machine 1 tick 2"), "{text}");
    assert!(text.contains("recv from 0"), "{text}");
    assert_matches_diff(&out, &diff(&a, &b));
}

#[test]
fn a_real_run_stacked_on_its_twin_reports_what_diff_reports() {
    if !crate::browser::available() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let scenario = crate::util::scenario(tmp.path(), "r.toml", &three_machines(20));
    let a = twin(tmp.path(), "a", &three_machines(20));
    let b = tmp.path().join("real");
    Logiclock::run(&scenario)
        .speedup(20.0)
        .quiet()
        .out(&b)
        .timeout(TIMEOUT)
        .finish()
        .success();
    let out = selftest(&explore_two(&a, &b), "");
    blocks_count_their_logs(&out, &a, &b);
    // Real time is an axis only when both ran for real.
    assert!(
        !out["axes"].as_array().unwrap().contains(&"real".into()),
        "{out}"
    );
    assert_matches_diff(&out, &diff(&a, &b));
}

#[test]
fn twins_of_two_seeds_part_and_are_marked_on_both() {
    if !crate::browser::available() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let a = twin(tmp.path(), "a", &three_machines(10));
    let b = twin(
        tmp.path(),
        "b",
        &three_machines(10).replace("seed = 7", "seed = 8"),
    );
    let out = selftest(&explore_two(&a, &b), "");
    blocks_count_their_logs(&out, &a, &b);
    assert!(out["divergence"]["tick"].as_u64().is_some(), "{out}");
    assert_eq!(out["a"]["marker"], true, "{out}");
    assert_eq!(out["b"]["marker"], true, "{out}");
}

#[test]
fn runs_of_different_machine_counts_are_refused_naming_both() {
    let tmp = tempfile::tempdir().unwrap();
    let a = twin(tmp.path(), "three", &three_machines(5));
    let b = twin(
        tmp.path(),
        "four",
        &three_machines(5).replace("machines = 3", "machines = 4"),
    );
    let done = Logiclock::new()
        .arg("explore")
        .arg(&a)
        .arg(&b)
        .timeout(TIMEOUT)
        .finish()
        .exit_code(2);
    for text in [
        &a.display().to_string(),
        &b.display().to_string(),
        "3 machines",
        "has 4",
    ] {
        assert!(done.stderr.contains(text), "{text}: {}", done.stderr);
    }
    assert!(!b.join("explore-vs-three.html").exists());
}
