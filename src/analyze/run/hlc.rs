//! The `hlc` check: every hybrid logical clock replayed line by line by the paper's rules
//! (`crate::model::hlc`), like the Lamport check, and its bounds: `l >= pt`, `l - pt` never more
//! than the largest clock offset seen (epsilon), `c` bounded.
//!
//! Epsilon is what the logs show: each clock event's offset is its `pt_us` minus the true model
//! time of its tick (the slot's due time, `(tick - 1) * 10^6 / rate`), and epsilon is the largest
//! offset minus the smallest. A real machine runs its tick up to one slot after its due time, so
//! a message's `l` may come from a send whose slot is due up to one of the receiver's periods
//! after the receive's: the `l - pt` bound allows the receiver's period on top of epsilon.
//!
//! `c` is bounded as the paper proves it (Theorem 3: `c <= N (epsilon + 1)` in clock ticks), here
//! in the model's terms: a counter grows only while `l` stays ahead of the machines' physical
//! clocks, so at most the events all machines can run in a window of `2 epsilon` plus a period
//! and a granularity step, counted twice for a clock a synchronisation stepped back across it.

use serde::{Deserialize, Serialize};

use super::clock_series::ClockSeries;
use crate::log_format::{Event, Hlc};
use crate::model::physical::tick_time_us;
use crate::runlog::Line;

/// The hybrid clock's figures of a run, in `summary.json` (`clocks`) and the report.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HlcSummary {
    /// Whether the run's lines carry `hlc` (format 6 and up); if not, nothing below was checked.
    pub checked: bool,
    /// Largest physical clock offset minus smallest, over every clock event, model µs.
    pub epsilon_model_us: u64,
    /// Largest offset of a physical clock from true model time, either way, model µs.
    pub max_offset_model_us: u64,
    /// Largest `l - pt_us`, model µs.
    pub max_l_minus_pt_model_us: u64,
    /// Largest `c`.
    pub max_c: u64,
    /// The bound on `c` the run's figures give.
    pub c_bound: u64,
    /// Receives marked `offset_rejected` (a message ahead by more than `max_offset_ms`).
    pub rejected_receives: u64,
    /// Physical time against causality: consecutive events of one machine whose `pt_us` does
    /// not increase (a clock stepped back by a sync, or a granularity coarser than the tick).
    #[serde(default)]
    pub pt_program_order_inversions: u64,
    /// Messages received whose receive's `pt_us` is not after the send's.
    #[serde(default)]
    pub pt_message_inversions: u64,
    /// Messages whose send and receive were both seen (the message inversions' denominator).
    #[serde(default)]
    pub messages_timed: u64,
    /// `[c, events]`: how often each value of `c` occurred, smallest `c` first.
    #[serde(default)]
    pub c_histogram: Vec<[u64; 2]>,
    /// The clock plots' series (not written to `summary.json`).
    #[serde(skip)]
    pub(crate) series: ClockSeries,
}

impl HlcSummary {
    /// The `hlc` check's note: the figures, and physical time scored against causality.
    pub(crate) fn note(&self) -> String {
        format!(
            "epsilon {} µs, max l - pt {} µs, max c {} (bound {}), {} receive(s) beyond \
             max_offset; physical time inverts {} of {} messages and {} program-order steps \
             (Lamport and HLC: none, by their checks)",
            self.epsilon_model_us,
            self.max_l_minus_pt_model_us,
            self.max_c,
            self.c_bound,
            self.rejected_receives,
            self.pt_message_inversions,
            self.messages_timed,
            self.pt_program_order_inversions
        )
    }
}

/// What the check found wrong on one line.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct HlcOffence {
    pub machine: usize,
    pub line: u64,
    pub message: String,
}

#[derive(Debug, Default, Clone, Copy)]
struct MachineHlc {
    hlc: Hlc,
    rate: u32,
    /// The last clock event's physical clock.
    pt: Option<u64>,
}

/// The check's running state over all machines' lines.
#[derive(Debug, Clone, Default)]
pub(crate) struct HlcCheck {
    state: Vec<MachineHlc>,
    offences: Vec<HlcOffence>,
    figures: HlcSummary,
    /// Smallest and largest physical clock offset seen, model µs.
    offsets: Option<(i64, i64)>,
    /// `(l - pt, receiver's period in µs, machine, line)` of the line with the largest excess.
    worst: Option<(u64, u64, usize, u64)>,
    /// Where the largest `c` was seen.
    worst_c: Option<(usize, u64)>,
    max_period_us: u64,
    rates_sum: u64,
    lines_without: u64,
    /// Sends not yet received by all their recipients: `(sender id, Lamport value)` -> (the
    /// send's `pt_us`, recipients still to receive it). A sender's Lamport values are unique.
    in_flight: std::collections::HashMap<(u32, u64), (u64, usize)>,
}

impl HlcCheck {
    pub(crate) fn new(machines: usize) -> HlcCheck {
        HlcCheck {
            state: vec![MachineHlc::default(); machines],
            ..HlcCheck::default()
        }
    }

    /// Replay one line of machine `machine`; offences go to the list [`HlcCheck::finish`] returns.
    pub(crate) fn observe(&mut self, machine: usize, rec: &Line) {
        let state = self.state[machine];
        let (tick, pt, hlc, expected) = match &rec.event {
            Event::Start { rate, .. } => {
                // A restarted machine writes another start line at the same rate.
                if state.rate == 0 {
                    self.rates_sum += u64::from(*rate);
                    let period = 1_000_000 / u64::from((*rate).max(1));
                    self.max_period_us = self.max_period_us.max(period);
                }
                self.state[machine].rate = *rate;
                return;
            }
            Event::Internal {
                tick, pt_us, hlc, ..
            }
            | Event::Send {
                tick, pt_us, hlc, ..
            } => match (pt_us, hlc) {
                (Some(pt), Some(hlc)) => (*tick, *pt, *hlc, state.hlc.local(*pt)),
                _ => return self.lines_without += 1,
            },
            Event::Recv {
                tick,
                pt_us,
                hlc,
                msg_hlc,
                offset_rejected,
                ..
            } => match (pt_us, hlc, msg_hlc) {
                (Some(pt), Some(hlc), Some(msg)) => {
                    self.figures.rejected_receives += u64::from(*offset_rejected);
                    (*tick, *pt, *hlc, state.hlc.receive(*msg, *pt))
                }
                _ => return self.lines_without += 1,
            },
            _ => return,
        };
        self.figures.checked = true;
        self.physical_order(machine, rec, pt);
        let offend = |offences: &mut Vec<HlcOffence>, message: String| {
            offences.push(HlcOffence {
                machine,
                line: rec.line,
                message,
            })
        };
        if hlc != expected {
            let rule = match &rec.event {
                Event::Recv {
                    msg_hlc: Some(m), ..
                } => format!(
                    "max([{}, {}], msg [{}, {}], pt {pt})",
                    state.hlc.l, state.hlc.c, m.l, m.c
                ),
                _ => format!("max([{}, {}], pt {pt})", state.hlc.l, state.hlc.c),
            };
            offend(
                &mut self.offences,
                format!(
                    "hlc [{}, {}], expected {rule} = [{}, {}]",
                    hlc.l, hlc.c, expected.l, expected.c
                ),
            );
        }
        if hlc.l < pt {
            offend(
                &mut self.offences,
                format!("hlc l {} is behind the physical clock pt_us {pt}", hlc.l),
            );
        }
        let true_us = tick_time_us(tick, state.rate.max(1));
        let offset = pt as i64 - true_us as i64;
        self.offsets = Some(match self.offsets {
            None => (offset, offset),
            Some((low, high)) => (low.min(offset), high.max(offset)),
        });
        let figures = &mut self.figures;
        figures.max_offset_model_us = figures.max_offset_model_us.max(offset.unsigned_abs());
        let excess = hlc.l.saturating_sub(pt);
        figures
            .series
            .push(machine, (true_us, offset, excess), hlc.c);
        figures.max_l_minus_pt_model_us = figures.max_l_minus_pt_model_us.max(excess);
        let period = 1_000_000 / u64::from(state.rate.max(1));
        if self
            .worst
            .is_none_or(|(e, p, ..)| excess.saturating_sub(p) > e.saturating_sub(p))
        {
            self.worst = Some((excess, period, machine, rec.line));
        }
        if hlc.c > figures.max_c || self.worst_c.is_none() {
            figures.max_c = figures.max_c.max(hlc.c);
            self.worst_c = Some((machine, rec.line));
        }
        self.state[machine].hlc = hlc;
    }

    /// Count physical time against the happened-before edges into this event: program order,
    /// and the message a receive takes.
    fn physical_order(&mut self, machine: usize, rec: &Line, pt: u64) {
        let figures = &mut self.figures;
        if self.state[machine].pt.is_some_and(|last| pt <= last) {
            figures.pt_program_order_inversions += 1;
        }
        self.state[machine].pt = Some(pt);
        match &rec.event {
            Event::Send { lamport, to, .. } if !to.is_empty() => {
                self.in_flight
                    .insert((rec.machine, *lamport), (pt, to.len()));
            }
            Event::Recv {
                from, msg_clock, ..
            } => {
                let key = (*from, *msg_clock);
                if let Some((sent_pt, left)) = self.in_flight.get_mut(&key) {
                    figures.messages_timed += 1;
                    figures.pt_message_inversions += u64::from(pt <= *sent_pt);
                    *left -= 1;
                    if *left == 0 {
                        self.in_flight.remove(&key);
                    }
                }
            }
            _ => {}
        }
    }

    /// The figures, and the offences (the bounds judged now that epsilon is known). `granularity`
    /// is the scenario's, in µs.
    pub(crate) fn finish(mut self, granularity_us: u64) -> (HlcSummary, Vec<HlcOffence>) {
        if !self.figures.checked {
            return (self.figures, self.offences);
        }
        self.figures.c_histogram = self.figures.series.c_histogram();
        let (low, high) = self.offsets.unwrap_or_default();
        let epsilon = high.saturating_sub(low).max(0) as u64;
        self.figures.epsilon_model_us = epsilon;
        if let Some((excess, period, machine, line)) = self.worst {
            if excess > epsilon + period {
                self.offences.push(HlcOffence {
                    machine,
                    line,
                    message: format!(
                        "l - pt_us = {excess} µs, beyond epsilon {epsilon} µs plus the receiver's \
                         period {period} µs"
                    ),
                });
            }
        }
        let window = 2 * epsilon + self.max_period_us + granularity_us.max(1);
        let machines = self.state.len() as u64;
        let bound = 2 * (self.rates_sum * window / 1_000_000 + 2 * machines);
        self.figures.c_bound = bound;
        if let Some((machine, line)) = self.worst_c.filter(|_| self.figures.max_c > bound) {
            self.offences.push(HlcOffence {
                machine,
                line,
                message: format!("c = {} exceeds its bound {bound}", self.figures.max_c),
            });
        }
        (self.figures, self.offences)
    }

    /// Why the check did not run: `None` if it did.
    pub(crate) fn skipped_because(&self) -> Option<String> {
        (!self.figures.checked).then(|| {
            "not checked: no line carries `hlc` (logs of format 5 or older, before hybrid \
             logical clocks)"
                .to_owned()
        })
    }
}

#[cfg(test)]
mod tests;
