//! Synthetic run directories for the benchmark: a manifest and one log per machine that follow
//! every rule the checks enforce (Lamport clocks, vector clocks, FIFO links, stop queues, no skipped
//! ticks).

use std::collections::VecDeque;
use std::fs::File;
use std::io::{BufWriter, Write};
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
    let intervals = tick_intervals(spec);
    let mut logs = open_logs(dir, n)?;
    write_starts(&mut logs, spec, &intervals, t0)?;
    let mut written = n as u64;
    let mut model = Model::new(n, spec.seed);
    let mut end = t0;
    while written + (n as u64) < spec.lines {
        let (i, at) = model.next_tick(t0, &intervals);
        end = at;
        model.tick(i, at, spec, &mut logs[i])?;
        written += 1;
    }
    let stop_at = end + spec.delay_us + 1;
    write_stops(&mut logs, &model, stop_at)?;
    written += n as u64;
    manifest(spec, &intervals, end - t0, stop_at).write(dir)?;
    Ok(written)
}

/// Each machine's tick interval, real microseconds.
fn tick_intervals(spec: &SynthSpec) -> Vec<f64> {
    spec.rates
        .iter()
        .map(|&r| 1e6 / (f64::from(r) * spec.speedup))
        .collect()
}

/// One buffered log file per machine, created in `dir`.
fn open_logs(dir: &Path, n: usize) -> std::io::Result<Vec<BufWriter<File>>> {
    (0..n)
        .map(|i| {
            let file = File::create(dir.join(log_file_name(i as u32)))?;
            Ok(BufWriter::with_capacity(1 << 20, file))
        })
        .collect()
}

/// Every machine's `start` line, just before the first tick.
fn write_starts(
    logs: &mut [BufWriter<File>],
    spec: &SynthSpec,
    intervals: &[f64],
    t0: i64,
) -> std::io::Result<()> {
    let n = logs.len();
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
    Ok(())
}

/// Every machine's `stop` line at `stop_at`, then flush its log.
fn write_stops(logs: &mut [BufWriter<File>], model: &Model, stop_at: i64) -> std::io::Result<()> {
    for (i, log) in logs.iter_mut().enumerate() {
        let stop = Event::Stop {
            lamport: model.clock[i],
            queue: model.queue[i].len() as u64,
            ticks: model.tick[i],
            skipped: 0,
            cpu_ms: 1,
            max_rss_kb: 1,
        };
        write_line(log, format_micros(stop_at), i, stop)?;
        log.flush()?;
    }
    Ok(())
}

/// The state of every model machine: clocks, ticks done, inbound queues, and the shared die.
struct Model {
    clock: Vec<u64>,
    vc: Vec<Vec<u64>>,
    tick: Vec<u64>,
    queue: Vec<VecDeque<Queued>>,
    rng: u64,
}

impl Model {
    fn new(n: usize, seed: u64) -> Model {
        Model {
            clock: vec![0; n],
            vc: vec![vec![0; n]; n],
            tick: vec![0; n],
            queue: vec![VecDeque::new(); n],
            rng: seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1),
        }
    }

    /// The machine whose next tick comes first, and when (real µs).
    fn next_tick(&self, t0: i64, intervals: &[f64]) -> (usize, i64) {
        (0..self.tick.len())
            .map(|i| {
                let at = t0 + ((self.tick[i] + 1) as f64 * intervals[i]).round() as i64;
                (i, at)
            })
            .min_by_key(|&(i, at)| (at, i))
            .expect("at least one machine")
    }

    /// Machine `i` ticks at `at`: it takes one arrived message, or else rolls the die.
    fn tick(
        &mut self,
        i: usize,
        at: i64,
        spec: &SynthSpec,
        log: &mut impl Write,
    ) -> std::io::Result<()> {
        self.tick[i] += 1;
        let event = if self.queue[i]
            .front()
            .is_some_and(|&(arrival, ..)| arrival <= at)
        {
            self.receive(i, at)
        } else {
            self.act(i, at, spec)
        };
        write_line(log, format_micros(at), i, event)
    }

    /// Machine `i` takes the message at the head of its queue.
    fn receive(&mut self, i: usize, at: i64) -> Event {
        let (_, from, msg, msg_vc) = self.queue[i].pop_front().expect("front exists");
        self.clock[i] = self.clock[i].max(msg) + 1;
        for (mine, theirs) in self.vc[i].iter_mut().zip(&msg_vc) {
            *mine = (*mine).max(*theirs);
        }
        self.vc[i][i] += 1;
        let waiting = self.queue[i].iter().take_while(|&&(a, ..)| a <= at).count();
        Event::Recv {
            tick: self.tick[i],
            lamport: self.clock[i],
            from: from as u32,
            msg_clock: msg,
            queue: waiting as u64,
            vc: self.vc[i].clone(),
            late_us: 3,
        }
    }

    /// Machine `i` rolls the die: a send to one, the other or both peers, or an internal event.
    fn act(&mut self, i: usize, at: i64, spec: &SynthSpec) -> Event {
        let roll = self.roll(spec.die);
        self.clock[i] += 1;
        self.vc[i][i] += 1;
        let peers: Vec<usize> = (0..self.tick.len()).filter(|&j| j != i).collect();
        let to: Vec<usize> = match roll {
            1 => peers.iter().take(1).copied().collect(),
            2 => peers.iter().skip(1).take(1).copied().collect(),
            3 => peers,
            _ => Vec::new(),
        };
        if to.is_empty() {
            return Event::Internal {
                tick: self.tick[i],
                lamport: self.clock[i],
                vc: self.vc[i].clone(),
                late_us: 3,
            };
        }
        for &j in &to {
            let message = (at + spec.delay_us, i, self.clock[i], self.vc[i].clone());
            self.queue[j].push_back(message);
        }
        Event::Send {
            tick: self.tick[i],
            lamport: self.clock[i],
            to: to.iter().map(|&j| j as u32).collect(),
            vc: self.vc[i].clone(),
            late_us: 3,
        }
    }

    /// The next face of a `die`-sided die, 1-based (a linear congruential generator).
    fn roll(&mut self, die: u32) -> u64 {
        self.rng = self
            .rng
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.rng >> 33) % u64::from(die.max(1)) + 1
    }
}

/// The manifest of a synthetic run that ran `span_us` real µs and stopped at `stop_at`.
fn manifest(spec: &SynthSpec, intervals: &[f64], span_us: i64, stop_at: i64) -> Manifest {
    let n = spec.rates.len();
    Manifest {
        manifest_version: MANIFEST_VERSION,
        log_format: FORMAT_VERSION,
        engine: crate::manifest::Engine::Real,
        logiclock_version: env!("CARGO_PKG_VERSION").into(),
        batch: None,
        estimate: None,
        scenario: Scenario {
            name: "synthetic".into(),
            machines: n as u32,
            duration_s: span_us as f64 / 1e6 * spec.speedup,
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
    }
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
