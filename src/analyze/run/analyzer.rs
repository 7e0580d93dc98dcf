//! The analysis proper: records of all machines, in system-time order, in; a [`Summary`] and the
//! sampled time series out. Pure and synchronous; reading files is [`super::pipeline`]'s job.

use crate::manifest::Manifest;

use super::checks::{CheckId, Checks};
use super::drift::Drift;
use super::ended::{self, MachineProgress, NotEnded};
use super::faults::FaultPlan;
use super::metrics::MachineMetrics;
use super::summary::{LinkSummary, ScenarioInfo, Summary, SUMMARY_VERSION};
use super::vectors::Vectors;
use crate::analyze::error::LayoutError;
use crate::log_format::timestamp::parse_micros;
use crate::log_format::Event;
use crate::runlog::Line;
use crate::runlog::{LinkPairing, Pending};
use crate::timebase::TimeBase;

use super::settle::{Settle, Unreceived};

pub(crate) use super::analysis::{Analysis, Options};

/// Which end of a link a record is.
#[derive(Debug, Clone, Copy)]
enum Side {
    Send,
    Recv,
}

/// Running state of the analysis of one run.
#[derive(Debug)]
pub(crate) struct Analyzer {
    /// The run's start and speedup: every time of the summary goes through it.
    base: TimeBase,
    t0: i64,
    step_us: u64,
    ids: Vec<u32>,
    index_of: [usize; 64],
    metrics: Vec<MachineMetrics>,
    checks: Checks,
    /// `links[from * n + to]`, by machine index.
    links: Vec<LinkPairing>,
    drift: Drift,
    clocks: Vec<u64>,
    queues: Vec<u64>,
    stops: Vec<Option<(u64, u64)>>,
    /// How the manifest says the run ended: `None` while it has no outcome.
    outcome_reason: Option<String>,
    /// A twin's cut after a failed write ([`ended::twin_cut_s`]).
    cut_s: Option<f64>,
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
    pub(crate) fn new(manifest: &Manifest, options: &Options) -> Result<Analyzer, LayoutError> {
        let t0 = parse_micros(&manifest.started_at)
            .ok_or_else(|| LayoutError::StartedAt(manifest.started_at.clone()))?;
        let n = manifest.machines.len();
        let mut index_of = [usize::MAX; 64];
        for (i, m) in manifest.machines.iter().enumerate() {
            index_of[m.id as usize] = i;
        }
        let step = options
            .step_us
            .unwrap_or_else(|| super::drift::default_step_us(manifest));
        let s = manifest.scenario.as_ref();
        let base = TimeBase::new(t0, manifest.speedup());
        let faults = FaultPlan::new(manifest, base);
        Ok(Analyzer {
            base,
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
            .with_faults(faults.clone())
            .with_tolerance(s.map(|s| s.tolerance).unwrap_or_default())
            .with_speedup(manifest.speedup())
            .with_granularity(
                s.and_then(|s| s.physical_clock.as_ref())
                    .map_or(1, |p| p.granularity_us),
            )
            .with_timing_unknown(ended::timing_unknown(manifest)),
            links: vec![LinkPairing::default(); n * n],
            drift: Drift::new(base, step, n, options.max_rows).with_dead(faults.dead_spans()),
            clocks: vec![0; n],
            queues: vec![0; n],
            stops: vec![None; n],
            outcome_reason: manifest.outcome.as_ref().map(|o| o.reason.clone()),
            cut_s: ended::twin_cut_s(manifest, base),
            starts: vec![(0, i64::MIN); n],
            faults,
            vectors: Vectors::new(&manifest.machines.iter().map(|m| m.id).collect::<Vec<_>>()),
            lines: 0,
            last_ts: t0,
            scenario: ScenarioInfo {
                name: manifest.name(),
                seed: manifest.seed(),
                speedup: manifest.speedup(),
                duration_model_s: s.map(|s| s.duration_s),
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
    fn on_link(&mut self, from: usize, to: usize, side: Side, clock: u64, rec: &Line) {
        let n = self.ids.len();
        let msg = Pending {
            clock,
            ts: rec.timestamp,
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

    /// Take the next line (in system-time order) of the machine at index `m`.
    pub(crate) fn feed(&mut self, m: usize, rec: &Line) -> Result<(), LayoutError> {
        self.lines += 1;
        self.last_ts = self.last_ts.max(rec.timestamp);
        self.drift
            .advance(rec.timestamp, &self.clocks, &self.queues)?;
        self.checks.observe(m, rec);
        self.vectors.observe(m, self.ids[m], rec, &mut self.checks);
        self.metrics[m].observe(rec, self.base);
        let n = self.ids.len();
        match rec.event {
            Event::Send {
                lamport, ref to, ..
            } => {
                for &id in to {
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
            Event::Recv {
                from, msg_clock, ..
            } => match self.index(from).filter(|&f| f != m) {
                Some(f) => self.on_link(f, m, Side::Recv, msg_clock, rec),
                None => self
                    .checks
                    .offend(CheckId::Matching, m, Some(rec.line), || {
                        format!("recv from machine {from}, which is not a peer in this run")
                    }),
            },
            // The reader lets a `dropped` line through with exactly one recipient.
            Event::Dropped {
                ref to, lamport, ..
            } => {
                for &to in to {
                    match self.index(to).filter(|&j| j != m) {
                        Some(j) => self.links[m * n + j].drop_msg(Pending {
                            clock: lamport,
                            ts: rec.timestamp,
                            line: rec.line,
                            index: 0,
                        }),
                        None => self
                            .checks
                            .offend(CheckId::Matching, m, Some(rec.line), || {
                                format!(
                                "dropped message to machine {to}, which is not a peer in this run"
                            )
                            }),
                    }
                }
            }
            Event::Start { rate, .. } => {
                // A restarted machine logs a new start line; its clock and ticks continue.
                self.starts[m] = (self.starts[m].0 + 1, rec.timestamp);
                if let Some(configured) = self.metrics[m].rate.filter(|&c| c != rate) {
                    self.checks.offend(CheckId::Rate, m, Some(rec.line), || {
                        format!("start says rate {rate}, manifest.json says {configured}")
                    });
                }
            }
            Event::Stop { queue, .. } => {
                self.stops[m] = Some((queue, rec.line));
                // Stopped: no clock from here on (its series end, like a dead machine's).
                self.drift.stop(m, rec.timestamp);
            }
            Event::Internal { .. }
            | Event::Skipped { .. }
            | Event::Fault { .. }
            | Event::PeerConnected { .. }
            | Event::PeerGone { .. }
            | Event::Refused { .. }
            | Event::Warning { .. }
            | Event::Unknown => {}
        }
        self.clocks[m] = self.metrics[m].clock();
        self.queues[m] = self.metrics[m].queue_now();
        Ok(())
    }

    /// Why the run did not run to its end ([`ended::not_ended`]), from the manifest's outcome and
    /// each machine's last tick against its schedule.
    /// An imported run has no schedule to judge: nothing.
    fn not_ended(&self) -> Vec<NotEnded> {
        let rates: Option<Vec<u32>> = self.metrics.iter().map(|m| m.rate).collect();
        let (Some(duration_s), Some(rates)) = (self.scenario.duration_model_s, rates) else {
            return Vec::new();
        };
        let machines: Vec<MachineProgress> = self
            .metrics
            .iter()
            .zip(rates)
            .enumerate()
            .map(|(i, (m, rate))| MachineProgress {
                id: self.ids[i],
                rate,
                last_tick: m.last_tick(),
                stopped: self.stops[i].is_some(),
                excused: self.faults.ends_early(i),
            })
            .collect();
        ended::not_ended(
            self.outcome_reason.as_deref(),
            duration_s,
            self.checks.tolerance().skipped,
            &machines,
        )
    }

    /// Settle what is still pending, run the end-of-run checks and compute the figures.
    pub(crate) fn finish(mut self, run_dir: &str) -> Result<Analysis, LayoutError> {
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
        let left = Unreceived {
            ids: &self.ids,
            faults: &self.faults,
            stops: &self.stops,
            starts: &self.starts,
            links: &mut self.links,
            checks: &mut self.checks,
            cut_s: self.cut_s,
        }
        .settle();
        let not_ended = self.not_ended();
        for why in &not_ended {
            self.checks
                .offend(CheckId::Ended, why.index(), None, || why.to_string());
        }
        if !not_ended.is_empty() {
            self.checks
                .excuse(CheckId::Lost, "in flight when the run was cut short");
        }
        let mut machines: Vec<_> = self.metrics.iter().map(|m| m.summary(self.base)).collect();
        for (i, m) in machines.iter_mut().enumerate() {
            // Clock per model second of its life: the time it lay dead does not count.
            if let Some(last) = self.metrics[i].last_clock_ts() {
                let dead = self.faults.dead_within(i, self.t0, last);
                let alive = last - self.t0 - dead;
                if dead > 0 && alive > 0 {
                    m.clock_per_model_s =
                        m.final_clock as f64 / self.base.model_of_real(alive as f64 / 1e6);
                }
            }
            let Some(achieved) = m.achieved_rate else {
                continue;
            };
            let Some(rate) = m.rate.map(f64::from) else {
                continue;
            };
            let error = (achieved - rate).abs() / rate;
            self.checks.rate_error(i, error);
            // Within a part per million is exact: microsecond timestamps and a recorded
            // interval rounded to 1 ns tell no finer (`[tolerance] rate = 0` passes the twin).
            if error > self.checks.tolerance().rate + 1e-6 {
                self.checks.offend(CheckId::Rate, i, None, || {
                    format!("achieved {achieved:.3} ticks per model second, configured {rate}")
                });
            }
        }
        let ids_rates: Vec<(u32, Option<u32>)> = machines.iter().map(|m| (m.id, m.rate)).collect();
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
        let (verdict, clocks) = self.checks.verdict_and_clocks();
        let (causality, clock_scores) = self.vectors.finish(&clocks).unzip();
        Ok(Analysis {
            summary: Summary {
                summary_version: SUMMARY_VERSION,
                run_dir: run_dir.to_owned(),
                scenario: self.scenario,
                lines: self.lines,
                verdict,
                machines,
                drift: super::summary::DriftSummary {
                    step_real_us: self.step_us,
                    samples: drift.samples,
                    machines: drift.machines,
                },
                links,
                faults: self.faults.records,
                causality,
                clocks: clocks.checked.then_some(clocks),
                clock_scores,
            },
            table: drift.table,
        })
    }
}
