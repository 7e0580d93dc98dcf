//! Signals: the run stops cleanly on Ctrl-C or SIGTERM, and machines never outlive a supervisor.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::cmd::{send_signal, Logiclock, Running};
use crate::util::{self, RunFiles};

/// Start a long run (10 real seconds) and wait until its manifest says the machines started.
fn start_long_run(tmp: &Path) -> (Running, PathBuf) {
    let out = tmp.join("run");
    let child = Logiclock::run("configs/default.toml")
        .speedup(30.0)
        .duration(300.0)
        .seed(3)
        .quiet()
        .out(&out)
        .current_dir(tmp)
        .timeout(Duration::from_secs(20))
        .spawn();
    util::wait_for_manifest(&out);
    // Let the machines tick for a while.
    std::thread::sleep(Duration::from_millis(700));
    (child, out)
}

fn stops_cleanly_on(sig: i32, code: i32) {
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
    assert!(outcome.reason.contains("interrupted"), "{}", outcome.reason);
    for m in &files.manifest.machines {
        assert!(
            !util::alive(m.pid),
            "machine {} (pid {}) outlived the run",
            m.id,
            m.pid
        );
    }
}

#[test]
fn ctrl_c_stops_every_machine_cleanly_with_exit_130() {
    stops_cleanly_on(libc::SIGINT, 130);
}

#[test]
fn sigterm_stops_every_machine_cleanly_with_exit_143() {
    stops_cleanly_on(libc::SIGTERM, 143);
}

#[test]
fn machines_stop_by_themselves_when_the_supervisor_is_killed() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut child, out) = start_long_run(tmp.path());
    child.signal(libc::SIGKILL);
    let _ = child.wait();
    let killed = Instant::now();
    let files = RunFiles::read(&out);
    for m in &files.manifest.machines {
        while util::alive(m.pid) {
            assert!(
                killed.elapsed() < Duration::from_secs(2),
                "machine {} (pid {}) still runs 2 s after its supervisor died",
                m.id,
                m.pid
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
    send_signal(manifest.machines[1].pid, libc::SIGSTOP);
    let started = Instant::now();
    child.signal(libc::SIGINT);
    std::thread::sleep(Duration::from_millis(500));
    child.signal(libc::SIGINT);
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
        assert!(!util::alive(m.pid), "machine {} outlived the run", m.id);
    }
}
