//! How machines are grouped across runs: by their configured rate, or by their rate relative to
//! the fastest machine of their own run, binned to sixths. A run with rates [1, 1, 1] puts its
//! machines with the fastest (relative rate 1), not with the slow machines of a [1, 3, 6] run,
//! which grouping by absolute rate does (issue 17).

use serde::Serialize;

use crate::analyze::run::summary::Summary;

/// How many bins the relative rate (0, 1] is cut into: rates 1..=6 fall each on a bin edge.
pub(crate) const BINS: u32 = 6;

/// A rate class: what a group of machines across runs shares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case", tag = "by", content = "value")]
pub(crate) enum RateClass {
    /// Every machine of the run.
    All,
    /// The configured rate, ticks per model second.
    Rate(u32),
    /// The rate over the fastest rate of the run, in (`k - 1`/6, `k`/6]: `k` in 1..=6.
    Relative(u32),
}

impl RateClass {
    /// Where the class sits on a numeric x axis: the rate, or the relative bin's upper edge.
    pub(crate) fn x(self) -> f64 {
        match self {
            RateClass::All => 0.0,
            RateClass::Rate(r) => f64::from(r),
            RateClass::Relative(k) => f64::from(k) / f64::from(BINS),
        }
    }

    /// The class as a table shows it: `all`, `3`, or the bin's upper edge as a fraction (`1/2`).
    pub(crate) fn label(self) -> String {
        match self {
            RateClass::All => "all".into(),
            RateClass::Rate(r) => r.to_string(),
            RateClass::Relative(k) if k == BINS => "1".into(),
            RateClass::Relative(k) => {
                let g = gcd(k, BINS);
                format!("{}/{}", k / g, BINS / g)
            }
        }
    }
}

fn gcd(a: u32, b: u32) -> u32 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

/// The relative bin of `rate` in a run whose fastest rate is `fastest`.
pub(crate) fn relative_bin(rate: u32, fastest: u32) -> u32 {
    if fastest == 0 {
        return BINS;
    }
    // Whole-number arithmetic: rate/fastest in ((k-1)/6, k/6] is k = ceil(6 rate / fastest).
    (BINS * rate).div_ceil(fastest).clamp(1, BINS)
}

/// The machines (manifest indices) of `summary` in each class of the kind of `kind`
/// (`All`, `Rate(_)` or `Relative(_)`), classes in order. A machine whose rate is unknown (an
/// imported run) is in no class by rate.
pub(crate) fn classes(summary: &Summary, kind: RateClass) -> Vec<(RateClass, Vec<usize>)> {
    let fastest = summary
        .machines
        .iter()
        .filter_map(|m| m.rate)
        .max()
        .unwrap_or(0);
    let mut out: std::collections::BTreeMap<RateClass, Vec<usize>> = Default::default();
    for (i, m) in summary.machines.iter().enumerate() {
        let class = match (kind, m.rate) {
            (RateClass::All, _) => RateClass::All,
            (_, None) => continue,
            (RateClass::Rate(_), Some(rate)) => RateClass::Rate(rate),
            (RateClass::Relative(_), Some(rate)) => {
                RateClass::Relative(relative_bin(rate, fastest))
            }
        };
        out.entry(class).or_default().push(i);
    }
    out.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_rates_fall_into_sixths_by_their_upper_edge() {
        assert_eq!(relative_bin(1, 6), 1);
        assert_eq!(relative_bin(3, 6), 3);
        assert_eq!(relative_bin(6, 6), 6);
        assert_eq!(
            relative_bin(1, 1),
            6,
            "all at one rate: each is the fastest"
        );
        assert_eq!(relative_bin(5, 6), 5);
        assert_eq!(relative_bin(2, 5), 3, "0.4 is in (1/3, 1/2]");
        assert_eq!(RateClass::Relative(3).label(), "1/2");
        assert_eq!(RateClass::Relative(4).label(), "2/3");
        assert_eq!(RateClass::Relative(6).label(), "1");
        assert_eq!(RateClass::Relative(3).x(), 0.5);
    }
}
