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
mod tests {
    use super::*;

    fn who(die: u32) -> MachineSpec {
        MachineSpec {
            id: 0,
            machines: 3,
            rate: 4,
            period_ns: 250_000_000,
            die,
            seed: 1,
            incarnation: 0,
            physical: PhysicalClock::perfect(),
        }
    }

    #[test]
    fn a_waiting_message_is_received_by_the_rules() {
        let mut m = Machine::new(who(10));
        let vc = [0, 50, 0];
        let waiting = Waiting {
            from: 1,
            lamport: 50,
            vc: &vc,
            hlc: Hlc { l: 10, c: 4 },
            left: 2,
        };
        let tick = m.tick(1, 7, Some(waiting));
        assert_eq!(tick.skipped, None);
        assert_eq!(
            tick.event,
            Event::Recv {
                tick: 1,
                lamport: 51,
                from: 1,
                msg_clock: 50,
                queue: 2,
                vc: vec![1, 50, 0],
                late_us: 7,
                pt_us: Some(0),
                hlc: Some(Hlc { l: 10, c: 5 }),
                msg_hlc: Some(Hlc { l: 10, c: 4 }),
                offset_rejected: false,
            }
        );
        assert!(tick.recipients().is_empty());
        assert_eq!(m.counts().received, 1);
    }

    #[test]
    fn a_skewed_clock_stamps_pt_and_hlc_and_a_message_too_far_ahead_is_marked() {
        use crate::model::physical::{PhysicalClockSpec, Spread};
        let spec = PhysicalClockSpec {
            skew_us: Spread::Fixed(vec![1_000, 0, 0]),
            max_offset_us: 100_000,
            ..PhysicalClockSpec::default()
        };
        let mut m = Machine::new(MachineSpec {
            physical: spec.for_machine(1, 0),
            ..who(10)
        });
        // Tick 2 is due at 250 ms true time: the clock reads 251 ms.
        let ahead = |l| Waiting {
            from: 1,
            lamport: 1,
            vc: &[0, 1, 0],
            hlc: Hlc { l, c: 0 },
            left: 0,
        };
        let tick = m.tick(2, 0, Some(ahead(351_001)));
        let Event::Recv {
            pt_us,
            hlc,
            offset_rejected,
            ..
        } = tick.event
        else {
            panic!("{:?}", tick.event);
        };
        assert_eq!(pt_us, Some(251_000));
        assert_eq!(hlc, Some(Hlc { l: 351_001, c: 1 }));
        assert!(offset_rejected, "101.001 ms ahead of a 100 ms bound");
        let tick = m.tick(3, 0, Some(ahead(600_000)));
        assert!(matches!(
            tick.event,
            Event::Recv {
                offset_rejected: false,
                ..
            }
        ));
        assert_eq!(m.hlc(), Hlc { l: 600_000, c: 1 });
    }

    #[test]
    fn slots_passed_since_the_last_tick_are_one_skipped_line() {
        let mut m = Machine::new(who(10));
        m.tick(1, 0, None);
        let tick = m.tick(5, 0, None);
        assert_eq!(tick.skipped, Some(Event::Skipped { first: 2, count: 3 }));
        assert_eq!(tick.event.tick(), Some(5));
        assert_eq!((m.last_tick(), m.counts().skipped), (5, 3));
        assert_eq!(m.clock().value(), 2, "skipped slots move no clock");
    }

    #[test]
    fn with_the_smallest_die_every_tick_sends_to_its_recipients() {
        let mut m = Machine::new(who(3));
        for n in 1..=50 {
            let tick = m.tick(n, 0, None);
            let Event::Send { to, lamport, .. } = &tick.event else {
                panic!("tick {n} did not send: {:?}", tick.event);
            };
            assert_eq!(tick.recipients(), to.as_slice());
            assert!(to.iter().all(|p| [1, 2].contains(p)));
            assert_eq!(*lamport, n);
            m.recycle(tick.event);
        }
    }

    #[test]
    fn start_and_stop_lines_say_who_and_what() {
        let mut m = Machine::restored(who(10), LamportClock::restored(40), &[40, 0, 0], 4);
        m.restart();
        assert_eq!(
            m.start_line(),
            Event::Start {
                format: FORMAT_VERSION,
                rate: 4,
                interval_us: 250_000,
                machines: 3,
                incarnation: 1,
            }
        );
        m.tick(10, 0, None);
        let report = m.report(3, 12, 900);
        assert_eq!((report.lamport, report.ticks, report.skipped), (41, 10, 5));
        assert_eq!(
            stop_line(&report),
            Event::Stop {
                lamport: 41,
                queue: 3,
                ticks: 10,
                skipped: 5,
                cpu_ms: 12,
                max_rss_kb: 900,
            }
        );
    }
}
