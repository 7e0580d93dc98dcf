//! The tick loop: one action per tick of the machine's schedule, at its rate.
//!
//! A tick takes exactly one message from the inbox when one is waiting (the receive rule);
//! otherwise it rolls the die and sends or does an internal event. Ticks are numbered by their
//! slot in the schedule, from 1; a tick whose whole slot passed before the loop woke is skipped
//! (never run in a burst) and logged in a `skipped` event ([`super::ticker`] has the rule and the
//! precise timer the loop sleeps on).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use rand_chacha::ChaCha8Rng;
use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::clock::{Action, LamportClock, VectorClock};
use super::mesh::{Incoming, Outgoing};
use super::step::{decide, Step};
use super::ticker::{Schedule, Timer};
use super::wire::Message;
use crate::log_format::{emit, Event};

/// The tick loop's latest figures, read by the status reporter.
#[derive(Debug, Default)]
pub struct LiveStatus {
    pub tick: AtomicU64,
    pub lamport: AtomicU64,
    pub queue: AtomicU64,
}

/// One machine's tick loop and everything it owns.
pub struct TickLoop {
    pub id: u32,
    /// Peer ids, ascending; the die's send faces refer to them in this order.
    pub peers: Vec<u32>,
    pub die: u32,
    pub rng: ChaCha8Rng,
    pub period: Duration,
    /// What the loop sleeps on between ticks: [`Timer::precise`], or tokio's in paused tests.
    pub timer: Timer,
    pub inbox: mpsc::UnboundedReceiver<Incoming>,
    /// One queue per peer, in the order of `peers`, drained by that peer's writer task.
    pub outboxes: Vec<mpsc::UnboundedSender<Outgoing>>,
    pub status: Arc<LiveStatus>,
    /// The clocks to start from: zero, or restored from the log after a restart.
    pub clock: LamportClock,
    pub vclock: VectorClock,
    /// The last tick number already run (0, or the last one logged before a restart).
    pub last_tick: u64,
}

/// What the tick loop leaves behind when it stops.
#[derive(Debug)]
pub struct TickOutcome {
    pub clock: LamportClock,
    pub vclock: VectorClock,
    pub last_tick: u64,
    pub skipped: u64,
    pub sent: u64,
    pub received: u64,
    /// The inbox, still receiving until every peer's connection ends.
    pub inbox: mpsc::UnboundedReceiver<Incoming>,
}

impl TickLoop {
    /// Tick on the schedule that starts at `start` until `stop` is cancelled. If `start` has
    /// passed (a restarted machine), the first tick is the next slot of that schedule and the
    /// slots missed since `last_tick` are logged as skipped. The outboxes are dropped on return,
    /// which lets the writers close their connections.
    pub async fn run(mut self, start: Instant, stop: CancellationToken) -> TickOutcome {
        let mut counts = Counts::default();
        let mut schedule = Schedule::new(start, self.period, self.last_tick);
        loop {
            tokio::select! {
                biased;
                _ = stop.cancelled() => break,
                slept = self.timer.sleep_until(schedule.deadline()) => {
                    if let Err(e) = slept {
                        // Never seen; tokio's timer is coarser but keeps the model running.
                        emit(&Event::Warning {
                            message: format!("the precise timer failed ({e}); using tokio's"),
                        });
                        self.timer = Timer::Tokio;
                        continue;
                    }
                }
            }
            let due = schedule.due(Instant::now());
            if let Some((first, count)) = due.skipped {
                counts.skipped += count;
                emit(&Event::Skipped { first, count });
            }
            self.last_tick = due.tick;
            self.tick(due.tick, due.late.as_micros() as u64, &mut counts);
            self.status.tick.store(due.tick, Ordering::Relaxed);
            self.status
                .lamport
                .store(self.clock.value(), Ordering::Relaxed);
            let queue = self.inbox.len() as u64;
            self.status.queue.store(queue, Ordering::Relaxed);
        }
        TickOutcome {
            clock: self.clock,
            vclock: self.vclock,
            last_tick: self.last_tick,
            skipped: counts.skipped,
            sent: counts.sent,
            received: counts.received,
            inbox: self.inbox,
        }
    }

    /// Run tick `tick`, `late_us` after its due time: one message taken by the receive rule, or
    /// the die's action.
    fn tick(&mut self, tick: u64, late_us: u64, counts: &mut Counts) {
        match decide(
            self.inbox.try_recv().ok(),
            &mut self.rng,
            self.die,
            &self.peers,
        ) {
            Step::Receive(msg) => {
                counts.received += 1;
                let lamport = self.clock.receive(msg.lamport);
                let vc = self.vclock.receive(&msg.vc).to_vec();
                emit(&Event::Recv {
                    tick,
                    lamport,
                    from: msg.from,
                    msg_clock: msg.lamport,
                    queue: self.inbox.len() as u64,
                    vc,
                    late_us,
                });
            }
            Step::Act(Action::Internal) => {
                let lamport = self.clock.internal();
                let vc = self.vclock.tick().to_vec();
                emit(&Event::Internal {
                    tick,
                    lamport,
                    vc,
                    late_us,
                });
            }
            Step::Act(Action::Send(to)) => {
                counts.sent += to.len() as u64;
                let lamport = self.clock.send();
                let vc = self.vclock.tick().to_vec();
                self.send(&to, lamport, &vc);
                emit(&Event::Send {
                    tick,
                    lamport,
                    to,
                    vc,
                    late_us,
                });
            }
        }
    }

    /// Queue a message with clocks `lamport` and `vc` for each peer of `to`.
    fn send(&self, to: &[u32], lamport: u64, vc: &[u64]) {
        let queued = Instant::now();
        for peer in to {
            let index = self
                .peers
                .iter()
                .position(|p| p == peer)
                .expect("choose_action only picks from peers");
            let msg = Message::Clock {
                from: self.id,
                lamport,
                vc: vc.to_vec(),
            };
            // The link task lives until the outboxes close; it logs a message it cannot deliver
            // as dropped.
            let _ = self.outboxes[index].send(Outgoing { msg, queued });
        }
    }
}

/// What the tick loop counts for the machine's final report.
#[derive(Debug, Default)]
struct Counts {
    skipped: u64,
    sent: u64,
    received: u64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::machine::clock::peers_of;
    use crate::scenario::machine_rng;

    struct Harness {
        inbox: mpsc::UnboundedSender<Incoming>,
        outboxes: Vec<mpsc::UnboundedReceiver<Outgoing>>,
        tick_loop: TickLoop,
    }

    fn harness(die: u32) -> Harness {
        let (inbox_tx, inbox) = mpsc::unbounded_channel();
        let peers = peers_of(0, 3);
        let (senders, receivers): (Vec<_>, Vec<_>) =
            peers.iter().map(|_| mpsc::unbounded_channel()).unzip();
        Harness {
            inbox: inbox_tx,
            outboxes: receivers,
            tick_loop: TickLoop {
                id: 0,
                peers,
                die,
                rng: machine_rng(1, 0, 0),
                period: Duration::from_millis(10),
                timer: Timer::Tokio,
                inbox,
                outboxes: senders,
                status: Arc::default(),
                clock: LamportClock::default(),
                vclock: VectorClock::new(0, 3),
                last_tick: 0,
            },
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
        assert_eq!(out.last_tick, 3);
        assert_eq!(out.received, 3);
        // max(0,50)+1 = 51, max(51,3)+1 = 52, max(52,7)+1 = 53
        assert_eq!(out.clock.value(), 53);
        assert_eq!(out.skipped, 0);
        // max of [0,50,0], [0,3,0], [0,7,0] with three own increments.
        assert_eq!(out.vclock.entries(), &[3, 50, 0]);
    }

    #[tokio::test(start_paused = true)]
    async fn with_the_smallest_die_every_tick_sends() {
        let mut h = harness(3);
        let stop = CancellationToken::new();
        let task = tokio::spawn(h.tick_loop.run(Instant::now(), stop.clone()));
        tokio::time::sleep(Duration::from_millis(995)).await;
        stop.cancel();
        let out = task.await.unwrap();
        assert_eq!(out.last_tick, 100);
        assert_eq!(out.clock.value(), 100, "one increment per send");
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
        assert_eq!(delivered, out.sent);
        assert!(out.sent >= 100, "each tick sends to one or two peers");
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
        assert_eq!(out.skipped, 9, "{out:?}");
        assert_eq!(out.last_tick, 12, "{out:?}");
        assert_eq!(out.clock.value(), 3, "three ticks ran: 1, 11 and 12");
    }

    #[tokio::test(start_paused = true)]
    async fn a_restarted_loop_keeps_the_old_schedule_and_clock() {
        let mut h = harness(10);
        h.tick_loop.clock = LamportClock::default();
        for _ in 0..40 {
            h.tick_loop.clock.internal();
        }
        h.tick_loop.last_tick = 4;
        let stop = CancellationToken::new();
        // The schedule began 95 ms ago: the slots of ticks 5..=9 have wholly passed; tick 10's
        // slot [90, 100) ms holds the present, so it runs at once, and tick 11 at 100 ms.
        let start = Instant::now() - Duration::from_millis(95);
        let task = tokio::spawn(h.tick_loop.run(start, stop.clone()));
        tokio::time::sleep(Duration::from_millis(6)).await;
        stop.cancel();
        let out = task.await.unwrap();
        assert_eq!(out.last_tick, 11);
        assert_eq!(
            out.skipped, 5,
            "ticks 5..=9 were missed while the machine was down"
        );
        assert_eq!(
            out.clock.value(),
            42,
            "the clock went on from its restored value: ticks 10 and 11"
        );
    }
}
