//! Benchmark of `logiclock analyze`: a run of about 1,000,000 log lines written by the twin
//! (`benches/common/twin_run.rs`), analyzed by the real binary (checks, metrics, plots, all outputs written) a few times; prints lines per
//! second, wall time and the child's peak memory. Run with `cargo bench --bench analyze`.
//! `LOGICLOCK_BENCH_LINES` changes the size, `LOGICLOCK_BENCH_RATES` (e.g. `3,3,3`) the rates,
//! `LOGICLOCK_BENCH_BIN` the binary measured. The peak memory printed includes the bench's own
//! (a child started by `vfork` inherits it in `ru_maxrss`); `benches/memory.rs` measures memory.

use std::process::Command;
use std::time::Instant;

#[path = "common/twin_run.rs"]
mod twin_run;

const ROUNDS: usize = 5;

fn main() {
    let lines: u64 = std::env::var("LOGICLOCK_BENCH_LINES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir().expect("failed to create a temporary directory");
    let run = dir.path().join("run");
    let started = Instant::now();
    let mut rates = twin_run::RATES.to_vec();
    if let Ok(list) = std::env::var("LOGICLOCK_BENCH_RATES") {
        rates = list
            .split(',')
            .map(|r| {
                r.trim()
                    .parse()
                    .expect("LOGICLOCK_BENCH_RATES: comma-separated integers")
            })
            .collect();
    }
    let written = twin_run::write_run(&run, lines, &rates);
    let bytes: u64 = std::fs::read_dir(&run)
        .expect("the run directory exists")
        .filter_map(|e| e.ok()?.metadata().ok())
        .map(|m| m.len())
        .sum();
    println!(
        "generated {written} lines ({:.1} MB, rates {:?}) in {:.2} s",
        bytes as f64 / 1e6,
        rates,
        started.elapsed().as_secs_f64()
    );
    // `LOGICLOCK_BENCH_BIN`: another build, to compare two builds in one sitting.
    let binary = std::env::var("LOGICLOCK_BENCH_BIN")
        .unwrap_or_else(|_| env!("CARGO_BIN_EXE_logiclock").to_string());
    let binary = binary.as_str();
    let mut walls = Vec::new();
    let mut peak_kb = 0;
    for round in 1..=ROUNDS {
        let started = Instant::now();
        let (status, rss_kb) = run_measured(binary, &run);
        let wall = started.elapsed().as_secs_f64();
        assert!(status == 0, "analyze exited {status}");
        println!(
            "round {round}: {wall:.3} s, {:.0} lines/s, peak RSS {rss_kb} KiB",
            written as f64 / wall
        );
        walls.push(wall);
        peak_kb = peak_kb.max(rss_kb);
    }
    walls.sort_by(f64::total_cmp);
    let median = walls[ROUNDS / 2];
    println!(
        "analyze {written} lines: median {median:.3} s ({:.2} M lines/s), best {:.3} s, peak RSS {:.1} MiB",
        written as f64 / median / 1e6,
        walls[0],
        peak_kb as f64 / 1024.0
    );
}

/// Run `analyze` on `run` and return its exit code and peak resident memory (KiB).
fn run_measured(binary: &str, run: &std::path::Path) -> (i32, i64) {
    let child = Command::new(binary)
        .arg("analyze")
        .arg("--quiet")
        .arg(run)
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("failed to start logiclock analyze");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our own child, not yet waited for; `status` and `usage` are valid.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(waited, pid, "failed to wait for logiclock analyze");
    std::mem::forget(child);
    (libc::WEXITSTATUS(status), usage.ru_maxrss)
}
