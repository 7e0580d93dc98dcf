//! What the clock plots draw, gathered as the `hlc` check replays the lines: each machine's
//! physical clock error (`pt_us` minus the true model time of its tick) and `l - pt_us` over true
//! model time, and how often each value of `c` occurred.
//!
//! A machine's series keeps between [`POINTS`] and twice as many points, one per window of its
//! events: of one event at first, and when the series fills, neighbouring windows are merged two
//! by two (and later windows are twice as long). Each window keeps its event with the largest
//! `l - pt_us`, its first on a tie, so memory stays bounded, the plot spans the whole run and no
//! spike of `l - pt_us` (the bound the `hlc` check judges) is lost; a synchronisation step is a
//! near-vertical line between two neighbouring points.

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
    /// Events per window.
    stride: u64,
    seen: u64,
    /// The current window's point so far.
    window: Option<Point>,
}

/// The point a window keeps of `a` (earlier) and `b`: the larger `l - pt_us`, the earlier on a tie.
fn keep(a: Point, b: Point) -> Point {
    if b.2 > a.2 {
        b
    } else {
        a
    }
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
        d.window = Some(d.window.map_or(point, |w| keep(w, point)));
        d.seen += 1;
        if d.seen.is_multiple_of(d.stride) {
            d.points.extend(d.window.take());
            if d.points.len() >= 2 * POINTS {
                d.points = d.points.chunks(2).map(|p| keep(p[0], p[1])).collect();
                d.stride *= 2;
            }
        }
        let slot = (c as usize).min(C_SLOTS);
        if self.c_counts.len() <= slot {
            self.c_counts.resize(slot + 1, 0);
        }
        self.c_counts[slot] += 1;
    }

    /// The series of the machine at index `machine`, its last window's point included (empty if
    /// it had no clock event).
    pub(crate) fn machine(&self, machine: usize) -> Vec<Point> {
        self.machines.get(machine).map_or_else(Vec::new, |d| {
            d.points.iter().copied().chain(d.window).collect()
        })
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
        assert!(pts[pts.len() - 2].0 + 2 * stride >= events);
        assert!(s.machine(0).is_empty());
        // The last events, in an unfinished window, are there too.
        assert_eq!(pts.last().unwrap().0 / stride, (events - 1) / stride);
        assert_eq!(s.c_histogram(), [[0, 33_334], [1, 33_333], [2, 33_333]]);
    }

    #[test]
    fn a_single_spike_of_l_minus_pt_survives_among_a_hundred_thousand_events() {
        let mut s = ClockSeries::default();
        for k in 0..100_000u64 {
            let excess = if k == 61_234 { 70_000 } else { k % 7 };
            s.push(0, (k, 0, excess), 0);
        }
        let pts = s.machine(0);
        assert!(pts.len() < 2 * POINTS + 1, "{}", pts.len());
        assert!(pts.contains(&(61_234, 0, 70_000)), "the spike was dropped");
    }
}
