//! Signals: the run stops cleanly on Ctrl-C, SIGTERM or SIGHUP, pauses with its machines on
//! Ctrl-Z (SIGTSTP) until `fg` (SIGCONT), and machines never outlive a supervisor.

use nix::sys::signal::Signal;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::cmd::{send_signal, Logiclock, Running};
use crate::util::{self, RunFiles};
use logiclock::log_format::FaultKind;
use logiclock::manifest::FaultCause;

/// Start a long run (10 real seconds) and wait until its machines tick.
fn start_long_run(tmp: &Path) -> (Running, PathBuf) {
    start_run(tmp, Path::new("configs/default.toml"), 300.0)
}

/// Start `scenario` for `model_s` model seconds at speedup 30 and wait until its machines tick.
fn start_run(tmp: &Path, scenario: &Path, model_s: f64) -> (Running, PathBuf) {
    let out = tmp.join("run");
    let child = Logiclock::run(scenario)
        .speedup(30.0)
        .duration(model_s)
        .seed(3)
        .out(&out)
        .current_dir(tmp)
        .timeout(Duration::from_secs(20))
        .spawn();
    util::wait_for_manifest(&out);
    util::wait_for_ticks(&out, 5);
    (child, out)
}

fn stops_cleanly_on(sig: Signal, code: i32) {
    let tmp = tempfile::tempdir().unwrap();
    let (child, out) = start_long_run(tmp.path());
    let started = Instant::now();
    child.signal(sig);
    let done = child.finish();
    assert_eq!(done.code(), Some(code), "{}", done.describe());
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "stopping took {:?}",
        started.elapsed()
    );
    let files = RunFiles::read(&out);
    if let Err(why) = files.check() {
        panic!("{why}\n{}", done.describe());
    }
    let outcome = files
        .manifest
        .outcome
        .as_ref()
        .expect("the outcome is recorded");
    assert!(
        outcome.clean,
        "every machine stopped cleanly\n{}",
        done.describe()
    );
    assert_eq!(outcome.reason, format!("interrupted by {sig}"));
    for m in &files.manifest.machines {
        assert!(
            !util::alive(m.pid.unwrap()),
            "machine {} (pid {}) outlived the run",
            m.id,
            m.pid.unwrap()
        );
    }
}

#[test]
fn ctrl_c_stops_every_machine_cleanly_with_exit_130() {
    stops_cleanly_on(Signal::SIGINT, 130);
}

#[test]
fn sigterm_stops_every_machine_cleanly_with_exit_143() {
    stops_cleanly_on(Signal::SIGTERM, 143);
}

#[test]
fn sighup_stops_every_machine_cleanly_with_exit_129() {
    stops_cleanly_on(Signal::SIGHUP, 129);
}

#[test]
fn machines_stop_by_themselves_when_the_supervisor_is_killed() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut child, out) = start_long_run(tmp.path());
    child.signal(Signal::SIGKILL);
    let _ = child.wait();
    let killed = Instant::now();
    let files = RunFiles::read(&out);
    for m in &files.manifest.machines {
        while util::alive(m.pid.unwrap()) {
            assert!(
                killed.elapsed() < Duration::from_secs(2),
                "machine {} (pid {}) still runs 2 s after its supervisor died",
                m.id,
                m.pid.unwrap()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    // Their logs were flushed and are complete.
    let files = RunFiles::read(&out);
    if let Err(why) = files.check() {
        panic!("{why}");
    }
}

#[test]
fn a_second_ctrl_c_forces_the_stop() {
    let tmp = tempfile::tempdir().unwrap();
    let (child, out) = start_long_run(tmp.path());
    let manifest = logiclock::manifest::Manifest::read(&out).unwrap();
    // A machine that cannot answer, so the first Ctrl-C waits for it.
    send_signal(manifest.machines[1].pid.unwrap(), Signal::SIGSTOP);
    let started = Instant::now();
    child.signal(Signal::SIGINT);
    // The first Ctrl-C is handled before the second is sent (two pending at once are one).
    child.wait_for_output("SIGINT: stopping every machine", Duration::from_secs(5));
    child.signal(Signal::SIGINT);
    let done = child.finish();
    assert_eq!(done.code(), Some(130), "{}", done.describe());
    assert!(
        started.elapsed() < Duration::from_secs(6),
        "forcing took {:?}",
        started.elapsed()
    );
    let files = RunFiles::read(&out);
    let outcome = files.manifest.outcome.as_ref().unwrap();
    assert!(!outcome.clean, "a forced stop is not clean");
    assert_eq!(
        outcome.exits[1].status,
        logiclock::manifest::MachineEnd::KilledBySupervisor
    );
    for m in &files.manifest.machines {
        assert!(
            !util::alive(m.pid.unwrap()),
            "machine {} outlived the run",
            m.id
        );
    }
}

#[test]
fn ctrl_z_pauses_the_machines_with_the_supervisor_and_fg_resumes_them_with_the_gap_explained() {
    let tmp = tempfile::tempdir().unwrap();
    // The default set-up, with room for a loaded host's own skips (5% of a machine's slots) but
    // not for the suspension's (10% or more of this run's 4 real seconds) unless explained.
    let default = std::fs::read_to_string(crate::cmd::repo().join("configs/default.toml")).unwrap();
    let scenario = util::scenario(
        tmp.path(),
        "default.toml",
        &format!("{default}\n[tolerance]\nskipped = 0.05\n"),
    );
    let (child, out) = start_run(tmp.path(), &scenario, 120.0);
    let machines = logiclock::manifest::Manifest::read(&out).unwrap().machines;
    let logs = util::log_paths(&out);
    let stopped = |pid: u32| util::process_state(pid) == Some('T');

    child.signal(Signal::SIGTSTP);
    util::wait_until("the supervisor to stop", Duration::from_secs(5), || {
        stopped(child.id())
    });
    // The supervisor sent SIGSTOP to its machines before it stopped itself; each stops once the
    // kernel next schedules it, which a loaded host may delay a little.
    for m in &machines {
        let what = format!("machine {} (pid {}) to stop", m.id, m.pid.unwrap());
        util::wait_until(&what, Duration::from_secs(5), || stopped(m.pid.unwrap()));
    }
    let before = util::line_counts(&logs);
    // Not a synchronisation but the time observed: ten slots of the slowest machine (1 tick per
    // model second at speedup 30), during which no log may grow.
    std::thread::sleep(Duration::from_millis(340));
    assert_eq!(util::line_counts(&logs), before, "no machine ticked");

    child.signal(Signal::SIGCONT);
    util::wait_until(
        "every machine to tick again",
        Duration::from_secs(5),
        || {
            let now = util::line_counts(&logs);
            now.iter().zip(&before).all(|(n, b)| n > b)
        },
    );
    let done = child.finish();
    assert_eq!(done.code(), Some(0), "{}", done.describe());

    let files = RunFiles::read(&out);
    if let Err(why) = files.check() {
        panic!("{why}\n{}", done.describe());
    }
    let outcome = files.manifest.outcome.as_ref().unwrap();
    assert!(outcome.clean, "{}", done.describe());
    assert_eq!(outcome.reason, "completed");
    // Each machine: a pause and a resume by job control, in that order.
    for m in &machines {
        let job: Vec<_> = outcome
            .faults
            .iter()
            .filter(|f| f.machines == [m.id] && f.cause == FaultCause::JobControl)
            .collect();
        let kinds: Vec<FaultKind> = job.iter().map(|f| f.kind).collect();
        assert_eq!(
            kinds,
            [FaultKind::Pause, FaultKind::Resume],
            "machine {}",
            m.id
        );
        assert!(job[0].at < job[1].at, "{job:?}");
    }

    // Only the `skipped` check is this test's business: a loaded host may fail a timing one.
    let analyzed = Logiclock::analyze(&out).finish();
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    let checks = summary["verdict"]["checks"].as_array().unwrap();
    let skipped = checks.iter().find(|c| c["name"] == "skipped").unwrap();
    assert_eq!(skipped["passed"], true, "{}", analyzed.describe());
    let explained = skipped["expected_first"].as_array().unwrap();
    assert!(!explained.is_empty(), "the gap is explained: {skipped}");
    for entry in explained {
        let message = entry["message"].as_str().unwrap();
        assert!(message.contains("job control"), "{message}");
    }
}

#[test]
fn a_machine_paused_by_a_fault_wakes_and_stops_by_itself_when_the_supervisor_is_killed() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = util::scenario(
        tmp.path(),
        "paused.toml",
        "machines = 3\nduration_s = 600\nspeedup = 10\nseed = 5\n\
         [[fault]]\nkind = \"pause\"\nat_s = 3\nmachine = 2\nduration_s = 500\n",
    );
    let out = tmp.path().join("run");
    let mut child = Logiclock::run(&scenario)
        .quiet()
        .out(&out)
        .current_dir(tmp.path())
        .timeout(Duration::from_secs(30))
        .spawn();
    util::wait_for_manifest(&out);
    let machines = logiclock::manifest::Manifest::read(&out).unwrap().machines;
    let paused = machines[2].pid.unwrap();
    util::wait_until("machine 2 to be paused", Duration::from_secs(5), || {
        util::process_state(paused) == Some('T')
    });

    child.signal(Signal::SIGKILL);
    let _ = child.wait();
    // The kernel wakes it (its parent-death signal is SIGCONT): it sees its control pipe closed.
    for m in &machines {
        let what = format!(
            "machine {} (pid {}) to stop by itself",
            m.id,
            m.pid.unwrap()
        );
        util::wait_until(&what, Duration::from_secs(3), || {
            !util::alive(m.pid.unwrap())
        });
    }
    let files = RunFiles::read(&out);
    if let Err(why) = files.check() {
        panic!("{why}");
    }
}

#[test]
fn time_suspended_by_ctrl_z_does_not_count_against_the_stop_grace_period() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = util::scenario(
        tmp.path(),
        "grace.toml",
        "machines = 3\nduration_s = 600\nspeedup = 10\nseed = 5\nstop_grace_s = 2\n",
    );
    let out = tmp.path().join("run");
    // Not quiet: the note of the first Ctrl-C is waited for.
    let child = Logiclock::run(&scenario)
        .out(&out)
        .current_dir(tmp.path())
        .timeout(Duration::from_secs(30))
        .spawn();
    util::wait_for_manifest(&out);
    util::wait_for_ticks(&out, 3);
    let machines = logiclock::manifest::Manifest::read(&out).unwrap().machines;
    // Frozen from outside: it cannot answer the stop until something continues it.
    send_signal(machines[1].pid.unwrap(), Signal::SIGSTOP);
    child.signal(Signal::SIGINT);
    child.wait_for_output("SIGINT: stopping every machine", Duration::from_secs(5));
    child.signal(Signal::SIGTSTP);
    util::wait_until("the supervisor to stop", Duration::from_secs(5), || {
        util::process_state(child.id()) == Some('T')
    });
    // Not a synchronisation: the suspension must outlast the 2 s grace period.
    std::thread::sleep(Duration::from_millis(2500));
    // `fg` continues the supervisor, which continues every machine it stopped, the frozen one
    // too; that one now answers within what is left of its grace period.
    child.signal(Signal::SIGCONT);
    let done = child.finish();

    assert_eq!(done.code(), Some(130), "{}", done.describe());
    let files = RunFiles::read(&out);
    let outcome = files.manifest.outcome.as_ref().unwrap();
    assert_eq!(
        outcome.exits[1].status,
        logiclock::manifest::MachineEnd::Exited { code: 0 },
        "the frozen machine was not killed for the time the run was suspended\n{}",
        done.describe()
    );
    assert!(outcome.clean, "{}", done.describe());
}
