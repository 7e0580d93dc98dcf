//! Signals: the run stops cleanly on Ctrl-C or SIGTERM, and machines never outlive a supervisor.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::util::{self, RunFiles};

/// Start a long run (10 real seconds) and wait until its manifest says the machines started.
fn start_long_run(tmp: &Path) -> (util::Spawned, std::path::PathBuf, Vec<String>) {
    let out = tmp.join("run");
    let scenario = util::repo().join("configs/default.toml");
    let args: Vec<String> = [
        "run",
        scenario.to_str().unwrap(),
        "--speedup",
        "30",
        "--duration",
        "300",
        "--seed",
        "3",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let child = util::spawn(tmp, &argv);
    util::wait_for_manifest(&out);
    // Let the machines tick for a while.
    std::thread::sleep(Duration::from_millis(700));
    (child, out, args)
}

fn signal(pid: u32, sig: i32) {
    // SAFETY: kill(2) with a pid we spawned and a valid signal number.
    assert_eq!(unsafe { libc::kill(pid as i32, sig) }, 0);
}

fn stops_cleanly_on(sig: i32, code: i32) {
    let tmp = tempfile::tempdir().unwrap();
    let (child, out, args) = start_long_run(tmp.path());
    let started = Instant::now();
    signal(child.id(), sig);
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let done = util::finish(child, &argv, Duration::from_secs(20), Some(&out));
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
    let (mut child, out, _) = start_long_run(tmp.path());
    signal(child.id(), libc::SIGKILL);
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
    let (child, out, args) = start_long_run(tmp.path());
    let manifest = logiclock::manifest::Manifest::read(&out).unwrap();
    // A machine that cannot answer, so the first Ctrl-C waits for it.
    signal(manifest.machines[1].pid, libc::SIGSTOP);
    let started = Instant::now();
    signal(child.id(), libc::SIGINT);
    std::thread::sleep(Duration::from_millis(500));
    signal(child.id(), libc::SIGINT);
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let done = util::finish(child, &argv, Duration::from_secs(20), Some(&out));
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
