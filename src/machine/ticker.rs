//! When ticks fall due, which slots a late wake-up skips, and a precise wait for the next one.
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
//! The wait itself is [`Timer`]: on Linux a `timerfd` on `CLOCK_MONOTONIC` armed for the
//! absolute due time and registered with tokio's reactor, which wakes within the kernel's
//! high-resolution timer precision (tens of microseconds) instead of tokio's 1 ms timer wheel.
//! The tick loop stays an ordinary async task. A wait longer than 5 ms (a low tick rate) wakes
//! 1 ms early and spins to its deadline: an idle core takes a few hundred microseconds to wake,
//! which spinning 1 ms per tick (0.6% of a core at 6 ticks/s) avoids. [`Timer::Tokio`] is
//! tokio's own sleep, used where tests pause tokio's clock.

use std::time::Duration;

use tokio::time::Instant;

/// The tick schedule of one machine: its start, its period, and the next tick to run.
#[derive(Debug, Clone)]
pub struct Schedule {
    start: Instant,
    period_ns: u128,
    /// The number of the next tick that may run.
    next: u64,
}

/// A tick the loop is to run now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Due {
    /// Tick number, from 1: its slot in the schedule.
    pub tick: u64,
    /// When the tick was due.
    pub scheduled: Instant,
    /// How long after its due time it runs (less than one period).
    pub late: Duration,
    /// Ticks whose whole slot passed before the loop woke: `(first, count)`.
    pub skipped: Option<(u64, u64)>,
}

impl Schedule {
    /// The schedule that starts at `start` with ticks `period` apart; `last_tick` ticks have run
    /// already (0, or the last tick a restarted machine's log holds).
    pub fn new(start: Instant, period: Duration, last_tick: u64) -> Schedule {
        Schedule {
            start,
            period_ns: period.as_nanos().max(1),
            next: last_tick + 1,
        }
    }

    /// When tick `tick` (from 1) is due.
    pub fn due_time(&self, tick: u64) -> Instant {
        let ns = u128::from(tick.saturating_sub(1)) * self.period_ns;
        self.start + Duration::from_nanos(u64::try_from(ns).unwrap_or(u64::MAX))
    }

    /// When the next tick is due: the instant to sleep until.
    pub fn deadline(&self) -> Instant {
        self.due_time(self.next)
    }

    /// The tick to run at `now`, after waking for [`Schedule::deadline`]: the one whose slot
    /// holds `now`, with the ticks whose whole slot has passed reported as skipped.
    pub fn due(&mut self, now: Instant) -> Due {
        let elapsed = now.saturating_duration_since(self.start).as_nanos();
        let slot_tick = u64::try_from(elapsed / self.period_ns)
            .unwrap_or(u64::MAX - 1)
            .saturating_add(1);
        // A wake-up a hair before the deadline (timer conversion) still runs the tick it was for.
        let tick = slot_tick.max(self.next);
        let skipped = (tick > self.next).then(|| (self.next, tick - self.next));
        let scheduled = self.due_time(tick);
        self.next = tick + 1;
        Due {
            tick,
            scheduled,
            late: now.saturating_duration_since(scheduled),
            skipped,
        }
    }
}

/// How the tick loop waits for a due time.
#[derive(Debug)]
pub enum Timer {
    /// A `timerfd` in tokio's reactor: the kernel's high-resolution timers.
    #[cfg(target_os = "linux")]
    Kernel(tokio::io::unix::AsyncFd<kernel::TimerFd>),
    /// `tokio::time::sleep_until`: 1 ms resolution, but it follows a paused test clock.
    Tokio,
}

impl Timer {
    /// The most precise timer the host has: a `timerfd` on Linux, else tokio's timer. Needs a
    /// tokio runtime with I/O enabled.
    pub fn precise() -> std::io::Result<Timer> {
        #[cfg(target_os = "linux")]
        {
            let fd = kernel::TimerFd::new()?;
            // SAFETY: `TimerFd` owns its descriptor and closes it only when dropped, which the
            // `AsyncFd` that owns it does last; `as_raw_fd` always returns that descriptor.
            let fd = unsafe { tokio::io::unix::AsyncFd::register(fd) }?;
            Ok(Timer::Kernel(fd))
        }
        #[cfg(not(target_os = "linux"))]
        {
            Ok(Timer::Tokio)
        }
    }

    /// Sleep until `deadline` (at once if it has passed).
    pub async fn sleep_until(&mut self, deadline: Instant) -> std::io::Result<()> {
        match self {
            #[cfg(target_os = "linux")]
            Timer::Kernel(fd) => kernel::sleep_until(fd, deadline).await,
            Timer::Tokio => {
                tokio::time::sleep_until(deadline).await;
                Ok(())
            }
        }
    }
}

#[cfg(target_os = "linux")]
mod kernel {
    //! The `timerfd` behind [`super::Timer::Kernel`].

    use std::os::fd::{AsFd, AsRawFd, RawFd};

    use nix::sys::time::TimeSpec;
    use nix::sys::timerfd::{ClockId, Expiration, TimerFlags, TimerSetTimeFlags};
    use nix::time::{clock_gettime, ClockId as Clock};
    use std::time::Duration;
    use tokio::io::unix::AsyncFd;

    use tokio::time::Instant;

    /// A non-blocking `timerfd` on `CLOCK_MONOTONIC`, the clock `Instant` reads on Linux.
    #[derive(Debug)]
    pub struct TimerFd(nix::sys::timerfd::TimerFd);

    impl TimerFd {
        pub fn new() -> std::io::Result<TimerFd> {
            let fd = nix::sys::timerfd::TimerFd::new(
                ClockId::CLOCK_MONOTONIC,
                TimerFlags::TFD_NONBLOCK | TimerFlags::TFD_CLOEXEC,
            )?;
            Ok(TimerFd(fd))
        }
    }

    impl AsRawFd for TimerFd {
        fn as_raw_fd(&self) -> RawFd {
            self.0.as_fd().as_raw_fd()
        }
    }

    /// A wait longer than this lets the core fall into deep idle, from which a wake-up takes a
    /// few hundred microseconds; such a wait ends [`SPIN`] early and spins to its deadline.
    const LONG_WAIT: Duration = Duration::from_millis(5);
    /// How early a long wait wakes to spin: at 6 ticks/s this is 0.6% of a core.
    const SPIN: Duration = Duration::from_millis(1);

    pub async fn sleep_until(fd: &AsyncFd<TimerFd>, deadline: Instant) -> std::io::Result<()> {
        let now = Instant::now();
        let Some(wait) = deadline
            .checked_duration_since(now)
            .filter(|d| !d.is_zero())
        else {
            return Ok(());
        };
        if wait > LONG_WAIT {
            sleep_on_timer(fd, wait - SPIN).await?;
            // At most SPIN of a core, on this thread only: the machine's other tasks (its
            // connections) wait that long, their bytes held by the kernel meanwhile.
            while Instant::now() < deadline {
                std::hint::spin_loop();
            }
            return Ok(());
        }
        sleep_on_timer(fd, wait).await
    }

    /// Sleep `wait` from now on the timer.
    async fn sleep_on_timer(fd: &AsyncFd<TimerFd>, wait: Duration) -> std::io::Result<()> {
        // `Instant` has no public clock value: read both clocks together and carry the offset
        // (the two reads are tens of nanoseconds apart; the tick loop tolerates a hair early).
        let mono = clock_gettime(Clock::CLOCK_MONOTONIC)?;
        let at = mono + TimeSpec::from_duration(wait);
        fd.get_ref().0.set(
            Expiration::OneShot(at),
            TimerSetTimeFlags::TFD_TIMER_ABSTIME,
        )?;
        loop {
            let mut ready = fd.readable().await?;
            // The fd holds the expiration count; reading it re-arms readiness.
            match ready.try_io(|inner| {
                let mut count = [0u8; 8];
                nix::unistd::read(inner.get_ref().0.as_fd(), &mut count)
                    .map(drop)
                    .map_err(std::io::Error::from)
            }) {
                Ok(result) => return result,
                Err(_would_block) => continue,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    fn schedule(last_tick: u64) -> (Instant, Schedule) {
        let start = Instant::now();
        (start, Schedule::new(start, 10 * MS, last_tick))
    }

    #[test]
    fn a_tick_on_time_runs_with_its_wake_up_delay_as_lateness() {
        let (start, mut s) = schedule(0);
        assert_eq!(s.deadline(), start);
        let due = s.due(start + Duration::from_micros(70));
        assert_eq!(due.tick, 1);
        assert_eq!(due.late, Duration::from_micros(70));
        assert_eq!(due.skipped, None);
        assert_eq!(s.deadline(), start + 10 * MS);
    }

    #[test]
    fn a_tick_late_by_less_than_its_slot_still_runs() {
        let (start, mut s) = schedule(0);
        s.due(start);
        let due = s.due(start + 19 * MS);
        assert_eq!((due.tick, due.late, due.skipped), (2, 9 * MS, None));
    }

    #[test]
    fn only_ticks_whose_whole_slot_passed_are_skipped() {
        let (start, mut s) = schedule(0);
        s.due(start);
        // Woken at 115 ms for tick 2 (due at 10 ms): slots 2..=11 are over, tick 12's slot
        // [110, 120) holds the present.
        let due = s.due(start + 115 * MS);
        assert_eq!(due.tick, 12);
        assert_eq!(due.skipped, Some((2, 10)));
        assert_eq!(due.scheduled, start + 110 * MS);
        assert_eq!(due.late, 5 * MS);
        assert_eq!(s.deadline(), start + 120 * MS);
    }

    #[test]
    fn a_wake_up_a_hair_early_runs_the_tick_it_was_for() {
        let (start, mut s) = schedule(0);
        s.due(start);
        let due = s.due(start + 10 * MS - Duration::from_nanos(40));
        assert_eq!((due.tick, due.late, due.skipped), (2, Duration::ZERO, None));
    }

    #[test]
    fn a_restart_joins_the_old_schedule_in_its_current_slot() {
        let start = Instant::now();
        let mut s = Schedule::new(start, 10 * MS, 4);
        assert_eq!(s.deadline(), start + 40 * MS);
        let due = s.due(start + 95 * MS);
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

    #[tokio::test]
    async fn the_kernel_timer_wakes_at_its_deadlines_not_on_the_millisecond() {
        let mut timer = Timer::precise().unwrap();
        let period = Duration::from_micros(300);
        let mut s = Schedule::new(Instant::now() + MS, period, 0);
        let mut late = Vec::new();
        for _ in 0..200 {
            timer.sleep_until(s.deadline()).await.unwrap();
            let due = s.due(Instant::now());
            assert!(Instant::now() >= due.scheduled);
            late.push(due.late);
        }
        // A loose bound (a loaded CI box can stall a thread): most wake-ups come well within
        // one 300 us period, which tokio's 1 ms wheel could not do.
        late.sort();
        assert!(late[100] < period, "median lateness {:?}", late[100]);
    }
}
