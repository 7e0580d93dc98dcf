//! Honest verdicts on cut runs: `analyze`'s `ended` check fails a run that did not run to its
//! end (its supervisor killed, interrupted, stopped early, or machines short of their schedule),
//! whatever the machines' own `stop` lines say, and a batch counts such members as failed.

use std::path::{Path, PathBuf};
use std::time::Duration;

use nix::sys::signal::Signal;
use serde_json::Value;

use crate::cmd::{send_signal, Logiclock, Running};
use crate::util;

const TIMEOUT: Duration = Duration::from_secs(60);

/// Start a real run of `scenario` for 60 model seconds at speedup 30 (2 real seconds) and wait
/// until every machine has ticked a few times.
fn start(tmp: &Path, scenario: &str) -> (Running, PathBuf) {
    let path = util::scenario(tmp, "cut.toml", scenario);
    let out = tmp.join("run");
    let child = Logiclock::run(path)
        .quiet()
        .out(&out)
        .current_dir(tmp)
        .timeout(TIMEOUT)
        .spawn();
    util::wait_for_manifest(&out);
    util::wait_for_ticks(&out, 5);
    (child, out)
}

/// The `ended` check of the run's `summary.json`: whether it passed, and its offences' text.
fn ended(run: &Path) -> (bool, String) {
    let summary: Value =
        serde_json::from_str(&std::fs::read_to_string(run.join("summary.json")).unwrap()).unwrap();
    let check = summary["verdict"]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "ended")
        .expect("an ended check")
        .clone();
    (check["passed"].as_bool().unwrap(), check.to_string())
}

/// Wait until every machine of the run at `out` has exited (they stop by themselves).
fn wait_for_machines(out: &Path) {
    let manifest = logiclock::manifest::Manifest::read(out).unwrap();
    for m in &manifest.machines {
        util::wait_until(
            &format!("machine {} to stop by itself", m.id),
            Duration::from_secs(10),
            || !util::alive(m.pid.unwrap()),
        );
    }
}

#[test]
fn a_run_whose_supervisor_is_sigkilled_mid_run_fails_ended_naming_why() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut child, out) = start(tmp.path(), "duration_s = 60\nspeedup = 30\nseed = 31\n");
    child.signal(Signal::SIGKILL);
    let _ = child.wait();
    wait_for_machines(&out);
    let done = Logiclock::analyze(&out)
        .timeout(TIMEOUT)
        .finish()
        .exit_code(1);
    let (passed, text) = ended(&out);
    assert!(!passed, "{text}\n{}", done.describe());
    assert!(
        text.contains("the manifest has no outcome"),
        "{text}\n{}",
        done.describe()
    );
    // The machines stopped by themselves, each with its stop line, far short of slot 60 x rate.
    assert!(text.contains("last tick"), "{text}");
    assert!(done.stdout.contains("FAIL"), "{}", done.describe());
}

#[test]
fn a_run_interrupted_by_sigint_fails_ended_naming_the_signal() {
    let tmp = tempfile::tempdir().unwrap();
    let (child, out) = start(tmp.path(), "duration_s = 60\nspeedup = 30\nseed = 32\n");
    child.signal(Signal::SIGINT);
    child.finish().exit_code(130);
    let done = Logiclock::analyze(&out)
        .timeout(TIMEOUT)
        .finish()
        .exit_code(1);
    let (passed, text) = ended(&out);
    assert!(!passed, "{}", done.describe());
    assert!(text.contains("interrupted by SIGINT"), "{text}");
}

#[test]
fn a_run_stopped_early_by_the_stop_policy_fails_ended_naming_the_death() {
    let tmp = tempfile::tempdir().unwrap();
    let (child, out) = start(
        tmp.path(),
        "duration_s = 60\nspeedup = 30\nseed = 33\non_machine_exit = \"stop\"\n",
    );
    let victim = logiclock::manifest::Manifest::read(&out).unwrap().machines[0]
        .pid
        .unwrap();
    send_signal(victim, Signal::SIGKILL);
    child.finish().exit_code(1);
    let done = Logiclock::analyze(&out)
        .timeout(TIMEOUT)
        .finish()
        .exit_code(1);
    let (passed, text) = ended(&out);
    assert!(!passed, "{}", done.describe());
    assert!(
        text.contains("stopped early: machine 0") && text.contains("died"),
        "{text}"
    );
}

#[test]
fn a_real_run_that_completed_passes_ended() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("run");
    Logiclock::run("configs/default.toml")
        .duration(20.0)
        .speedup(20.0)
        .seed(34)
        .quiet()
        .out(&out)
        .current_dir(tmp.path())
        .timeout(TIMEOUT)
        .finish()
        .success();
    let done = Logiclock::analyze(&out).timeout(TIMEOUT).finish();
    let (passed, text) = ended(&out);
    assert!(passed, "{text}\n{}", done.describe());
}

#[test]
fn a_machine_killed_for_good_by_a_planned_kill_is_not_short() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = util::scenario(
        tmp.path(),
        "kill.toml",
        "duration_s = 30\nseed = 35\n[[fault]]\nkind = \"kill\"\nat_s = 10\nmachine = 1\n",
    );
    let out = tmp.path().join("run");
    Logiclock::run(scenario)
        .args(["--engine", "sim"])
        .quiet()
        .out(&out)
        .current_dir(tmp.path())
        .timeout(TIMEOUT)
        .finish()
        .success();
    let done = Logiclock::analyze(&out).timeout(TIMEOUT).finish().success();
    let (passed, text) = ended(&out);
    assert!(passed, "{text}\n{}", done.describe());
}

/// A twin run of the default scenario for 30 model seconds, seed 36.
fn twin(out: &Path) {
    Logiclock::run("configs/default.toml")
        .args(["--engine", "sim"])
        .duration(30.0)
        .seed(36)
        .quiet()
        .out(out)
        .timeout(TIMEOUT)
        .finish()
        .success();
}

/// Make the manifest of the run at `dir` claim `duration_s` model seconds.
fn claim_duration(dir: &Path, duration_s: f64) {
    let path = dir.join("manifest.json");
    let mut json: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    json["scenario"]["duration_s"] = duration_s.into();
    std::fs::write(&path, json.to_string()).unwrap();
}

#[test]
fn a_completed_run_whose_machines_fall_short_of_their_schedule_fails_ended_naming_each() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("run");
    twin(&out);
    // The logs hold 30 s of ticks; the manifest says the run was to last 60 s and completed.
    claim_duration(&out, 60.0);
    let done = Logiclock::analyze(&out)
        .timeout(TIMEOUT)
        .finish()
        .exit_code(1);
    let (passed, text) = ended(&out);
    assert!(!passed, "{}", done.describe());
    let rate = logiclock::manifest::Manifest::read(&out).unwrap().machines[0]
        .rate
        .unwrap();
    assert!(
        text.contains(&format!(
            "machine 0's last tick is {}, its schedule for 60 model seconds reaches tick {}",
            30 * rate,
            60 * rate
        )),
        "{text}"
    );
}

#[test]
fn a_batch_with_one_cut_member_counts_it_failed_and_names_it() {
    let tmp = tempfile::tempdir().unwrap();
    let batch = crate::batch_analyze::twin_batch_of_two(tmp.path());
    // The second member as a SIGKILL of its supervisor leaves it: no outcome, though every
    // machine wrote its stop line.
    let manifest = batch.join("seed12").join("manifest.json");
    let mut json: Value =
        serde_json::from_str(&std::fs::read_to_string(&manifest).unwrap()).unwrap();
    json.as_object_mut().unwrap().remove("outcome");
    std::fs::write(&manifest, json.to_string()).unwrap();
    let done = Logiclock::analyze(&batch)
        .timeout(TIMEOUT)
        .finish()
        .exit_code(1);
    assert!(
        done.stdout
            .contains("aggregate over 2 runs (1 passed their checks; failed: seed12)"),
        "{}",
        done.describe()
    );
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(batch.join("aggregate.json")).unwrap())
            .unwrap();
    assert_eq!(json["failed"], serde_json::json!(["seed12"]), "{json}");
}

/// Three machines at 100-300 ticks/s for a minute: about 5 MB of logs, cut by a 1 MB write limit
/// per log a quarter of the way.
const DISK_FULL_TWIN: &str = "machines = 3\nduration_s = 60\nseed = 7\n\
    [clock]\nrates = [100, 200, 300]\n";

#[test]
fn a_twin_cut_by_a_full_disk_counts_its_unreceived_messages_in_flight_at_the_cut_and_fails_ended() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("run");
    Logiclock::run(util::scenario(tmp.path(), "full.toml", DISK_FULL_TWIN))
        .args(["--engine", "sim"])
        .quiet()
        .out(&out)
        .env("LOGICLOCK_TEST_LOG_LIMIT_BYTES", "1000000")
        .finish()
        .exit_code(1);
    let analyzed = Logiclock::analyze(&out).finish();
    assert_eq!(analyzed.code(), Some(1), "{}", analyzed.describe());
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(report.contains("**FAIL** `ended`"), "{report}");
    assert!(report.contains("**pass** `lost`"), "{report}");
    // The cut is one model instant the manifest gives: what is unreceived was in flight then,
    // not of an unknown fate, and no fault explains it.
    assert!(
        report.contains("in flight at the cut at")
            && !report.contains("is unknown")
            && !report.contains("expected (fault)"),
        "{report}"
    );
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    let mut in_flight = 0;
    for link in summary["links"].as_array().unwrap() {
        assert_eq!(link["lost"], 0, "{link}");
        assert_eq!(link["lost_at_death"], 0, "{link}");
        let sent = link["sent"].as_u64().unwrap();
        let received = link["received"].as_u64().unwrap();
        let left = link["left_in_queue"].as_u64().unwrap();
        assert_eq!(sent, received + left, "{link}");
        in_flight += left;
    }
    assert!(in_flight > 0, "the cut caught no message in flight");
}
