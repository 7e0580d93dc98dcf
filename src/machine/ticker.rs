//! A precise wait for the next tick's due time (the schedule itself is the model's,
//! [`crate::model::schedule`]).
//!
//! [`Timer`]: on Linux a `timerfd` on `CLOCK_MONOTONIC` armed for the
//! absolute due time and registered with tokio's reactor, which wakes within the kernel's
//! high-resolution timer precision (tens of microseconds) instead of tokio's 1 ms timer wheel.
//! The tick loop stays an ordinary async task. A wait longer than 5 ms (a low tick rate) wakes
//! 1 ms early and spins to its deadline: an idle core takes a few hundred microseconds to wake,
//! which spinning 1 ms per tick (0.6% of a core at 6 ticks/s) avoids. [`Timer::Tokio`] is
//! tokio's own sleep, used where tests pause tokio's clock. How late the kernel timer wakes is
//! measured (and held under one 300 us period) by the tick benchmark, `benches/ticks/timer.rs`.

use tokio::time::Instant;

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

    pub(super) async fn sleep_until(
        fd: &AsyncFd<TimerFd>,
        deadline: Instant,
    ) -> std::io::Result<()> {
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
