//! A figure over several runs: its mean, a 95% confidence interval for that mean (Student's t
//! over the runs, which are the independent samples), and its spread (min and max).

use serde::Serialize;

/// Two-sided 95% quantiles of Student's t by degrees of freedom (1..=30, then 40, 60, 120);
/// between table entries the quantile is interpolated in 1/df, which is nearly linear.
const T975: [(u32, f64); 33] = [
    (1, 12.706),
    (2, 4.303),
    (3, 3.182),
    (4, 2.776),
    (5, 2.571),
    (6, 2.447),
    (7, 2.365),
    (8, 2.306),
    (9, 2.262),
    (10, 2.228),
    (11, 2.201),
    (12, 2.179),
    (13, 2.160),
    (14, 2.145),
    (15, 2.131),
    (16, 2.120),
    (17, 2.110),
    (18, 2.101),
    (19, 2.093),
    (20, 2.086),
    (21, 2.080),
    (22, 2.074),
    (23, 2.069),
    (24, 2.064),
    (25, 2.060),
    (26, 2.056),
    (27, 2.052),
    (28, 2.048),
    (29, 2.045),
    (30, 2.042),
    (40, 2.021),
    (60, 2.000),
    (120, 1.980),
];

/// The normal quantile, the limit of t for many degrees of freedom.
const Z975: f64 = 1.960;

/// The 0.975 quantile of Student's t with `df` degrees of freedom (`df` at least 1).
pub(crate) fn t975(df: u32) -> f64 {
    let df = df.max(1);
    let mut below = (1, T975[0].1);
    for &(d, t) in &T975 {
        if d == df {
            return t;
        }
        if d > df {
            return between(below, (d, t), df);
        }
        below = (d, t);
    }
    // Beyond 120: towards the normal quantile at infinity (1/df = 0).
    let (d0, t0) = below;
    let w = f64::from(d0) / f64::from(df);
    Z975 + (t0 - Z975) * w
}

/// Linear in 1/df between two table entries.
fn between((d0, t0): (u32, f64), (d1, t1): (u32, f64), df: u32) -> f64 {
    let inv = |d: u32| 1.0 / f64::from(d);
    let w = (inv(df) - inv(d1)) / (inv(d0) - inv(d1));
    t1 + (t0 - t1) * w
}

/// A figure's mean over runs, its 95% confidence interval (absent for a single run) and its
/// range over the runs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub(crate) struct Interval {
    /// Runs (samples).
    pub n: usize,
    pub mean: f64,
    /// The 95% confidence interval of the mean, `[low, high]`; `None` for n = 1.
    pub ci95: Option<[f64; 2]>,
    pub min: f64,
    pub max: f64,
}

impl Interval {
    /// The interval of `values`, one per run; `None` when there are none.
    pub(crate) fn of(values: &[f64]) -> Option<Interval> {
        if values.is_empty() {
            return None;
        }
        let (mean, sd) = super::aggregate::mean_sd(values);
        let n = values.len();
        let ci95 = (n > 1).then(|| {
            let half = t975(n as u32 - 1) * sd / (n as f64).sqrt();
            [mean - half, mean + half]
        });
        Some(Interval {
            n,
            mean,
            ci95,
            min: values.iter().copied().fold(f64::INFINITY, f64::min),
            max: values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        })
    }

    /// Whether the two confidence intervals share no point (both must exist).
    pub(crate) fn apart(&self, other: &Interval) -> bool {
        match (self.ci95, other.ci95) {
            (Some([a0, a1]), Some([b0, b1])) => a1 < b0 || b1 < a0,
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_quantiles_match_the_table_and_interpolate_between() {
        assert_eq!(t975(4), 2.776);
        assert!((t975(50) - 2.009).abs() < 0.002, "{}", t975(50));
        assert!((t975(1000) - 1.962).abs() < 0.003, "{}", t975(1000));
    }

    #[test]
    fn a_confidence_interval_by_hand() {
        // mean 4, sd 2, n 3: half = 4.303 * 2 / sqrt(3) = 4.9687
        let i = Interval::of(&[2.0, 4.0, 6.0]).unwrap();
        assert_eq!((i.mean, i.min, i.max, i.n), (4.0, 2.0, 6.0, 3));
        let [lo, hi] = i.ci95.unwrap();
        assert!((hi - 4.0 - 4.9687).abs() < 1e-3 && (4.0 - lo - 4.9687).abs() < 1e-3);
        assert_eq!(Interval::of(&[1.5]).unwrap().ci95, None);
        assert_eq!(Interval::of(&[]), None);
    }
}
