//! The one time base a user reads and types: model seconds since the run start.
//!
//! A run's timestamps are system (real) time; the scenario's rates, durations and faults are in
//! model time, which runs `speedup` times faster. Every table, plot, CSV column, `summary.json`
//! field and `--from/--to` flag speaks model seconds, with real seconds beside them where they
//! matter; this is the one conversion they all use, so no two outputs can disagree.

/// A run's start and speedup: what turns a timestamp into model or real seconds since the start.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct TimeBase {
    /// System time of the run start (the manifest's `started_at`), µs since the Unix epoch.
    pub origin_us: i64,
    /// Model seconds per real second (1 when the manifest's is not a positive number).
    pub speedup: f64,
}

impl TimeBase {
    /// The time base of a run that started at `origin_us` with `speedup`.
    pub(crate) fn new(origin_us: i64, speedup: f64) -> TimeBase {
        // A manifest without a usable speedup (none before it was recorded) ran at 1.
        let speedup = if speedup.is_finite() && speedup > 0.0 {
            speedup
        } else {
            1.0
        };
        TimeBase { origin_us, speedup }
    }

    /// Real (system) seconds from the run start to `ts_us`.
    pub(crate) fn real_s(&self, ts_us: i64) -> f64 {
        (ts_us - self.origin_us) as f64 / 1e6
    }

    /// Model seconds from the run start to `ts_us`: real seconds times the speedup.
    pub(crate) fn model_s(&self, ts_us: i64) -> f64 {
        self.model_of_real(self.real_s(ts_us))
    }

    /// Model seconds of `real_s` real seconds.
    pub(crate) fn model_of_real(&self, real_s: f64) -> f64 {
        real_s * self.speedup
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_seconds_are_real_seconds_times_the_speedup() {
        let base = TimeBase::new(1_000_000, 60.0);
        assert_eq!(base.real_s(1_500_000), 0.5);
        assert_eq!(base.model_s(1_500_000), 30.0);
    }

    #[test]
    fn a_speedup_that_is_not_positive_counts_as_one() {
        assert_eq!(TimeBase::new(0, 0.0).model_s(2_000_000), 2.0);
        assert_eq!(TimeBase::new(0, f64::NAN).speedup, 1.0);
    }
}
