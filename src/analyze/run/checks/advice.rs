//! What a failed timing check (`skipped`, `rate`) tells the user beyond its figure: what the
//! host did to the machine, and what to do about it. A timing failure is the host's, not the
//! student's model: the text says so and names the ways out the README describes.

use crate::run::fidelity::FAITHFUL_SPEEDUP;

/// How one machine's schedule was kept, as the checks saw it in its log.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Stalls {
    /// Slots skipped that no fault explains.
    pub skipped: u64,
    /// `skipped` lines behind them: the times the host stalled the machine for a slot or more.
    pub stalls: u64,
    /// The most slots skipped at once.
    pub longest: u64,
    /// The latest a tick that did run ran, real microseconds.
    pub max_late_us: u64,
}

impl Stalls {
    /// Count a `skipped` line of `count` slots.
    pub(crate) fn skip(&mut self, count: u64) {
        self.skipped += count;
        self.stalls += 1;
        self.longest = self.longest.max(count);
    }

    /// Count a tick that ran `late_us` real microseconds late.
    pub(crate) fn tick(&mut self, late_us: u64) {
        self.max_late_us = self.max_late_us.max(late_us);
    }
}

/// The advice for a timing failure of machine `machine` at `speedup`: what happened (from its
/// `stalls`) and what to do.
pub(crate) fn timing_advice(machine: u32, stalls: Stalls, speedup: f64) -> String {
    let happened = if stalls.skipped > 0 {
        format!(
            "the host stalled machine {machine}: {} slot(s) skipped in {} stall(s), the longest {} \
             slot(s) at once; the ticks that ran were up to {} late (real time)",
            stalls.skipped,
            stalls.stalls,
            stalls.longest,
            lateness(stalls.max_late_us)
        )
    } else {
        format!(
            "the host ran machine {machine} off its schedule (ticks up to {} late, real time)",
            lateness(stalls.max_late_us)
        )
    };
    let slower = if speedup > FAITHFUL_SPEEDUP {
        format!(
            "lower --speedup (this run: {speedup}, beyond {FAITHFUL_SPEEDUP}, the highest \
             measured faithful)"
        )
    } else if speedup > 1.0 {
        format!("lower --speedup (this run: {speedup})")
    } else {
        "lower the rates".to_owned()
    };
    format!(
        "{happened}. This is the host's timing, not the model's: {slower}, run on a quieter host, \
         use --engine sim for ideal time, widen [tolerance] in the scenario, or give the run \
         real-time priority (sudo chrt --fifo 10 logiclock run ..., see the README)"
    )
}

/// Real microseconds in the unit that reads best: "41 µs", "1.2 ms".
fn lateness(us: u64) -> String {
    if us < 1000 {
        format!("{us} µs")
    } else {
        format!("{:.1} ms", us as f64 / 1000.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advice_says_what_the_host_did_and_what_to_do() {
        let mut s = Stalls::default();
        s.skip(3);
        s.skip(5);
        s.tick(1200);
        let text = timing_advice(2, s, 600.0);
        for needle in [
            "the host stalled machine 2: 8 slot(s) skipped in 2 stall(s), the longest 5 slot(s)",
            "up to 1.2 ms late",
            "lower --speedup (this run: 600, beyond 200, the highest measured faithful)",
            "--engine sim",
            "[tolerance]",
            "chrt --fifo",
        ] {
            assert!(text.contains(needle), "{needle:?} not in {text:?}");
        }
    }
}
