//! Physical and hybrid logical clocks (issue 18): the same physical clock readings on both
//! engines, the `hlc` check passing real and twin runs with skew, failing a run with a wrong HLC
//! on its line, and skipped, saying why, on logs of the previous format.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use logiclock::log_format::Event;

use crate::cmd::{Finished, Logiclock};
use crate::golden::write_golden;
use crate::util::{read_log, scenario};

const TIMEOUT: Duration = Duration::from_secs(60);

/// The twin of `configs/skewed-clocks.toml`, seed 3, in `dir`/twin.
pub fn skewed_clocks_twin(dir: &Path) -> PathBuf {
    let out = dir.join("twin");
    Logiclock::run(crate::cmd::repo().join("configs/skewed-clocks.toml"))
        .args(["--engine", "sim"])
        .seed(3)
        .quiet()
        .out(&out)
        .timeout(TIMEOUT)
        .finish()
        .success();
    out
}

const SKEWED: &str = "machines = 3\nduration_s = 3\nspeedup = 5\n[clock]\nrates = [20, 30, 50]\n\
    [physical_clock]\nskew_ms = [30, -20, 0]\ndrift_ppm = [100, -200, 0]\ngranularity_us = 1000\n\
    sync_interval_s = 1\nsync_error_ms = 5\nmax_offset_ms = 10\n";

fn run(dir: &Path, name: &str, engine: &str) -> PathBuf {
    let config = scenario(dir, "skewed.toml", SKEWED);
    let out = dir.join(name);
    Logiclock::run(&config)
        .args(["--engine", engine])
        .seed(11)
        .quiet()
        .out(&out)
        .timeout(TIMEOUT)
        .finish()
        .success();
    out
}

fn analyze(dir: &Path) -> Finished {
    Logiclock::analyze(dir)
        .arg("--no-plots")
        .timeout(TIMEOUT)
        .finish()
}

/// `(tick, pt_us)` of every clock event of machine `id`.
fn readings(run: &Path, id: u32) -> BTreeMap<u64, u64> {
    read_log(&run.join(format!("machine-{id}.log")), id)
        .into_iter()
        .filter_map(|l| Some((l.event.tick()?, l.event.pt_us()?)))
        .collect()
}

fn clocks(run: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(run.join("summary.json")).unwrap();
    serde_json::from_str::<serde_json::Value>(&text).unwrap()["clocks"].clone()
}

#[test]
fn both_engines_read_the_same_skewed_physical_clocks_and_pass_the_hlc_check() {
    let tmp = tempfile::tempdir().unwrap();
    let (real, twin) = (
        run(tmp.path(), "real", "real"),
        run(tmp.path(), "twin", "sim"),
    );
    let mut compared = 0;
    for id in 0..3 {
        let (a, b) = (readings(&real, id), readings(&twin, id));
        for (tick, pt) in &a {
            if let Some(other) = b.get(tick) {
                assert_eq!(pt, other, "machine {id} tick {tick}");
                compared += 1;
            }
        }
    }
    assert!(compared > 250, "only {compared} ticks in both runs");
    // Machine 0 runs 30 ms fast until the first sync, at whole milliseconds.
    assert_eq!(readings(&twin, 0)[&2], 80_000);
    for dir in [&real, &twin] {
        // The real run's timing checks may fail on a loaded host; its clocks may not.
        let done = analyze(dir);
        if dir == &twin {
            assert!(done.stdout.contains("checks: PASS"), "{}", done.describe());
        }
        for check in ["lamport", "vector", "hlc   "] {
            let ok = format!("ok   {check}");
            assert!(done.stdout.contains(ok.trim_end()), "{}", done.describe());
        }
        let clocks = clocks(dir);
        assert_eq!(clocks["checked"], true, "{clocks}");
        // Offsets of +30 ms and -20 ms, and more from drift and rounding.
        assert!(
            clocks["epsilon_model_us"].as_u64().unwrap() >= 50_000,
            "{clocks}"
        );
    }
}

#[test]
fn a_wrong_hlc_fails_the_hlc_check_on_its_line_with_the_expected_value() {
    let tmp = tempfile::tempdir().unwrap();
    let twin = run(tmp.path(), "twin", "sim");
    let log = twin.join("machine-1.log");
    let text = std::fs::read_to_string(&log).unwrap();
    let (number, line) = text
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains("\"event\":\"internal\"") && l.contains(",0]}"))
        .expect("an internal event with c = 0");
    let spoiled = line.replace(",0]}", ",7]}");
    std::fs::write(&log, text.replacen(line, &spoiled, 1)).unwrap();
    let done = analyze(&twin);
    assert_eq!(done.code(), Some(1), "{}", done.describe());
    assert!(done.stdout.contains("FAIL hlc"), "{}", done.describe());
    let quoted = format!("`machine-1.log` line {}: hlc [", number + 1);
    let report = std::fs::read_to_string(twin.join("report.md")).unwrap();
    assert!(report.contains(&quoted), "{report}");
    assert!(report.contains(", 7], expected max(["), "{report}");
}

#[test]
fn a_run_of_the_previous_format_is_read_and_its_hlc_check_skipped_saying_why() {
    let tmp = tempfile::tempdir().unwrap();
    let run = write_golden(tmp.path());
    for id in 0..3 {
        let log = run.join(format!("machine-{id}.log"));
        let text = std::fs::read_to_string(&log).unwrap();
        assert!(!text.contains("hlc"));
        let format = format!("\"format\":{}", logiclock::log_format::FORMAT_VERSION);
        std::fs::write(&log, text.replace(&format, "\"format\":5")).unwrap();
    }
    let lines = read_log(&run.join("machine-0.log"), 0);
    assert!(matches!(lines[0].event, Event::Start { format: 5, .. }));
    // The hand-made run fails its timing checks (it is 13 lines long); the clocks pass.
    let done = analyze(&run);
    assert!(done.stdout.contains("ok   hlc"), "{}", done.describe());
    assert!(
        done.stdout.contains("not checked: no line carries `hlc`"),
        "{}",
        done.describe()
    );
    assert_eq!(clocks(&run), serde_json::Value::Null);
}

#[test]
fn in_the_skewed_clocks_config_physical_time_inverts_messages_and_the_hybrid_clock_does_not() {
    let tmp = tempfile::tempdir().unwrap();
    let out = crate::clocks::skewed_clocks_twin(tmp.path());
    let done = analyze(&out).success();
    assert!(done.stdout.contains("ok   hlc"), "{}", done.describe());
    let clocks = clocks(&out);
    let inverted = clocks["pt_message_inversions"].as_u64().unwrap();
    let timed = clocks["messages_timed"].as_u64().unwrap();
    assert!(inverted > 0 && inverted < timed / 10, "{clocks}");
    assert!(
        clocks["max_l_minus_pt_model_us"].as_u64().unwrap() > 0,
        "{clocks}"
    );
}

#[test]
fn a_restarted_machine_goes_on_from_its_logged_hlc() {
    let tmp = tempfile::tempdir().unwrap();
    // Machine 1 runs 1 s slow and hears from machine 0, 2 s fast: its l runs 3 s ahead of its
    // pt, longer than it is down, so a restart that forgot its HLC would break the rules at once.
    let config = scenario(
        tmp.path(),
        "restart.toml",
        "machines = 3\nduration_s = 4\nspeedup = 4\n[clock]\nrates = [40, 60, 80]\n\
         [physical_clock]\nskew_ms = [2000, -1000, 0]\n\
         [[fault]]\nkind = \"kill\"\nat_s = 1.5\nmachine = 1\nrestart_after_s = 0.2\n",
    );
    let out = tmp.path().join("real");
    Logiclock::run(&config)
        .seed(2)
        .quiet()
        .out(&out)
        .timeout(TIMEOUT)
        .finish()
        .success();
    let lines = read_log(&out.join("machine-1.log"), 1);
    let restart = lines
        .iter()
        .rposition(|l| matches!(l.event, Event::Start { incarnation: 1, .. }))
        .expect("machine 1 restarted");
    let first = lines[restart..]
        .iter()
        .find_map(|l| Some((l.event.hlc()?, l.event.pt_us()?)))
        .expect("a clock event after the restart");
    let before = lines[..restart]
        .iter()
        .rev()
        .find_map(|l| l.event.hlc())
        .expect("a clock event before the kill");
    assert!(first.0 > before, "{first:?} after {before:?}");
    let done = analyze(&out);
    for check in ["lamport", "vector", "hlc"] {
        let ok = format!("ok   {check}");
        assert!(done.stdout.contains(&ok), "{}", done.describe());
    }
}
