//! Sweeping the physical clocks (issue 18): `--sweep physical_clock.max_skew_ms=...` runs on both
//! engines (replacing a file's per-machine `skew_ms`), and the batch aggregate and `compare` show
//! the share of messages physical time inverts against skew, and the hybrid clock's (none).

use std::path::Path;
use std::time::Duration;

use crate::cmd::Logiclock;
use crate::util::scenario;

const TIMEOUT: Duration = Duration::from_secs(90);

/// Four machines, 2 ms messages, no sync: each clock's offset is its skew for the whole run.
const SKEW: &str = "machines = 4\nduration_s = 6\nspeedup = 6\n[clock]\nrates = [40, 50, 60, 70]\n\
    [network]\nlatency_us = 2000\n[physical_clock]\nskew_ms = [1, -1, 0, 0]\n";

fn sweep(dir: &Path, engine: &str, values: &str) -> std::path::PathBuf {
    let config = scenario(dir, "skew.toml", SKEW);
    let out = dir.join(engine);
    Logiclock::run(&config)
        .args(["--engine", engine, "--sweep"])
        .arg(format!("physical_clock.max_skew_ms={values}"))
        .seed(17)
        .quiet()
        .out(&out)
        .timeout(TIMEOUT)
        .finish()
        .success();
    out
}

/// `(swept value, pt inverted %, HLC inverted %)` of each row of the aggregate over all rates.
fn inverted(batch: &Path) -> Vec<(String, f64, f64)> {
    let text = std::fs::read_to_string(batch.join("aggregate.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (value, pt, hlc, rate) = (
        col("swept_value"),
        col("pt_inverted_msgs_pct_mean"),
        col("hlc_inverted_msgs_pct_mean"),
        col("rate_per_model_s"),
    );
    let mut rows: Vec<(String, f64, f64)> = reader
        .records()
        .map(|r| r.unwrap())
        // One rate per run here: the fastest machine's row holds the run's figure.
        .filter(|r| &r[rate] == "70")
        .map(|r| {
            (
                r[value].to_owned(),
                r[pt].parse().unwrap(),
                r[hlc].parse().unwrap(),
            )
        })
        .collect();
    rows.sort_by(|a, b| a.0.parse::<f64>().unwrap().total_cmp(&b.0.parse().unwrap()));
    rows
}

#[test]
fn the_twin_sweeps_skew_and_physical_time_inverts_more_messages_the_more_the_clocks_disagree() {
    let tmp = tempfile::tempdir().unwrap();
    let batch = sweep(tmp.path(), "sim", "0,1,40");
    Logiclock::analyze(&batch)
        .arg("--no-plots")
        .timeout(TIMEOUT)
        .finish()
        .success();
    let rows = inverted(&batch);
    let values: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(values, ["0", "1", "40"], "{rows:?}");
    // No skew: physical time is true time, and a message takes 2 ms.
    assert_eq!(rows[0].1, 0.0, "{rows:?}");
    // Skew within ±1 ms stays under the latency: still none; within ±40 ms, many.
    assert_eq!(rows[1].1, 0.0, "{rows:?}");
    assert!(rows[2].1 > 1.0, "{rows:?}");
    assert!(
        rows.iter().all(|r| r.2 == 0.0),
        "the HLC inverts none: {rows:?}"
    );

    let compared = tmp.path().join("compare");
    let done = Logiclock::new()
        .arg("compare")
        .arg(&batch)
        .arg("--out")
        .arg(&compared)
        .timeout(TIMEOUT)
        .finish()
        .success();
    assert!(
        done.stdout.contains("pt inverted msgs %"),
        "{}",
        done.describe()
    );
    let md = std::fs::read_to_string(compared.join("compare.md")).unwrap();
    assert!(md.contains("HLC inverted msgs %"), "{md}");
}

#[test]
fn real_machines_sweep_skew_too_and_pass_the_clock_checks() {
    let tmp = tempfile::tempdir().unwrap();
    let batch = sweep(tmp.path(), "real", "0,40");
    let done = Logiclock::analyze(&batch)
        .arg("--no-plots")
        .timeout(TIMEOUT)
        .finish();
    for check in ["ok   lamport", "ok   vector", "ok   hlc"] {
        assert_eq!(
            done.stdout.matches(check).count(),
            2,
            "{check} in both runs: {}",
            done.describe()
        );
    }
    let rows = inverted(&batch);
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(rows[1].1 > rows[0].1, "skew 40 ms inverts more: {rows:?}");
}
