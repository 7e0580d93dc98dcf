//! The host's own floor: what three plain threads sleeping to 1 ms deadlines get from this host,
//! judged by the tick loop's rule, and the CPU time the hypervisor stole meanwhile.

use std::process::Command;
use std::time::Duration;

use logiclock::model::Schedule;
use tokio::time::Instant;

use crate::pct;

/// What the host's own timers do at a 1 ms period.
#[derive(Clone, Copy)]
pub struct Floor {
    /// Lateness percentiles, ms.
    pub p50: f64,
    pub p99: f64,
    pub max: f64,
    /// Slots that passed whole before a thread woke, of `slots`.
    pub missed: u64,
    pub slots: u64,
    /// CPU time stolen by the hypervisor meanwhile, ms.
    pub steal_ms: Option<u64>,
}

impl std::fmt::Display for Floor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "late p50 {:.3} ms p99 {:.3} ms max {:.3} ms; missed {} of {} 1 ms slots; {}",
            self.p50,
            self.p99,
            self.max,
            self.missed,
            self.slots,
            stolen(self.steal_ms)
        )
    }
}

pub fn stolen(steal_ms: Option<u64>) -> String {
    steal_ms.map_or("steal not known".into(), |ms| format!("{ms} ms stolen"))
}

/// Three threads (like three machines) sleeping to absolute deadlines 1 ms apart with
/// `clock_nanosleep(TIMER_ABSTIME)` for `seconds`, judged by the tick loop's own [`Schedule`]:
/// how late they wake, and how many 1 ms slots passed whole before a thread woke (the ticks a
/// perfect tick loop on this host would skip). With `fifo`, each thread asks `chrt` for
/// `SCHED_FIFO` first.
pub fn host_floor(seconds: u64, fifo: bool) -> Floor {
    use nix::sys::time::TimeSpec;
    use nix::time::{clock_gettime, clock_nanosleep, ClockId, ClockNanosleepFlags};
    let steal = Steal::now();
    let threads: Vec<_> = (0..3)
        .map(|_| {
            std::thread::spawn(move || {
                if fifo {
                    chrt_this_thread();
                }
                let period = Duration::from_millis(1);
                let slots = seconds * 1000;
                // The schedule's instants, and the monotonic clock they stand for.
                let start = Instant::now() + period;
                let mono = clock_gettime(ClockId::CLOCK_MONOTONIC).unwrap()
                    + TimeSpec::from_duration(start - Instant::now());
                let mut schedule = Schedule::new(start, period, 0);
                let (mut late, mut missed) = (Vec::new(), 0);
                while schedule.deadline() < start + period * slots as u32 {
                    let due = mono + TimeSpec::from_duration(schedule.deadline() - start);
                    let _ = clock_nanosleep(
                        ClockId::CLOCK_MONOTONIC,
                        ClockNanosleepFlags::TIMER_ABSTIME,
                        &due,
                    );
                    let tick = schedule
                        .due(Instant::now())
                        .expect("a schedule without an end always has a tick");
                    late.push(tick.late.as_micros() as u64);
                    missed += tick.skipped.map_or(0, |(_, count)| count);
                }
                (late, missed)
            })
        })
        .collect();
    let (mut late, mut missed) = (Vec::new(), 0);
    for thread in threads {
        let (l, m) = thread.join().unwrap();
        late.extend(l);
        missed += m;
    }
    late.sort_unstable();
    Floor {
        p50: pct(&late, 0.5),
        p99: pct(&late, 0.99),
        max: pct(&late, 1.0),
        missed,
        slots: 3 * seconds * 1000,
        steal_ms: steal.since(),
    }
}

/// Put the calling thread under `SCHED_FIFO` priority 10 with util-linux's `chrt`.
fn chrt_this_thread() {
    let tid = nix::unistd::gettid().to_string();
    let status = Command::new("chrt")
        .args(["--fifo", "--pid", "10", &tid])
        .status()
        .expect("failed to run chrt");
    assert!(status.success(), "chrt refused SCHED_FIFO: {status}");
}

/// CPU time the hypervisor took from this virtual machine (the `steal` column of
/// `/proc/stat`), to tell a host stall from the tick loop's own.
pub struct Steal(Option<u64>);

impl Steal {
    pub fn now() -> Steal {
        let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
        // cpu user nice system idle iowait irq softirq steal ...
        let ticks = stat
            .lines()
            .next()
            .and_then(|cpu| cpu.split_whitespace().nth(8))
            .and_then(|steal| steal.parse().ok());
        Steal(ticks)
    }

    /// Milliseconds stolen since `self`, over all CPUs (`None` off Linux); `/proc/stat` counts
    /// in USER_HZ, 100 per second on Linux.
    pub fn since(&self) -> Option<u64> {
        Some((Steal::now().0? - self.0?) * 10)
    }
}
