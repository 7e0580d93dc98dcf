//! Bad input: a clear error naming the input, exit code 2, and nothing started or overwritten.

use std::time::Duration;

use crate::cmd::{Finished, Logiclock};
use crate::util;

const TIMEOUT: Duration = Duration::from_secs(20);

/// `logiclock run` of `scenario` in `tmp`, writing to `tmp/out`.
fn run_in(tmp: &std::path::Path, scenario: &std::path::Path) -> Finished {
    Logiclock::run(scenario)
        .out(tmp.join("out"))
        .current_dir(tmp)
        .timeout(TIMEOUT)
        .finish()
}

fn run_scenario(text: &str) -> (tempfile::TempDir, Finished) {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = util::scenario(tmp.path(), "bad.toml", text);
    let out = tmp.path().join("out");
    let done = run_in(tmp.path(), &scenario);
    assert!(!out.exists(), "nothing is created for a bad scenario");
    (tmp, done)
}

#[test]
fn an_unknown_key_is_named_with_file_and_line() {
    let (_tmp, done) = run_scenario("machines = 3\n\n[clock]\nmin_rate = 1\nmax_rat = 6\n");
    assert_eq!(done.code(), Some(2), "{}", done.describe());
    assert!(done.stderr.contains("bad.toml"), "{}", done.describe());
    assert!(done.stderr.contains("max_rat"), "{}", done.describe());
    assert!(done.stderr.contains("line 5"), "{}", done.describe());
}

#[test]
fn impossible_values_are_refused_before_anything_starts() {
    for (text, key) in [
        ("[clock]\nmin_rate = 0\n", "clock.min_rate"),
        ("[clock]\nmin_rate = 4\nmax_rate = 2\n", "clock.min_rate"),
        ("[events]\ndie = 2\n", "events.die"),
        ("machines = 1\n", "machines"),
        ("duration_s = 0\n", "duration_s"),
        ("machines = \"three\"\n", "machines"),
    ] {
        let (_tmp, done) = run_scenario(text);
        assert_eq!(done.code(), Some(2), "{text:?}\n{}", done.describe());
        assert!(
            done.stderr.contains(key) && done.stderr.contains("bad.toml"),
            "{text:?}\n{}",
            done.describe()
        );
    }
}

#[test]
fn a_bad_value_from_a_flag_names_the_flag_not_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = util::scenario(tmp.path(), "good.toml", "duration_s = 5\n");
    // (`--seed` out of range is refused by the flag parser itself.)
    let cases: [(&[&str], &str); 3] = [
        (&["--duration", "0"], "invalid --duration for scenario"),
        (&["--speedup", "1e9"], "invalid --speedup for scenario"),
        (
            &["--sweep", "events.die=6,0"],
            "invalid --sweep value for scenario",
        ),
    ];
    for (flags, says) in cases {
        let done = Logiclock::run(&scenario)
            .args(flags)
            .out(tmp.path().join("out"))
            .current_dir(tmp.path())
            .timeout(TIMEOUT)
            .finish();
        assert_eq!(done.code(), Some(2), "{flags:?}\n{}", done.describe());
        assert!(done.stderr.contains(says), "{flags:?}\n{}", done.describe());
        assert!(done.stderr.contains("good.toml"), "{}", done.describe());
        assert!(!tmp.path().join("out").exists());
    }
    // The same value written in the file is the file's.
    let (_tmp, done) = run_scenario("duration_s = 0\n");
    assert!(
        done.stderr.contains("invalid scenario") && !done.stderr.contains("--duration"),
        "{}",
        done.describe()
    );
}

#[test]
fn a_missing_scenario_file_is_named() {
    let tmp = tempfile::tempdir().unwrap();
    let done = Logiclock::new()
        .args(["run", "nowhere.toml"])
        .current_dir(tmp.path())
        .timeout(TIMEOUT)
        .finish();
    assert_eq!(done.code(), Some(2), "{}", done.describe());
    assert!(done.stderr.contains("nowhere.toml"), "{}", done.describe());
    assert!(!tmp.path().join("runs").exists());
}

#[test]
fn an_existing_run_is_never_overwritten() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("old-run");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("machine-0.log"), "precious\n").unwrap();
    let done = Logiclock::run("configs/default.toml")
        .out(&out)
        .current_dir(tmp.path())
        .timeout(TIMEOUT)
        .finish();
    assert_eq!(done.code(), Some(2), "{}", done.describe());
    assert!(done.stderr.contains("old-run"), "{}", done.describe());
    assert_eq!(
        std::fs::read_to_string(out.join("machine-0.log")).unwrap(),
        "precious\n"
    );
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 1);
}

#[test]
fn bad_flags_get_clap_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let done = Logiclock::new()
        .args(["run", "x.toml", "--speedup", "fast"])
        .current_dir(tmp.path())
        .timeout(TIMEOUT)
        .finish();
    assert_eq!(done.code(), Some(2), "{}", done.describe());
    assert!(done.stderr.contains("--speedup"), "{}", done.describe());
}

#[test]
fn a_taken_port_is_named_with_its_machine() {
    let tmp = tempfile::tempdir().unwrap();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let scenario = util::scenario(
        tmp.path(),
        "ports.toml",
        &format!("duration_s = 1\nspeedup = 10\n[network]\nports = [0, {port}, 0]\n"),
    );
    let out = tmp.path().join("out");
    let done = run_in(tmp.path(), &scenario);
    assert_eq!(done.code(), Some(2), "{}", done.describe());
    assert!(
        done.stderr.contains("machine 1") && done.stderr.contains(&port.to_string()),
        "{}",
        done.describe()
    );
    assert!(!out.exists(), "nothing started");
}

#[test]
fn impossible_physical_clocks_are_refused_naming_the_key_and_what_is_allowed() {
    for (text, key, allowed) in [
        (
            "granularity_us = -1\n",
            "physical_clock.granularity_us",
            "allowed: 0 to",
        ),
        (
            "drift_ppm = [0, 2000000, 0]\n",
            "physical_clock.drift_ppm",
            "allowed: -1000000 to 1000000 ppm",
        ),
        (
            "max_drift_ppm = 1000001\n",
            "physical_clock.max_drift_ppm",
            "allowed: 0 to 1000000 ppm",
        ),
        (
            "sync_interval_s = 0\n",
            "physical_clock.sync_interval_s",
            "allowed: more than 0",
        ),
        (
            "sync_interval_s = 1\nsync_error_ms = 1500\n",
            "physical_clock.sync_error_ms",
            "no larger than the sync interval",
        ),
        (
            "skew_ms = [1, 2]\n",
            "physical_clock.skew_ms",
            "exactly one per machine",
        ),
        (
            "skew_ms = [0, 0, 0]\nmax_skew_ms = 5\n",
            "physical_clock.skew_ms",
            "together with physical_clock.max_skew_ms",
        ),
        (
            "max_offset_ms = 0\n",
            "physical_clock.max_offset_ms",
            "allowed: more than 0",
        ),
    ] {
        let (_tmp, done) = run_scenario(&format!("machines = 3\n[physical_clock]\n{text}"));
        assert_eq!(done.code(), Some(2), "{text:?}\n{}", done.describe());
        assert!(
            done.stderr.contains(key) && done.stderr.contains(allowed),
            "{text:?}\n{}",
            done.describe()
        );
    }
}
