//! Synthetic run directories for the benchmark: a manifest and one log per machine that follow
//! every rule the checks enforce (Lamport clocks, vector clocks, FIFO links, stop queues, no skipped
//! ticks).

use std::collections::VecDeque;
use std::io::Write;
use std::path::Path;

use crate::log_format::{log_file_name, Event, LogLine, FORMAT_VERSION};
use crate::manifest::{MachineEntry, Manifest, Outcome, MANIFEST_VERSION};
use crate::scenario::{RateSpec, Scenario};

use crate::runlog::timestamp::{format_micros, parse_micros};

/// What to generate.
#[derive(Debug, Clone)]
pub struct SynthSpec {
    /// Ticks per model second, one per machine.
    pub rates: Vec<u32>,
    /// Model seconds per real second.
    pub speedup: f64,
    /// Total log lines to write, all machines (approximately: to the next whole tick).
    pub lines: u64,
    /// Die faces; 1..=3 send (to one, the other, both peers), the rest internal.
    pub die: u32,
    /// Real microseconds from a send to the message's arrival.
    pub delay_us: i64,
    pub seed: u64,
}

impl Default for SynthSpec {
    fn default() -> SynthSpec {
        SynthSpec {
            rates: vec![1, 3, 6],
            speedup: 1_000.0,
            lines: 1_000_000,
            die: 10,
            delay_us: 150,
            seed: 1,
        }
    }
}

/// A message on its way: arrival time, sender, Lamport value, vector clock.
type Queued = (i64, usize, u64, Vec<u64>);

const START: &str = "2026-01-01T00:00:00.000000Z";

/// Write a run directory into `dir` (created if needed); returns the number of lines written.
pub fn write_run(dir: &Path, spec: &SynthSpec) -> std::io::Result<u64> {
    std::fs::create_dir_all(dir)?;
    let n = spec.rates.len();
    let t0 = parse_micros(START).expect("START is a valid timestamp");
    let intervals: Vec<f64> = spec
        .rates
        .iter()
        .map(|&r| 1e6 / (f64::from(r) * spec.speedup))
        .collect();
    let mut logs = (0..n)
        .map(|i| {
            let file = std::fs::File::create(dir.join(log_file_name(i as u32)))?;
            Ok(std::io::BufWriter::with_capacity(1 << 20, file))
        })
        .collect::<std::io::Result<Vec<_>>>()?;
    for (i, log) in logs.iter_mut().enumerate() {
        let start = Event::Start {
            format: FORMAT_VERSION,
            rate: spec.rates[i],
            interval_us: intervals[i].round() as u64,
            machines: n as u32,
            incarnation: 0,
        };
        write_line(log, format_micros(t0 - 1), i, start)?;
    }
    let mut written = n as u64;
    let mut clock = vec![0u64; n];
    let mut vc = vec![vec![0u64; n]; n];
    let mut tick = vec![0u64; n];
    let mut queue: Vec<VecDeque<Queued>> = vec![VecDeque::new(); n];
    let mut rng = spec
        .seed
        .wrapping_mul(6_364_136_223_846_793_005)
        .wrapping_add(1);
    let mut end = t0;
    while written + (n as u64) < spec.lines {
        // The machine whose next tick comes first.
        let (i, at) = (0..n)
            .map(|i| (i, t0 + ((tick[i] + 1) as f64 * intervals[i]).round() as i64))
            .min_by_key(|&(i, at)| (at, i))
            .expect("at least one machine");
        tick[i] += 1;
        end = at;
        let ts = format_micros(at);
        let log = &mut logs[i];
        if queue[i].front().is_some_and(|&(arrival, ..)| arrival <= at) {
            let (_, from, msg, msg_vc) = queue[i].pop_front().expect("front exists");
            clock[i] = clock[i].max(msg) + 1;
            for (mine, theirs) in vc[i].iter_mut().zip(&msg_vc) {
                *mine = (*mine).max(*theirs);
            }
            vc[i][i] += 1;
            let waiting = queue[i].iter().take_while(|&&(a, ..)| a <= at).count();
            let recv = Event::Recv {
                tick: tick[i],
                lamport: clock[i],
                from: from as u32,
                msg_clock: msg,
                queue: waiting as u64,
                vc: vc[i].clone(),
                late_us: 3,
            };
            write_line(log, ts, i, recv)?;
        } else {
            rng = rng
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let roll = (rng >> 33) % u64::from(spec.die.max(1)) + 1;
            clock[i] += 1;
            vc[i][i] += 1;
            let peers: Vec<usize> = (0..n).filter(|&j| j != i).collect();
            let to: Vec<usize> = match roll {
                1 => peers.iter().take(1).copied().collect(),
                2 => peers.iter().skip(1).take(1).copied().collect(),
                3 => peers.clone(),
                _ => Vec::new(),
            };
            if to.is_empty() {
                let internal = Event::Internal {
                    tick: tick[i],
                    lamport: clock[i],
                    vc: vc[i].clone(),
                    late_us: 3,
                };
                write_line(log, ts, i, internal)?;
            } else {
                for &j in &to {
                    queue[j].push_back((at + spec.delay_us, i, clock[i], vc[i].clone()));
                }
                let send = Event::Send {
                    tick: tick[i],
                    lamport: clock[i],
                    to: to.iter().map(|&j| j as u32).collect(),
                    vc: vc[i].clone(),
                    late_us: 3,
                };
                write_line(log, ts, i, send)?;
            }
        }
        written += 1;
    }
    let stop_at = end + spec.delay_us + 1;
    for (i, log) in logs.iter_mut().enumerate() {
        let stop = Event::Stop {
            lamport: clock[i],
            queue: queue[i].len() as u64,
            ticks: tick[i],
            skipped: 0,
            cpu_ms: 1,
            max_rss_kb: 1,
        };
        write_line(log, format_micros(stop_at), i, stop)?;
        log.flush()?;
    }
    written += n as u64;
    let manifest = Manifest {
        manifest_version: MANIFEST_VERSION,
        log_format: FORMAT_VERSION,
        engine: crate::manifest::Engine::Real,
        logiclock_version: env!("CARGO_PKG_VERSION").into(),
        scenario: Scenario {
            name: "synthetic".into(),
            machines: n as u32,
            duration_s: (end - t0) as f64 / 1e6 * spec.speedup,
            seed: spec.seed,
            speedup: spec.speedup,
            rates: RateSpec::Fixed(spec.rates.clone()),
            die: spec.die,
            host: [127, 0, 0, 1].into(),
            ports: vec![0; n],
            ..Scenario::default()
        },
        started_at: START.into(),
        machines: (0..n)
            .map(|i| MachineEntry {
                id: i as u32,
                rate: spec.rates[i],
                interval_us: intervals[i],
                addr: ([127, 0, 0, 1], 0).into(),
                pid: 0,
                log: log_file_name(i as u32),
                restarts: Vec::new(),
            })
            .collect(),
        outcome: Some(Outcome {
            ended_at: format_micros(stop_at),
            clean: true,
            reason: "completed".into(),
            faults: Vec::new(),
            exits: Vec::new(),
        }),
    };
    manifest.write(dir)?;
    Ok(written)
}

/// Write one line of machine `machine`, serialized from the contract's own types.
fn write_line(
    log: &mut impl Write,
    timestamp: String,
    machine: usize,
    event: Event,
) -> std::io::Result<()> {
    let line = LogLine {
        timestamp,
        machine: machine as u32,
        event,
    };
    serde_json::to_writer(&mut *log, &line)?;
    log.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::{analyze_dir, Options};

    #[test]
    fn a_synthetic_run_passes_every_check() {
        let dir = tempfile::tempdir().unwrap();
        let spec = SynthSpec {
            lines: 5_000,
            ..SynthSpec::default()
        };
        let lines = write_run(dir.path(), &spec).unwrap();
        let (a, warnings) = analyze_dir(dir.path(), &Options::default()).unwrap();
        assert_eq!(warnings, vec![]);
        assert!(a.summary.verdict.passed, "{:#?}", a.summary.verdict);
        assert_eq!(a.summary.lines, lines);
        let sent: u64 = a.summary.links.iter().map(|l| l.sent).sum();
        let accounted: u64 = a
            .summary
            .links
            .iter()
            .map(|l| l.received + l.left_in_queue)
            .sum();
        assert_eq!(sent, accounted);
        assert!(sent > 100);
        let timeline = crate::timeline::load(dir.path()).unwrap();
        crate::export::shiviz::check(&timeline).expect("vector clocks ShiViz accepts");
    }
}
