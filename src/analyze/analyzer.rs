//! The analysis proper: records of all machines, in system-time order, in; a [`Summary`] and the
//! sampled time series out. Pure and synchronous; reading files is [`super::pipeline`]'s job.

use crate::manifest::Manifest;

use super::checks::{CheckId, Checks, RATE_TOLERANCE};
use super::drift::Drift;
use super::faults::FaultPlan;
use super::metrics::MachineMetrics;
use super::stats::TimeTable;
use super::summary::{LinkSummary, ScenarioInfo, Summary, SUMMARY_VERSION};
use super::vectors::Vectors;
use crate::runlog::timestamp::parse_micros;
use crate::runlog::{Ev, Record};
use crate::runlog::{Link, Outcome, Pending};

/// Which end of a link a record is.
#[derive(Debug, Clone, Copy)]
enum Side {
    Send,
    Recv,
}

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
    /// Per machine: `start` lines seen, and the time of the last one (a restart's).
    starts: Vec<(u32, i64)>,
    faults: FaultPlan,
    vectors: Vectors,
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
        let faults = FaultPlan::new(manifest, t0);
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
            )
            .with_faults(faults.clone()),
            links: vec![Link::default(); n * n],
            drift: Drift::new(t0, step, n, options.max_rows),
            clocks: vec![0; n],
            queues: vec![0; n],
            stops: vec![None; n],
            starts: vec![(0, i64::MIN); n],
            faults,
            vectors: Vectors::new(&manifest.machines.iter().map(|m| m.id).collect::<Vec<_>>()),
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

    /// A send or receive of the message stamped `clock` on link `from -> to` (machine indexes).
    fn on_link(&mut self, from: usize, to: usize, side: Side, clock: u64, rec: &Record) {
        let n = self.ids.len();
        let msg = Pending {
            clock,
            ts: rec.ts,
            line: rec.line,
            index: 0,
        };
        let mut ctx = Settle {
            ids: &self.ids,
            checks: &mut self.checks,
            metrics: &mut self.metrics,
            faults: &self.faults,
            starts: &self.starts,
            deaths: 0,
        };
        let link = &mut self.links[from * n + to];
        match side {
            Side::Send => link.send(msg, &mut |o| ctx.settle(o, from, to)),
            Side::Recv => link.recv(msg, &mut |o| ctx.settle(o, from, to)),
        }
        let deaths = ctx.deaths;
        link.reclassify_lost(deaths);
    }

    /// Take the next record (in system-time order) of the machine at index `m`.
    pub fn feed(&mut self, m: usize, rec: &Record) -> Result<(), String> {
        self.lines += 1;
        self.last_ts = self.last_ts.max(rec.ts);
        self.drift.advance(rec.ts, &self.clocks, &self.queues)?;
        self.checks.observe(m, rec);
        self.vectors.observe(m, self.ids[m], rec, &mut self.checks);
        self.metrics[m].observe(rec, self.t0);
        let n = self.ids.len();
        match rec.event {
            Ev::Send { lamport, to, .. } => {
                for id in to.iter() {
                    match self.index(id).filter(|&j| j != m) {
                        Some(j) => self.on_link(m, j, Side::Send, lamport, rec),
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
                Some(f) => self.on_link(f, m, Side::Recv, msg_clock, rec),
                None => self
                    .checks
                    .offend(CheckId::Matching, m, Some(rec.line), || {
                        format!("recv from machine {from}, which is not a peer in this run")
                    }),
            },
            Ev::Dropped { to, lamport } => match self.index(to).filter(|&j| j != m) {
                Some(j) => self.links[m * n + j].drop_msg(Pending {
                    clock: lamport,
                    ts: rec.ts,
                    line: rec.line,
                    index: 0,
                }),
                None => self
                    .checks
                    .offend(CheckId::Matching, m, Some(rec.line), || {
                        format!("dropped message to machine {to}, which is not a peer in this run")
                    }),
            },
            Ev::Start { rate, .. } => {
                // A restarted machine logs a new start line; its clock and ticks continue.
                self.starts[m] = (self.starts[m].0 + 1, rec.ts);
                if rate != self.metrics[m].rate {
                    let configured = self.metrics[m].rate;
                    self.checks.offend(CheckId::Rate, m, Some(rec.line), || {
                        format!("start says rate {rate}, manifest.json says {configured}")
                    });
                }
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
        // Drops whose send never came.
        for f in 0..n {
            for t in 0..n {
                for drop in self.links[f * n + t].take_pending_drops() {
                    let (from, to) = (self.ids[f], self.ids[t]);
                    self.checks.offend(CheckId::Matching, f, Some(drop.line), || {
                        format!("dropped message to machine {to} with clock {} matches no send of machine {from} to machine {to}", drop.clock)
                    });
                }
            }
        }
        let left = self.settle_unreceived();
        let mut machines: Vec<_> = self.metrics.iter().map(|m| m.summary(self.t0)).collect();
        for (i, m) in machines.iter_mut().enumerate() {
            let Some(achieved) = m.achieved_rate else {
                continue;
            };
            let rate = f64::from(m.rate);
            let off = |r: f64| (r - rate).abs() > RATE_TOLERANCE * rate;
            // Over its life only: the time it was paused or dead does not count.
            let life = self.metrics[i]
                .tick_span()
                .and_then(|(ticks, first, last)| {
                    let down = self.faults.down_within(i, first, last);
                    let alive = last - first - down;
                    (down > 0 && alive > 0)
                        .then(|| (ticks - 1) as f64 / alive as f64 * m.interval_us * rate)
                });
            match life {
                Some(life) => {
                    m.achieved_rate = Some(life);
                    if off(life) {
                        self.checks.offend(CheckId::Rate, i, None, || {
                            format!("achieved {life:.3} ticks per model second while up (paused or dead time left out), configured {rate}")
                        });
                    } else if off(achieved) {
                        self.checks.expect(CheckId::Rate, i, None, || {
                            format!("achieved {achieved:.3} ticks per model second over the run, {life:.3} while up: it was paused or dead (fault)")
                        });
                    }
                }
                None if off(achieved) => {
                    self.checks.offend(CheckId::Rate, i, None, || {
                        format!("achieved {achieved:.3} ticks per model second, configured {rate}")
                    });
                }
                None => {}
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
                    dropped: l.dropped,
                    lost_at_death: l.lost_at_death,
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
                faults: self.faults.records,
                causality: self.vectors.finish(),
            },
            table: drift.table,
        })
    }
}

impl Analyzer {
    /// Account for the sends never received, per receiver; returns how many of each link
    /// (`from * n + to`) were left in the receiver's stop queue.
    ///
    /// To a machine that died: what was sent before its restart (or at all, when it never came
    /// back) went down with it. The rest must be its stop queue (a queue is processed in arrival
    /// order, so what is left is the latest); extra ones are lost with their sender when it died
    /// (the latest it sent first: still in its buffers), otherwise lost, earliest first.
    fn settle_unreceived(&mut self) -> Vec<u64> {
        let n = self.ids.len();
        let mut left = vec![0u64; n * n];
        for t in 0..n {
            let to = self.ids[t];
            let died = self.faults.machines[t].died;
            let boundary = match (died, self.stops[t], self.starts[t]) {
                (false, _, _) => i64::MIN,
                (true, None, _) => i64::MAX,
                (true, Some(_), (starts, at)) if starts >= 2 => at,
                (true, Some(_), _) => i64::MIN,
            };
            let mut pending: Vec<(i64, usize, Pending)> = Vec::new();
            let mut with_death = 0u64;
            for f in 0..n {
                let link = &mut self.links[f * n + t];
                let before = link.pending_sends().filter(|p| p.ts < boundary).count() as u64;
                link.lost_at_death += before;
                with_death += before;
                pending.extend(
                    link.pending_sends()
                        .filter(|p| p.ts >= boundary)
                        .map(|p| (p.ts, f, *p)),
                );
            }
            if with_death > 0 {
                self.checks.expect(CheckId::Lost, t, None, || {
                    format!("{with_death} message(s) to machine {to} were lost with it when it died (fault)")
                });
            }
            pending.sort_by_key(|&(ts, f, p)| (ts, f, p.clock));
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
                None if died => {
                    self.checks.expect(CheckId::Lost, t, None, || {
                        format!("no stop line: machine {to} was killed (fault)")
                    });
                    0
                }
                None => {
                    self.checks.offend(CheckId::Lost, t, None, || {
                        format!("no stop line: the fate of {count} unreceived message(s) to machine {to} is unknown")
                    });
                    count
                }
            };
            let mut extra = count.saturating_sub(queue) as usize;
            let mut gone = vec![false; pending.len()];
            for (k, &(ts, f, _)) in pending.iter().enumerate().rev() {
                let sender = &self.faults.machines[f];
                if extra > 0 && sender.died && sender.killed_at.is_none_or(|at| ts <= at) {
                    gone[k] = true;
                    extra -= 1;
                    self.links[f * n + t].lost_at_death += 1;
                    let from = self.ids[f];
                    self.checks.expect(CheckId::Lost, f, Some(pending[k].2.line), || {
                        format!("message {from}->{to} with clock {} never left machine {from}, which died (fault)", pending[k].2.clock)
                    });
                }
            }
            for (k, &(_, f, p)) in pending.iter().enumerate() {
                if gone[k] {
                    continue;
                }
                if extra > 0 {
                    extra -= 1;
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
        left
    }
}

/// What settling a send or receive needs from the analyzer, and how many messages it found
/// lost with a dead machine.
struct Settle<'a> {
    ids: &'a [u32],
    checks: &'a mut Checks,
    metrics: &'a mut [MachineMetrics],
    faults: &'a FaultPlan,
    starts: &'a [(u32, i64)],
    deaths: u64,
}

impl Settle<'_> {
    /// Record what a send or receive settled on link `from -> to` (machine indexes).
    fn settle(&mut self, outcome: Outcome, from: usize, to: usize) {
        let (f, t) = (self.ids[from], self.ids[to]);
        match outcome {
            matched @ Outcome::Matched { .. } => {
                self.metrics[to].add_delay(matched.delay_us().expect("a matched message has a delay"))
            }
            Outcome::Lost(p) if lost_in_a_restart(self.faults, self.starts, from, to, p.ts) => {
                self.deaths += 1;
            }
            Outcome::Lost(p) => self.checks.offend(CheckId::Lost, from, Some(p.line), || {
                format!("message {f}->{t} with clock {} was never received (machine {t} received a later one from {f})", p.clock)
            }),
            Outcome::Unmatched(p) => self.checks.offend(CheckId::Matching, to, Some(p.line), || {
                format!("recv from machine {f} with msg_clock {} matches no send of machine {f} to machine {t}", p.clock)
            }),
        }
    }
}

/// Whether a message `from -> to` sent at `ts`, skipped over by a later one, went down with a
/// machine that was killed and restarted: the receiver before its restart, or the sender before
/// its kill (still in its buffers).
fn lost_in_a_restart(
    faults: &FaultPlan,
    starts: &[(u32, i64)],
    from: usize,
    to: usize,
    ts: i64,
) -> bool {
    let restarted = |m: usize| faults.machines[m].died && starts[m].0 >= 2;
    (restarted(to) && ts < starts[to].1)
        || (restarted(from) && faults.machines[from].killed_at.is_some_and(|k| ts <= k))
}
