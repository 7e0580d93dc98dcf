//! When ticks fall due and which slots a late wake-up skips: the schedule both engines follow,
//! generic over the time type (the real machine's `Instant`, the twin's virtual nanoseconds).
//!
//! The schedule: tick `n` (from 1) is due at `start + (n - 1) * period`, so slot `n` is the
//! interval `[due(n), due(n + 1))`. The rule for missed ticks is the project's own:
//!
//! - the loop sleeps until the next tick's due time and then runs the tick **whose slot holds
//!   the present instant**: on time, that is the tick it slept for, late by the wake-up delay;
//! - a tick is skipped only when its **whole slot has passed** before the loop woke: those ticks
//!   are reported once, as one `skipped` range, and never run in a burst;
//! - so a tick that runs is always less than one period late, and the numbering stays tied to
//!   the schedule whatever happens (a stall, a SIGSTOP, a restart joining an old schedule).
//!
//! The end rule, one for both engines: a run of duration `d` holds the ticks **due before** `d`,
//! so the tick due at `t = d` does not run. Tick `n` runs when `(n - 1) * period < d`: the last
//! tick is `ceil(d / period)`, and a machine at `r` ticks per second for `s` seconds runs
//! `r * s` ticks (slots `[0, d)` split into whole periods), never one more. Each machine keeps
//! this end itself ([`Schedule::until`]): a late stop cannot make it tick past its last slot.
//!
//! The wait itself is I/O and lives with the real machine (`machine/ticker.rs`'s `Timer`).

use std::time::Duration;

/// A point in time a schedule can be laid on: nanoseconds can be added and measured.
pub trait TimePoint: Copy + Ord {
    /// Nanoseconds from `earlier` to `self`, 0 if `self` is not later (saturating at 584 years).
    fn nanos_since(self, earlier: Self) -> u64;
    /// `ns` nanoseconds after `self`, saturating.
    fn plus_nanos(self, ns: u64) -> Self;
}

/// The twin's virtual time: nanoseconds from the start of the run.
impl TimePoint for u64 {
    fn nanos_since(self, earlier: u64) -> u64 {
        self.saturating_sub(earlier)
    }
    fn plus_nanos(self, ns: u64) -> u64 {
        self.saturating_add(ns)
    }
}

impl TimePoint for std::time::Instant {
    fn nanos_since(self, earlier: Self) -> u64 {
        u64::try_from(self.saturating_duration_since(earlier).as_nanos()).unwrap_or(u64::MAX)
    }
    fn plus_nanos(self, ns: u64) -> Self {
        self + Duration::from_nanos(ns)
    }
}

impl TimePoint for tokio::time::Instant {
    fn nanos_since(self, earlier: Self) -> u64 {
        u64::try_from(self.saturating_duration_since(earlier).as_nanos()).unwrap_or(u64::MAX)
    }
    fn plus_nanos(self, ns: u64) -> Self {
        self + Duration::from_nanos(ns)
    }
}

/// The tick schedule of one machine: its start, its period, and the next tick to run.
#[derive(Debug, Clone)]
pub struct Schedule<T> {
    start: T,
    period_ns: u64,
    /// The number of the next tick that may run.
    next: u64,
    /// The last tick the run holds (the end rule of the module doc); `u64::MAX` without an end.
    last: u64,
}

/// The last tick of a run lasting `run_ns` with ticks `period_ns` apart: the tick due at the end
/// itself does not run, so this is the number of ticks due before `run_ns`.
pub fn last_tick(run_ns: u64, period_ns: u64) -> u64 {
    let period_ns = period_ns.max(1);
    let last = run_ns.div_ceil(period_ns);
    // A period rounded to whole nanoseconds (half a nanosecond off at most) drifts by up to
    // half a nanosecond per tick: a tick that lands that close before the end is the one due at
    // the end, and does not run either.
    let before_end = run_ns - last.saturating_sub(1) * period_ns;
    if last > 0 && before_end <= last / 2 + 1 {
        last - 1
    } else {
        last
    }
}

/// A tick the loop is to run now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Due<T> {
    /// Tick number, from 1: its slot in the schedule.
    pub tick: u64,
    /// When the tick was due.
    pub scheduled: T,
    /// How long after its due time it runs (less than one period).
    pub late: Duration,
    /// Ticks whose whole slot passed before the loop woke: `(first, count)`.
    pub skipped: Option<(u64, u64)>,
}

impl<T: TimePoint> Schedule<T> {
    /// The schedule that starts at `start` with ticks `period` apart; `last_tick` ticks have run
    /// already (0, or the last tick a restarted machine's log holds).
    pub fn new(start: T, period: Duration, last_tick: u64) -> Schedule<T> {
        Schedule {
            start,
            period_ns: u64::try_from(period.as_nanos()).unwrap_or(u64::MAX).max(1),
            next: last_tick + 1,
            last: u64::MAX,
        }
    }

    /// The same schedule for a run that lasts `run_ns` from its start: no tick past
    /// [`last_tick`] runs.
    pub fn until(mut self, run_ns: u64) -> Schedule<T> {
        self.last = last_tick(run_ns, self.period_ns);
        self
    }

    /// The last tick the run holds (`u64::MAX` for a schedule without an end).
    pub fn last(&self) -> u64 {
        self.last
    }

    /// Whether tick `tick` is inside the run: due before its end.
    pub fn holds(&self, tick: u64) -> bool {
        tick <= self.last
    }

    /// Whether every tick of the run is behind: the machine's end by its own schedule.
    pub fn over(&self) -> bool {
        !self.holds(self.next)
    }

    /// When tick `tick` (from 1) is due.
    pub fn due_time(&self, tick: u64) -> T {
        let ns = tick.saturating_sub(1).saturating_mul(self.period_ns);
        self.start.plus_nanos(ns)
    }

    /// When the next tick is due: the instant to sleep until.
    pub fn deadline(&self) -> T {
        self.due_time(self.next)
    }

    /// The tick whose slot holds `now` (from 1).
    fn slot_tick(&self, now: T) -> u64 {
        (now.nanos_since(self.start) / self.period_ns).saturating_add(1)
    }

    /// The tick to run at `now`, after waking for [`Schedule::deadline`]: the one whose slot
    /// holds `now`, with the ticks whose whole slot has passed reported as skipped; `None` when
    /// that slot is past the run's end (the schedule is then [`Schedule::over`]).
    pub fn due(&mut self, now: T) -> Option<Due<T>> {
        // A wake-up a hair before the deadline (timer conversion) still runs the tick it was for.
        let tick = self.slot_tick(now).max(self.next);
        if !self.holds(tick) {
            self.next = self.last.saturating_add(1);
            return None;
        }
        let skipped = (tick > self.next).then(|| (self.next, tick - self.next));
        let scheduled = self.due_time(tick);
        self.next = tick + 1;
        Some(Due {
            tick,
            scheduled,
            late: Duration::from_nanos(now.nanos_since(scheduled)),
            skipped,
        })
    }

    /// Join the schedule at `now` without running late (the twin's resumed or restarted
    /// machine, woken exactly when it may go on): the next tick is the first one due at or
    /// after `now`. Returns its number.
    pub fn join_at(&mut self, now: T) -> u64 {
        let on_slot = self.due_time(self.slot_tick(now)) == now;
        let tick = if on_slot {
            self.slot_tick(now)
        } else {
            self.slot_tick(now) + 1
        };
        self.next = tick.max(self.next);
        self.next
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::time::Instant;

    const MS: Duration = Duration::from_millis(1);

    fn schedule(last_tick: u64) -> (Instant, Schedule<Instant>) {
        let start = Instant::now();
        (start, Schedule::new(start, 10 * MS, last_tick))
    }

    #[test]
    fn a_tick_on_time_runs_with_its_wake_up_delay_as_lateness() {
        let (start, mut s) = schedule(0);
        assert_eq!(s.deadline(), start);
        let due = s.due(start + Duration::from_micros(70)).unwrap();
        assert_eq!(due.tick, 1);
        assert_eq!(due.late, Duration::from_micros(70));
        assert_eq!(due.skipped, None);
        assert_eq!(s.deadline(), start + 10 * MS);
    }

    #[test]
    fn a_tick_late_by_less_than_its_slot_still_runs() {
        let (start, mut s) = schedule(0);
        s.due(start).unwrap();
        let due = s.due(start + 19 * MS).unwrap();
        assert_eq!((due.tick, due.late, due.skipped), (2, 9 * MS, None));
    }

    #[test]
    fn only_ticks_whose_whole_slot_passed_are_skipped() {
        let (start, mut s) = schedule(0);
        s.due(start).unwrap();
        // Woken at 115 ms for tick 2 (due at 10 ms): slots 2..=11 are over, tick 12's slot
        // [110, 120) holds the present.
        let due = s.due(start + 115 * MS).unwrap();
        assert_eq!(due.tick, 12);
        assert_eq!(due.skipped, Some((2, 10)));
        assert_eq!(due.scheduled, start + 110 * MS);
        assert_eq!(due.late, 5 * MS);
        assert_eq!(s.deadline(), start + 120 * MS);
    }

    #[test]
    fn a_wake_up_a_hair_early_runs_the_tick_it_was_for() {
        let (start, mut s) = schedule(0);
        s.due(start).unwrap();
        let due = s.due(start + 10 * MS - Duration::from_nanos(40)).unwrap();
        assert_eq!((due.tick, due.late, due.skipped), (2, Duration::ZERO, None));
    }

    #[test]
    fn a_restart_joins_the_old_schedule_in_its_current_slot() {
        let start = Instant::now();
        let mut s = Schedule::new(start, 10 * MS, 4);
        assert_eq!(s.deadline(), start + 40 * MS);
        let due = s.due(start + 95 * MS).unwrap();
        assert_eq!(due.tick, 10);
        assert_eq!(due.skipped, Some((5, 5)));
        assert_eq!(due.late, 5 * MS);
    }

    #[test]
    fn periods_that_are_not_whole_microseconds_do_not_drift() {
        // 6 ticks per second at speedup 7: 23,809,523.8 ns; tick 1,000,001 is due exactly
        // 10^6 periods after the start, not 10^6 rounded periods.
        let start = Instant::now();
        let period = Duration::from_nanos(23_809_524);
        let s = Schedule::new(start, period, 1_000_000);
        assert_eq!(s.deadline() - start, period * 1_000_000);
    }

    #[test]
    fn virtual_nanoseconds_follow_the_same_schedule() {
        let mut s = Schedule::new(0u64, 10 * MS, 0);
        assert_eq!(s.due_time(3), 20_000_000);
        s.due(0).unwrap();
        let due = s.due(115_000_000).unwrap();
        assert_eq!(
            (due.tick, due.scheduled, due.late, due.skipped),
            (12, 110_000_000, 5 * MS, Some((2, 10)))
        );
    }

    #[test]
    fn the_tick_due_at_the_end_does_not_run_so_rate_times_duration_ticks_run() {
        // 1 tick/s for 60 s: ticks 1..=60, due at 0..=59 s; tick 61 would be due at 60 s.
        assert_eq!(last_tick(60_000_000_000, 1_000_000_000), 60);
        // Periods rounded to the nanosecond: 3 ticks/s for 1 s at speedup 7 is 3 ticks, whether
        // the period rounds down (tick 4 lands 1 ns before the end) or up.
        assert_eq!(last_tick(142_857_142, 47_619_047), 3);
        assert_eq!(last_tick(142_857_142, 47_619_048), 3);
        assert_eq!(
            last_tick(10_000_000_000, 3_000_000_000),
            4,
            "due at 9 s: runs"
        );
        let mut s = Schedule::new(0u64, 10 * MS, 0).until(30_000_000);
        assert_eq!(s.last(), 3);
        for tick in 1..=3 {
            assert_eq!(s.due(s.deadline()).map(|d| d.tick), Some(tick));
        }
        assert!(s.over());
        assert_eq!(s.due(30_000_000), None, "due at the end itself: not run");
    }

    #[test]
    fn a_machine_woken_past_its_end_runs_nothing() {
        let mut s = Schedule::new(0u64, 10 * MS, 0).until(100_000_000);
        s.due(0).unwrap();
        // Stalled from 5 ms to 140 ms: the run's end (100 ms) has passed.
        assert_eq!(s.due(140_000_000), None);
        assert!(s.over());
        // Woken at 95 ms instead: tick 10 (due at 90 ms) is the last, and runs.
        let mut s = Schedule::new(0u64, 10 * MS, 0).until(100_000_000);
        s.due(0).unwrap();
        assert_eq!(s.due(95_000_000).map(|d| d.tick), Some(10));
        assert!(s.over());
    }

    #[test]
    fn a_machine_joining_waits_for_the_first_slot_at_or_after_now() {
        let mut s = Schedule::new(0u64, 10 * MS, 4);
        assert_eq!(s.join_at(95_000_000), 11);
        assert_eq!(s.deadline(), 100_000_000);
        assert_eq!(
            s.join_at(100_000_000),
            11,
            "a slot starting now is not missed"
        );
        assert_eq!(s.join_at(100_000_001), 12);
    }
}
