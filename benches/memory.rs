//! Benchmark of the reading commands' memory: runs of the twin (`benches/common/twin_run.rs`) at
//! 3 and 64 machines and a few sizes, each read by the release binary's `analyze`, `diagram` and
//! `export` (every format) as a child process, one at a time; prints each child's peak resident
//! memory (`wait4`'s `ru_maxrss`) against the run's lines. The runs are written by the binary
//! too (`run --engine sim`), and lines are counted through a small buffer: a child started by
//! `vfork` inherits its parent's peak in `ru_maxrss`, so the bench itself must stay small (reading
//! a log whole here once made every command seem to need 104 MiB). `LOGICLOCK_BENCH_BIN` measures
//! another build of the binary. Run with
//! `cargo bench --bench memory` (250k and 1M lines, about two minutes on two cores);
//! `cargo bench --bench memory -- --big` adds the 4M-line runs. `LOGICLOCK_BENCH_SIZES`
//! (e.g. `100000,500000`) chooses the sizes instead, `LOGICLOCK_BENCH_MACHINES` (e.g. `64`) the
//! machine counts.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

#[path = "common/twin_run.rs"]
mod twin_run;

/// The commands measured, as the arguments after the binary (the run directory and output
/// file are added).
const COMMANDS: [(&str, &[&str]); 5] = [
    ("analyze", &["analyze", "--quiet"]),
    ("diagram", &["diagram"]),
    ("export shiviz", &["export", "--format", "shiviz"]),
    ("export perfetto", &["export", "--format", "perfetto"]),
    ("export csv", &["export", "--format", "csv"]),
];

fn main() {
    let big = std::env::args().any(|a| a == "--big");
    let sizes: Vec<u64> = match std::env::var("LOGICLOCK_BENCH_SIZES") {
        Ok(list) => list
            .split(',')
            .map(|s| {
                s.trim()
                    .parse()
                    .expect("LOGICLOCK_BENCH_SIZES: comma-separated line counts")
            })
            .collect(),
        Err(_) if big => vec![250_000, 1_000_000, 4_000_000],
        Err(_) => vec![250_000, 1_000_000],
    };
    let binary = std::env::var("LOGICLOCK_BENCH_BIN")
        .unwrap_or_else(|_| env!("CARGO_BIN_EXE_logiclock").to_string());
    let binary = binary.as_str();
    println!(
        "{:>8} {:>10} {:<16} {:>10} {:>8}",
        "machines", "lines", "command", "peak MiB", "wall s"
    );
    let counts: Vec<usize> = match std::env::var("LOGICLOCK_BENCH_MACHINES") {
        Ok(list) => list
            .split(',')
            .map(|s| {
                s.trim()
                    .parse()
                    .expect("LOGICLOCK_BENCH_MACHINES: comma-separated counts")
            })
            .collect(),
        Err(_) => vec![3, 64],
    };
    for machines in counts {
        // Three machines at 1, 3 and 6 ticks/s as in the analyze bench; 64 machines cycle them.
        let rates: Vec<u32> = (0..machines)
            .map(|i| twin_run::RATES[i % twin_run::RATES.len()])
            .collect();
        for &lines in &sizes {
            let dir = tempfile::tempdir().expect("failed to create a temporary directory");
            let run = dir.path().join("run");
            let written = write_run(binary, dir.path(), &run, lines, &rates);
            for (name, args) in COMMANDS {
                // The outputs are thrown away: a 64-machine export is larger than its run.
                let out = Path::new("/dev/null");
                let started = Instant::now();
                let (status, rss_kb) = measured(binary, args, &run, out);
                let wall = started.elapsed().as_secs_f64();
                assert!(status == 0, "{name} exited {status}");
                println!(
                    "{machines:>8} {written:>10} {name:<16} {:>10.1} {wall:>8.2}",
                    rss_kb as f64 / 1024.0
                );
            }
        }
    }
}

/// Write the twin's run of about `lines` lines with `rates` into `run` with the binary (the
/// scenario file goes into `dir`); returns the lines written.
fn write_run(binary: &str, dir: &Path, run: &Path, lines: u64, rates: &[u32]) -> u64 {
    let scenario = dir.join("bench.toml");
    std::fs::write(&scenario, twin_run::scenario_text(lines, rates))
        .expect("failed to write the scenario");
    let status = Command::new(binary)
        .args(["run", "--engine", "sim", "--quiet", "--out"])
        .arg(run)
        .arg(&scenario)
        .stdout(Stdio::null())
        .status()
        .expect("failed to start logiclock run");
    assert!(status.success(), "logiclock run failed: {status}");
    std::fs::read_dir(run)
        .expect("the run directory exists")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".log"))
        .map(|e| {
            let file = std::fs::File::open(e.path()).expect("failed to open a log");
            let mut reader = BufReader::with_capacity(64 * 1024, file);
            let (mut count, mut buf) = (0, Vec::new());
            while reader
                .read_until(b'\n', &mut buf)
                .expect("failed to read a log")
                > 0
            {
                count += 1;
                buf.clear();
            }
            count
        })
        .sum()
}

/// Run the binary with `args`, the run directory and (but for `analyze`) `--out out`; returns
/// its exit code and peak resident memory (KiB).
fn measured(binary: &str, args: &[&str], run: &Path, out: &Path) -> (i32, i64) {
    let mut command = Command::new(binary);
    command.args(args).arg(run);
    if args[0] != "analyze" {
        command.arg("--out").arg(out);
    }
    let child = command
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("failed to start logiclock");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our own child, not yet waited for; `status` and `usage` are valid.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(waited, pid, "failed to wait for logiclock");
    // Reaped by `wait4` already: dropping `child` does not wait again.
    std::mem::forget(child);
    (libc::WEXITSTATUS(status), usage.ru_maxrss)
}
