//! Tick-loop benchmark: how well the model machines keep their clocks, against the host's own
//! timer floor measured in the same run.
//!
//! Runs the real binary (three machine processes, full logging) and reads the logs:
//! 0. the tick loop's own timer at a 300 us period: its median lateness must stay under one
//!    period ([`timer`]);
//! 1. the host floor: three threads sleeping to absolute 1 ms deadlines with `clock_nanosleep`,
//!    how late they wake and how many 1 ms slots pass whole before they wake, by the tick loop's
//!    own rule (what no timer on this host can beat), with the CPU time the hypervisor stole;
//! 2. the default rates at real time for a minute: tick lateness (actual minus scheduled tick
//!    time), also apart for ticks due at the same instant as another machine's, and the time
//!    from launching `logiclock run` to the first tick;
//! 3. 1,000 ticks per real second per machine, three rounds, each right after a host floor of
//!    the same length: achieved rate, skipped ticks beside the slots the floor missed, lateness;
//! 4. 10,000 ticks per second per machine: the gap between consecutive ticks, in periods
//!    (evenly spaced ticks have gaps near 1; tokio's 1 ms wheel made bursts of 10);
//! 5. rising rates: the highest at which every machine stays within 0.1% of its rate with at
//!    most 0.1% of its ticks skipped.
//!
//! Run: `cargo bench --bench ticks` (about 4 minutes), or `cargo bench --bench ticks -- --quick`.
//! With `-- --fifo` the machines and the floor threads run under `SCHED_FIFO` (util-linux's
//! `chrt`; needs root or `CAP_SYS_NICE`).

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::process::Command;
use std::time::SystemTime;

mod floor;
mod timer;

use floor::{host_floor, stolen, Floor, Steal};
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
    /// Lateness of the ticks due at the same instant as another machine's tick (three machines
    /// and two cores: one of them waits for a core), and of the others.
    together_us: Vec<u64>,
    alone_us: Vec<u64>,
    /// Gaps between consecutive ticks of one machine, in periods.
    gaps: Vec<f64>,
    /// From launching `logiclock run` to the first tick of any machine, ms.
    launch_ms: f64,
    cpu_ms: Vec<u64>,
    rss_kb: Vec<u64>,
    real_s: f64,
    /// CPU time stolen by the hypervisor during the run, ms.
    steal_ms: Option<u64>,
}

/// Run `scenario` with the real binary (under `SCHED_FIFO` with `fifo`) and read its logs.
fn run(dir: &Path, name: &str, scenario: &str, fifo: bool) -> Figures {
    let path = dir.join(format!("{name}.toml"));
    std::fs::write(&path, scenario).unwrap();
    let out = dir.join(name);
    let launched = SystemTime::now();
    let steal = Steal::now();
    let mut command = if fifo {
        let mut chrt = Command::new("chrt");
        chrt.args(["--fifo", "10", env!("CARGO_BIN_EXE_logiclock")]);
        chrt
    } else {
        Command::new(env!("CARGO_BIN_EXE_logiclock"))
    };
    let status = command
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
    let steal_ms = steal.since();
    let manifest = Manifest::read(&out).unwrap();
    let mut figures = Figures {
        rates: vec![],
        achieved: vec![],
        skipped: 0,
        ticks: 0,
        late_us: vec![],
        together_us: vec![],
        alone_us: vec![],
        gaps: vec![],
        launch_ms: f64::MAX,
        cpu_ms: vec![],
        rss_kb: vec![],
        real_s: {
            let s = manifest
                .scenario
                .as_ref()
                .expect("the bench runs a scenario");
            s.duration_s / s.speedup
        },
        steal_ms,
    };
    let launched_us = launched
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_micros() as u64;
    // (machine, due instant in µs since the start, lateness in µs) of every tick.
    let mut due = Vec::new();
    for m in &manifest.machines {
        let interval_us = m
            .interval_us
            .expect("a run the bench made has its intervals");
        figures.rates.push(1e6 / interval_us);
        let (lines, _) = read_log_lines(&out.join(log_file_name(m.id)), m.id).unwrap();
        let (mut first, mut last) = (None, (0u64, 0u64));
        let mut previous: Option<(u64, u64)> = None;
        for line in lines {
            let us = line.timestamp as u64;
            match line.event {
                Event::Internal { tick, late_us, .. }
                | Event::Send { tick, late_us, .. }
                | Event::Recv { tick, late_us, .. } => {
                    figures.late_us.push(late_us);
                    // Every machine's schedule starts at the same instant.
                    let due_us = ((tick - 1) as f64 * interval_us).round() as u64;
                    due.push((m.id, due_us, late_us));
                    figures.ticks += 1;
                    if let Some((_, late)) = previous.filter(|&(t, _)| t + 1 == tick) {
                        // Both ticks' actual times are their due times plus their lateness.
                        let gap = interval_us + late_us as f64 - late as f64;
                        figures.gaps.push(gap / interval_us);
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
    let mut machines_due: HashMap<u64, HashSet<u32>> = HashMap::new();
    for &(id, due_us, _) in &due {
        machines_due.entry(due_us).or_default().insert(id);
    }
    for (_, due_us, late_us) in due {
        match machines_due[&due_us].len() {
            1 => figures.alone_us.push(late_us),
            _ => figures.together_us.push(late_us),
        }
    }
    figures.alone_us.sort_unstable();
    figures.together_us.sort_unstable();
    figures.late_us.sort_unstable();
    figures.gaps.sort_unstable_by(f64::total_cmp);
    figures
}

pub fn pct(sorted: &[u64], p: f64) -> f64 {
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

fn report(label: &str, f: &Figures, floor: Floor) {
    let (p50, p99) = (pct(&f.late_us, 0.5), pct(&f.late_us, 0.99));
    println!(
        "{label:<26} achieved {:>26} ticks/s  worst off {:.3}%  skipped {:>3} of {:>6}  \
         late p50 {p50:.3} ms ({:.1}x floor) p99 {p99:.3} ms ({:.1}x floor) max {:.3} ms  \
         launch->first tick {:.0} ms  cpu/machine {:.0}% rss/machine {} KiB  {}",
        f.achieved
            .iter()
            .map(|a| format!("{a:.1}"))
            .collect::<Vec<_>>()
            .join(" "),
        worst_off(f) * 100.0,
        f.skipped,
        f.ticks + f.skipped,
        p50 / floor.p50,
        p99 / floor.p99,
        pct(&f.late_us, 1.0),
        f.launch_ms,
        f.cpu_ms.iter().sum::<u64>() as f64 / f.cpu_ms.len() as f64 / 10.0 / f.real_s,
        f.rss_kb.iter().max().unwrap(),
        stolen(f.steal_ms),
    );
}

fn scenario(duration_s: f64, speedup: f64, seed: u64, rates: &str) -> String {
    format!(
        "duration_s = {duration_s}\nspeedup = {speedup}\nseed = {seed}\n[clock]\nrates = {rates}\n"
    )
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let fifo = std::env::args().any(|a| a == "--fifo");
    let tmp = tempfile::tempdir().unwrap();
    if fifo {
        println!("every machine and floor thread under SCHED_FIFO priority 10 (chrt)");
    }

    timer::kernel_timer_lateness();

    let floor = host_floor(if quick { 3 } else { 10 }, fifo);
    println!("host floor: 3 threads sleeping to absolute 1 ms deadlines: {floor}");

    let default_s = if quick { 10.0 } else { 60.0 };
    let f = run(
        tmp.path(),
        "default",
        &scenario(default_s, 1.0, 1, "[1, 3, 6]"),
        fifo,
    );
    report("default rates 1,3,6 /s", &f, floor);
    println!(
        "  default rates: ticks due alone late p50 {:.3} ms p99 {:.3} ms max {:.3} ms ({}); \
         due at the same instant as another machine's p50 {:.3} ms p99 {:.3} ms max {:.3} ms ({})",
        pct(&f.alone_us, 0.5),
        pct(&f.alone_us, 0.99),
        pct(&f.alone_us, 1.0),
        f.alone_us.len(),
        pct(&f.together_us, 0.5),
        pct(&f.together_us, 0.99),
        pct(&f.together_us, 1.0),
        f.together_us.len(),
    );

    // Each round right after the floor for as long: a slot the host itself misses is one no tick
    // loop can keep, so the skipped ticks are judged against the floor's missed slots.
    let real_s = if quick { 3 } else { 10 };
    for round in 1..=3u64 {
        let before = host_floor(real_s, fifo);
        let f = run(
            tmp.path(),
            &format!("k1000-{round}"),
            &scenario(real_s as f64 * 100.0, 100.0, round, "[10, 10, 10]"),
            fifo,
        );
        report(&format!("1,000 ticks/s, round {round}"), &f, floor);
        println!(
            "  round {round}: logiclock skipped {} of {} ticks; the host floor just before: {before}",
            f.skipped,
            f.ticks + f.skipped
        );
    }

    let f = run(
        tmp.path(),
        "k10000",
        &scenario(3.0 * 10_000.0, 10_000.0, 2, "[1, 1, 1]"),
        fifo,
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
    for rate in [1_000u32, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000] {
        let f = run(
            tmp.path(),
            &format!("ramp{rate}"),
            &scenario(3.0 * f64::from(rate), f64::from(rate), 3, "[1, 1, 1]"),
            fifo,
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
