//! Every clock scored against the truth: physical time (`pt_us`), Lamport and the hybrid logical
//! clock (ordered by `(l, c)`), with the vector clocks as happened-before and each line's timestamp
//! as true time.
//!
//! What is exact and what is sampled:
//! - **inverted messages and program-order steps** (the edges of happened-before whose later event
//!   the clock does not put after the earlier) are counted exactly, line by line. Happened-before
//!   is these edges chained, so a clock that inverts no edge inverts no pair: its inverted pairs
//!   are then an exact 0.
//! - **Lamport's false ordering** (concurrent pairs it orders) is exact, from
//!   [`super::causality`]'s streamed count.
//! - every other pairwise share (inverted pairs, false ordering of physical time and HLC,
//!   disagreement with true time) is estimated on a uniform sample of events ([`super::sample`]),
//!   with its size and a 95% interval; exact when the sample holds every event of the run.

use serde::{Deserialize, Serialize};

use super::causality::Causality;
use super::hlc::HlcSummary;
use super::sample::{self, Estimate, Reservoir, SampleScore, SampledClock, SampledEvent};
use crate::log_format::{Event, Hlc};
use crate::machine::wire::{vector_bytes, HLC_BYTES, LAMPORT_BYTES};
use crate::runlog::Line;

/// A clock scored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ClockName {
    Physical,
    Lamport,
    Hlc,
    Vector,
}

impl ClockName {
    /// The name in the report's table.
    pub(crate) fn label(self) -> &'static str {
        match self {
            ClockName::Physical => "physical (pt_us)",
            ClockName::Lamport => "Lamport",
            ClockName::Hlc => "HLC (l, c)",
            ClockName::Vector => "vector (truth)",
        }
    }
}

/// One clock's scores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClockScore {
    pub clock: ClockName,
    /// What the clock costs on the wire, per message (0: not sent).
    pub bytes_per_message: u64,
    /// Receives the clock does not put after their send (exact).
    pub inverted_messages: u64,
    /// Receives judged (the denominator of `inverted_messages`).
    pub messages: u64,
    /// Consecutive events of one machine the clock does not put in order (exact).
    pub inverted_steps: u64,
    pub steps: u64,
    /// Pairs where one event happened before the other and the clock does not put it first.
    pub inverted_pairs: Estimate,
    /// Concurrent pairs the clock orders (not tied).
    pub orders_concurrent: Estimate,
    /// Of the concurrent pairs it orders (with different true times), those it orders against
    /// true time; none for the vector clock, which orders none.
    pub against_true_time: Option<Estimate>,
}

/// The clocks' scores of a run (`summary.json`'s `clock_scores`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClockScores {
    /// Clock events in the run.
    pub events: u64,
    /// Of those, the events in the sample the pairwise shares are estimated on.
    pub sampled_events: u64,
    /// The sampler's fixed seed.
    pub sample_seed: u64,
    /// Physical, Lamport, HLC, vector; physical and HLC only for logs that carry them.
    pub clocks: Vec<ClockScore>,
    /// The sample's estimate of Lamport's false ordering, to hold against the exact count.
    pub lamport_orders_concurrent_sampled: Estimate,
    /// Why physical time and HLC are not scored, when they are not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub missing: Option<String>,
}

/// Edges of happened-before a clock inverts, counted as the lines come.
#[derive(Debug, Clone, Copy, Default)]
struct Edges {
    messages: u64,
    inverted_messages: u64,
    steps: u64,
    inverted_steps: u64,
}

/// The scores' running state.
#[derive(Debug, Clone)]
pub(crate) struct ScoreCounter {
    /// Each machine's last Lamport value and HLC (by index).
    last: Vec<(Option<u64>, Option<Hlc>)>,
    lamport: Edges,
    hlc: Edges,
    /// Clock events without `pt_us` or `hlc`.
    without: u64,
    reservoir: Reservoir,
    width: u64,
}

impl ScoreCounter {
    /// For `machines` machines whose vectors are `width` entries wide.
    pub(crate) fn new(machines: usize, width: usize) -> ScoreCounter {
        ScoreCounter {
            last: vec![(None, None); machines],
            lamport: Edges::default(),
            hlc: Edges::default(),
            without: 0,
            reservoir: Reservoir::new(sample::SAMPLE_SIZE, sample::SAMPLE_SEED),
            width: width as u64,
        }
    }

    /// Count one clock event of the machine at index `m` (id `id`) with its Lamport value and
    /// vector, both already checked.
    pub(crate) fn push(&mut self, m: usize, id: u32, rec: &Line, lamport: u64, vc: &[u64]) {
        let (pt_us, hlc) = (rec.event.pt_us(), rec.event.hlc());
        if pt_us.is_none() || hlc.is_none() {
            self.without += 1;
        }
        let (last_lamport, last_hlc) = self.last[m];
        if let Some(last) = last_lamport {
            self.lamport.steps += 1;
            self.lamport.inverted_steps += u64::from(lamport <= last);
        }
        if let (Some(last), Some(now)) = (last_hlc, hlc) {
            self.hlc.steps += 1;
            self.hlc.inverted_steps += u64::from(now <= last);
        }
        if let Event::Recv {
            msg_clock, msg_hlc, ..
        } = &rec.event
        {
            self.lamport.messages += 1;
            self.lamport.inverted_messages += u64::from(lamport <= *msg_clock);
            if let (Some(sent), Some(now)) = (msg_hlc, hlc) {
                self.hlc.messages += 1;
                self.hlc.inverted_messages += u64::from(now <= *sent);
            }
        }
        self.last[m] = (Some(lamport), hlc);
        self.reservoir.offer(|| SampledEvent {
            machine: m,
            id,
            vc: vc.into(),
            lamport,
            pt_us,
            hlc,
            true_us: rec.timestamp,
        });
    }

    /// The scores, from the run's exact causality figures and the `hlc` check's physical-time
    /// counts.
    pub(crate) fn finish(self, causality: &Causality, physical: &HlcSummary) -> ClockScores {
        let events = self.reservoir.seen();
        let whole_run = events == self.reservoir.events().len() as u64;
        let carries_new = self.without == 0 && physical.checked;
        let clocks: &[SampledClock] = if carries_new {
            &sample::SAMPLED
        } else {
            &[SampledClock::Lamport]
        };
        let sampled = sample::score(self.reservoir.events(), clocks, whole_run);
        let scored =
            |clock: SampledClock| clocks.iter().position(|&c| c == clock).map(|k| sampled[k]);
        // Pairs of events where one happened before the other: every pair on one machine, and
        // the pairs across machines that are not concurrent.
        let same_machine: u64 = causality
            .machines
            .iter()
            .map(|m| m.events * m.events.saturating_sub(1) / 2)
            .sum();
        let ordered_pairs = same_machine + causality.cross_pairs - causality.concurrent_pairs;
        let row = |clock: ClockName, bytes: u64, edges: Edges, s: SampleScore| {
            let mut inverted_pairs = s.inverted;
            // No edge inverted (and every receive judged): no pair inverted, exactly.
            if edges.inverted_messages == 0
                && edges.inverted_steps == 0
                && edges.messages == self.lamport.messages
            {
                inverted_pairs = Estimate::exact(0, ordered_pairs);
            }
            ClockScore {
                clock,
                bytes_per_message: bytes,
                inverted_messages: edges.inverted_messages,
                messages: edges.messages,
                inverted_steps: edges.inverted_steps,
                steps: edges.steps,
                inverted_pairs,
                orders_concurrent: s.orders_concurrent,
                against_true_time: Some(s.against_true_time),
            }
        };
        let lamport_sampled = scored(SampledClock::Lamport).expect("Lamport is always scored");
        let mut rows = Vec::new();
        if let Some(s) = scored(SampledClock::Physical) {
            let edges = Edges {
                messages: physical.messages_timed,
                inverted_messages: physical.pt_message_inversions,
                // Every step of the Lamport clock is a step of the physical clock too.
                steps: self.lamport.steps,
                inverted_steps: physical.pt_program_order_inversions,
            };
            rows.push(row(ClockName::Physical, 0, edges, s));
        }
        let mut lamport = row(
            ClockName::Lamport,
            LAMPORT_BYTES,
            self.lamport,
            lamport_sampled,
        );
        lamport.orders_concurrent = Estimate::exact(
            causality.lamport_orders_concurrent,
            causality.concurrent_pairs,
        );
        rows.push(lamport);
        if let Some(s) = scored(SampledClock::Hlc) {
            rows.push(row(ClockName::Hlc, HLC_BYTES, self.hlc, s));
        }
        rows.push(ClockScore {
            clock: ClockName::Vector,
            bytes_per_message: vector_bytes(self.width),
            inverted_messages: 0,
            messages: self.lamport.messages,
            inverted_steps: 0,
            steps: self.lamport.steps,
            inverted_pairs: Estimate::exact(0, ordered_pairs),
            orders_concurrent: Estimate::exact(0, causality.concurrent_pairs),
            against_true_time: None,
        });
        ClockScores {
            events,
            sampled_events: self.reservoir.events().len() as u64,
            sample_seed: sample::SAMPLE_SEED,
            clocks: rows,
            lamport_orders_concurrent_sampled: lamport_sampled.orders_concurrent,
            missing: (!carries_new).then(|| {
                "physical time and HLC not scored: the logs carry no `pt_us` and `hlc` (format 5 \
                 or older)"
                    .to_owned()
            }),
        }
    }
}

#[cfg(test)]
mod tests;
