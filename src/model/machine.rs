//! One model machine, sans I/O: its identity, die, clocks, last tick and counters, and what one
//! tick does. The real tick loop (`machine/tick.rs`) and the twin (`sim/machine.rs`) both drive
//! this type: they bring the slot and the message waiting, it returns the tick's [`Event`] and
//! the recipients; the engines only carry the lines and the messages.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::clock::{peers_of, DieAction, LamportClock, VectorClock};
use super::dice::Dice;
use super::hlc::Hlc;
use super::physical::{tick_time_us, PhysicalClock};
use super::step::{decide, Step};
use crate::log_format::{Event, FORMAT_VERSION};

/// A machine's final figures, as in its `stop` log line.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StopReport {
    pub lamport: u64,
    pub queue: u64,
    pub ticks: u64,
    pub skipped: u64,
    pub sent: u64,
    pub received: u64,
    pub cpu_ms: u64,
    pub max_rss_kb: u64,
}

/// Who a machine is and how it ticks: what both engines know before its first tick.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MachineSpec {
    pub id: u32,
    /// Machines in the run.
    pub machines: u32,
    /// Model ticks per model second.
    pub rate: u32,
    /// Real nanoseconds between ticks (after the speedup).
    pub period_ns: u64,
    /// Faces of the die.
    pub die: u32,
    /// The run's seed, which the die's rolls come from ([`Dice`]).
    pub seed: u64,
    /// 0 for the machine's first process, 1 and up after a restart.
    pub incarnation: u32,
    /// The machine's physical clock ([`PhysicalClock::perfect`] without a `[physical_clock]`
    /// section).
    pub physical: PhysicalClock,
}

/// The message at the head of a machine's queue when its tick runs.
#[derive(Debug, Clone, Copy)]
pub struct Waiting<'a> {
    pub from: u32,
    pub lamport: u64,
    pub vc: &'a [u64],
    /// The hybrid logical clock the message carries.
    pub hlc: Hlc,
    /// Messages still queued behind it.
    pub left: u64,
}

/// What a machine counts in one process's life, for its `stop` line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub skipped: u64,
    pub sent: u64,
    pub received: u64,
}

/// What one tick wrote: a `skipped` line when slots passed since the last tick, then the tick's
/// own `recv`, `internal` or `send` line.
#[derive(Debug, Clone, PartialEq)]
pub struct Tick {
    pub skipped: Option<Event>,
    pub event: Event,
}

impl Tick {
    /// The peers a send goes to (each gets one message with the event's clocks); none otherwise.
    pub fn recipients(&self) -> &[u32] {
        match &self.event {
            Event::Send { to, .. } => to,
            _ => &[],
        }
    }
}

/// One model machine's state between ticks.
#[derive(Debug)]
pub struct Machine {
    who: MachineSpec,
    /// Peer ids, ascending; the die's send faces refer to them in this order.
    peers: Vec<u32>,
    /// The die: one roll per slot, the same in every process of the machine.
    dice: Dice,
    clock: LamportClock,
    vclock: VectorClock,
    /// The hybrid logical clock.
    hlc: Hlc,
    /// Number of the last tick run (or skipped), 0 before the first.
    last_tick: u64,
    counts: Counts,
    /// A vector clock buffer handed back by [`Machine::recycle`], so the twin does not allocate
    /// one per tick.
    spare: Vec<u64>,
}

impl Machine {
    /// A machine whose clocks are zero and whose schedule has not begun.
    pub fn new(who: MachineSpec) -> Machine {
        Machine::restored(who, LamportClock::default(), &[], 0)
    }

    /// A machine going on from `clock`, `vc` and `last_tick` (a restarted process, restored from
    /// the log its previous process wrote).
    pub fn restored(who: MachineSpec, clock: LamportClock, vc: &[u64], last_tick: u64) -> Machine {
        Machine {
            peers: peers_of(who.id, who.machines),
            dice: Dice::new(who.seed, who.id, who.die),
            clock,
            vclock: VectorClock::restored(who.id, who.machines, vc),
            hlc: Hlc::default(),
            last_tick,
            counts: Counts::default(),
            spare: Vec::with_capacity(who.machines as usize),
            who,
        }
    }

    /// This machine with its hybrid logical clock going on from `hlc` (restored, as the Lamport
    /// clock is, from the log of its previous process).
    pub fn with_hlc(mut self, hlc: Hlc) -> Machine {
        self.hlc = hlc;
        self
    }

    /// The hybrid logical clock.
    pub fn hlc(&self) -> Hlc {
        self.hlc
    }

    /// Start a new process of this machine after a kill: the next incarnation, new counters;
    /// the clocks, the tick numbering and the die's rolls go on as if it had never died.
    pub fn restart(&mut self) {
        self.who.incarnation += 1;
        self.counts = Counts::default();
    }

    /// Who the machine is.
    pub fn identity(&self) -> &MachineSpec {
        &self.who
    }

    /// The Lamport clock.
    pub fn clock(&self) -> LamportClock {
        self.clock
    }

    /// The vector clock.
    pub fn vclock(&self) -> &VectorClock {
        &self.vclock
    }

    /// Number of the last tick run, 0 before the first.
    pub fn last_tick(&self) -> u64 {
        self.last_tick
    }

    /// What this process has counted.
    pub fn counts(&self) -> Counts {
        self.counts
    }

    /// Run tick `tick` (its slot in the schedule, from 1), `late_us` after its due time, with
    /// `waiting` at the head of the queue (already taken off it): the receive rule if a message
    /// waits, else the die's action. Slots between the last tick and this one are reported as
    /// skipped.
    pub fn tick(&mut self, tick: u64, late_us: u64, waiting: Option<Waiting<'_>>) -> Tick {
        let skipped = (tick > self.last_tick + 1).then(|| {
            let (first, count) = (self.last_tick + 1, tick - self.last_tick - 1);
            self.counts.skipped += count;
            Event::Skipped { first, count }
        });
        self.last_tick = tick;
        let mut vc = std::mem::take(&mut self.spare);
        vc.clear();
        // The physical clock is read at the slot's due time, the same model time in both
        // engines, never at the host's wall clock.
        let pt = self.who.physical.read(tick_time_us(tick, self.who.rate));
        let event = match decide(waiting, &self.dice, tick, &self.peers) {
            Step::Receive(msg) => {
                self.counts.received += 1;
                let lamport = self.clock.receive(msg.lamport);
                vc.extend_from_slice(self.vclock.receive(msg.vc));
                self.hlc = self.hlc.receive(msg.hlc, pt);
                let max_offset = self.who.physical.max_offset_us();
                Event::Recv {
                    tick,
                    lamport,
                    from: msg.from,
                    msg_clock: msg.lamport,
                    queue: msg.left,
                    vc,
                    late_us,
                    pt_us: Some(pt),
                    hlc: Some(self.hlc),
                    msg_hlc: Some(msg.hlc),
                    offset_rejected: max_offset > 0 && msg.hlc.l > pt.saturating_add(max_offset),
                }
            }
            Step::Act(DieAction::Internal) => {
                let lamport = self.clock.internal();
                vc.extend_from_slice(self.vclock.tick());
                self.hlc = self.hlc.local(pt);
                Event::Internal {
                    tick,
                    lamport,
                    vc,
                    late_us,
                    pt_us: Some(pt),
                    hlc: Some(self.hlc),
                }
            }
            Step::Act(DieAction::Send(to)) => {
                self.counts.sent += to.len() as u64;
                let lamport = self.clock.send();
                vc.extend_from_slice(self.vclock.tick());
                self.hlc = self.hlc.local(pt);
                Event::Send {
                    tick,
                    lamport,
                    to,
                    vc,
                    late_us,
                    pt_us: Some(pt),
                    hlc: Some(self.hlc),
                }
            }
        };
        Tick { skipped, event }
    }

    /// Take back a tick's event once it is written, to reuse its vector clock's buffer.
    pub fn recycle(&mut self, event: Event) {
        if let Event::Recv { vc, .. } | Event::Internal { vc, .. } | Event::Send { vc, .. } = event
        {
            self.spare = vc;
        }
    }

    /// The `start` line this process writes when its tick loop starts.
    pub fn start_line(&self) -> Event {
        Event::Start {
            format: FORMAT_VERSION,
            rate: self.who.rate,
            interval_us: Duration::from_nanos(self.who.period_ns).as_micros() as u64,
            machines: self.who.machines,
            incarnation: self.who.incarnation,
        }
    }

    /// The machine's final figures, with `queue` messages left unprocessed and the process's
    /// measured CPU time and peak memory (0 where nothing real was measured).
    pub fn report(&self, queue: u64, cpu_ms: u64, max_rss_kb: u64) -> StopReport {
        StopReport {
            lamport: self.clock.value(),
            queue,
            ticks: self.last_tick,
            skipped: self.counts.skipped,
            sent: self.counts.sent,
            received: self.counts.received,
            cpu_ms,
            max_rss_kb,
        }
    }
}

/// The `stop` line that says `report`.
pub fn stop_line(report: &StopReport) -> Event {
    Event::Stop {
        lamport: report.lamport,
        queue: report.queue,
        ticks: report.ticks,
        skipped: report.skipped,
        cpu_ms: report.cpu_ms,
        max_rss_kb: report.max_rss_kb,
    }
}

#[cfg(test)]
mod tests;
