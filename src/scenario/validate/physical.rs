//! `[physical_clock]` validated: skew and drift per machine or as a bound to draw from, the
//! granularity, the synchronisation and the maximum offset, in the model's units
//! ([`PhysicalClockSpec`]). An error names the key and what is allowed.

use super::{one_per_machine, Invalid};
use crate::model::physical::{PhysicalClockSpec, Spread, MAX_DRIFT_MPPM, MAX_SKEW_US};
use crate::scenario::limits::MAX_DURATION_S;
use crate::scenario::raw::{RawPhysicalClock, ScenarioError};

/// Largest `|skew|`, sync residual and maximum offset, in milliseconds.
const MAX_MS: f64 = (MAX_SKEW_US / 1_000) as f64;
/// Largest `|drift|`, in ppm.
const MAX_PPM: f64 = (MAX_DRIFT_MPPM / 1_000) as f64;
/// Coarsest granularity, in microseconds (one hour).
const MAX_GRANULARITY_US: i64 = 3_600_000_000;

/// `[physical_clock]`, checked key by key in the order of the README.
pub(super) fn physical_clock(
    raw: RawPhysicalClock,
    machines: u32,
    invalid: Invalid,
) -> Result<PhysicalClockSpec, ScenarioError> {
    let skew_us = spread(
        ("physical_clock.skew_ms", raw.skew_ms),
        ("physical_clock.max_skew_ms", raw.max_skew_ms),
        (MAX_MS, "ms", 1_000.0),
        machines,
        invalid,
    )?;
    let drift_mppm = spread(
        ("physical_clock.drift_ppm", raw.drift_ppm),
        ("physical_clock.max_drift_ppm", raw.max_drift_ppm),
        (MAX_PPM, "ppm", 1_000.0),
        machines,
        invalid,
    )?;
    let granularity_us = raw.granularity_us.unwrap_or(1);
    if !(0..=MAX_GRANULARITY_US).contains(&granularity_us) {
        return Err(invalid.at(
            "physical_clock.granularity_us",
            format!("is {granularity_us}; allowed: 0 to {MAX_GRANULARITY_US} microseconds"),
        ));
    }
    let sync_interval_us = match raw.sync_interval_s {
        None => 0,
        Some(s) if s.is_finite() && s > 0.0 && s <= MAX_DURATION_S => (s * 1e6).round() as u64,
        Some(s) => {
            return Err(invalid.at(
                "physical_clock.sync_interval_s",
                format!("is {s}; allowed: more than 0 and at most {MAX_DURATION_S} model seconds"),
            ))
        }
    };
    let sync_error_us = match raw.sync_error_ms {
        None => 0,
        Some(_) if sync_interval_us == 0 => {
            return Err(invalid.at(
                "physical_clock.sync_error_ms",
                "needs physical_clock.sync_interval_s; allowed: only with synchronisation".into(),
            ))
        }
        Some(e) => {
            let interval_ms = sync_interval_us as f64 / 1_000.0;
            let most = interval_ms.min(MAX_MS);
            if !(e.is_finite() && (0.0..=most).contains(&e)) {
                return Err(invalid.at(
                    "physical_clock.sync_error_ms",
                    format!(
                        "is {e}; allowed: 0 to {most} ms (a residual no larger than the sync \
                         interval, at most {MAX_MS})"
                    ),
                ));
            }
            (e * 1_000.0).round() as u64
        }
    };
    let max_offset_us = match raw.max_offset_ms {
        None => 0,
        Some(m) if m.is_finite() && m > 0.0 && m <= MAX_MS => (m * 1_000.0).round() as u64,
        Some(m) => {
            return Err(invalid.at(
                "physical_clock.max_offset_ms",
                format!("is {m}; allowed: more than 0 and at most {MAX_MS} ms"),
            ))
        }
    };
    Ok(PhysicalClockSpec {
        skew_us,
        drift_mppm,
        granularity_us: granularity_us as u64,
        sync_interval_us,
        sync_error_us,
        max_offset_us,
    })
}

/// One value per machine (`fixed`) or a bound (`max`), at most `limit` `unit`s, scaled by `scale`
/// into the model's unit. Neither given: 0 for every machine.
fn spread(
    (fixed_key, fixed): (&str, Option<Vec<f64>>),
    (max_key, max): (&str, Option<f64>),
    (limit, unit, scale): (f64, &str, f64),
    machines: u32,
    invalid: Invalid,
) -> Result<Spread, ScenarioError> {
    let check = |key: &str, v: f64, low: f64| -> Result<i64, ScenarioError> {
        if !(v.is_finite() && (low..=limit).contains(&v)) {
            return Err(invalid.at(key, format!("is {v}; allowed: {low} to {limit} {unit}")));
        }
        Ok((v * scale).round() as i64)
    };
    match (fixed, max) {
        (Some(_), Some(_)) => Err(invalid.at(
            fixed_key,
            format!("cannot be given together with {max_key}"),
        )),
        (Some(values), None) => {
            one_per_machine(fixed_key, &values, machines, invalid)?;
            let values = values.iter().map(|&v| check(fixed_key, v, -limit));
            Ok(Spread::Fixed(values.collect::<Result<_, _>>()?))
        }
        (None, Some(max)) => Ok(Spread::Max(check(max_key, max, 0.0)? as u64)),
        (None, None) => Ok(Spread::Max(0)),
    }
}
