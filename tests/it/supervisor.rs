//! The supervisor under a frozen machine: Ctrl-C still stops the run within the grace period,
//! whether the machine was paused by a fault or SIGSTOPped from outside with its stdin full.

use nix::sys::signal::Signal;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use logiclock::manifest::{MachineEnd, Manifest};

use crate::cmd::{send_signal, Logiclock, Running};
use crate::util::{self, RunFiles};

/// Start `scenario` (TOML text) and wait until its manifest exists.
fn start(tmp: &Path, scenario: &str) -> (Running, PathBuf) {
    let path = util::scenario(tmp, "frozen.toml", scenario);
    let out = tmp.join("run");
    // Not quiet: each fault carried out is a line on stderr, which the tests wait for.
    let child = Logiclock::run(&path)
        .out(&out)
        .current_dir(tmp)
        .timeout(Duration::from_secs(30))
        .spawn();
    util::wait_for_manifest(&out);
    (child, out)
}

/// A long run at speedup 10 (60 real seconds) with a short grace period, plus `faults`.
fn scenario(faults: &str) -> String {
    format!(
        "name = \"frozen\"\nmachines = 3\nduration_s = 600\nspeedup = 10\nseed = 5\n\
         stop_grace_s = 1\n{faults}"
    )
}

#[test]
fn ctrl_c_stops_the_run_within_the_grace_period_while_a_sigstopped_machine_stops_reading() {
    // 400 delay faults on machine 1's links, each a begin and an end message to machine 1:
    // about 100 KB of control input, more than a pipe holds, for a machine that reads nothing.
    let mut faults = String::new();
    for i in 0..400 {
        let at_s = 10.0 + f64::from(i) * 0.02;
        writeln!(
            faults,
            "[[fault]]\nkind = \"delay\"\nat_s = {at_s}\nfrom = 1\nto = 0\ndelay_ms = 1\n\
             duration_s = 0.01"
        )
        .unwrap();
    }
    let tmp = tempfile::tempdir().unwrap();
    let (child, out) = start(tmp.path(), &scenario(&faults));
    let manifest = Manifest::read(&out).unwrap();
    send_signal(manifest.machines[1].pid.unwrap(), Signal::SIGSTOP);
    // The faults come between 1 and 2 real seconds after the start: wait until the supervisor
    // has carried out all 800 (their messages queued to the frozen machine, more than its pipe
    // holds).
    util::wait_until("the 800 delay faults", Duration::from_secs(10), || {
        child.output().matches("fault at ").count() >= 800
    });

    let interrupted = Instant::now();
    child.signal(Signal::SIGINT);
    let done = child.finish();
    let took = interrupted.elapsed();

    assert_eq!(done.code(), Some(130), "{}", done.describe());
    // The grace period is 1 s; the frozen machine is killed then, the others stop at once.
    assert!(took < Duration::from_secs(5), "stopping took {took:?}");
    let files = RunFiles::read(&out);
    let outcome = files
        .manifest
        .outcome
        .as_ref()
        .expect("the outcome is recorded");
    assert_eq!(outcome.reason, "interrupted by SIGINT");
    assert_eq!(outcome.exits[1].status, MachineEnd::KilledBySupervisor);
    for id in [0, 2] {
        assert_eq!(
            outcome.exits[id].status,
            MachineEnd::Exited { code: 0 },
            "{}",
            done.describe()
        );
        assert!(outcome.exits[id].clean, "machine {id} stopped cleanly");
    }
    assert!(
        !outcome.clean,
        "a machine killed for not stopping is not clean"
    );
    assert_eq!(
        outcome.faults.len(),
        800,
        "every delay began and ended, written to the frozen machine or not"
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
fn a_machine_paused_by_a_fault_is_resumed_and_stops_cleanly_on_ctrl_c() {
    let pause = "[[fault]]\nkind = \"pause\"\nat_s = 3\nmachine = 2\nduration_s = 500\n";
    let tmp = tempfile::tempdir().unwrap();
    let (child, out) = start(tmp.path(), &scenario(pause));
    // The pause begins 0.3 real seconds after the start: wait until machine 2 is stopped.
    let paused = Manifest::read(&out).unwrap().machines[2].pid.unwrap();
    util::wait_until("machine 2 to be paused", Duration::from_secs(5), || {
        util::process_state(paused) == Some('T')
    });

    let interrupted = Instant::now();
    child.signal(Signal::SIGINT);
    let done = child.finish();
    let took = interrupted.elapsed();

    assert_eq!(done.code(), Some(130), "{}", done.describe());
    assert!(took < Duration::from_secs(5), "stopping took {took:?}");
    let files = RunFiles::read(&out);
    let outcome = files
        .manifest
        .outcome
        .as_ref()
        .expect("the outcome is recorded");
    let details: Vec<&str> = outcome.faults.iter().map(|f| f.detail.as_str()).collect();
    assert_eq!(
        details,
        ["machine 2 paused (SIGSTOP)"],
        "the pause began and the run stopped before it ended"
    );
    for exit in &outcome.exits {
        assert_eq!(exit.status, MachineEnd::Exited { code: 0 }, "{exit:?}");
    }
    assert!(
        outcome.clean,
        "a paused machine is resumed, then stops like the others\n{}",
        done.describe()
    );
    if let Err(why) = files.check() {
        panic!("{why}\n{}", done.describe());
    }
}
