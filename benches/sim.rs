//! Benchmark of `run --engine sim`: ticks simulated per real second with full logs, and the time
//! of a 1,000-run batch of the default scenario (the library's run loop, then the real binary's
//! `--engine sim --repeat 1000`). Run with `cargo bench --bench sim`.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use logiclock::run::RunOptions;
use logiclock::scenario::{Overrides, Scenario};

/// Simulate `scenario` into `out` with full logs; returns the ticks run.
fn simulate(scenario: Scenario, out: &Path) -> u64 {
    let options = RunOptions {
        out: Some(out.to_owned()),
        runs_root: out.to_owned(),
        quiet: true,
        engine: logiclock::manifest::Engine::Sim,
        batch: None,
        max_log_size: None,
    };
    let report = logiclock::sim::run(scenario, &options).expect("the simulation runs");
    let outcome = report
        .manifest
        .outcome
        .expect("a finished run has an outcome");
    outcome
        .exits
        .iter()
        .filter_map(|e| e.report.as_ref())
        .map(|r| r.ticks)
        .sum()
}

fn main() {
    let dir = tempfile::tempdir().expect("failed to create a temporary directory");
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));

    // Three machines at the highest rate for 20 model minutes: 3.6 million ticks.
    let text = "machines = 3\nduration_s = 1200\nseed = 1\n[clock]\nrates = [1000, 1000, 1000]\n";
    let fast = Scenario::parse(text, Path::new("fast.toml"), &Overrides::default())
        .expect("the benchmark scenario is valid");
    let mut best = f64::MAX;
    let mut ticks = 0;
    let mut bytes = 0;
    for n in 0..3 {
        let out = dir.path().join(format!("fast-{n}"));
        let started = Instant::now();
        ticks = simulate(fast.clone(), &out);
        best = best.min(started.elapsed().as_secs_f64());
        bytes = (0..3)
            .map(|id| {
                std::fs::metadata(out.join(format!("machine-{id}.log"))).map_or(0, |m| m.len())
            })
            .sum::<u64>();
        std::fs::remove_dir_all(&out).expect("failed to remove a benchmark run");
    }
    println!(
        "ticks: {ticks} in {best:.3} s (best of 3): {:.2} million ticks per real second, \
         {:.0} MB of logs at {:.0} MB/s",
        ticks as f64 / best / 1e6,
        bytes as f64 / 1e6,
        bytes as f64 / 1e6 / best
    );

    // 1,000 runs of the default scenario, one directory each, through the library.
    let default = repo.join("configs/default.toml");
    let batch = dir.path().join("batch");
    let started = Instant::now();
    let mut ticks = 0;
    for seed in 0..1_000u64 {
        let overrides = Overrides {
            seed: Some(seed),
            ..Overrides::default()
        };
        let scenario = Scenario::load(&default, &overrides).expect("the default scenario loads");
        ticks += simulate(scenario, &batch.join(format!("seed{seed}")));
    }
    println!(
        "1,000 runs of configs/default.toml (library): {:.2} s, {ticks} ticks",
        started.elapsed().as_secs_f64()
    );

    // The same batch through the binary, as a user runs it.
    let out = dir.path().join("cli-batch");
    let started = Instant::now();
    let status = Command::new(env!("CARGO_BIN_EXE_logiclock"))
        .args([
            "run", "--engine", "sim", "--repeat", "1000", "--seed", "0", "--quiet", "--out",
        ])
        .arg(&out)
        .arg(&default)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .expect("failed to run logiclock");
    assert!(
        status.success(),
        "logiclock run --engine sim --repeat 1000: {status}"
    );
    println!(
        "logiclock run configs/default.toml --engine sim --repeat 1000: {:.2} s",
        started.elapsed().as_secs_f64()
    );
}
