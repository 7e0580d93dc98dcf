//! The tick loop: one action per tick of the machine's schedule, at its rate.
//!
//! The loop sleeps on the precise timer ([`super::ticker`]) until the schedule's next due time,
//! asks the schedule ([`crate::model::schedule`]) which slot it is in, and runs that tick on the
//! model machine ([`crate::model::Machine`]) with the head of its inbox: the model returns the
//! lines to write and the peers to send to. The loop writes the lines, then queues the messages.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::log_writer::MachineLog;
use super::mesh::{Incoming, Outgoing};
use super::ticker::Timer;
use super::wire::Message;
use crate::log_format::{Event, Hlc};
use crate::model::{Machine, Schedule, Waiting};

/// The tick loop's latest figures, read by the status reporter.
#[derive(Debug, Default)]
pub(crate) struct LiveStatus {
    pub tick: AtomicU64,
    pub lamport: AtomicU64,
    pub queue: AtomicU64,
}

/// One machine's tick loop and everything it owns.
pub(crate) struct TickLoop {
    /// The model machine: clocks, die, last tick and counters (restored after a restart).
    pub machine: Machine,
    pub period: Duration,
    /// How long the run lasts from its start: the loop's own end, by the schedule's end rule.
    pub run_ns: u64,
    /// What the loop sleeps on between ticks: [`Timer::precise`], or tokio's in paused tests.
    pub timer: Timer,
    pub inbox: mpsc::UnboundedReceiver<Incoming>,
    /// One queue per peer, in ascending peer id order, drained by that peer's writer task.
    pub outboxes: Vec<mpsc::UnboundedSender<Outgoing>>,
    pub status: Arc<LiveStatus>,
    /// Where the tick's lines go, written through before its messages are queued.
    pub log: MachineLog,
}

/// What the tick loop leaves behind when it stops.
#[derive(Debug)]
pub(crate) struct TickOutcome {
    /// The model machine as the last tick left it.
    pub machine: Machine,
    /// The inbox, still receiving until every peer's connection ends.
    pub inbox: mpsc::UnboundedReceiver<Incoming>,
}

impl TickLoop {
    /// Tick on the schedule that starts at `start` until its end (the last tick the run
    /// holds), then wait until `stop` is cancelled; a stop before the end ends the ticking at
    /// once. If `start` has passed (a restarted machine), the first tick is the next slot of
    /// that schedule and the slots missed since the machine's last tick are logged as skipped.
    /// The outboxes are dropped on return, which lets the writers close their connections.
    pub(crate) async fn run(mut self, start: Instant, stop: CancellationToken) -> TickOutcome {
        let mut schedule =
            Schedule::new(start, self.period, self.machine.last_tick()).until(self.run_ns);
        loop {
            if schedule.over() {
                // The machine's own end: a supervisor late to say stop (stalled, stopped, or
                // busy) cannot make it tick past the run.
                stop.cancelled().await;
                break;
            }
            tokio::select! {
                biased;
                _ = stop.cancelled() => break,
                slept = self.timer.sleep_until(schedule.deadline()) => {
                    if let Err(e) = slept {
                        // Never seen; tokio's timer is coarser but keeps the model running.
                        self.log.write(Event::Warning {
                            message: format!("the precise timer failed ({e}); using tokio's"),
                        });
                        self.timer = Timer::Tokio;
                        continue;
                    }
                }
            }
            let Some(due) = schedule.due(Instant::now()) else {
                continue;
            };
            self.tick(due.tick, due.late.as_micros() as u64);
            self.status.tick.store(due.tick, Ordering::Relaxed);
            self.status
                .lamport
                .store(self.machine.clock().value(), Ordering::Relaxed);
            let queue = self.inbox.len() as u64;
            self.status.queue.store(queue, Ordering::Relaxed);
        }
        TickOutcome {
            machine: self.machine,
            inbox: self.inbox,
        }
    }

    /// Run tick `tick`, `late_us` after its due time, on the model with the head of the inbox;
    /// write its lines, then queue its messages.
    fn tick(&mut self, tick: u64, late_us: u64) {
        let incoming = self.inbox.try_recv().ok();
        let left = self.inbox.len() as u64;
        let waiting = incoming.as_ref().map(|msg| Waiting {
            from: msg.from,
            lamport: msg.lamport,
            vc: &msg.vc,
            hlc: msg.hlc,
            left,
        });
        let done = self.machine.tick(tick, late_us, waiting);
        if let Some(skipped) = done.skipped {
            self.log.write(skipped);
        }
        // The line is with the operating system before the message can reach the wire.
        let event = self.log.write_back(done.event);
        if let Event::Send {
            to, lamport, vc, ..
        } = &event
        {
            self.send(to, *lamport, self.machine.hlc(), vc);
        }
        self.machine.recycle(event);
    }

    /// Queue a message with clocks `lamport`, `hlc` and `vc` for each peer of `to`.
    fn send(&self, to: &[u32], lamport: u64, hlc: Hlc, vc: &[u64]) {
        let queued = Instant::now();
        let me = self.machine.identity().id;
        for &peer in to {
            // Outboxes are in ascending peer order, which skips this machine's own id.
            let index = if peer < me { peer } else { peer - 1 } as usize;
            let msg = Message::Clock {
                from: me,
                lamport,
                hlc,
                vc: vc.to_vec(),
            };
            // The link task lives until the outboxes close; it logs a message it cannot deliver
            // as dropped.
            let _ = self.outboxes[index].send(Outgoing { msg, queued });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::machine::log_writer::LogSink;
    use crate::model::clock::LamportClock;
    use crate::model::MachineSpec;

    struct Harness {
        inbox: mpsc::UnboundedSender<Incoming>,
        outboxes: Vec<mpsc::UnboundedReceiver<Outgoing>>,
        tick_loop: TickLoop,
        _dir: tempfile::TempDir,
    }

    fn harness(die: u32) -> Harness {
        let dir = tempfile::tempdir().unwrap();
        let sink = LogSink::create(&dir.path().join("machine-0.log")).unwrap();
        let (inbox_tx, inbox) = mpsc::unbounded_channel();
        let (senders, receivers): (Vec<_>, Vec<_>) =
            (0..2).map(|_| mpsc::unbounded_channel()).unzip();
        Harness {
            inbox: inbox_tx,
            outboxes: receivers,
            tick_loop: TickLoop {
                machine: Machine::new(MachineSpec {
                    id: 0,
                    machines: 3,
                    rate: 100,
                    period_ns: 10_000_000,
                    die,
                    seed: 1,
                    incarnation: 0,
                    physical: crate::model::physical::PhysicalClock::perfect(),
                }),
                period: Duration::from_millis(10),
                run_ns: u64::MAX,
                timer: Timer::Tokio,
                inbox,
                outboxes: senders,
                status: Arc::default(),
                log: MachineLog::new(0, sink),
            },
            _dir: dir,
        }
    }

    #[tokio::test(start_paused = true)]
    async fn one_message_per_tick_and_the_receive_rule() {
        let h = harness(10);
        for lamport in [50, 3, 7] {
            h.inbox
                .send(Incoming {
                    from: 1,
                    lamport,
                    hlc: Hlc::default(),
                    vc: vec![0, lamport, 0],
                })
                .unwrap();
        }
        let stop = CancellationToken::new();
        let start = Instant::now();
        let task = tokio::spawn(h.tick_loop.run(start, stop.clone()));
        // Three ticks: at 0, 10 and 20 ms.
        tokio::time::sleep(Duration::from_millis(25)).await;
        stop.cancel();
        let out = task.await.unwrap();
        assert_eq!(out.machine.last_tick(), 3);
        assert_eq!(out.machine.counts().received, 3);
        // max(0,50)+1 = 51, max(51,3)+1 = 52, max(52,7)+1 = 53
        assert_eq!(out.machine.clock().value(), 53);
        assert_eq!(out.machine.counts().skipped, 0);
        // max of [0,50,0], [0,3,0], [0,7,0] with three own increments.
        assert_eq!(out.machine.vclock().entries(), &[3, 50, 0]);
    }

    #[tokio::test(start_paused = true)]
    async fn with_the_smallest_die_every_tick_sends() {
        let mut h = harness(3);
        let stop = CancellationToken::new();
        let task = tokio::spawn(h.tick_loop.run(Instant::now(), stop.clone()));
        tokio::time::sleep(Duration::from_millis(995)).await;
        stop.cancel();
        let out = task.await.unwrap();
        assert_eq!(out.machine.last_tick(), 100);
        assert_eq!(out.machine.clock().value(), 100, "one increment per send");
        let mut delivered = 0;
        for rx in &mut h.outboxes {
            let mut last = 0;
            while let Ok(Outgoing {
                msg: Message::Clock { from, lamport, .. },
                ..
            }) = rx.try_recv()
            {
                assert_eq!(from, 0);
                assert!(lamport > last, "stamps increase per link");
                last = lamport;
                delivered += 1;
            }
        }
        assert_eq!(delivered, out.machine.counts().sent);
        assert!(
            out.machine.counts().sent >= 100,
            "each tick sends to one or two peers"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_late_tick_skips_the_missed_slots_instead_of_bursting() {
        let h = harness(10);
        let stop = CancellationToken::new();
        let start = Instant::now() + Duration::from_millis(10);
        let task = tokio::spawn(h.tick_loop.run(start, stop.clone()));
        // Tick 1 runs on time (t = 10 ms); then the clock jumps to t = 110 ms, as if the
        // machine had been stalled: the slots of ticks 2..=10 have wholly passed and are
        // skipped, tick 11 (due at 110 ms) runs, and the next tick keeps the original
        // schedule (t = 120 ms is tick 12).
        tokio::task::yield_now().await;
        tokio::time::advance(Duration::from_millis(10)).await;
        tokio::task::yield_now().await;
        tokio::time::advance(Duration::from_millis(100)).await;
        tokio::time::sleep(Duration::from_millis(15)).await;
        stop.cancel();
        let out = task.await.unwrap();
        assert_eq!(out.machine.counts().skipped, 9, "{out:?}");
        assert_eq!(out.machine.last_tick(), 12, "{out:?}");
        assert_eq!(
            out.machine.clock().value(),
            3,
            "three ticks ran: 1, 11 and 12"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_restarted_loop_keeps_the_old_schedule_and_clock() {
        let mut h = harness(10);
        let who = *h.tick_loop.machine.identity();
        h.tick_loop.machine = Machine::restored(who, LamportClock::restored(40), &[], 4);
        let stop = CancellationToken::new();
        // The schedule began 95 ms ago: the slots of ticks 5..=9 have wholly passed; tick 10's
        // slot [90, 100) ms holds the present, so it runs at once, and tick 11 at 100 ms.
        let start = Instant::now() - Duration::from_millis(95);
        let task = tokio::spawn(h.tick_loop.run(start, stop.clone()));
        tokio::time::sleep(Duration::from_millis(6)).await;
        stop.cancel();
        let out = task.await.unwrap();
        assert_eq!(out.machine.last_tick(), 11);
        assert_eq!(
            out.machine.counts().skipped,
            5,
            "ticks 5..=9 were missed while the machine was down"
        );
        assert_eq!(
            out.machine.clock().value(),
            42,
            "the clock went on from its restored value: ticks 10 and 11"
        );
    }
}
