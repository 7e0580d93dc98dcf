//! The tick loop's own timer ([`Timer::precise`], a `timerfd` on Linux) at a 300 us period: how
//! late it wakes, judged by the model's schedule. Its median must stay under one period, which
//! tokio's 1 ms timer wheel could not do. (A timing figure, so it lives here rather than in the
//! unit tests, where a loaded machine would make it flaky.)

use std::time::Duration;

use logiclock::machine::ticker::Timer;
use logiclock::model::Schedule;
use tokio::time::Instant;

use crate::pct;

/// The period the timer is asked to keep.
const PERIOD: Duration = Duration::from_micros(300);

/// Sleep 200 times to deadlines [`PERIOD`] apart on the precise timer; print the lateness
/// percentiles and panic if the median is a whole period or more.
pub fn kernel_timer_lateness() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("failed to build a tokio runtime");
    let mut late_ns: Vec<u64> = runtime.block_on(async {
        let mut timer = Timer::precise().expect("failed to create the precise timer");
        let mut s = Schedule::new(Instant::now() + Duration::from_millis(1), PERIOD, 0);
        let mut late = Vec::new();
        for _ in 0..200 {
            timer
                .sleep_until(s.deadline())
                .await
                .expect("the timer sleeps");
            let due = s
                .due(Instant::now())
                .expect("a schedule without an end always has a tick");
            assert!(Instant::now() >= due.scheduled, "woke before its deadline");
            late.push(due.late.as_nanos() as u64);
        }
        late
    });
    late_ns.sort_unstable();
    // `pct` reads microseconds and prints milliseconds; here nanoseconds and microseconds.
    println!(
        "tick timer at a {} us period: late p50 {:.1} us p99 {:.1} us max {:.1} us (200 wake-ups)",
        PERIOD.as_micros(),
        pct(&late_ns, 0.5),
        pct(&late_ns, 0.99),
        pct(&late_ns, 1.0),
    );
    let median = Duration::from_nanos(late_ns[late_ns.len() / 2]);
    assert!(
        median < PERIOD,
        "the tick timer's median lateness {median:?} is a whole period or more"
    );
}
