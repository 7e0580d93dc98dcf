//! `logiclock run --engine sim`: the twin is deterministic, follows the real machines' rules and
//! draws, and its run directories pass `analyze`, faults included.

use std::path::Path;
use std::time::Duration;

use logiclock::log_format::{log_file_name, DropReason, Event};
use logiclock::manifest::Engine;

use crate::cmd::{repo, Finished, Logiclock};
use crate::util::{scenario, RunFiles};

const TIMEOUT: Duration = Duration::from_secs(60);

fn sim(cwd: &Path, scenario: &Path, out: &Path, extra: &[&str]) -> Finished {
    let mut args = vec![
        "run",
        scenario.to_str().unwrap(),
        "--engine",
        "sim",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    Logiclock::new()
        .args(args)
        .current_dir(cwd)
        .timeout(TIMEOUT)
        .logs_in(out)
        .finish()
        .success()
}

fn analyze_passes(cwd: &Path, dir: &Path) -> String {
    let done = Logiclock::analyze(dir)
        .arg("--no-plots")
        .current_dir(cwd)
        .timeout(TIMEOUT)
        .finish()
        .success();
    assert!(done.stdout.contains("checks: PASS"), "{}", done.describe());
    done.stdout
}

#[test]
fn the_same_scenario_and_seed_give_byte_identical_logs() {
    let tmp = tempfile::tempdir().unwrap();
    let config = repo().join("configs/default.toml");
    let (a, b, c) = (
        tmp.path().join("a"),
        tmp.path().join("b"),
        tmp.path().join("c"),
    );
    sim(tmp.path(), &config, &a, &["--seed", "9"]);
    sim(tmp.path(), &config, &b, &["--seed", "9"]);
    sim(tmp.path(), &config, &c, &["--seed", "10"]);
    for name in (0..3).map(log_file_name).chain(["manifest.json".into()]) {
        let first = std::fs::read(a.join(&name)).unwrap();
        assert!(!first.is_empty(), "{name} is empty");
        assert_eq!(
            first,
            std::fs::read(b.join(&name)).unwrap(),
            "{name} differs"
        );
    }
    assert_ne!(
        std::fs::read(a.join(log_file_name(0))).unwrap(),
        std::fs::read(c.join(log_file_name(0))).unwrap(),
        "another seed, another run"
    );
    let files = RunFiles::read(&a);
    assert_eq!(files.manifest.engine, Engine::Sim);
    files.check().unwrap();
    // 60 model seconds at rate r: ticks 1..=60r, each in its slot.
    for (m, log) in files.manifest.machines.iter().zip(&files.logs) {
        let ticks = log.iter().filter(|l| l.event.tick().is_some()).count();
        assert_eq!(ticks as u32, 60 * m.rate.unwrap(), "machine {}", m.id);
    }
}

#[test]
fn analyze_passes_every_check_on_the_twin_of_the_default_scenario() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("run");
    let config = repo().join("configs/default.toml");
    sim(
        tmp.path(),
        &config,
        &dir,
        &["--seed", "3", "--duration", "600"],
    );
    analyze_passes(tmp.path(), &dir);
}

#[test]
fn analyze_passes_on_the_twin_of_the_fault_scenario() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("run");
    sim(tmp.path(), &repo().join("configs/faults.toml"), &dir, &[]);
    let report = analyze_passes(tmp.path(), &dir);
    assert!(report.contains("expected"), "{report}");
    let files = RunFiles::read(&dir);
    files.check_except(&[1]).unwrap();
    // Machine 2 (6 ticks/s) was paused for 8 s: one skipped line of 48 ticks.
    let skips: Vec<_> = files.logs[2]
        .iter()
        .filter_map(|l| match l.event {
            Event::Skipped { count, .. } => Some(count),
            _ => None,
        })
        .collect();
    assert_eq!(skips, vec![48]);
    // Machine 1 was killed for good at 50 s: no stop line, and nothing after its kill.
    assert!(!matches!(
        files.logs[1].last().unwrap().event,
        Event::Stop { .. }
    ));
    // pause + resume, delay begins and ends, partition begins and ends both ways, kill.
    assert_eq!(files.manifest.outcome.as_ref().unwrap().faults.len(), 9);
}

/// A kill with a restart and a partition in drop mode (also in the real-vs-twin agreement of
/// `fault_records`).
pub const RESTART_AND_PARTITION: &str = r#"
machines = 3
duration_s = 30
seed = 11
[clock]
rates = [4, 5, 6]
[network]
latency_us = 250
jitter_us = 100
[[fault]]
kind = "kill"
at_s = 5
machine = 1
restart_after_s = 2
[[fault]]
kind = "partition"
at_s = 10
machines = [0, 2]
duration_s = 10
mode = "drop"
"#;

#[test]
fn a_restarted_twin_machine_keeps_its_clock_and_schedule_and_partitions_drop() {
    let tmp = tempfile::tempdir().unwrap();
    let config = scenario(tmp.path(), "restart.toml", RESTART_AND_PARTITION);
    let dir = tmp.path().join("run");
    sim(tmp.path(), &config, &dir, &[]);
    analyze_passes(tmp.path(), &dir);
    let files = RunFiles::read(&dir);
    let log = &files.logs[1];
    let starts: Vec<u32> = log
        .iter()
        .filter_map(|l| match l.event {
            Event::Start { incarnation, .. } => Some(incarnation),
            _ => None,
        })
        .collect();
    assert_eq!(starts, vec![0, 1]);
    // Down from 5 s to 7 s at 5 ticks/s: ticks 26..=35 skipped; tick 36 runs at 7 s.
    let restart = log
        .iter()
        .position(|l| l.event.name() == "start" && l != &log[0]);
    let after = &log[restart.unwrap()..];
    assert!(matches!(
        after[1].event,
        Event::Skipped {
            first: 26,
            count: 10
        }
    ));
    let resumed = &after[2].event;
    let last_clock = log[..restart.unwrap()]
        .iter()
        .rev()
        .find_map(|l| l.event.lamport())
        .unwrap();
    assert_eq!(resumed.tick(), Some(36));
    assert!(resumed.lamport().unwrap() > last_clock, "the clock goes on");
    let partition_drops = files
        .logs
        .iter()
        .flatten()
        .filter(|l| matches!(&l.event, Event::Dropped { reason, .. } if *reason == DropReason::Partition))
        .count();
    assert!(partition_drops > 0, "machines 0 and 2 send to each other");
}

#[test]
fn the_twin_draws_the_same_rates_and_first_rolls_as_a_real_run() {
    let tmp = tempfile::tempdir().unwrap();
    let config = repo().join("configs/default.toml");
    let (real, twin) = (tmp.path().join("real"), tmp.path().join("twin"));
    let args = ["--seed", "21", "--duration", "3", "--speedup", "10"];
    let mut real_args = vec!["run", config.to_str().unwrap(), "--quiet", "--out"];
    real_args.push(real.to_str().unwrap());
    real_args.extend_from_slice(&args);
    Logiclock::new()
        .args(real_args)
        .current_dir(tmp.path())
        .timeout(TIMEOUT)
        .logs_in(&real)
        .finish()
        .success();
    sim(tmp.path(), &config, &twin, &args);
    let (real, twin) = (RunFiles::read(&real), RunFiles::read(&twin));
    assert_eq!(real.manifest.engine, Engine::Real);
    assert_eq!(real.rates(), twin.rates());
    // Every machine's first tick rolls the die on an empty queue in both engines: its stream's
    // first draw. (It is tick 1 unless a busy host made the real run skip that slot.)
    let first_tick = |f: &RunFiles, id: usize| {
        f.logs[id]
            .iter()
            .find(|l| l.event.tick().is_some())
            .map(|l| l.event.clone())
            .unwrap()
    };
    for id in 0..3 {
        let (a, b) = (first_tick(&real, id), first_tick(&twin, id));
        assert_eq!(a.name(), b.name(), "machine {id}");
        if let (Event::Send { to: x, .. }, Event::Send { to: y, .. }) = (&a, &b) {
            assert_eq!(x, y, "machine {id} sends to the same peers");
        }
    }
}

#[test]
fn a_batch_of_twin_runs_gets_one_directory_per_seed() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("batch");
    let config = repo().join("configs/default.toml");
    let done = sim(tmp.path(), &config, &out, &["--repeat", "3", "--seed", "5"]);
    assert!(
        done.stdout.contains("batch of 3 runs"),
        "{}",
        done.describe()
    );
    // The runs' directories (the batch directory also holds its claim file).
    let mut dirs: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .flatten()
        .filter(|d| d.path().is_dir())
        .collect();
    dirs.sort_by_key(|d| d.file_name());
    assert_eq!(dirs.len(), 3);
    for d in dirs {
        let files = RunFiles::read(&d.path());
        assert_eq!(files.manifest.engine, Engine::Sim);
        files.check().unwrap();
    }
}
