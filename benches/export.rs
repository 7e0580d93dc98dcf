//! Benchmark of `logiclock export`: a run of about 1,000,000 log lines (vector clocks included)
//! written by the twin (`benches/common/twin_run.rs`), exported by the real binary to each format; prints wall time and lines per second.
//! Run with `cargo bench --bench export`; `LOGICLOCK_BENCH_LINES` changes the size.

use std::process::Command;
use std::time::Instant;

#[path = "common/twin_run.rs"]
mod twin_run;

fn main() {
    let lines: u64 = std::env::var("LOGICLOCK_BENCH_LINES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir().expect("failed to create a temporary directory");
    let run = dir.path().join("run");
    let written = twin_run::write_run(&run, lines, &twin_run::RATES);
    println!("generated {written} lines (rates {:?})", twin_run::RATES);
    let binary = env!("CARGO_BIN_EXE_logiclock");
    for format in ["shiviz", "perfetto", "csv"] {
        let out = dir.path().join(format!("out.{format}"));
        let mut walls = Vec::new();
        for _ in 0..3 {
            let started = Instant::now();
            let status = Command::new(binary)
                .stdout(std::process::Stdio::null())
                .args(["export", "--format", format, "--out"])
                .arg(&out)
                .arg(&run)
                .status()
                .expect("failed to run logiclock export");
            assert!(status.success(), "export --format {format}: {status}");
            walls.push(started.elapsed().as_secs_f64());
        }
        walls.sort_by(f64::total_cmp);
        let size = std::fs::metadata(&out).map_or(0, |m| m.len());
        println!(
            "export --format {format:<8} median {:.2} s ({:.0} lines/s), {:.1} MB written",
            walls[1],
            written as f64 / walls[1],
            size as f64 / 1e6
        );
    }
}
