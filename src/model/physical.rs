//! Each machine's physical clock: what the machine believes the time is, computed from the true
//! model time by a pure function of the run's seed, the machine and the time, identical in both
//! engines and never read from the host's wall clock.
//!
//! The model, for machine `m` at true model time `t` (microseconds since the run's start):
//!
//! - sync epoch `e = floor(t / I)` with `I` the sync interval (`e = 0` without synchronisation);
//! - offset at the epoch's start `o_e`: the start skew `skew_m` for `e = 0`, else a residual drawn
//!   from the seed for `(m, e)` in `±sync_error`: synchronisation **steps** the clock (it jumps,
//!   backwards too), it does not slew;
//! - `pt(t) = floor_g(max(0, t + o_e + drift_m * (t - e I) / 10^6))`, `drift_m` in parts per
//!   million and `floor_g` rounding down to the granularity `g` in microseconds.
//!
//! Per-machine values drawn "from the seed" (`max_skew_ms`, `max_drift_ppm`, the residuals) use
//! the die's counter-based mixer ([`super::dice::Dice`]) keyed by the seed, the machine and the
//! epoch: no stream whose draws depend on the order of events. Without a `[physical_clock]`
//! section every physical clock reads true time exactly ([`PhysicalClock::perfect`]).

use serde::{Deserialize, Serialize};

use super::dice::Dice;

/// Separate keys of the draws, so a machine's skew, drift and residuals are independent.
const SALT_SKEW: u64 = 0x736b_6577;
const SALT_DRIFT: u64 = 0x6472_6966;
const SALT_SYNC: u64 = 0x7379_6e63;

/// Largest `|skew|` and sync residual, in microseconds (1,000 s): a draw's `2 max + 1` faces
/// fit the die's 32 bits.
pub(crate) const MAX_SKEW_US: u64 = 1_000_000_000;
/// Largest `|drift|`, in milli-ppm (1,000,000 ppm: a clock at twice or at zero speed).
pub(crate) const MAX_DRIFT_MPPM: u64 = 1_000_000_000;

/// One value per machine, or a bound to draw each machine's value from in `±bound`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Spread {
    /// Fixed, indexed by machine id.
    Fixed(Vec<i64>),
    /// Drawn uniformly from `-max..=max` with the seed.
    Max(u64),
}

impl Default for Spread {
    fn default() -> Spread {
        Spread::Max(0)
    }
}

impl Spread {
    /// Machine `id`'s value: its fixed one, or drawn with key `salt`.
    fn value(&self, seed: u64, salt: u64, id: u32) -> i64 {
        match self {
            Spread::Fixed(values) => values.get(id as usize).copied().unwrap_or(0),
            Spread::Max(max) => draw(seed ^ salt, id, 1, *max),
        }
    }
}

/// A value uniform in `-max..=max` for `(seed, machine, counter)`, by the die's mixer.
fn draw(seed: u64, machine: u32, counter: u64, max: u64) -> i64 {
    if max == 0 {
        return 0;
    }
    let faces = u32::try_from(2 * max + 1).unwrap_or(u32::MAX);
    i64::from(Dice::new(seed, machine, faces).roll(counter)) - 1 - max as i64
}

/// The `[physical_clock]` section, validated, in the model's units; recorded in the manifest.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhysicalClockSpec {
    /// Offset at the start, microseconds.
    pub skew_us: Spread,
    /// Rate error, milli-parts per million (1,000 = 1 ppm).
    pub drift_mppm: Spread,
    /// The clock reads in steps of this many microseconds (0 and 1: every microsecond).
    pub granularity_us: u64,
    /// Model microseconds between synchronisations; 0: never synchronised.
    pub sync_interval_us: u64,
    /// A synchronisation leaves the clock off by a residual in `±sync_error_us`.
    pub sync_error_us: u64,
    /// A receive whose message's HLC `l` is ahead of the receiver's physical clock by more is
    /// logged as one a real system would reject; 0: none is.
    pub max_offset_us: u64,
}

impl PhysicalClockSpec {
    /// Machine `id`'s clock in a run seeded `seed`.
    pub fn for_machine(&self, seed: u64, id: u32) -> PhysicalClock {
        PhysicalClock {
            seed,
            id,
            skew_us: self.skew_us.value(seed, SALT_SKEW, id),
            drift_mppm: self.drift_mppm.value(seed, SALT_DRIFT, id),
            granularity_us: self.granularity_us.max(1),
            sync_interval_us: self.sync_interval_us,
            sync_error_us: self.sync_error_us,
            max_offset_us: self.max_offset_us,
        }
    }
}

/// One machine's physical clock, its values drawn: read it at a true model time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PhysicalClock {
    seed: u64,
    id: u32,
    skew_us: i64,
    drift_mppm: i64,
    granularity_us: u64,
    sync_interval_us: u64,
    sync_error_us: u64,
    max_offset_us: u64,
}

impl Default for PhysicalClock {
    fn default() -> PhysicalClock {
        PhysicalClock::perfect()
    }
}

impl PhysicalClock {
    /// Machine `id`'s clock in a run seeded `seed` whose scenario has the `[physical_clock]`
    /// section `spec`, or a perfect one without it: what both engines give each machine.
    pub fn of(spec: Option<&PhysicalClockSpec>, seed: u64, id: u32) -> PhysicalClock {
        spec.map(|p| p.for_machine(seed, id)).unwrap_or_default()
    }

    /// A clock that reads true time exactly (no `[physical_clock]` section).
    pub const fn perfect() -> PhysicalClock {
        PhysicalClock {
            seed: 0,
            id: 0,
            skew_us: 0,
            drift_mppm: 0,
            granularity_us: 1,
            sync_interval_us: 0,
            sync_error_us: 0,
            max_offset_us: 0,
        }
    }

    /// The start offset, microseconds.
    pub fn skew_us(&self) -> i64 {
        self.skew_us
    }

    /// The drift, milli-ppm.
    pub fn drift_mppm(&self) -> i64 {
        self.drift_mppm
    }

    /// The `max_offset` bound in microseconds, 0 for none.
    pub fn max_offset_us(&self) -> u64 {
        self.max_offset_us
    }

    /// The reading at true model time `true_us` (microseconds since the run's start).
    pub fn read(&self, true_us: u64) -> u64 {
        let (epoch, since) = match self.sync_interval_us {
            0 => (0, true_us),
            i => (true_us / i, true_us % i),
        };
        let offset = if epoch == 0 {
            self.skew_us
        } else {
            draw(self.seed ^ SALT_SYNC, self.id, epoch, self.sync_error_us)
        };
        let drift = i128::from(self.drift_mppm) * i128::from(since) / 1_000_000_000;
        let raw = (i128::from(true_us) + i128::from(offset) + drift).max(0);
        let raw = u64::try_from(raw).unwrap_or(u64::MAX);
        raw - raw % self.granularity_us
    }
}

/// True model time of tick `tick` (from 1) of a machine ticking `rate` times per model second:
/// its slot's due time, in microseconds since the run's start. The same in both engines.
pub fn tick_time_us(tick: u64, rate: u32) -> u64 {
    let rate = u64::from(rate.max(1));
    tick.saturating_sub(1).saturating_mul(1_000_000) / rate
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> PhysicalClockSpec {
        PhysicalClockSpec::default()
    }

    #[test]
    fn without_a_section_the_clock_reads_true_time() {
        let clock = spec().for_machine(9, 2);
        assert_eq!(
            clock,
            PhysicalClock {
                seed: 9,
                id: 2,
                ..PhysicalClock::perfect()
            }
        );
        for t in [0, 1, 999, 123_456_789] {
            assert_eq!(clock.read(t), t);
            assert_eq!(PhysicalClock::perfect().read(t), t);
        }
    }

    #[test]
    fn skew_drift_and_granularity_follow_the_formula() {
        let clock = PhysicalClockSpec {
            skew_us: Spread::Fixed(vec![5_000, -2_000]),
            drift_mppm: Spread::Fixed(vec![100_000, 0]),
            granularity_us: 1_000,
            ..spec()
        };
        let m0 = clock.for_machine(1, 0);
        // 100 ppm over 10 s is 1 ms: 10 s + 5 ms + 1 ms.
        assert_eq!(m0.read(10_000_000), 10_006_000);
        assert_eq!(m0.read(1_234), 6_000, "rounded down to whole milliseconds");
        let m1 = clock.for_machine(1, 1);
        assert_eq!(m1.read(1_000), 0, "a clock behind the start reads 0");
        assert_eq!(m1.read(3_500), 1_000);
    }

    #[test]
    fn a_sync_steps_the_clock_to_a_residual_within_the_error() {
        let s = PhysicalClockSpec {
            skew_us: Spread::Fixed(vec![400_000; 3]),
            sync_interval_us: 1_000_000,
            sync_error_us: 2_000,
            ..spec()
        };
        let clock = s.for_machine(3, 1);
        assert_eq!(
            clock.read(999_999),
            1_399_999,
            "the skew until the first sync"
        );
        let mut seen = std::collections::BTreeSet::new();
        for epoch in 1..200u64 {
            let t = epoch * 1_000_000 + 10;
            let off = clock.read(t) as i64 - t as i64;
            assert!(off.abs() <= 2_000, "epoch {epoch}: off by {off}");
            // Within an epoch the offset stays (no drift here).
            assert_eq!(clock.read(t + 500_000) as i64 - (t + 500_000) as i64, off);
            seen.insert(off);
        }
        assert!(seen.len() > 100, "residuals vary per epoch: {}", seen.len());
    }

    #[test]
    fn drawn_values_stay_within_their_bounds_and_depend_on_seed_and_machine_only() {
        let s = PhysicalClockSpec {
            skew_us: Spread::Max(50_000),
            drift_mppm: Spread::Max(500_000),
            ..spec()
        };
        let all: Vec<_> = (0..64).map(|m| s.for_machine(7, m)).collect();
        for c in &all {
            assert!(c.skew_us().abs() <= 50_000 && c.drift_mppm().abs() <= 500_000);
        }
        let skews: std::collections::BTreeSet<_> = all.iter().map(|c| c.skew_us()).collect();
        assert!(skews.len() > 60);
        assert_eq!(s.for_machine(7, 5), all[5]);
        assert_ne!(s.for_machine(8, 5).skew_us(), all[5].skew_us());
    }

    #[test]
    fn a_tick_happens_at_its_slots_due_time() {
        assert_eq!(tick_time_us(1, 4), 0);
        assert_eq!(tick_time_us(2, 4), 250_000);
        assert_eq!(tick_time_us(4, 3), 1_000_000);
    }
}
