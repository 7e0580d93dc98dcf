//! Benchmark of `logiclock grade`: a class of 200 submissions, each the logs of a one-minute,
//! three-machine twin run (`logiclock run configs/default.toml --engine sim --duration 60`, ten
//! seeds, each copied into 20 folders), graded by the real binary; prints the wall time.
//! Run with `cargo bench --bench grade`; `LOGICLOCK_BENCH_SUBMISSIONS` changes the class size.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

/// Distinct runs the class is copied from.
const RUNS: u64 = 10;

fn main() {
    let submissions: u64 = std::env::var("LOGICLOCK_BENCH_SUBMISSIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let binary = env!("CARGO_BIN_EXE_logiclock");
    let scenario = Path::new(env!("CARGO_MANIFEST_DIR")).join("configs/default.toml");
    let dir = tempfile::tempdir().expect("failed to create a temporary directory");
    let runs = dir.path().join("runs");
    for seed in 1..=RUNS {
        let status = Command::new(binary)
            .args([
                "run",
                "--engine",
                "sim",
                "--duration",
                "60",
                "--quiet",
                "--seed",
            ])
            .arg(seed.to_string())
            .arg("--out")
            .arg(runs.join(seed.to_string()))
            .arg(&scenario)
            .stdout(std::process::Stdio::null())
            .status()
            .expect("failed to run the twin");
        assert!(status.success(), "the twin run of seed {seed}: {status}");
    }
    let class = dir.path().join("class");
    let (mut lines, mut bytes) = (0u64, 0u64);
    for i in 0..submissions {
        let folder = class.join(format!("student-{i:03}"));
        std::fs::create_dir_all(&folder).expect("failed to create a submission folder");
        let run = runs.join((i % RUNS + 1).to_string());
        for machine in 0..3 {
            let name = format!("machine-{machine}.log");
            let text = std::fs::read_to_string(run.join(&name)).expect("the twin wrote its logs");
            lines += text.lines().count() as u64;
            bytes += text.len() as u64;
            std::fs::write(folder.join(&name), text).expect("failed to copy a log");
        }
    }
    println!(
        "class of {submissions} submissions: {lines} lines, {:.1} MB of logs",
        bytes as f64 / 1e6
    );
    let mut walls = Vec::new();
    for _ in 0..3 {
        let started = Instant::now();
        let status = Command::new(binary)
            .arg("grade")
            .arg(&class)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .expect("failed to run logiclock grade");
        walls.push(started.elapsed().as_secs_f64());
        assert_eq!(status.code(), Some(0), "every twin submission passes");
    }
    walls.sort_by(f64::total_cmp);
    println!(
        "grade: {submissions} submissions in median {:.2} s (min {:.2} s, max {:.2} s), {:.0} lines/s",
        walls[1],
        walls[0],
        walls[2],
        lines as f64 / walls[1]
    );
}
