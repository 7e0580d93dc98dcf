//! The analysis proper: records of all machines, in system-time order, in; a [`Summary`] and the
//! sampled time series out. Pure and synchronous; reading files is [`super::pipeline`]'s job.

use crate::manifest::Manifest;

use super::checks::{CheckId, Checks, RATE_TOLERANCE};
use super::drift::Drift;
use super::links::{Link, Outcome, Pending};
use super::metrics::MachineMetrics;
use super::read::{Ev, Record};
use super::stats::TimeTable;
use super::summary::{LinkSummary, ScenarioInfo, Summary, SUMMARY_VERSION};
use super::timestamp::parse_micros;

/// How to analyze.
#[derive(Debug, Clone)]
pub struct Options {
    /// Real microseconds between drift samples; default: the fastest machine's tick interval.
    pub step_us: Option<u64>,
    /// The time series (CSV and plots) keep between this many and twice this many rows.
    pub max_rows: usize,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            step_us: None,
            max_rows: 1_000,
        }
    }
}

/// The result for one run directory.
#[derive(Debug, Clone)]
pub struct Analysis {
    pub summary: Summary,
    /// Sampled series: clock per machine, then queue per machine, then drift per machine.
    pub table: TimeTable,
}

/// Running state of the analysis of one run.
#[derive(Debug)]
pub struct Analyzer {
    t0: i64,
    step_us: u64,
    ids: Vec<u32>,
    index_of: [usize; 64],
    metrics: Vec<MachineMetrics>,
    checks: Checks,
    /// `links[from * n + to]`, by machine index.
    links: Vec<Link>,
    drift: Drift,
    clocks: Vec<u64>,
    queues: Vec<u64>,
    stops: Vec<Option<(u64, u64)>>,
    lines: u64,
    last_ts: i64,
    scenario: ScenarioInfo,
}

impl Analyzer {
    /// Set up for the machines of `manifest`; records are then fed by machine index (manifest order).
    pub fn new(manifest: &Manifest, options: &Options) -> Result<Analyzer, String> {
        let t0 = parse_micros(&manifest.started_at)
            .ok_or_else(|| format!("manifest.json: bad started_at {:?}", manifest.started_at))?;
        let n = manifest.machines.len();
        let mut index_of = [usize::MAX; 64];
        for (i, m) in manifest.machines.iter().enumerate() {
            index_of[m.id as usize] = i;
        }
        let fastest = manifest
            .machines
            .iter()
            .map(|m| m.interval_us)
            .fold(f64::INFINITY, f64::min);
        let step = options.step_us.unwrap_or(fastest.ceil().max(1.0) as u64);
        let s = &manifest.scenario;
        Ok(Analyzer {
            t0,
            step_us: step,
            ids: manifest.machines.iter().map(|m| m.id).collect(),
            index_of,
            metrics: manifest
                .machines
                .iter()
                .map(|m| MachineMetrics::new(m.id, m.rate, m.interval_us))
                .collect(),
            checks: Checks::new(
                manifest
                    .machines
                    .iter()
                    .map(|m| (m.id, m.log.clone()))
                    .collect(),
            ),
            links: vec![Link::default(); n * n],
            drift: Drift::new(t0, step, n, options.max_rows),
            clocks: vec![0; n],
            queues: vec![0; n],
            stops: vec![None; n],
            lines: 0,
            last_ts: t0,
            scenario: ScenarioInfo {
                name: s.name.clone(),
                seed: s.seed,
                speedup: s.speedup,
                duration_s: s.duration_s,
                machines: n as u32,
                started_at: manifest.started_at.clone(),
            },
        })
    }

    fn index(&self, id: u32) -> Option<usize> {
        self.index_of
            .get(id as usize)
            .copied()
            .filter(|&i| i != usize::MAX)
    }

    /// Take the next record (in system-time order) of the machine at index `m`.
    pub fn feed(&mut self, m: usize, rec: &Record) -> Result<(), String> {
        self.lines += 1;
        self.last_ts = self.last_ts.max(rec.ts);
        self.drift.advance(rec.ts, &self.clocks, &self.queues)?;
        self.checks.observe(m, rec);
        self.metrics[m].observe(rec, self.t0);
        let n = self.ids.len();
        match rec.event {
            Ev::Send { lamport, to, .. } => {
                for id in to.iter() {
                    match self.index(id).filter(|&j| j != m) {
                        Some(j) => {
                            let msg = Pending {
                                clock: lamport,
                                ts: rec.ts,
                                line: rec.line,
                            };
                            let (checks, metrics, ids) =
                                (&mut self.checks, &mut self.metrics, &self.ids);
                            self.links[m * n + j]
                                .send(msg, &mut |o| settle(o, m, j, ids, checks, metrics));
                        }
                        None => self
                            .checks
                            .offend(CheckId::Matching, m, Some(rec.line), || {
                                format!("send to machine {id}, which is not a peer in this run")
                            }),
                    }
                }
            }
            Ev::Recv {
                from, msg_clock, ..
            } => match self.index(from).filter(|&f| f != m) {
                Some(f) => {
                    let msg = Pending {
                        clock: msg_clock,
                        ts: rec.ts,
                        line: rec.line,
                    };
                    let (checks, metrics, ids) = (&mut self.checks, &mut self.metrics, &self.ids);
                    self.links[f * n + m].recv(msg, &mut |o| settle(o, f, m, ids, checks, metrics));
                }
                None => self
                    .checks
                    .offend(CheckId::Matching, m, Some(rec.line), || {
                        format!("recv from machine {from}, which is not a peer in this run")
                    }),
            },
            Ev::Start { rate, .. } if rate != self.metrics[m].rate => {
                let configured = self.metrics[m].rate;
                self.checks.offend(CheckId::Rate, m, Some(rec.line), || {
                    format!("start says rate {rate}, manifest.json says {configured}")
                });
            }
            Ev::Stop { queue, .. } => self.stops[m] = Some((queue, rec.line)),
            _ => {}
        }
        self.clocks[m] = self.metrics[m].clock();
        self.queues[m] = self.metrics[m].queue_now();
        Ok(())
    }

    /// Settle what is still pending, run the end-of-run checks and compute the figures.
    pub fn finish(mut self, run_dir: &str) -> Result<Analysis, String> {
        let n = self.ids.len();
        // Receives whose send never came.
        for f in 0..n {
            for t in 0..n {
                for recv in self.links[f * n + t].take_pending_recvs() {
                    let (from, to) = (self.ids[f], self.ids[t]);
                    self.checks.offend(CheckId::Matching, t, Some(recv.line), || {
                        format!("recv from machine {from} with msg_clock {} matches no send of machine {from} to machine {to}", recv.clock)
                    });
                }
            }
        }
        // Sends never received must be exactly the receiver's stop queue; the earliest extra ones
        // are lost (a queue is processed in arrival order, so what is left is the latest).
        let mut left = vec![0u64; n * n];
        for t in 0..n {
            let mut pending: Vec<(i64, usize, Pending)> = (0..n)
                .flat_map(|f| {
                    self.links[f * n + t]
                        .pending_sends()
                        .map(move |p| (p.ts, f, *p))
                })
                .collect();
            pending.sort_by_key(|&(ts, f, p)| (ts, f, p.clock));
            let to = self.ids[t];
            let count = pending.len() as u64;
            let queue = match self.stops[t] {
                Some((queue, line)) => {
                    if queue > count {
                        self.checks.offend(CheckId::Lost, t, Some(line), || {
                            format!("stop queue {queue}, but only {count} message(s) to machine {to} were sent and not received")
                        });
                    }
                    queue
                }
                None => {
                    self.checks.offend(CheckId::Lost, t, None, || {
                        format!("no stop line: the fate of {count} unreceived message(s) to machine {to} is unknown")
                    });
                    count
                }
            };
            let lost = count.saturating_sub(queue) as usize;
            for (k, &(_, f, p)) in pending.iter().enumerate() {
                if k < lost {
                    self.links[f * n + t].lost += 1;
                    let from = self.ids[f];
                    self.checks.offend(CheckId::Lost, f, Some(p.line), || {
                        format!("message {from}->{to} with clock {} was never received (machine {to} stopped with {queue} in its queue, {count} unreceived)", p.clock)
                    });
                } else {
                    left[f * n + t] += 1;
                }
            }
        }
        let machines: Vec<_> = self.metrics.iter().map(|m| m.summary(self.t0)).collect();
        for (i, m) in machines.iter().enumerate() {
            if let Some(achieved) = m.achieved_rate {
                let rate = f64::from(m.rate);
                if (achieved - rate).abs() > RATE_TOLERANCE * rate {
                    self.checks.offend(CheckId::Rate, i, None, || {
                        format!("achieved {achieved:.3} ticks per model second, configured {rate}")
                    });
                }
            }
        }
        let ids_rates: Vec<(u32, u32)> = machines.iter().map(|m| (m.id, m.rate)).collect();
        let drift = self
            .drift
            .finish(self.last_ts, &self.clocks, &self.queues, &ids_rates)?;
        let links = (0..n * n)
            .filter_map(|k| {
                let l = &self.links[k];
                (l.sent + l.received + l.unmatched > 0).then(|| LinkSummary {
                    from: self.ids[k / n],
                    to: self.ids[k % n],
                    sent: l.sent,
                    received: l.received,
                    left_in_queue: left[k],
                    lost: l.lost,
                    unmatched: l.unmatched,
                })
            })
            .collect();
        Ok(Analysis {
            summary: Summary {
                summary_version: SUMMARY_VERSION,
                run_dir: run_dir.to_owned(),
                scenario: self.scenario,
                lines: self.lines,
                verdict: self.checks.verdict(),
                machines,
                drift: super::summary::DriftSummary {
                    step_us: self.step_us,
                    samples: drift.samples,
                    machines: drift.machines,
                },
                links,
            },
            table: drift.table,
        })
    }
}

/// Record what a send or receive settled on link `from -> to` (machine indexes).
fn settle(
    outcome: Outcome,
    from: usize,
    to: usize,
    ids: &[u32],
    checks: &mut Checks,
    metrics: &mut [MachineMetrics],
) {
    let (f, t) = (ids[from], ids[to]);
    match outcome {
        Outcome::Matched { delay_us } => metrics[to].add_delay(delay_us),
        Outcome::Lost(p) => checks.offend(CheckId::Lost, from, Some(p.line), || {
            format!("message {f}->{t} with clock {} was never received (machine {t} received a later one from {f})", p.clock)
        }),
        Outcome::Unmatched(p) => checks.offend(CheckId::Matching, to, Some(p.line), || {
            format!("recv from machine {f} with msg_clock {} matches no send of machine {f} to machine {t}", p.clock)
        }),
    }
}
