//! The questions the page answers, answered from the logs' vector clocks by their definitions.

use std::collections::HashMap;
use std::path::Path;

use logiclock::log_format::Event;
use rand::{Rng, SeedableRng};

use crate::util::RunFiles;

/// One clock event as its log shows it.
#[derive(Debug, Clone)]
pub struct Clocked {
    pub machine: u32,
    pub line: u64,
    pub timestamp: i64,
    pub lamport: u64,
    pub vc: Vec<u64>,
    /// For a receive: the sender and the message's clock.
    pub from: Option<(u32, u64)>,
    /// The hybrid logical clock `[l, c]` (log format 6 and up).
    pub hlc: Option<[u64; 2]>,
}

/// The clock events of a run, per machine in log order, read from its logs.
pub struct Oracle {
    pub lanes: Vec<Vec<Clocked>>,
}

impl Oracle {
    pub fn read(run: &Path) -> Oracle {
        let files = RunFiles::read(run);
        let lanes = files
            .logs
            .iter()
            .map(|log| {
                log.iter()
                    .filter_map(|l| {
                        let vc = l.event.vc()?.to_vec();
                        let from = match &l.event {
                            Event::Recv {
                                from, msg_clock, ..
                            } => Some((*from, *msg_clock)),
                            _ => None,
                        };
                        Some(Clocked {
                            machine: l.machine,
                            line: l.line,
                            timestamp: l.timestamp,
                            lamport: l.event.lamport()?,
                            vc,
                            from,
                            hlc: l.event.hlc().map(|h| [h.l, h.c]),
                        })
                    })
                    .collect()
            })
            .collect();
        Oracle { lanes }
    }

    pub fn all(&self) -> impl Iterator<Item = &Clocked> {
        self.lanes.iter().flatten()
    }

    /// Past, future and concurrent counts of `x` by the definition: e happened before x when
    /// its vector clock is at most x's, entry by entry.
    pub fn counts(&self, x: &Clocked) -> (u64, u64, u64) {
        let le = |a: &[u64], b: &[u64]| a.iter().zip(b).all(|(a, b)| a <= b);
        let (mut past, mut future, mut concurrent) = (0, 0, 0);
        for e in self.all() {
            if (e.machine, e.line) == (x.machine, x.line) {
                continue;
            }
            if le(&e.vc, &x.vc) {
                past += 1;
            } else if le(&x.vc, &e.vc) {
                future += 1;
            } else {
                concurrent += 1;
            }
        }
        (past, future, concurrent)
    }

    /// Whether cut `c` (events per lane) is consistent: every receive in it has its send in it,
    /// the send found by its sender and clock in the logs.
    pub fn consistent(&self, c: &[usize]) -> bool {
        let sends: HashMap<(u32, u64), usize> = self
            .lanes
            .iter()
            .flat_map(|lane| {
                lane.iter()
                    .enumerate()
                    .map(|(p, e)| ((e.machine, e.lamport), p))
            })
            .collect();
        self.lanes.iter().enumerate().all(|(j, lane)| {
            lane[..c[j]].iter().all(|e| match e.from {
                Some((from, clock)) => sends
                    .get(&(from, clock))
                    .is_none_or(|&p| p < c[from as usize]),
                None => true,
            })
        })
    }
}

/// `count` random clock events of `oracle`, as `machine:line`.
pub fn pick(oracle: &Oracle, count: usize, seed: u64) -> Vec<&Clocked> {
    let all: Vec<&Clocked> = oracle.all().collect();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    (0..count)
        .map(|_| all[rng.random_range(0..all.len())])
        .collect()
}
