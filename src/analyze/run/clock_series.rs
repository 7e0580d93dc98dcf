//! What the clock plots draw, gathered as the `hlc` check replays the lines: each machine's
//! physical clock error (`pt_us` minus the true model time of its tick) and `l - pt_us` over true
//! model time, and how often each value of `c` occurred.
//!
//! A machine's series keeps between [`POINTS`] and twice as many points, evenly spread over its
//! events (every other point is dropped when it fills, and from then on every second event is
//! taken, then every fourth, ...), so memory stays bounded and the plot shows the whole run;
//! a synchronisation step is then a near-vertical line between two neighbouring points.

/// Fewest points a machine's series keeps once it has that many events.
pub(crate) const POINTS: usize = 1_000;
/// Largest `c` counted on its own; larger ones (none, by the bound the check proves) count here.
const C_SLOTS: usize = 4_096;

/// One event of a series: true model time (µs), `pt_us - true` (µs), `l - pt_us` (µs).
pub(crate) type Point = (u64, i64, u64);

/// One machine's decimated series.
#[derive(Debug, Clone, Default, PartialEq)]
struct Decimated {
    points: Vec<Point>,
    /// Take one event in `stride`.
    stride: u64,
    seen: u64,
}

/// The clock plots' data of a run.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct ClockSeries {
    machines: Vec<Decimated>,
    /// `c_counts[c]`: events whose HLC had this `c`.
    c_counts: Vec<u64>,
}

impl ClockSeries {
    /// Record one clock event of the machine at index `machine`.
    pub(crate) fn push(&mut self, machine: usize, point: Point, c: u64) {
        if self.machines.len() <= machine {
            self.machines.resize(machine + 1, Decimated::default());
        }
        let d = &mut self.machines[machine];
        d.stride = d.stride.max(1);
        if d.seen.is_multiple_of(d.stride) {
            d.points.push(point);
            if d.points.len() >= 2 * POINTS {
                let mut k = 0;
                d.points.retain(|_| {
                    k += 1;
                    k % 2 == 1
                });
                d.stride *= 2;
            }
        }
        d.seen += 1;
        let slot = (c as usize).min(C_SLOTS);
        if self.c_counts.len() <= slot {
            self.c_counts.resize(slot + 1, 0);
        }
        self.c_counts[slot] += 1;
    }

    /// The series of the machine at index `machine` (empty if it had no clock event).
    pub(crate) fn machine(&self, machine: usize) -> &[Point] {
        self.machines.get(machine).map_or(&[], |d| &d.points)
    }

    /// `[c, events]` for every value of `c` seen, smallest first.
    pub(crate) fn c_histogram(&self) -> Vec<[u64; 2]> {
        self.c_counts
            .iter()
            .enumerate()
            .filter(|(_, &n)| n > 0)
            .map(|(c, &n)| [c as u64, n])
            .collect()
    }

    /// Whether any event was recorded.
    pub(crate) fn is_empty(&self) -> bool {
        self.c_counts.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_series_stays_bounded_evenly_spread_and_keeps_its_first_point() {
        let mut s = ClockSeries::default();
        let events = 100_000u64;
        for k in 0..events {
            s.push(1, (k, k as i64, 0), k % 3);
        }
        let pts = s.machine(1);
        assert!((POINTS..2 * POINTS).contains(&pts.len()), "{}", pts.len());
        assert_eq!(pts[0].0, 0);
        // Evenly spread: one stride between every two points, and the last near the end.
        let stride = pts[1].0 - pts[0].0;
        assert!(pts.windows(2).all(|w| w[1].0 - w[0].0 == stride));
        assert!(pts.last().unwrap().0 + stride >= events - stride);
        assert!(s.machine(0).is_empty());
        assert_eq!(s.c_histogram(), [[0, 33_334], [1, 33_333], [2, 33_333]]);
    }
}
