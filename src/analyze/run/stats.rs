//! Bounded-memory statistics: a log-bucket histogram, a least-squares fit, and a time table that
//! keeps at most a fixed number of rows by halving its resolution.

use std::collections::BTreeMap;

/// Sub-buckets per power of two above [`EXACT`]: values are kept to within 1/1024 (0.1%).
const SUB_BITS: u32 = 10;
/// Values below this are counted exactly.
const EXACT: u64 = 1 << (SUB_BITS + 1);

/// Counts of non-negative integers (microseconds, clock units), exact below 2048 and to 0.1% above
/// (exact too when a bucket holds one distinct value); memory grows with the number of distinct
/// buckets, not with the number of values.
#[derive(Debug, Default, Clone)]
pub struct LogHistogram {
    /// Bucket floor -> (count, smallest value seen in the bucket).
    buckets: BTreeMap<u64, (u64, u64)>,
    count: u64,
    sum: u128,
    max: u64,
}

impl LogHistogram {
    pub fn add(&mut self, value: u64) {
        let bucket = self.buckets.entry(Self::floor(value)).or_insert((0, value));
        bucket.0 += 1;
        bucket.1 = bucket.1.min(value);
        self.count += 1;
        self.sum += u128::from(value);
        self.max = self.max.max(value);
    }

    /// The lowest value of `value`'s bucket.
    fn floor(value: u64) -> u64 {
        if value < EXACT {
            return value;
        }
        let shift = (63 - value.leading_zeros()) - SUB_BITS;
        (value >> shift) << shift
    }

    pub fn count(&self) -> u64 {
        self.count
    }

    pub fn max(&self) -> u64 {
        self.max
    }

    pub fn mean(&self) -> f64 {
        if self.count == 0 {
            0.0
        } else {
            self.sum as f64 / self.count as f64
        }
    }

    /// Nearest-rank percentile (`q` in 0..=1): the smallest value with at least `q` of the
    /// values at or below it (above [`EXACT`], the smallest value seen in its bucket); 0 when empty.
    pub fn percentile(&self, q: f64) -> u64 {
        let rank = ((q * self.count as f64).ceil() as u64).max(1);
        let mut seen = 0;
        for &(n, smallest) in self.buckets.values() {
            seen += n;
            if seen >= rank {
                return smallest;
            }
        }
        0
    }
}

/// Running least-squares fit of `y = a + b x`.
#[derive(Debug, Default, Clone, Copy)]
pub struct LeastSquares {
    n: f64,
    sx: f64,
    sy: f64,
    sxx: f64,
    sxy: f64,
}

impl LeastSquares {
    pub fn add(&mut self, x: f64, y: f64) {
        self.n += 1.0;
        self.sx += x;
        self.sy += y;
        self.sxx += x * x;
        self.sxy += x * y;
    }

    /// The slope `b`, 0 with fewer than two distinct `x`.
    pub fn slope(&self) -> f64 {
        let den = self.n * self.sxx - self.sx * self.sx;
        if self.n < 2.0 || den.abs() < f64::EPSILON {
            0.0
        } else {
            (self.n * self.sxy - self.sx * self.sy) / den
        }
    }
}

/// Rows of `(time, values...)` sampled at a regular step, keeping every `stride`-th row; when
/// twice `max_rows` are held, every other row is dropped and the stride doubles. The memory is
/// bounded and the rows stay evenly spaced.
#[derive(Debug, Clone)]
pub struct TimeTable {
    max_rows: usize,
    stride: u64,
    offered: u64,
    pub times: Vec<f64>,
    pub rows: Vec<Vec<f64>>,
}

impl TimeTable {
    pub fn new(max_rows: usize) -> TimeTable {
        TimeTable {
            max_rows: max_rows.max(2),
            stride: 1,
            offered: 0,
            times: Vec::new(),
            rows: Vec::new(),
        }
    }

    /// Offer the next regular row; it is kept if it falls on the current stride.
    pub fn offer(&mut self, time: f64, values: &[f64]) {
        let keep = self.offered.is_multiple_of(self.stride);
        self.offered += 1;
        if !keep {
            return;
        }
        self.times.push(time);
        self.rows.push(values.to_vec());
        if self.times.len() >= 2 * self.max_rows {
            let mut i = 0;
            self.times.retain(|_| {
                i += 1;
                i % 2 == 1
            });
            let mut i = 0;
            self.rows.retain(|_| {
                i += 1;
                i % 2 == 1
            });
            self.stride *= 2;
        }
    }

    /// Add a last row (the end of the run) whatever the stride.
    pub fn push_last(&mut self, time: f64, values: &[f64]) {
        if self.times.last() != Some(&time) {
            self.times.push(time);
            self.rows.push(values.to_vec());
        }
    }

    /// Column `col` as `(time, value)` points.
    pub fn column(&self, col: usize) -> Vec<(f64, f64)> {
        self.times
            .iter()
            .zip(&self.rows)
            .map(|(&t, row)| (t, row[col]))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        let mut h = LogHistogram::default();
        for v in [5, 1, 3, 2, 4, 100, 7, 8, 9, 10] {
            h.add(v);
        }
        assert_eq!(h.percentile(0.5), 5);
        assert_eq!(h.percentile(0.95), 100);
        assert_eq!(h.percentile(0.1), 1);
        assert_eq!(h.max(), 100);
        assert!((h.mean() - 14.9).abs() < 1e-9);
        assert_eq!(LogHistogram::default().percentile(0.5), 0);
    }

    #[test]
    fn large_values_are_within_a_thousandth() {
        let mut h = LogHistogram::default();
        h.add(1_234_567);
        let p = h.percentile(0.5);
        assert!(p <= 1_234_567 && p as f64 >= 1_234_567.0 * 0.999, "{p}");
        h.add(5_000);
        assert_eq!(
            h.percentile(0.5),
            5_000,
            "multiples of the bucket width are exact"
        );
    }

    #[test]
    fn a_slope_is_fitted() {
        let mut ls = LeastSquares::default();
        for x in 0..10 {
            ls.add(x as f64, 3.0 - 2.0 * x as f64);
        }
        assert!((ls.slope() + 2.0).abs() < 1e-9);
    }

    #[test]
    fn a_time_table_stays_bounded_and_even() {
        let mut t = TimeTable::new(4);
        for i in 0..100 {
            t.offer(i as f64, &[i as f64]);
        }
        assert!(t.times.len() < 8);
        let gaps: Vec<f64> = t.times.windows(2).map(|w| w[1] - w[0]).collect();
        assert!(gaps.iter().all(|&g| g == gaps[0]), "{gaps:?}");
        t.push_last(99.0, &[99.0]);
        assert_eq!(t.column(0).last(), Some(&(99.0, 99.0)));
    }
}
