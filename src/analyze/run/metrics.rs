//! Per-machine figures, accumulated record by record in bounded memory: events by kind, ticks,
//! clock, jumps, queue length and queueing delay.
//!
//! - A *jump* is the increase of the machine's clock from one clock event (internal, send, recv)
//!   to the next; the first clock event jumps from 0.
//! - The *queue length* of a tick is the `queue` field of a `recv` line (messages still waiting
//!   after the one taken) and 0 for an internal or send tick (those only happen on an empty queue).
//! - The *queueing delay* of a message is the system time from its `send` line to its `recv` line.

use std::collections::BTreeMap;

use super::stats::LogHistogram;
use super::summary::{DelaySummary, Gap, JumpSummary, MachineSummary, QueueSummary};
use crate::log_format::{EnumCount, Event, EventKind};
use crate::runlog::Line;
use crate::timebase::TimeBase;

/// How many of the biggest jumps are kept.
pub(crate) const BIGGEST: usize = 5;
/// Jump sizes below this are counted in a flat array, the rest in a map.
const SMALL_JUMPS: usize = 4_096;
/// Whether the summary counts events of `kind` under their own name; the rest are `other`.
fn counted_alone(kind: EventKind) -> bool {
    match kind {
        EventKind::Start
        | EventKind::Internal
        | EventKind::Send
        | EventKind::Recv
        | EventKind::Skipped
        | EventKind::Stop
        | EventKind::Dropped => true,
        EventKind::Fault
        | EventKind::PeerConnected
        | EventKind::PeerGone
        | EventKind::Refused
        | EventKind::Warning
        | EventKind::Unknown => false,
    }
}

/// The running figures of one machine.
#[derive(Debug, Clone)]
pub(crate) struct MachineMetrics {
    pub id: u32,
    /// `None` when unknown (an imported run).
    pub rate: Option<u32>,
    pub interval_us: Option<f64>,
    lines: u64,
    /// Lines by kind, indexed by [`EventKind::index`].
    kinds: [u64; EventKind::COUNT],
    ticks: u64,
    skipped: u64,
    first_tick_ts: Option<i64>,
    last_tick_ts: i64,
    /// Tick numbers (schedule slots) of the first and the last tick run.
    first_tick_no: u64,
    last_tick_no: u64,
    clock: u64,
    last_clock_ts: Option<i64>,
    jumps_small: Vec<u64>,
    jumps_big: BTreeMap<u64, u64>,
    jump_sum: u128,
    jump_max: u64,
    jumps_above_1: u64,
    biggest: Vec<Gap>,
    queue_counts: Vec<u64>,
    queue_sum: u128,
    queue_now: u64,
    stop_queue: Option<u64>,
    delay: LogHistogram,
}

impl MachineMetrics {
    pub(crate) fn new(id: u32, rate: Option<u32>, interval_us: Option<f64>) -> MachineMetrics {
        MachineMetrics {
            id,
            rate,
            interval_us,
            lines: 0,
            kinds: [0; EventKind::COUNT],
            ticks: 0,
            skipped: 0,
            first_tick_ts: None,
            last_tick_ts: 0,
            first_tick_no: 0,
            last_tick_no: 0,
            clock: 0,
            last_clock_ts: None,
            jumps_small: Vec::new(),
            jumps_big: BTreeMap::new(),
            jump_sum: 0,
            jump_max: 0,
            jumps_above_1: 0,
            biggest: Vec::new(),
            queue_counts: Vec::new(),
            queue_sum: 0,
            queue_now: 0,
            stop_queue: None,
            delay: LogHistogram::default(),
        }
    }

    /// The clock after the last clock event (0 before the first).
    pub(crate) fn clock(&self) -> u64 {
        self.clock
    }

    /// Queue length seen by the last tick, or the stop queue once stopped.
    pub(crate) fn queue_now(&self) -> u64 {
        self.queue_now
    }

    /// Take one line of this machine; `base` is the run's start and speedup.
    pub(crate) fn observe(&mut self, rec: &Line, base: TimeBase) {
        self.lines += 1;
        self.kinds[rec.event.kind().index()] += 1;
        match rec.event {
            Event::Internal { tick, lamport, .. } | Event::Send { tick, lamport, .. } => {
                self.tick(rec, tick, lamport, 0, base)
            }
            Event::Recv {
                tick,
                lamport,
                queue,
                ..
            } => self.tick(rec, tick, lamport, queue, base),
            Event::Skipped { count, .. } => self.skipped = self.skipped.saturating_add(count),
            Event::Stop { queue, .. } => {
                self.stop_queue = Some(queue);
                self.queue_now = queue;
            }
            Event::Start { .. }
            | Event::Dropped { .. }
            | Event::Fault { .. }
            | Event::PeerConnected { .. }
            | Event::PeerGone { .. }
            | Event::Refused { .. }
            | Event::Warning { .. }
            | Event::Unknown => {}
        }
    }

    /// System time of the last clock event, if any.
    pub(crate) fn last_clock_ts(&self) -> Option<i64> {
        self.last_clock_ts
    }

    /// Number of its last tick (0 before any).
    pub(crate) fn last_tick(&self) -> u64 {
        self.last_tick_no
    }

    fn tick(&mut self, rec: &Line, tick: u64, lamport: u64, queue: u64, base: TimeBase) {
        self.ticks += 1;
        if self.first_tick_ts.is_none() {
            self.first_tick_ts = Some(rec.timestamp);
            self.first_tick_no = tick;
        }
        self.last_tick_ts = rec.timestamp;
        self.last_tick_no = tick;
        let jump = lamport.saturating_sub(self.clock);
        match self.jumps_small.get_mut(jump as usize) {
            Some(n) => *n += 1,
            None if (jump as usize) < SMALL_JUMPS => {
                self.jumps_small.resize(jump as usize + 1, 0);
                self.jumps_small[jump as usize] = 1;
            }
            None => *self.jumps_big.entry(jump).or_default() += 1,
        }
        self.jump_sum += u128::from(jump);
        self.jump_max = self.jump_max.max(jump);
        if jump > 1 {
            self.jumps_above_1 += 1;
        }
        if self.biggest.len() < BIGGEST || jump > self.biggest[BIGGEST - 1].size {
            let gap = Gap {
                size: jump,
                from: self.clock,
                to: lamport,
                at_model_s: base.model_s(rec.timestamp),
                at_real_s: base.real_s(rec.timestamp),
                tick,
                line: rec.line,
                event: rec.event.name().to_owned(),
            };
            let at = self.biggest.partition_point(|g| g.size >= jump);
            self.biggest.insert(at, gap);
            self.biggest.truncate(BIGGEST);
        }
        self.clock = lamport;
        self.last_clock_ts = Some(rec.timestamp);
        if self.queue_counts.len() <= queue as usize {
            self.queue_counts.resize(queue as usize + 1, 0);
        }
        self.queue_counts[queue as usize] += 1;
        self.queue_sum += u128::from(queue);
        self.queue_now = queue;
    }

    /// A message this machine received waited `delay_us` from send to receive.
    pub(crate) fn add_delay(&mut self, delay_us: u64) {
        self.delay.add(delay_us);
    }

    /// The figures, with times relative to the start of `base`, rates per model second.
    pub(crate) fn summary(&self, base: TimeBase) -> MachineSummary {
        let mut events: BTreeMap<String, u64> = BTreeMap::new();
        let mut other = 0;
        for kind in <EventKind as strum::IntoEnumIterator>::iter() {
            let n = self.kinds[kind.index()];
            if counted_alone(kind) {
                events.insert(kind.name().into(), n);
            } else {
                other += n;
            }
        }
        events.insert("other".into(), other);
        // The clock's own speed: schedule slots per second from the first tick to the last, so
        // skipped slots (their own check) and a pause or downtime (the numbering goes on by the
        // schedule) do not make a machine look slow.
        let achieved_rate = match (self.first_tick_ts, self.rate, self.interval_us) {
            (Some(first), Some(rate), Some(interval_us))
                if self.ticks >= 2 && self.last_tick_ts > first =>
            {
                // slots per real microsecond, times real microseconds per model second
                let slots = self.last_tick_no.saturating_sub(self.first_tick_no);
                let per_us = slots as f64 / (self.last_tick_ts - first) as f64;
                Some(per_us * interval_us * f64::from(rate))
            }
            _ => None,
        };
        let clock_per_model_s = match self.last_clock_ts {
            Some(ts) if ts > base.origin_us => self.clock as f64 / base.model_s(ts),
            _ => 0.0,
        };
        let histogram: Vec<[u64; 2]> = self
            .jumps_small
            .iter()
            .enumerate()
            .filter(|(_, &n)| n > 0)
            .map(|(size, &n)| [size as u64, n])
            .chain(self.jumps_big.iter().map(|(&s, &n)| [s, n]))
            .collect();
        let ratio = |a: f64, b: u64| if b == 0 { 0.0 } else { a / b as f64 };
        let mut seen = 0;
        let rank = ((0.95 * self.ticks as f64).ceil() as u64).max(1);
        let p95 = self
            .queue_counts
            .iter()
            .position(|&n| {
                seen += n;
                seen >= rank
            })
            .unwrap_or(0) as u64;
        MachineSummary {
            id: self.id,
            rate: self.rate,
            achieved_rate,
            interval_real_us: self.interval_us,
            lines: self.lines,
            events,
            ticks: self.ticks,
            skipped: self.skipped,
            final_clock: self.clock,
            clock_per_model_s,
            jumps: JumpSummary {
                count: self.ticks,
                mean: ratio(self.jump_sum as f64, self.ticks),
                max: self.jump_max,
                share_above_1: ratio(self.jumps_above_1 as f64, self.ticks),
                histogram,
                biggest: self.biggest.clone(),
            },
            queue: QueueSummary {
                max: self.queue_counts.len().saturating_sub(1) as u64,
                mean: ratio(self.queue_sum as f64, self.ticks),
                p95,
                at_stop: self.stop_queue,
            },
            delay_real_us: DelaySummary {
                count: self.delay.count(),
                p50: self.delay.percentile(0.5),
                p95: self.delay.percentile(0.95),
                max: self.delay.max(),
                mean: self.delay.mean(),
            },
        }
    }
}

#[cfg(test)]
mod tests;
