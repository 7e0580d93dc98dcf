//! `logiclock compare`: batches and runs grouped by configuration, the table's figures checked
//! against each run's own `summary.json` (means and Student-t intervals computed here), the
//! relative-rate grouping, and the inputs it skips, counts once or refuses.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value;

use crate::cmd::Logiclock;
use crate::finished::Finished;

const TIMEOUT: Duration = Duration::from_secs(60);

/// A twin batch of three twenty-second runs of `scenario` from `seed`, analyzed (so each run
/// has its `summary.json`), in `dir`/`name`.
fn batch(dir: &Path, scenario: &str, seed: u64, name: &str) -> PathBuf {
    let out = dir.join(name);
    let seed = seed.to_string();
    let args = ["--duration", "20", "--seed", &seed, "--repeat", "3"];
    crate::util::twin(dir, scenario, &out, &args);
    Logiclock::analyze(&out)
        .arg("-q")
        .timeout(TIMEOUT)
        .finish()
        .success();
    out
}

/// `logiclock compare ARGS... --out DIR/cmp`, run in `dir`.
fn compare(dir: &Path, args: &[&Path]) -> Logiclock {
    Logiclock::new()
        .arg("compare")
        .args(args)
        .arg("--out")
        .arg(dir.join("cmp"))
        .current_dir(dir)
        .timeout(TIMEOUT)
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The two-sided 95% Student t quantiles for 1 to 4 degrees of freedom, from a printed table.
fn t975(df: usize) -> f64 {
    [12.706, 4.303, 3.182, 2.776][df - 1]
}

/// Mean, and the 95% confidence interval of the mean, of `v`, by the textbook formula.
fn mean_ci(v: &[f64]) -> (f64, [f64; 2]) {
    let n = v.len() as f64;
    let mean = v.iter().sum::<f64>() / n;
    let sd = (v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    let half = t975(v.len() - 1) * sd / n.sqrt();
    (mean, [mean - half, mean + half])
}

/// The run directories of a batch, in name order.
fn runs_of(batch: &Path) -> Vec<PathBuf> {
    let mut runs: Vec<PathBuf> = std::fs::read_dir(batch)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("manifest.json").is_file())
        .collect();
    runs.sort();
    runs
}

/// A figure's values over a run's machines, read from its `summary.json` by JSON pointer under
/// each machine (`/jumps/mean`), or under each drift entry with `drift`.
fn per_machine(run: &Path, pointer: &str, drift: bool) -> Vec<f64> {
    let s = read_json(&run.join("summary.json"));
    let machines = if drift {
        &s["drift"]["machines"]
    } else {
        &s["machines"]
    };
    machines
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.pointer(pointer).unwrap().as_f64().unwrap())
        .collect()
}

/// The comparison's row of `group` for `by` (and `value`), from `compare.json`.
fn row<'a>(json: &'a Value, group: &str, by: &str, value: Option<u64>) -> &'a Value {
    json["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| {
            r["group"] == group
                && r["class"]["by"] == by
                && value.is_none_or(|v| r["class"]["value"] == v)
        })
        .unwrap_or_else(|| panic!("no row {group} {by} {value:?} in {json}"))
}

/// The interval of metric `id` in `row` of `json`.
fn interval<'a>(json: &'a Value, row: &'a Value, id: &str) -> &'a Value {
    let k = json["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .position(|m| m[0] == id)
        .unwrap();
    &row["values"][k]
}

/// The groups' names in `compare.json`, in order.
fn group_names(json: &Value) -> Vec<&str> {
    json["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["name"].as_str().unwrap())
        .collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * (1.0 + a.abs().max(b.abs()))
}

#[test]
fn two_batches_compare_with_the_means_and_intervals_of_their_runs_own_figures() {
    let tmp = tempfile::tempdir().unwrap();
    let default = batch(tmp.path(), "configs/default.toml", 11, "default");
    let low = batch(tmp.path(), "configs/low-variance.toml", 21, "low");
    let done = compare(tmp.path(), &[&default, &low]).finish().success();
    let out = tmp.path().join("cmp");
    for file in ["compare.md", "compare.json", "compare.csv", "compare.svg"] {
        assert!(out.join(file).is_file(), "{file}\n{}", done.describe());
    }
    let json = read_json(&out.join("compare.json"));
    assert_eq!(
        group_names(&json),
        ["default", "low-variance"],
        "named by scenario"
    );
    for (group, dir) in [("default", &default), ("low-variance", &low)] {
        let runs = runs_of(dir);
        assert_eq!(runs.len(), 3);
        let all = row(&json, group, "all", None);
        assert_eq!(all["runs"], 3);
        // Per run: the machines' mean jump, their largest queue, the furthest drift behind.
        let mean = |v: Vec<f64>| v.iter().sum::<f64>() / v.len() as f64;
        let max = |v: Vec<f64>| v.into_iter().fold(f64::MIN, f64::max);
        let min = |v: Vec<f64>| v.into_iter().fold(f64::MAX, f64::min);
        let checks: [(&str, Vec<f64>); 3] = [
            (
                "jump_mean_clock",
                runs.iter()
                    .map(|r| mean(per_machine(r, "/jumps/mean", false)))
                    .collect(),
            ),
            (
                "queue_max_msgs",
                runs.iter()
                    .map(|r| max(per_machine(r, "/queue/max", false)))
                    .collect(),
            ),
            (
                "drift_max_clock",
                runs.iter()
                    .map(|r| min(per_machine(r, "/max_drift", true)))
                    .collect(),
            ),
        ];
        for (id, per_run) in checks {
            let got = interval(&json, all, id);
            let (m, [lo, hi]) = mean_ci(&per_run);
            let ci = got["ci95"].as_array().unwrap();
            assert!(
                close(got["mean"].as_f64().unwrap(), m)
                    && close(ci[0].as_f64().unwrap(), lo)
                    && close(ci[1].as_f64().unwrap(), hi),
                "{group} {id}: runs {per_run:?} give {m} [{lo}, {hi}], compare says {got}"
            );
            let lowest = per_run.iter().copied().fold(f64::MAX, f64::min);
            assert!(close(got["min"].as_f64().unwrap(), lowest), "{id}: {got}");
        }
    }
    // The CSV has the JSON's rows, and its headers are plain identifiers.
    let mut csv = csv::Reader::from_path(out.join("compare.csv")).unwrap();
    let headers = csv.headers().unwrap().clone();
    assert!(
        headers.iter().all(|h| h
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')),
        "{headers:?}"
    );
    let rows: Vec<csv::StringRecord> = csv.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), json["rows"].as_array().unwrap().len());
    let col = headers
        .iter()
        .position(|h| h == "jump_mean_clock_mean")
        .unwrap();
    let first = interval(&json, row(&json, "default", "all", None), "jump_mean_clock");
    let csv_mean: f64 = rows[0][col].parse().unwrap();
    assert!(close(csv_mean, first["mean"].as_f64().unwrap()));
    // What differs, at a glance, on the terminal and in compare.md.
    let md = std::fs::read_to_string(out.join("compare.md")).unwrap();
    for text in [&done.stdout, &md] {
        assert!(
            text.contains("jump mean: default ") && text.contains(" vs low-variance "),
            "{text}"
        );
    }
    assert!(md.contains("## What differs"), "{md}");
    assert!(
        done.stdout.contains("in short: ") && md.contains("In short: "),
        "{}",
        done.stdout
    );
    let svg = std::fs::read_to_string(out.join("compare.svg")).unwrap();
    let texts = crate::util::svg_texts(&svg);
    assert!(
        texts.iter().any(|t| t.contains("default vs low-variance")),
        "{texts:?}"
    );
    assert!(
        texts
            .iter()
            .any(|t| t.contains("seeds 11-13, 21-23") && t.contains("ideal time")),
        "the subtitle names seeds and engine: {texts:?}"
    );
}

/// A twin run of three machines at fixed `rates` for ten seconds, in `dir`/`name`.
fn fixed_rates(dir: &Path, name: &str, rates: &str) -> PathBuf {
    let scenario = crate::util::scenario(
        dir,
        &format!("{name}.toml"),
        &format!(
            "name = \"{name}\"\nmachines = 3\nduration_s = 10\nseed = 5\n[clock]\nrates = {rates}\n[events]\ndie = 10\n"
        ),
    );
    let out = dir.join(name);
    crate::util::twin(dir, &scenario, &out, &[]);
    out
}

#[test]
fn machines_group_by_their_rate_relative_to_the_fastest_of_their_own_run() {
    let tmp = tempfile::tempdir().unwrap();
    let same = fixed_rates(tmp.path(), "same", "[1, 1, 1]");
    let spread = fixed_rates(tmp.path(), "spread", "[2, 3, 6]");
    // No summary.json yet: compare analyzes the runs itself.
    compare(tmp.path(), &[&same, &spread]).finish().success();
    let json = read_json(&tmp.path().join("cmp").join("compare.json"));
    let group_same = "clock.rates=[1,1,1]";
    let group_spread = "clock.rates=[2,3,6]";
    let classes = |group: &str, by: &str| -> Vec<(u64, u64)> {
        json["rows"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["group"] == group && r["class"]["by"] == by)
            .map(|r| {
                (
                    r["class"]["value"].as_u64().unwrap(),
                    r["machines"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    // Rate 1 of 1: the fastest of its run, with the rate-6 machine of the other.
    assert_eq!(classes(group_same, "relative"), [(6, 3)], "{json}");
    assert_eq!(classes(group_same, "rate"), [(1, 3)]);
    // 2/6 is in (1/6, 1/3], 3/6 in (1/3, 1/2], 6/6 is 1.
    assert_eq!(classes(group_spread, "relative"), [(2, 1), (3, 1), (6, 1)]);
    // The rate-1 machines' mean jump, from the run's own summary: each jumps by one, never more.
    Logiclock::analyze(&same)
        .arg("-q")
        .timeout(TIMEOUT)
        .finish()
        .success();
    let jumps = per_machine(&same, "/jumps/mean", false);
    let top = row(&json, group_same, "relative", Some(6));
    let got = interval(&json, top, "jump_mean_clock");
    let expected = jumps.iter().sum::<f64>() / 3.0;
    assert!(close(got["mean"].as_f64().unwrap(), expected), "{got}");
    assert!(got["ci95"].is_null(), "one run: no interval");
}

#[test]
fn a_path_that_is_not_a_run_is_named_and_skipped_and_a_run_given_twice_counts_once() {
    let tmp = tempfile::tempdir().unwrap();
    let batch = crate::batch_analyze::twin_batch_of_two(tmp.path());
    let stray = tmp.path().join("notes");
    std::fs::create_dir(&stray).unwrap();
    std::fs::write(stray.join("todo.txt"), "read the logs").unwrap();
    let file = tmp.path().join("readme.txt");
    std::fs::write(&file, "not a run").unwrap();
    let seed11 = batch.join("seed11");
    let done = compare(tmp.path(), &[&batch, &seed11, &stray, &file])
        .finish()
        .success();
    for skipped in [&stray, &file] {
        assert!(
            done.stderr
                .contains(&format!("warning: {} is not a run", skipped.display())),
            "{}",
            done.describe()
        );
    }
    assert!(done.stderr.contains("counted once"), "{}", done.describe());
    let json = read_json(&tmp.path().join("cmp").join("compare.json"));
    assert_eq!(json["groups"][0]["runs"].as_array().unwrap().len(), 2);
    assert_eq!(row(&json, "default", "all", None)["runs"], 2);
}

fn refused(dir: &Path, arg: &Path) -> Finished {
    compare(dir, &[arg]).finish().exit_code(2)
}

#[test]
fn an_empty_directory_or_a_damaged_manifest_is_refused_naming_it() {
    let tmp = tempfile::tempdir().unwrap();
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let done = refused(tmp.path(), &empty);
    assert!(
        done.stderr
            .contains(&format!("{} is an empty directory", empty.display())),
        "{}",
        done.describe()
    );
    let batch = crate::batch_analyze::twin_batch_of_two(tmp.path());
    let damaged = batch.join("seed12");
    std::fs::write(damaged.join("manifest.json"), "{\"manifest_version\": 3,").unwrap();
    let done = refused(tmp.path(), &batch);
    assert!(
        done.stderr
            .contains(&format!("{} has a damaged manifest", damaged.display())),
        "{}",
        done.describe()
    );
    assert!(!tmp.path().join("cmp").exists(), "nothing written");
}

#[test]
fn a_sweeps_groups_are_named_by_the_swept_key_and_value_in_value_order_within_100_columns() {
    let tmp = tempfile::tempdir().unwrap();
    let sweep = crate::batch_analyze::sweep(tmp.path());
    let done = compare(tmp.path(), &[&sweep]).finish().success();
    let json = read_json(&tmp.path().join("cmp").join("compare.json"));
    assert_eq!(group_names(&json), ["events.die=4", "events.die=10"]);
    assert!(
        done.stdout.contains("jump mean: events.die=4 "),
        "{}",
        done.stdout
    );
    for line in done.stdout.lines() {
        assert!(line.chars().count() <= 100, "{line:?}");
    }
}

#[test]
fn a_run_that_failed_its_checks_is_compared_and_named_with_the_checks_it_failed() {
    let tmp = tempfile::tempdir().unwrap();
    let batch = crate::batch_analyze::twin_batch_of_two(tmp.path());
    // The second run as Ctrl-C leaves it: it fails `ended`.
    let manifest = batch.join("seed12").join("manifest.json");
    let mut json = read_json(&manifest);
    json["outcome"]["reason"] = "interrupted by SIGINT".into();
    std::fs::write(&manifest, json.to_string()).unwrap();
    let done = compare(tmp.path(), &[&batch]).finish().success();
    assert!(
        done.stderr.contains(&format!(
            "warning: {} failed its checks (ended): compared all the same",
            batch.join("seed12").display()
        )),
        "{}",
        done.describe()
    );
    let json = read_json(&tmp.path().join("cmp").join("compare.json"));
    assert_eq!(json["groups"][0]["passed"], 1);
    assert_eq!(row(&json, "default", "all", None)["runs"], 2);
}
