//! Tick-loop benchmark: how well the model machines keep their clocks, against the host's own
//! timer floor measured in the same run.
//!
//! Runs the real binary (three machine processes, full logging) and reads the logs:
//! 1. the host floor: three threads sleeping to absolute 1 ms deadlines with `clock_nanosleep`,
//!    how late they wake (what no timer on this host can beat);
//! 2. the default rates at real time: tick lateness (actual minus scheduled tick time), and the
//!    time from launching `logiclock run` to the first tick;
//! 3. 1,000 ticks per real second per machine, three rounds: achieved rate, skipped ticks,
//!    lateness;
//! 4. 10,000 ticks per second per machine: the gap between consecutive ticks, in periods
//!    (evenly spaced ticks have gaps near 1; tokio's 1 ms wheel made bursts of 10);
//! 5. rising rates: the highest at which every machine stays within 0.1% of its rate with at
//!    most 0.1% of its ticks skipped.
//!
//! Run: `cargo bench --bench ticks` (about 3 minutes), or `cargo bench --bench ticks -- --quick`.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, SystemTime};

use logiclock::log_format::{log_file_name, Event};
use logiclock::manifest::Manifest;
use logiclock::runlog::read_log_lines;

struct Figures {
    /// Target real ticks per second, per machine.
    rates: Vec<f64>,
    achieved: Vec<f64>,
    skipped: u64,
    /// Ticks run, all machines.
    ticks: u64,
    late_us: Vec<u64>,
    /// Gaps between consecutive ticks of one machine, in periods.
    gaps: Vec<f64>,
    /// From launching `logiclock run` to the first tick of any machine, ms.
    launch_ms: f64,
    cpu_ms: Vec<u64>,
    rss_kb: Vec<u64>,
    real_s: f64,
}

fn run(dir: &Path, name: &str, scenario: &str) -> Figures {
    let path = dir.join(format!("{name}.toml"));
    std::fs::write(&path, scenario).unwrap();
    let out = dir.join(name);
    let launched = SystemTime::now();
    let status = Command::new(env!("CARGO_BIN_EXE_logiclock"))
        .args([
            "run",
            path.to_str().unwrap(),
            "--quiet",
            "--out",
            out.to_str().unwrap(),
        ])
        .stdout(std::process::Stdio::null())
        .status()
        .expect("failed to run logiclock");
    assert!(status.success(), "{name}: logiclock failed: {status}");
    let manifest = Manifest::read(&out).unwrap();
    let mut figures = Figures {
        rates: vec![],
        achieved: vec![],
        skipped: 0,
        ticks: 0,
        late_us: vec![],
        gaps: vec![],
        launch_ms: f64::MAX,
        cpu_ms: vec![],
        rss_kb: vec![],
        real_s: manifest.scenario.duration_s / manifest.scenario.speedup,
    };
    let launched_us = launched
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_micros() as u64;
    for m in &manifest.machines {
        figures.rates.push(1e6 / m.interval_us);
        let (lines, _) = read_log_lines(&out.join(log_file_name(m.id)), m.id).unwrap();
        let (mut first, mut last) = (None, (0u64, 0u64));
        let mut previous: Option<(u64, u64)> = None;
        for line in lines {
            let at = humantime::parse_rfc3339(&line.timestamp).unwrap();
            let us = at
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_micros() as u64;
            match line.event {
                Event::Internal { tick, late_us, .. }
                | Event::Send { tick, late_us, .. }
                | Event::Recv { tick, late_us, .. } => {
                    figures.late_us.push(late_us);
                    figures.ticks += 1;
                    if let Some((_, late)) = previous.filter(|&(t, _)| t + 1 == tick) {
                        // Both ticks' actual times are their due times plus their lateness.
                        let gap = m.interval_us + late_us as f64 - late as f64;
                        figures.gaps.push(gap / m.interval_us);
                    }
                    previous = Some((tick, late_us));
                    if first.is_none() {
                        let since = us.saturating_sub(launched_us) as f64 / 1e3;
                        figures.launch_ms = figures.launch_ms.min(since);
                    }
                    first.get_or_insert((tick, us));
                    last = (tick, us);
                }
                Event::Stop {
                    skipped,
                    cpu_ms,
                    max_rss_kb,
                    ..
                } => {
                    figures.skipped += skipped;
                    figures.cpu_ms.push(cpu_ms);
                    figures.rss_kb.push(max_rss_kb);
                }
                _ => {}
            }
        }
        let first = first.expect("the machine ticked");
        figures
            .achieved
            .push((last.0 - first.0) as f64 / ((last.1 - first.1) as f64 / 1e6));
    }
    figures.late_us.sort_unstable();
    figures.gaps.sort_unstable_by(f64::total_cmp);
    figures
}

fn pct(sorted: &[u64], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize] as f64 / 1000.0
}

/// The largest relative gap between a machine's achieved and target rate.
fn worst_off(f: &Figures) -> f64 {
    f.achieved
        .iter()
        .zip(&f.rates)
        .map(|(a, r)| (a - r).abs() / r)
        .fold(0.0, f64::max)
}

/// Lateness percentiles of the host floor, ms: (p50, p99).
type Floor = (f64, f64);

fn report(label: &str, f: &Figures, floor: Floor) {
    let (p50, p99) = (pct(&f.late_us, 0.5), pct(&f.late_us, 0.99));
    println!(
        "{label:<26} achieved {:>26} ticks/s  worst off {:.3}%  skipped {:>3} of {:>6}  \
         late p50 {p50:.3} ms ({:.1}x floor) p99 {p99:.3} ms ({:.1}x floor) max {:.3} ms  \
         launch->first tick {:.0} ms  cpu/machine {:.0}% rss/machine {} KiB",
        f.achieved
            .iter()
            .map(|a| format!("{a:.1}"))
            .collect::<Vec<_>>()
            .join(" "),
        worst_off(f) * 100.0,
        f.skipped,
        f.ticks + f.skipped,
        p50 / floor.0,
        p99 / floor.1,
        pct(&f.late_us, 1.0),
        f.launch_ms,
        f.cpu_ms.iter().sum::<u64>() as f64 / f.cpu_ms.len() as f64 / 10.0 / f.real_s,
        f.rss_kb.iter().max().unwrap(),
    );
}

fn scenario(duration_s: f64, speedup: f64, seed: u64, rates: &str) -> String {
    format!(
        "duration_s = {duration_s}\nspeedup = {speedup}\nseed = {seed}\n[clock]\nrates = {rates}\n"
    )
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let tmp = tempfile::tempdir().unwrap();

    let floor = host_floor(if quick { 3 } else { 10 });
    println!(
        "host floor: 3 threads sleeping to absolute 1 ms deadlines wake p50 {:.3} ms p99 {:.3} ms late",
        floor.0, floor.1
    );

    let default_s = if quick { 10.0 } else { 30.0 };
    let f = run(
        tmp.path(),
        "default",
        &scenario(default_s, 1.0, 1, "[1, 3, 6]"),
    );
    report("default rates 1,3,6 /s", &f, floor);

    let real_s = if quick { 3.0 } else { 10.0 };
    for round in 1..=3u64 {
        let f = run(
            tmp.path(),
            &format!("k1000-{round}"),
            &scenario(real_s * 100.0, 100.0, round, "[10, 10, 10]"),
        );
        report(&format!("1,000 ticks/s, round {round}"), &f, floor);
    }

    let f = run(
        tmp.path(),
        "k10000",
        &scenario(3.0 * 10_000.0, 10_000.0, 2, "[1, 1, 1]"),
    );
    report("10,000 ticks/s", &f, floor);
    let gap = |p: f64| f.gaps[((f.gaps.len() - 1) as f64 * p).round() as usize];
    println!(
        "10,000 ticks/s: gap between consecutive ticks, in periods: p1 {:.2} p50 {:.2} p99 {:.2} max {:.2}",
        gap(0.01),
        gap(0.5),
        gap(0.99),
        gap(1.0)
    );

    // Up the rates: the highest with every machine within 0.1% of its rate and at most 0.1% of
    // its ticks skipped.
    let mut best = 0;
    for rate in [2_000u32, 5_000, 10_000, 20_000, 50_000, 100_000] {
        let f = run(
            tmp.path(),
            &format!("ramp{rate}"),
            &scenario(3.0 * f64::from(rate), f64::from(rate), 3, "[1, 1, 1]"),
        );
        report(&format!("{rate} ticks/s per machine"), &f, floor);
        if worst_off(&f) > 0.001 || f.skipped as f64 > 0.001 * (f.ticks + f.skipped) as f64 {
            break;
        }
        best = rate;
    }
    println!(
        "highest rate with all three machines within 0.1% of their rate and at most 0.1% of ticks skipped: {best} ticks/s per machine"
    );
}

/// Three threads (like three machines) sleeping to absolute deadlines 1 ms apart with
/// `clock_nanosleep(TIMER_ABSTIME)` for `seconds`: how late they wake, ms (p50, p99).
fn host_floor(seconds: u64) -> Floor {
    use nix::sys::time::TimeSpec;
    use nix::time::{clock_gettime, clock_nanosleep, ClockId, ClockNanosleepFlags};
    let threads: Vec<_> = (0..3)
        .map(|_| {
            std::thread::spawn(move || {
                let period = Duration::from_millis(1);
                let mut late = Vec::new();
                let start = clock_gettime(ClockId::CLOCK_MONOTONIC).unwrap();
                let mut due = start;
                while late.len() < seconds as usize * 1000 {
                    due = due + TimeSpec::from_duration(period);
                    let _ = clock_nanosleep(
                        ClockId::CLOCK_MONOTONIC,
                        ClockNanosleepFlags::TIMER_ABSTIME,
                        &due,
                    );
                    let now = clock_gettime(ClockId::CLOCK_MONOTONIC).unwrap();
                    let over = Duration::from(now).saturating_sub(Duration::from(due));
                    late.push(over.as_micros() as u64);
                }
                late
            })
        })
        .collect();
    let mut late: Vec<u64> = threads
        .into_iter()
        .flat_map(|t| t.join().unwrap())
        .collect();
    late.sort_unstable();
    (pct(&late, 0.5), pct(&late, 0.99))
}
