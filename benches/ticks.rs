//! Tick-loop benchmark: how well the model machines keep their clocks.
//!
//! Runs the real binary (three machine processes, full logging) and reads the logs:
//! 1. the default rates at real time: tick lateness (actual minus scheduled tick time);
//! 2. 1,000 ticks per real second per machine: achieved rate, skipped ticks, lateness;
//! 3. rising rates until a machine misses its rate by more than 0.5% or skips more than 0.1% of
//!    its ticks (a few skips at any rate come from the host stalling a process, see 4);
//! 4. the host itself: how often a thread asking to sleep 1 ms wakes more than 4 ms late, with
//!    three such threads running (like three machines), which is what turns into skipped ticks.
//!
//! Run: `cargo bench --bench ticks` (about 3 minutes), or `cargo bench --bench ticks -- --quick`.

use std::path::Path;
use std::process::Command;

use logiclock::log_format::{log_file_name, Event, LogLine};
use logiclock::manifest::Manifest;

struct Figures {
    /// Target real ticks per second, per machine.
    rates: Vec<f64>,
    achieved: Vec<f64>,
    skipped: u64,
    late_us: Vec<u64>,
    cpu_ms: Vec<u64>,
    rss_kb: Vec<u64>,
    real_s: f64,
}

fn run(dir: &Path, name: &str, scenario: &str) -> Figures {
    let path = dir.join(format!("{name}.toml"));
    std::fs::write(&path, scenario).unwrap();
    let out = dir.join(name);
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
        late_us: vec![],
        cpu_ms: vec![],
        rss_kb: vec![],
        real_s: manifest.scenario.duration_s / manifest.scenario.speedup,
    };
    for m in &manifest.machines {
        figures.rates.push(1e6 / m.interval_us);
        let text = std::fs::read_to_string(out.join(log_file_name(m.id))).unwrap();
        let (mut first, mut last) = (None, (0u64, 0u64));
        for line in text.lines() {
            let line: LogLine = serde_json::from_str(line).unwrap();
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

fn report(label: &str, f: &Figures) {
    println!(
        "{label:<28} achieved {:>26} ticks/s  worst off {:.2}%  skipped {:>3}  \
         late p50 {:.3} ms p99 {:.3} ms max {:.3} ms  cpu/machine {:.0}% rss/machine {} KiB",
        f.achieved
            .iter()
            .map(|a| format!("{a:.1}"))
            .collect::<Vec<_>>()
            .join(" "),
        worst_off(f) * 100.0,
        f.skipped,
        pct(&f.late_us, 0.5),
        pct(&f.late_us, 0.99),
        pct(&f.late_us, 1.0),
        f.cpu_ms.iter().sum::<u64>() as f64 / f.cpu_ms.len() as f64 / 10.0 / f.real_s,
        f.rss_kb.iter().max().unwrap(),
    );
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let tmp = tempfile::tempdir().unwrap();
    let default_s = if quick { 10 } else { 30 };

    let f = run(
        tmp.path(),
        "default",
        &format!("duration_s = {default_s}\nseed = 1\n[clock]\nrates = [1, 3, 6]\n"),
    );
    report("default rates 1,3,6 /s", &f);

    let real_s = if quick { 3 } else { 10 };
    for round in 1..=3u64 {
        let f = run(
            tmp.path(),
            &format!("k1000-{round}"),
            &format!(
                "duration_s = {}\nspeedup = 100\nseed = {round}\n[clock]\nrates = [10, 10, 10]\n",
                real_s * 100
            ),
        );
        report(&format!("1,000 ticks/s, round {round}"), &f);
    }

    // Up the rates: the highest with every machine within 0.5% of its rate and at most 0.1% of
    // its ticks skipped, and the highest within 0.5% at all (skips there are host stalls, whose
    // cost in slots grows with the rate).
    let (mut best_clean, mut best_rate, mut clean_so_far) = (0, 0, true);
    for rate in [2_000u32, 5_000, 10_000, 20_000, 50_000, 100_000] {
        let f = run(
            tmp.path(),
            &format!("ramp{rate}"),
            &format!(
                "duration_s = {}\nspeedup = {rate}\nseed = 3\n[clock]\nrates = [1, 1, 1]\n",
                3 * rate
            ),
        );
        report(&format!("{rate} ticks/s per machine"), &f);
        if worst_off(&f) > 0.005 {
            break;
        }
        best_rate = rate;
        let slots = 3.0 * f64::from(rate) * 3.0;
        clean_so_far &= f.skipped as f64 <= 0.001 * slots;
        if clean_so_far {
            best_clean = rate;
        }
    }
    println!(
        "highest rate with all three machines within 0.5% and at most 0.1% of ticks skipped: {best_clean} ticks/s per machine"
    );
    println!("highest rate with all three machines within 0.5%: {best_rate} ticks/s per machine");
    host_stalls(if quick { 5 } else { 15 });
}

/// Three threads each sleeping 1 ms in a loop for `seconds`: how many sleeps ended more than
/// 4 ms late. Such a stall on top of tokio's 1 ms timer resolution makes a tick more than 5 ms
/// late, which tokio counts as missed.
fn host_stalls(seconds: u64) {
    let threads: Vec<_> = (0..3)
        .map(|_| {
            std::thread::spawn(move || {
                let end = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
                let (mut sleeps, mut late, mut worst) = (0u64, 0u64, 0f64);
                while std::time::Instant::now() < end {
                    let t = std::time::Instant::now();
                    std::thread::sleep(std::time::Duration::from_millis(1));
                    let over = t.elapsed().as_secs_f64() * 1000.0 - 1.0;
                    sleeps += 1;
                    worst = worst.max(over);
                    if over > 4.0 {
                        late += 1;
                    }
                }
                (sleeps, late, worst)
            })
        })
        .collect();
    let results: Vec<(u64, u64, f64)> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    let sleeps: u64 = results.iter().map(|r| r.0).sum();
    let late: u64 = results.iter().map(|r| r.1).sum();
    let worst = results.iter().map(|r| r.2).fold(0.0, f64::max);
    println!(
        "host: {late} of {sleeps} 1 ms sleeps woke more than 4 ms late in {seconds} s (3 threads), worst {worst:.2} ms late"
    );
}
