//! One time base (issue 17): every time a user reads or types is in model seconds since the run
//! start, with real seconds beside it, each named by its unit. Checked on a twin at speedup 60,
//! where model and real seconds differ 60 times, against the times the test computes itself from
//! the logs' timestamps and the manifest's start and speedup.

use std::path::{Path, PathBuf};
use std::time::Duration;

use logiclock::log_format::timestamp::parse_micros;
use logiclock::manifest::Manifest;

use crate::cmd::Logiclock;
use crate::golden::read_logs;

const TIMEOUT: Duration = Duration::from_secs(60);
const SPEEDUP: f64 = 60.0;

/// A twin of the default scenario at speedup 60: 30 model seconds in half a real second.
fn twin_at_60(tmp: &Path) -> PathBuf {
    let run = tmp.join("run");
    Logiclock::run("configs/default.toml")
        .args(["--engine", "sim"])
        .speedup(SPEEDUP)
        .duration(30.0)
        .seed(17)
        .quiet()
        .out(&run)
        .timeout(TIMEOUT)
        .finish()
        .success();
    run
}

/// The run's start (µs since the epoch) and speedup, read from its manifest.
fn start_and_speedup(run: &Path) -> (i64, f64) {
    let manifest = Manifest::read(run).unwrap();
    let start = parse_micros(&manifest.started_at).unwrap();
    assert_eq!(manifest.scenario.as_ref().unwrap().speedup, SPEEDUP);
    (start, manifest.scenario.as_ref().unwrap().speedup)
}

/// Model seconds of every clock event of the run, computed here from the logs.
fn clock_event_model_times(run: &Path) -> Vec<f64> {
    let (start, speedup) = start_and_speedup(run);
    let mut times: Vec<f64> = read_logs(run)
        .iter()
        .filter(|l| l.event.is_clock_event())
        .map(|l| (l.timestamp - start) as f64 / 1e6 * speedup)
        .collect();
    times.sort_by(f64::total_cmp);
    times
}

/// The number after `key` in `text`, up to the next space or `<`.
fn number_after(text: &str, key: &str) -> f64 {
    let rest = text
        .split(key)
        .nth(1)
        .unwrap_or_else(|| panic!("{key} in {text}"));
    let end = rest.find([' ', '<']).unwrap_or(rest.len());
    rest[..end].parse().unwrap()
}

#[test]
fn diagram_from_and_to_are_model_seconds_at_speedup_60() {
    let tmp = tempfile::tempdir().unwrap();
    let run = twin_at_60(tmp.path());
    let out = tmp.path().join("d.svg");
    Logiclock::diagram(&run)
        .args(["--from", "10", "--to", "20", "--out"])
        .arg(&out)
        .timeout(TIMEOUT)
        .finish()
        .success();
    let svg = std::fs::read_to_string(&out).unwrap();
    let expected = clock_event_model_times(&run)
        .into_iter()
        .filter(|t| (10.0..=20.0).contains(t))
        .count();
    assert!(expected > 50, "the window holds a real share of the run");
    let dots: Vec<&str> = svg
        .lines()
        .filter(|l| {
            l.contains("class=\"send\"")
                || l.contains("class=\"recv\"")
                || l.contains("class=\"internal\"")
        })
        .filter(|l| l.contains("<title>machine"))
        .collect();
    assert_eq!(
        dots.len(),
        expected,
        "every clock event of model seconds 10 to 20, no other"
    );
    for dot in &dots {
        let t = number_after(dot, " · t=");
        assert!((10.0..=20.0).contains(&t), "{dot}");
        let real = number_after(dot, "model s (");
        assert!(
            (t / SPEEDUP - real).abs() < 1e-5,
            "real seconds beside: {dot}"
        );
    }
    assert!(
        svg.contains("model seconds since the run start"),
        "the axis names its unit"
    );
    assert!(
        svg.contains(">10</text>") && svg.contains(">20</text>"),
        "axis labels 10 to 20"
    );
}

#[test]
fn shiviz_times_are_model_seconds_with_real_seconds_beside() {
    let tmp = tempfile::tempdir().unwrap();
    let run = twin_at_60(tmp.path());
    let out = tmp.path().join("s.log");
    Logiclock::export("shiviz", &run)
        .arg("--out")
        .arg(&out)
        .timeout(TIMEOUT)
        .finish()
        .success();
    let text = std::fs::read_to_string(&out).unwrap();
    let mut shown: Vec<f64> = text
        .lines()
        .filter(|l| l.contains(" t_model_s="))
        .map(|l| {
            let (model, real) = (number_after(l, "t_model_s="), number_after(l, "t_real_s="));
            assert!((model / SPEEDUP - real).abs() < 1e-5, "{l}");
            model
        })
        .collect();
    shown.sort_by(f64::total_cmp);
    let expected = clock_event_model_times(&run);
    assert_eq!(shown.len(), expected.len());
    for (a, b) in shown.iter().zip(&expected) {
        assert!((a - b).abs() < 1e-5, "{a} against {b}");
    }
    assert!(
        *shown.last().unwrap() > 25.0,
        "model seconds reach the run's 30"
    );
}

/// Whether `name` is a plain identifier: lowercase letters, digits and `_`, not starting with a
/// digit (SQL and pandas take it unquoted).
fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// The header of the CSV file at `path`, each name checked to be a plain identifier.
fn identifier_header(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap();
    let header: Vec<String> = text
        .lines()
        .next()
        .unwrap()
        .split(',')
        .map(str::to_owned)
        .collect();
    for name in &header {
        assert!(is_identifier(name), "{}: header {name:?}", path.display());
    }
    header
}

/// Every key of `json`, at any depth, that names a time (ends in `_s`, `_ms` or `_us`) names its
/// base too: model or real.
fn assert_time_keys_name_their_base(json: &serde_json::Value, path: &str) {
    match json {
        serde_json::Value::Object(map) => {
            for (key, value) in map {
                let timed = ["_s", "_ms", "_us"].iter().any(|u| key.ends_with(u));
                assert!(
                    !timed || key.contains("_model_") || key.contains("_real_"),
                    "{path}.{key} names no time base"
                );
                assert_time_keys_name_their_base(value, &format!("{path}.{key}"));
            }
        }
        serde_json::Value::Array(items) => {
            for item in items {
                assert_time_keys_name_their_base(item, path);
            }
        }
        _ => {}
    }
}

#[test]
fn analyze_writes_model_seconds_with_real_beside_in_its_csvs_and_summary() {
    let tmp = tempfile::tempdir().unwrap();
    let run = twin_at_60(tmp.path());
    Logiclock::analyze(&run)
        .arg("-q")
        .timeout(TIMEOUT)
        .finish()
        .success();
    let (start, speedup) = start_and_speedup(&run);
    let model = |ts: i64| (ts - start) as f64 / 1e6 * speedup;
    let lines = read_logs(&run);
    let last_model = lines.iter().map(|l| model(l.timestamp)).fold(0.0, f64::max);

    for file in ["clock.csv", "queue.csv", "drift.csv"] {
        let path = run.join(file);
        let header = identifier_header(&path);
        assert_eq!(
            header[..3],
            ["t_model_s", "t_real_s", "machine_0"],
            "{file}"
        );
        let text = std::fs::read_to_string(&path).unwrap();
        let mut t_model = 0.0;
        for row in text.lines().skip(1) {
            let cells: Vec<f64> = row.split(',').take(2).map(|c| c.parse().unwrap()).collect();
            t_model = cells[0];
            assert!(
                (cells[0] - cells[1] * speedup).abs() < 1e-4,
                "{file}: {row}"
            );
        }
        assert!(
            (t_model - last_model).abs() < 1e-4,
            "{file} ends at the last line, model second {last_model}, not {t_model}"
        );
    }

    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(run.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["summary_version"], 2);
    assert_time_keys_name_their_base(&summary, "summary");
    assert_eq!(summary["scenario"]["duration_model_s"], 30.0);
    for (i, m) in summary["machines"].as_array().unwrap().iter().enumerate() {
        let log: Vec<_> = lines.iter().filter(|l| l.machine == i as u32).collect();
        let gap = &m["jumps"]["biggest"][0];
        let line = log
            .iter()
            .find(|l| l.line == gap["line"].as_u64().unwrap())
            .unwrap();
        let at = gap["at_model_s"].as_f64().unwrap();
        assert!(
            (at - model(line.timestamp)).abs() < 1e-6,
            "machine {i}: jump at {at}"
        );
        assert!((gap["at_real_s"].as_f64().unwrap() * speedup - at).abs() < 1e-6);
        let last_clock = log.iter().rev().find(|l| l.event.is_clock_event()).unwrap();
        let per_model_s = m["final_clock"].as_f64().unwrap() / model(last_clock.timestamp);
        let shown = m["clock_per_model_s"].as_f64().unwrap();
        assert!(
            (shown - per_model_s).abs() < 1e-9,
            "machine {i}: {shown} against {per_model_s}"
        );
    }
    for d in summary["drift"]["machines"].as_array().unwrap() {
        let (at_model, at_real) = (
            d["max_drift_at_model_s"].as_f64().unwrap(),
            d["max_drift_at_real_s"].as_f64().unwrap(),
        );
        assert!(
            (at_model - at_real * speedup).abs() < 1e-6 && at_model <= 30.0 + 1e-6,
            "{d}"
        );
    }

    let events = tmp.path().join("events.csv");
    Logiclock::export("csv", &run)
        .arg("--out")
        .arg(&events)
        .timeout(TIMEOUT)
        .finish()
        .success();
    let header = identifier_header(&events);
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (stamp, t_model, t_real) = (col("timestamp"), col("t_model_s"), col("t_real_s"));
    let mut reader = csv::Reader::from_path(&events).unwrap();
    let mut rows = 0;
    for row in reader.records() {
        let row = row.unwrap();
        let expected = model(parse_micros(&row[stamp]).unwrap());
        let shown: f64 = row[t_model].parse().unwrap();
        assert!((shown - expected).abs() < 1e-5, "{row:?}");
        let real: f64 = row[t_real].parse().unwrap();
        assert!((real * speedup - shown).abs() < 1e-4, "{row:?}");
        rows += 1;
    }
    assert_eq!(rows, lines.len());
}

#[test]
fn a_batch_keeps_swept_numbers_as_numbers_and_its_csv_headers_are_identifiers() {
    let tmp = tempfile::tempdir().unwrap();
    let batch = crate::batch_analyze::sweep(tmp.path());
    Logiclock::analyze(&batch)
        .arg("-q")
        .timeout(TIMEOUT)
        .finish()
        .success();
    let header = identifier_header(&batch.join("aggregate.csv"));
    assert!(
        header.contains(&"clock_per_model_s_mean".to_owned()),
        "{header:?}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(batch.join("aggregate.json")).unwrap())
            .unwrap();
    let values: Vec<&serde_json::Value> = json["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| &g["swept_value"])
        .collect();
    assert!(values.iter().all(|v| v.is_i64()), "{values:?}");
    assert_eq!(
        values.first().map(|v| v.as_i64()),
        Some(Some(4)),
        "4 sorts before 10"
    );
    let member = batch.join("events.die=10-seed12");
    for file in ["clock.csv", "queue.csv", "drift.csv"] {
        identifier_header(&member.join(file));
    }
}
