//! A uniform sample of a run's clock events, and every clock scored pair by pair within it.
//!
//! Scoring a clock against happened-before and true time pair by pair is quadratic in the run's
//! events, so it is done on a reservoir sample (Vitter's algorithm R: each event of the run is in
//! the sample with the same probability, whatever the run's length) of [`SAMPLE_SIZE`] events,
//! drawn with a fixed seed so that `analyze` gives the same figures every time. A run with no more
//! events than that is taken whole, and its figures are exact.
//!
//! Within the sample every pair is compared: `a` happened before `b` when `b`'s vector knows `a`'s
//! position on `a`'s machine (`vc_b[a's id] >= vc_a[a's id]`, one comparison for logs that keep the
//! vector rules); a pair of different machines that neither happened before is concurrent. Each
//! share comes with a 95% interval from the delete-one-event jackknife (pairs sharing an event are
//! not independent, so the events, not the pairs, are the sample size); a share of 0 or 1 has no
//! jackknife spread and gets the Wilson interval with the sampled events as its size instead.

use serde::{Deserialize, Serialize};

use crate::log_format::Hlc;

/// Events kept in the sample.
pub(crate) const SAMPLE_SIZE: usize = 2_000;
/// The sampler's seed: fixed, so that the same run always gives the same figures.
pub(crate) const SAMPLE_SEED: u64 = 0x6c6f_6769_636c_6f63;

/// The clocks scored in the sample, in table order.
pub(crate) const SAMPLED: [SampledClock; 3] = [
    SampledClock::Physical,
    SampledClock::Lamport,
    SampledClock::Hlc,
];

/// A clock the sample scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SampledClock {
    Physical,
    Lamport,
    Hlc,
}

/// One sampled clock event: what each clock said, and the truth.
#[derive(Debug, Clone)]
pub(crate) struct SampledEvent {
    /// Machine index (manifest order).
    pub machine: usize,
    /// The machine's id: its entry in the vectors.
    pub id: u32,
    pub vc: Box<[u64]>,
    pub lamport: u64,
    pub pt_us: Option<u64>,
    pub hlc: Option<Hlc>,
    /// The line's timestamp: the god's-eye time, microseconds.
    pub true_us: i64,
}

impl SampledEvent {
    /// `(key, secondary key)` of `clock` on this event; `None` if the line did not carry it.
    fn value(&self, clock: SampledClock) -> Option<(u64, u64)> {
        match clock {
            SampledClock::Physical => self.pt_us.map(|pt| (pt, 0)),
            SampledClock::Lamport => Some((self.lamport, 0)),
            SampledClock::Hlc => self.hlc.map(|h| (h.l, h.c)),
        }
    }

    /// Whether this event happened before `other` (both from logs that keep the vector rules).
    fn before(&self, other: &SampledEvent) -> bool {
        let own = self.id as usize;
        let position = self.vc.get(own).copied().unwrap_or(0);
        other.vc.get(own).copied().unwrap_or(0) >= position
            && (self.machine != other.machine || position != other.vc[own])
    }
}

/// A uniform sample of the events, kept as they stream past.
#[derive(Debug, Clone)]
pub(crate) struct Reservoir {
    capacity: usize,
    seen: u64,
    state: u64,
    kept: Vec<SampledEvent>,
}

impl Reservoir {
    pub(crate) fn new(capacity: usize, seed: u64) -> Reservoir {
        Reservoir {
            capacity,
            seen: 0,
            state: seed,
            kept: Vec::with_capacity(capacity.min(SAMPLE_SIZE)),
        }
    }

    /// Splitmix64: a fast, well-mixed sequence from a seed (no need for more here).
    fn next(&mut self) -> u64 {
        use crate::model::dice::{mix, GAMMA};
        self.state = self.state.wrapping_add(GAMMA);
        mix(self.state)
    }

    /// Offer the next event; `make` builds it only if it is kept.
    pub(crate) fn offer(&mut self, make: impl FnOnce() -> SampledEvent) {
        self.seen += 1;
        if self.kept.len() < self.capacity {
            self.kept.push(make());
            return;
        }
        // Keep it with probability capacity / seen, in place of a uniformly chosen one.
        let slot = ((u128::from(self.next()) * u128::from(self.seen)) >> 64) as usize;
        if slot < self.capacity {
            self.kept[slot] = make();
        }
    }

    /// Events offered so far.
    pub(crate) fn seen(&self) -> u64 {
        self.seen
    }

    pub(crate) fn events(&self) -> &[SampledEvent] {
        &self.kept
    }
}

/// A share estimated from the sample (or counted exactly), with its 95% interval.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    /// `part / whole` (0 when `whole` is 0).
    pub share: f64,
    pub part: u64,
    pub whole: u64,
    /// The 95% interval; equal to `share` when the figure is exact.
    pub low: f64,
    pub high: f64,
    /// Counted over every pair of the run, not a sample.
    pub exact: bool,
}

impl Estimate {
    /// An exact count.
    pub(crate) fn exact(part: u64, whole: u64) -> Estimate {
        let share = ratio(part, whole);
        Estimate {
            share,
            part,
            whole,
            low: share,
            high: share,
            exact: true,
        }
    }
}

fn ratio(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

/// A share's count, and each sampled event's share of it (for the jackknife).
#[derive(Debug, Clone)]
struct Tally {
    part: Vec<u32>,
    whole: Vec<u32>,
    total: (u64, u64),
}

impl Tally {
    fn new(events: usize) -> Tally {
        Tally {
            part: vec![0; events],
            whole: vec![0; events],
            total: (0, 0),
        }
    }

    fn add(&mut self, a: usize, b: usize, hit: bool) {
        self.whole[a] += 1;
        self.whole[b] += 1;
        self.total.1 += 1;
        if hit {
            self.part[a] += 1;
            self.part[b] += 1;
            self.total.0 += 1;
        }
    }

    /// The share with its interval; exact when the sample is the whole run.
    fn estimate(&self, whole_run: bool) -> Estimate {
        let (part, whole) = self.total;
        if whole_run {
            return Estimate::exact(part, whole);
        }
        let share = ratio(part, whole);
        let m = self.part.len() as f64;
        let (low, high) = if part == 0 || part == whole {
            wilson(share, m)
        } else {
            // Leave each event (and its pairs) out in turn.
            let leave_out: Vec<f64> = (0..self.part.len())
                .map(|e| {
                    ratio(
                        part - u64::from(self.part[e]),
                        whole - u64::from(self.whole[e]),
                    )
                })
                .collect();
            let mean = leave_out.iter().sum::<f64>() / m;
            let variance =
                (m - 1.0) / m * leave_out.iter().map(|t| (t - mean).powi(2)).sum::<f64>();
            let half = 1.96 * variance.sqrt();
            ((share - half).max(0.0), (share + half).min(1.0))
        };
        Estimate {
            share,
            part,
            whole,
            low,
            high,
            exact: false,
        }
    }
}

/// The Wilson 95% interval of a share observed over `n` trials.
fn wilson(share: f64, n: f64) -> (f64, f64) {
    if n <= 0.0 {
        return (0.0, 1.0);
    }
    let z2 = 1.96f64 * 1.96;
    let centre = (share + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = 1.96 * (share * (1.0 - share) / n + z2 / (4.0 * n * n)).sqrt() / (1.0 + z2 / n);
    // A share of exactly 0 or 1 is the interval's own end.
    let low = if share == 0.0 {
        0.0
    } else {
        (centre - half).max(0.0)
    };
    let high = if share == 1.0 {
        1.0
    } else {
        (centre + half).min(1.0)
    };
    (low, high)
}

/// One clock's figures in the sample.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct SampleScore {
    /// Pairs where one happened before the other and the clock does not put it first.
    pub inverted: Estimate,
    /// Concurrent pairs the clock orders (different values).
    pub orders_concurrent: Estimate,
    /// Of the concurrent pairs it orders with different true times, those ordered against them.
    pub against_true_time: Estimate,
}

/// Score `clocks` over every pair of `events`; `whole_run` when they are every event of the run.
pub(crate) fn score(
    events: &[SampledEvent],
    clocks: &[SampledClock],
    whole_run: bool,
) -> Vec<SampleScore> {
    let m = events.len();
    let mut tallies: Vec<[Tally; 3]> = clocks
        .iter()
        .map(|_| [Tally::new(m), Tally::new(m), Tally::new(m)])
        .collect();
    for (x, a) in events.iter().enumerate() {
        for (y, b) in events.iter().enumerate().skip(x + 1) {
            // `Some(true)`: `a` happened before `b`; `Some(false)`: `b` before `a`.
            let order = if a.before(b) {
                Some(true)
            } else if b.before(a) {
                Some(false)
            } else {
                None
            };
            if order.is_none() && a.machine == b.machine {
                continue; // not a pair the vectors can judge (a log breaking the vector rules)
            }
            for (k, &clock) in clocks.iter().enumerate() {
                let (Some(va), Some(vb)) = (a.value(clock), b.value(clock)) else {
                    continue;
                };
                let [inverted, ordered, against] = &mut tallies[k];
                match order {
                    Some(a_first) => {
                        let (earlier, later) = if a_first { (va, vb) } else { (vb, va) };
                        inverted.add(x, y, earlier >= later);
                    }
                    None => {
                        ordered.add(x, y, va != vb);
                        if va != vb && a.true_us != b.true_us {
                            against.add(x, y, (va < vb) != (a.true_us < b.true_us));
                        }
                    }
                }
            }
        }
    }
    tallies
        .iter()
        .map(|[inverted, ordered, against]| SampleScore {
            inverted: inverted.estimate(whole_run),
            orders_concurrent: ordered.estimate(whole_run),
            against_true_time: against.estimate(whole_run),
        })
        .collect()
}

#[cfg(test)]
mod tests;
