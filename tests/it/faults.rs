//! Process faults (a machine killed from outside, a machine that hangs on stop) and faults on
//! purpose (`[[fault]]`): the run reports them, the survivors finish, and nothing is lost silently.

use nix::sys::signal::Signal;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use logiclock::log_format::{DropReason, Event, FaultKind};
use logiclock::manifest::MachineEnd;
use logiclock::runlog::Line;

use crate::cmd::{send_signal, Logiclock, Running};
use crate::util::{self, RunFiles};

/// Five faults, one of each kind, in 2 s (`scheduled_faults_are_logged_and_...`; also in the
/// real-vs-twin agreement of `fault_records`).
pub const SCHEDULED_FAULTS: &str = r#"
duration_s = 40
speedup = 20
seed = 24
[clock]
rates = [4, 4, 6]
[events]
die = 5
[[fault]]
kind = "pause"
at_s = 4
machine = 2
duration_s = 5
[[fault]]
kind = "delay"
at_s = 12
from = 0
to = 1
delay_ms = 1000
duration_s = 6
[[fault]]
kind = "partition"
at_s = 20
machines = [0, 2]
duration_s = 5
mode = "drop"
[[fault]]
kind = "partition"
at_s = 27
machines = [1, 2]
duration_s = 4
[[fault]]
kind = "kill"
at_s = 35
machine = 1
"#;

/// A kill and a restart 8 model seconds later, in 2 s.
pub const RESTART: &str = r#"
duration_s = 40
speedup = 20
seed = 31
[clock]
rates = [4, 5, 6]
[events]
die = 5
[[fault]]
kind = "kill"
at_s = 10
machine = 1
restart_after_s = 8
"#;

/// Start `scenario` and wait until its manifest exists (the machines are about to tick).
fn start(tmp: &Path, scenario: &str) -> (Running, PathBuf) {
    let path = util::scenario(tmp, "faults.toml", scenario);
    let out = tmp.join("run");
    let child = Logiclock::run(path)
        .quiet()
        .out(&out)
        .current_dir(tmp)
        .timeout(Duration::from_secs(40))
        .spawn();
    util::wait_for_manifest(&out);
    (child, out)
}

fn micros(line: &Line) -> u64 {
    line.timestamp as u64
}

#[test]
fn a_machine_killed_from_outside_is_reported_and_the_others_finish() {
    let tmp = tempfile::tempdir().unwrap();
    let (child, out) = start(tmp.path(), "duration_s = 120\nspeedup = 40\nseed = 21\n");
    // The victim has a history: ten lines or more in every log.
    util::wait_for_ticks(&out, 10);
    let victim = logiclock::manifest::Manifest::read(&out).unwrap().machines[1]
        .pid
        .unwrap();
    send_signal(victim, Signal::SIGKILL);
    let killed_at = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_micros() as u64;
    let done = child.finish();

    assert_eq!(done.code(), Some(1), "{}", done.describe());
    assert!(
        done.stderr.contains("machine 1") && done.stderr.contains("SIGKILL"),
        "the supervisor says which machine died and how\n{}",
        done.describe()
    );
    assert!(done.stdout.contains("NOT clean"), "{}", done.describe());
    let files = RunFiles::read(&out);
    let outcome = files.manifest.outcome.as_ref().unwrap();
    assert!(!outcome.clean);
    assert!(
        outcome.exits[1].status == MachineEnd::Signaled { signal: 9 },
        "{:?}",
        outcome.exits[1]
    );
    for id in [0, 2] {
        let gone = files.logs[id]
            .iter()
            .find(|l| matches!(l.event, Event::PeerGone { peer: 1, .. }))
            .unwrap_or_else(|| panic!("machine {id} never logged machine 1 gone"));
        let noticed = micros(gone).saturating_sub(killed_at);
        assert!(
            noticed < 1_000_000,
            "machine {id} noticed after {noticed} µs"
        );
        assert!(
            outcome.exits[id].clean,
            "machine {id} ran to the end cleanly"
        );
    }
    if let Err(why) = files.check_except(&[1]) {
        panic!("{why}\n{}", done.describe());
    }
    files.assert_no_machine_left();
    for id in [0, 2] {
        every_send_after_the_news_is_dropped(&files.logs[id], 1, "died");
    }
}

/// After machine `dead` is reported dead (a `fault` line of `kind`), every message the machine
/// sends it is logged as dropped.
fn every_send_after_the_news_is_dropped(log: &[Line], dead: u32, kind: &str) {
    let news = log
        .iter()
        .position(|l| matches!(&l.event, Event::Fault { kind: k, peer: Some(p), .. } if k.as_str() == kind && *p == dead))
        .unwrap_or_else(|| panic!("no {kind} line for machine {dead}"));
    let after = &log[news..];
    let mut sends = 0;
    for line in after {
        if let Event::Send { lamport, to, .. } = &line.event {
            if to.contains(&dead) {
                sends += 1;
                assert!(
                    after.iter().any(|l| matches!(&l.event, Event::Dropped { to, lamport: c, .. } if *to == [dead] && c == lamport)),
                    "message {lamport} to dead machine {dead} neither delivered nor logged as dropped"
                );
            }
        }
    }
    assert!(sends > 0, "no send to the dead machine to check");
}

#[test]
fn with_the_stop_policy_a_death_ends_the_run() {
    let tmp = tempfile::tempdir().unwrap();
    let (child, out) = start(
        tmp.path(),
        "duration_s = 600\nspeedup = 30\nseed = 22\non_machine_exit = \"stop\"\n",
    );
    util::wait_for_ticks(&out, 10);
    let victim = logiclock::manifest::Manifest::read(&out).unwrap().machines[0]
        .pid
        .unwrap();
    send_signal(victim, Signal::SIGKILL);
    let killed = Instant::now();
    let done = child.finish();
    assert!(
        killed.elapsed() < Duration::from_secs(6),
        "the run took {:?} to stop after the death",
        killed.elapsed()
    );
    assert_eq!(done.code(), Some(1), "{}", done.describe());
    let files = RunFiles::read(&out);
    let outcome = files.manifest.outcome.as_ref().unwrap();
    assert!(
        outcome.reason.contains("stopped early"),
        "{}",
        outcome.reason
    );
    if let Err(why) = files.check_except(&[0]) {
        panic!("{why}\n{}", done.describe());
    }
    files.assert_no_machine_left();
}

#[test]
fn a_machine_that_hangs_on_stop_is_killed_after_the_grace_period() {
    let tmp = tempfile::tempdir().unwrap();
    let (child, out) = start(
        tmp.path(),
        "duration_s = 60\nspeedup = 40\nseed = 23\nstop_grace_s = 1\n",
    );
    let manifest = logiclock::manifest::Manifest::read(&out).unwrap();
    // Frozen behind the supervisor's back: it will not answer stop.
    send_signal(manifest.machines[2].pid.unwrap(), Signal::SIGSTOP);
    let started = Instant::now();
    let done = child.finish();
    assert!(
        started.elapsed() < Duration::from_secs(12),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(done.code(), Some(1), "{}", done.describe());
    assert!(
        done.stderr.contains("machine 2 did not answer stop"),
        "{}",
        done.describe()
    );
    let files = RunFiles::read(&out);
    let outcome = files.manifest.outcome.as_ref().unwrap();
    assert!(
        outcome.exits[2].status == MachineEnd::KilledBySupervisor,
        "{:?}",
        outcome.exits[2]
    );
    assert!(
        outcome.exits[0].clean && outcome.exits[1].clean,
        "{:?}",
        outcome.exits
    );
    for m in &files.manifest.machines {
        assert!(
            !util::alive(m.pid.unwrap()),
            "machine {} outlived the run",
            m.id
        );
    }
    if let Err(why) = files.check_except(&[2]) {
        panic!("{why}\n{}", done.describe());
    }
}

#[test]
fn scheduled_faults_are_logged_and_every_message_is_accounted_for() {
    let tmp = tempfile::tempdir().unwrap();
    let speedup = 20.0;
    let (child, out) = start(tmp.path(), SCHEDULED_FAULTS);
    let done = child.finish();
    assert_eq!(
        done.code(),
        Some(0),
        "a kill fault is part of the plan\n{}",
        done.describe()
    );
    let files = RunFiles::read(&out);
    if let Err(why) = files.check_except(&[1]) {
        panic!("{why}\n{}", done.describe());
    }
    for id in [0, 2] {
        every_send_after_the_news_is_dropped(&files.logs[id], 1, "kill");
    }
    let outcome = files.manifest.outcome.as_ref().unwrap();
    let kinds: Vec<&str> = outcome.faults.iter().map(|f| f.kind.as_str()).collect();
    for kind in ["pause", "resume", "delay", "partition", "kill"] {
        assert!(kinds.contains(&kind), "{kind} missing from {kinds:?}");
    }

    // The pause: machine 2 skipped about 5 s x 6 ticks and logged the pause.
    let skipped: u64 = files.logs[2]
        .iter()
        .filter_map(|l| match l.event {
            Event::Skipped { count, .. } => Some(count),
            _ => None,
        })
        .sum();
    assert!(
        skipped >= 20,
        "machine 2 skipped {skipped} ticks in a 5 s pause"
    );
    assert!(files.logs[2]
        .iter()
        .any(|l| matches!(&l.event, Event::Fault { kind, .. } if *kind == FaultKind::Pause)));

    // The drop partition: messages between 0 and 2 were dropped, and said so.
    let drops = files
        .logs
        .iter()
        .flatten()
        .filter(|l| matches!(&l.event, Event::Dropped { reason, .. } if *reason == DropReason::Partition))
        .count();
    assert!(drops > 0, "no message was dropped by the partition");

    // The delay: what 0 sent to 1 inside the window took at least 1000 model ms to arrive.
    let start = micros(
        files.logs[0]
            .iter()
            .find(|l| l.event.tick() == Some(1))
            .unwrap(),
    );
    let window = (start + (12.5e6 / speedup) as u64)..(start + (17e6 / speedup) as u64);
    let sent: Vec<(u64, u64)> = files.logs[0]
        .iter()
        .filter(|l| matches!(&l.event, Event::Send { to, .. } if to.contains(&1)))
        .map(|l| (l.event.lamport().unwrap(), micros(l)))
        .filter(|(_, at)| window.contains(at))
        .collect();
    assert!(
        !sent.is_empty(),
        "machine 0 sent nothing to 1 during the delay"
    );
    for (lamport, at) in sent {
        let received = files.logs[1]
            .iter()
            .find(|l| matches!(l.event, Event::Recv { from: 0, msg_clock, .. } if msg_clock == lamport))
            .unwrap_or_else(|| panic!("message {lamport} from 0 never reached 1"));
        let took = micros(received) - at;
        assert!(
            took as f64 >= 0.95 * 1e6 / speedup,
            "message {lamport} took only {took} µs"
        );
    }
}

#[test]
fn a_killed_machine_restarts_with_its_clock_restored_and_rejoins() {
    let tmp = tempfile::tempdir().unwrap();
    let (child, out) = start(tmp.path(), RESTART);
    let done = child.finish();
    assert_eq!(done.code(), Some(0), "{}", done.describe());
    let files = RunFiles::read(&out);
    if let Err(why) = files.check_except(&[1]) {
        panic!("{why}\n{}", done.describe());
    }
    let starts: Vec<u32> = files.logs[1]
        .iter()
        .filter_map(|l| match l.event {
            Event::Start { incarnation, .. } => Some(incarnation),
            _ => None,
        })
        .collect();
    assert_eq!(starts, vec![0, 1], "two processes, one log");
    let second_start = files.logs[1]
        .iter()
        .position(|l| matches!(l.event, Event::Start { incarnation: 1, .. }))
        .unwrap();
    // The downtime (8 model s at 5 ticks/s) is one skip, the first after the restart, on the
    // original schedule. Other skips can only be stalls of a few ticks on a loaded machine
    // (2 cores, other tests running).
    let skips: Vec<u64> = files.logs[1]
        .iter()
        .filter_map(|l| match l.event {
            Event::Skipped { count, .. } => Some(count),
            _ => None,
        })
        .collect();
    let downtime = files.logs[1][second_start..]
        .iter()
        .find_map(|l| match l.event {
            Event::Skipped { count, .. } => Some(count),
            _ => None,
        })
        .unwrap_or_else(|| panic!("the downtime is not skipped: {skips:?}"));
    assert!((36..=44).contains(&downtime), "{skips:?}");
    assert_eq!(
        skips.iter().filter(|&&count| count > 10).count(),
        1,
        "one long skip, the downtime: {skips:?}"
    );
    // After the restart it talks with both peers again.
    let after = &files.logs[1][second_start..];
    for peer in [0, 2] {
        assert!(
            after
                .iter()
                .any(|l| matches!(l.event, Event::Recv { from, .. } if from == peer)),
            "machine 1 heard nothing from {peer} after its restart"
        );
    }
    for id in [0usize, 2] {
        let heard = files.logs[id].iter().any(|l| {
            micros(l) > micros(&files.logs[1][second_start])
                && matches!(l.event, Event::Recv { from: 1, .. })
        });
        assert!(
            heard,
            "machine {id} heard nothing from the restarted machine"
        );
    }
    let m = &files.manifest.machines[1];
    assert_eq!(m.restarts.len(), 1);
    for pid in [m.pid.unwrap(), m.restarts[0].pid] {
        assert!(!util::alive(pid), "pid {pid} outlived the run");
    }
    let outcome = files.manifest.outcome.as_ref().unwrap();
    assert!(outcome.faults.iter().any(|f| f.kind == FaultKind::Restart));
}
