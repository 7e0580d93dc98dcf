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
    assert_eq!(manifest.scenario.speedup, SPEEDUP);
    (start, manifest.scenario.speedup)
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
