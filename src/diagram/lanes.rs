//! The diagram's lanes: one horizontal line per machine, spaced to fit the picture, drawn only
//! where the machine was alive (from the start to a death, and again from a restart).

use crate::timeline::Timeline;

use super::faults::Marks;
use super::window::Window;

/// Top of the first lane.
const FIRST_LANE: f64 = 110.0;
/// Distance between lanes, for a few machines; more machines share [`LANES_HEIGHT`].
const LANE_GAP: f64 = 120.0;
/// Height the lanes may take before their gap shrinks (down to [`MIN_LANE_GAP`]).
const LANES_HEIGHT: f64 = 720.0;
/// Smallest distance between lanes (64 machines: the last lane at 1,118 px, the axis at 1,178 px,
/// a picture 1,288 px tall).
const MIN_LANE_GAP: f64 = 16.0;
/// Distance from the last lane down to the time axis.
const AXIS_BELOW: f64 = 60.0;

/// One machine's horizontal line.
#[derive(Debug, Clone, PartialEq)]
pub struct Lane {
    pub machine: u32,
    /// Index of the machine in the manifest, which picks its colour.
    pub colour: usize,
    pub y: f64,
    /// "machine 0", and "rate 4/s" below it.
    pub label: String,
    pub sublabel: String,
    /// The stretches (x1, x2) in which the machine was alive, inside the window.
    pub segments: Vec<(f64, f64)>,
}

/// Distance between lanes, px, for `machines` machines.
pub(crate) fn lane_gap(machines: usize) -> f64 {
    (LANES_HEIGHT / machines.max(1) as f64).clamp(MIN_LANE_GAP, LANE_GAP)
}

/// y of the time axis below `machines` lanes `gap` apart.
pub(crate) fn axis_y(machines: usize, gap: f64) -> f64 {
    FIRST_LANE + gap * (machines.max(1) - 1) as f64 + AXIS_BELOW
}

/// One lane per machine of `timeline`, `gap` apart, alive as `marks` say, inside `window`.
pub(crate) fn lanes(timeline: &Timeline, marks: &Marks, window: Window, gap: f64) -> Vec<Lane> {
    timeline
        .machines
        .iter()
        .enumerate()
        .map(|(i, m)| Lane {
            machine: m.id,
            colour: i,
            y: FIRST_LANE + gap * i as f64,
            label: format!("machine {}", m.id),
            sublabel: crate::timeline::rate_text(m.rate),
            segments: alive(m.id, marks, window)
                .into_iter()
                .filter(|&(a, b)| b >= window.from_s && a <= window.to_s)
                .map(|(a, b)| (window.clipped_x(a), window.clipped_x(b)))
                .collect(),
        })
        .collect()
}

/// The lane of machine `id`, if the manifest lists it.
pub(crate) fn lane_of<'a>(timeline: &Timeline, lanes: &'a [Lane], id: u32) -> Option<&'a Lane> {
    timeline.machine_index(id).map(|i| &lanes[i])
}

/// The stretches (from, to), model seconds, in which machine `id` was alive: from the start to each
/// death, and again from each restart; the last one open to the window's end.
fn alive(id: u32, marks: &Marks, window: Window) -> Vec<(f64, f64)> {
    let mut changes: Vec<(f64, bool)> = marks
        .deaths
        .iter()
        .filter(|d| d.0 == id)
        .map(|d| (d.1, false))
        .chain(
            marks
                .restarts
                .iter()
                .filter(|r| r.0 == id)
                .map(|r| (r.1, true)),
        )
        .collect();
    changes.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut segments = Vec::new();
    let mut from = Some(window.from_s.min(0.0));
    for (t, alive) in changes {
        match (alive, from) {
            (false, Some(f)) => {
                segments.push((f, t));
                from = None;
            }
            (true, None) => from = Some(t),
            _ => {}
        }
    }
    if let Some(f) = from {
        segments.push((f, window.to_s));
    }
    segments
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_few_machines_are_a_full_gap_apart_and_many_share_the_lanes_height() {
        assert_eq!(lane_gap(3), LANE_GAP);
        assert_eq!(lane_gap(6), LANE_GAP);
        for machines in [7, 10, 20, 45] {
            assert_eq!(lane_gap(machines) * machines as f64, LANES_HEIGHT);
        }
        // 64 machines: the smallest gap, the last lane at 1,118 px and the axis below it.
        assert_eq!(lane_gap(64), MIN_LANE_GAP);
        assert_eq!(axis_y(64, lane_gap(64)), 1_118.0 + AXIS_BELOW);
        assert_eq!(
            axis_y(3, lane_gap(3)),
            FIRST_LANE + 2.0 * LANE_GAP + AXIS_BELOW
        );
    }

    #[test]
    fn a_machine_that_died_and_restarted_is_alive_in_two_stretches() {
        let marks = Marks {
            deaths: vec![(1, 3.0), (2, 4.0)],
            restarts: vec![(1, 5.0)],
            ..Marks::default()
        };
        let window = Window {
            from_s: 1.0,
            to_s: 8.0,
        };
        assert_eq!(alive(1, &marks, window), [(0.0, 3.0), (5.0, 8.0)]);
        assert_eq!(alive(2, &marks, window), [(0.0, 4.0)]);
        assert_eq!(alive(0, &marks, window), [(0.0, 8.0)]);
    }
}
