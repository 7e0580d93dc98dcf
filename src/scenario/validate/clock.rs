//! `[clock]` validated: each machine's rate, fixed or drawn from a range, and the check that the
//! fastest machine at the scenario's speedup still ticks no faster than a host can keep up with.

use super::{one_per_machine, Invalid};
use crate::scenario::limits::{MAX_RATE, MAX_REAL_RATE};
use crate::scenario::model::RateSpec;
use crate::scenario::raw::{RawClock, ScenarioError};

/// `[clock]`: fixed rates, one per machine, or a range to draw them from.
pub(super) fn rates(
    clock: RawClock,
    machines: u32,
    invalid: Invalid,
) -> Result<RateSpec, ScenarioError> {
    let check_rate = |key: &'static str, rate: i64| -> Result<u32, ScenarioError> {
        if !(1..=i64::from(MAX_RATE)).contains(&rate) {
            return Err(invalid.at(
                key,
                format!("is {rate}; allowed: 1 to {MAX_RATE} ticks per model second"),
            ));
        }
        Ok(rate as u32)
    };
    let Some(rates) = clock.rates else {
        let min = check_rate("clock.min_rate", clock.min_rate.unwrap_or(1))?;
        let max = check_rate("clock.max_rate", clock.max_rate.unwrap_or(6))?;
        if min > max {
            return Err(invalid.at(
                "clock.min_rate",
                format!("is {min}, above clock.max_rate ({max}); allowed: at most max_rate"),
            ));
        }
        return Ok(RateSpec::Range { min, max });
    };
    if clock.min_rate.is_some() || clock.max_rate.is_some() {
        return Err(invalid.at(
            "clock.rates",
            "cannot be given together with clock.min_rate or clock.max_rate".into(),
        ));
    }
    one_per_machine("clock.rates", &rates, machines, invalid)?;
    let rates = rates
        .into_iter()
        .map(|r| check_rate("clock.rates", r))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(RateSpec::Fixed(rates))
}

/// The fastest machine's rate times `speedup`: at most [`MAX_REAL_RATE`] ticks per real second.
/// Named as `speedup`, the key a user most likely turns up too far.
pub(super) fn check_real_rate(
    rates: &RateSpec,
    speedup: f64,
    invalid: Invalid,
) -> Result<(), ScenarioError> {
    let fastest = match rates {
        RateSpec::Range { max, .. } => *max,
        RateSpec::Fixed(r) => r.iter().copied().max().unwrap_or(1),
    };
    let real_rate = f64::from(fastest) * speedup;
    if real_rate > MAX_REAL_RATE {
        return Err(invalid.at(
            "speedup",
            format!(
                "is {speedup}: the fastest machine would tick {real_rate} times per real second; \
                 allowed: at most {MAX_REAL_RATE}"
            ),
        ));
    }
    Ok(())
}
