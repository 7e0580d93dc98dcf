//! `logiclock run`: a real run, checked from its files alone.

use std::time::Duration;

use logiclock::log_format::Event;

use crate::cmd::{bin, Finished, Logiclock};
use crate::util::{self, RunFiles};

const TIMEOUT: Duration = Duration::from_secs(60);

/// Run the default scenario compressed 60 times (30 model seconds in half a real second).
fn default_run(seed: u64) -> (tempfile::TempDir, Finished, RunFiles) {
    default_run_at(seed, 60.0)
}

/// Run 30 model seconds of the default scenario at `speedup`.
fn default_run_at(seed: u64, speedup: f64) -> (tempfile::TempDir, Finished, RunFiles) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("run");
    let done = Logiclock::run("configs/default.toml")
        .speedup(speedup)
        .duration(30.0)
        .seed(seed)
        .quiet()
        .out(&out)
        .current_dir(tmp.path())
        .timeout(TIMEOUT)
        .finish()
        .success();
    let files = RunFiles::read(&out);
    (tmp, done, files)
}

#[test]
fn a_run_has_three_processes_and_three_logs_that_keep_the_contract() {
    let (_tmp, done, files) = default_run(11);
    let m = &files.manifest;
    assert_eq!(m.machines.len(), 3);
    let mut pids: Vec<u32> = m.machines.iter().map(|m| m.pid.unwrap()).collect();
    pids.sort();
    pids.dedup();
    assert_eq!(pids.len(), 3, "three distinct processes");
    assert!(m
        .machines
        .iter()
        .all(|m| m.addr.unwrap().ip().is_loopback() && m.addr.unwrap().port() != 0));
    assert_eq!(m.scenario.as_ref().unwrap().seed, 11);
    assert!(
        m.outcome.as_ref().is_some_and(|o| o.clean),
        "{}",
        done.describe()
    );
    assert!(
        done.stdout.contains("run directory:"),
        "{}",
        done.describe()
    );

    if let Err(why) = files.check() {
        panic!("{why}\n{}", done.describe());
    }
    files.assert_no_machine_left();
    for (id, log) in files.logs.iter().enumerate() {
        let start = log.iter().find(|l| l.event.name() == "start");
        assert!(
            matches!(start.map(|l| &l.event), Some(Event::Start { rate, .. }) if *rate == m.machines[id].rate.unwrap()),
            "machine {id} logs its rate at start"
        );
        let sends = log.iter().filter(|l| l.event.name() == "send").count();
        assert!(sends > 0, "machine {id} sent nothing in 30 model seconds");
    }
}

#[test]
fn every_machine_ticks_at_its_configured_rate() {
    // At speedup 20 a 6 ticks/s machine has 8 ms slots: a loaded 2-core test box stalls a
    // process for a few milliseconds now and then, and a slot is skipped only when it passed
    // wholly (how often the host allows shorter slots is the tick benchmark's business).
    let (_tmp, done, files) = default_run_at(12, 20.0);
    for (id, log) in files.logs.iter().enumerate() {
        let ticks: Vec<(u64, u64)> = log
            .iter()
            .filter_map(|l| {
                let us = l.timestamp as u64;
                l.event.tick().map(|t| (t, us))
            })
            .collect();
        let (first, last) = (ticks[0], *ticks.last().unwrap());
        // Tick numbers are schedule slots: also count the ticks that really ran.
        let ran = ticks.len() as f64;
        let slots = (last.0 - first.0 + 1) as f64;
        assert!(
            ran >= 0.95 * slots,
            "machine {id}: {ran} ticks ran in {slots} slots"
        );
        let achieved = (last.0 - first.0) as f64 / ((last.1 - first.1) as f64 / 1e6);
        let target = 1e6 / files.manifest.machines[id].interval_us.unwrap();
        let error = (achieved - target).abs() / target;
        assert!(
            error < 0.10,
            "machine {id}: {achieved:.1} ticks/s against {target:.1} ({:.1}% off)\n{}",
            error * 100.0,
            done.describe()
        );
        let model_ticks = files.manifest.machines[id].rate.unwrap() as f64 * 30.0;
        assert!(
            (last.0 as f64 - model_ticks).abs() <= model_ticks * 0.1 + 2.0,
            "machine {id}: {} ticks, expected about {model_ticks}",
            last.0
        );
    }
}

#[test]
fn the_same_seed_gives_the_same_rates_and_the_same_die_rolls() {
    let (_a, _, first) = default_run(424242);
    let (_b, _, second) = default_run(424242);
    assert_eq!(first.rates(), second.rates());

    // Every tick that is not a receive rolls the die for its slot, and a slot's roll depends on
    // the seed, the machine and the slot only: on every slot where both runs rolled (message
    // timing is real, so which ticks receive differs), they did the same thing.
    let rolls = |f: &RunFiles, id: usize| -> std::collections::BTreeMap<u64, Option<Vec<u32>>> {
        f.logs[id]
            .iter()
            .filter_map(|l| match &l.event {
                Event::Internal { tick, .. } => Some((*tick, None)),
                Event::Send { tick, to, .. } => Some((*tick, Some(to.clone()))),
                _ => None,
            })
            .collect()
    };
    let both = |a: &std::collections::BTreeMap<u64, Option<Vec<u32>>>,
                b: &std::collections::BTreeMap<u64, Option<Vec<u32>>>| {
        a.iter()
            .filter_map(|(tick, x)| Some((*tick, x.clone(), b.get(tick)?.clone())))
            .collect::<Vec<_>>()
    };
    for id in 0..3 {
        let common = both(&rolls(&first, id), &rolls(&second, id));
        assert!(
            common.len() > 20,
            "machine {id}: only {} rolls to compare",
            common.len()
        );
        for (tick, a, b) in common {
            assert_eq!(a, b, "machine {id}'s roll for slot {tick} differs");
        }
    }

    let (_c, _, other) = default_run(7);
    let differs = (0..3).any(|id| {
        both(&rolls(&other, id), &rolls(&first, id))
            .iter()
            .any(|(_, a, b)| a != b)
    }) || other.rates() != first.rates();
    assert!(differs, "another seed gives other rates or rolls");
}

#[test]
fn fixed_rates_more_machines_and_a_small_die() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("five");
    let scenario = util::scenario(
        tmp.path(),
        "five.toml",
        "machines = 5\nduration_s = 20\nspeedup = 40\nseed = 5\n[clock]\nrates = [1, 2, 3, 4, 6]\n[events]\ndie = 5\n",
    );
    let done = Logiclock::run(&scenario)
        .quiet()
        .out(&out)
        .current_dir(tmp.path())
        .timeout(TIMEOUT)
        .finish()
        .success();
    let files = RunFiles::read(&out);
    assert_eq!(
        files
            .manifest
            .machines
            .iter()
            .map(|m| m.rate.unwrap())
            .collect::<Vec<_>>(),
        vec![1, 2, 3, 4, 6]
    );
    if let Err(why) = files.check() {
        panic!("{why}\n{}", done.describe());
    }
    // With 5 machines and die 5 there are no internal events: rolls 1..=4 send to one peer,
    // 5 sends to all four.
    for log in &files.logs {
        assert!(!log.iter().any(|l| l.event.name() == "internal"));
    }
    let to_all =
        |l: &&logiclock::runlog::Line| matches!(&l.event, Event::Send { to, .. } if to.len() == 4);
    assert!(
        files.logs.iter().flatten().any(|l| to_all(&l)),
        "someone rolled 5 and sent to all"
    );
}

#[test]
fn a_sweep_with_repeats_runs_every_value_on_the_same_seeds() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("batch");
    let done = Logiclock::run("configs/default.toml")
        .speedup(100.0)
        .duration(10.0)
        .seed(40)
        .args(["--repeat", "2", "--sweep", "events.die=3,20"])
        .quiet()
        .out(&out)
        .current_dir(tmp.path())
        .timeout(TIMEOUT)
        .finish()
        .success();
    let mut found = Vec::new();
    for (die, seed) in [(3, 40), (3, 41), (20, 40), (20, 41)] {
        let dir = out.join(format!("events.die={die}-seed{seed}"));
        let files = RunFiles::read(&dir);
        assert_eq!(files.manifest.scenario.as_ref().unwrap().die, die);
        assert_eq!(files.manifest.scenario.as_ref().unwrap().seed, seed);
        if let Err(why) = files.check() {
            panic!("{}: {why}\n{}", dir.display(), done.describe());
        }
        found.push(files);
    }
    // Same seed, same rates, whatever the die.
    assert_eq!(found[0].rates(), found[2].rates());
    assert_eq!(found[1].rates(), found[3].rates());
    // With die 3 no tick is internal.
    assert!(found[0]
        .logs
        .iter()
        .flatten()
        .all(|l| l.event.name() != "internal"));
    done.stdout_contains("batch of 4 runs");
}

#[test]
fn a_batch_survives_its_binary_being_replaced_midway() {
    let tmp = tempfile::tempdir().unwrap();
    // Our own copy of the binary, which we replace (a new file, as a rebuild does) while the
    // first run of the batch is going.
    let copy = tmp.path().join("logiclock");
    std::fs::copy(bin(), &copy).unwrap();
    let out = tmp.path().join("batch");
    let batch = Logiclock::program(&copy)
        .arg("run")
        .arg(crate::cmd::repo().join("configs/default.toml"))
        .speedup(60.0)
        .duration(30.0)
        .seed(8)
        .args(["--repeat", "2"])
        .quiet()
        .out(&out)
        .current_dir(tmp.path())
        .timeout(TIMEOUT)
        .spawn();
    util::wait_for_manifest(&out.join("seed8"));
    std::fs::remove_file(&copy).unwrap();
    std::fs::copy(bin(), &copy).unwrap();
    let done = batch.finish();
    assert!(
        done.status.success(),
        "the batch failed after the binary was replaced\n{}",
        done.describe()
    );
    for seed in ["seed8", "seed9"] {
        let files = RunFiles::read(&out.join(seed));
        assert!(
            files.manifest.outcome.as_ref().is_some_and(|o| o.clean),
            "{seed}"
        );
    }
}
