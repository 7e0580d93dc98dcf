//! The time window of a diagram: given by `--from`/`--to`, or by default the first
//! [`DEFAULT_EVENTS`] clock events from the start, so that a long run stays readable. The plot
//! spans the window: [`Window::x`] is where a time falls on it.

use crate::timeline::{Timeline, TimelineError};

use super::geometry::{PLOT_LEFT, PLOT_RIGHT};

/// Clock events in the default window.
pub(crate) const DEFAULT_EVENTS: usize = 150;

/// A time window, seconds since the run start.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Window {
    pub from_s: f64,
    pub to_s: f64,
}

impl Window {
    /// Whether `t` (seconds since the run start) is inside the window.
    pub(crate) fn contains(&self, t: f64) -> bool {
        (self.from_s..=self.to_s).contains(&t)
    }

    /// Where `t` (seconds since the run start) falls on the plot, which spans the window: px
    /// from the picture's left edge.
    pub(crate) fn x(&self, t: f64) -> f64 {
        PLOT_LEFT + (t - self.from_s) / (self.to_s - self.from_s) * (PLOT_RIGHT - PLOT_LEFT)
    }

    /// Where `t`, moved inside the window first, falls on the plot.
    pub(crate) fn clipped_x(&self, t: f64) -> f64 {
        self.x(t.clamp(self.from_s, self.to_s))
    }
}

/// The window for `--from`/`--to`: each missing end is filled in. A missing start is the run
/// start; a missing end is just after the [`DEFAULT_EVENTS`]th clock event from the start.
pub(crate) fn choose_window(
    timeline: &Timeline,
    from: Option<f64>,
    to: Option<f64>,
) -> Result<Window, TimelineError> {
    for (flag, value) in [("--from", from), ("--to", to)] {
        if let Some(v) = value {
            if !v.is_finite() || v < 0.0 {
                return Err(TimelineError::Usage(format!(
                    "{flag} must be a number of seconds from the run start (0 or more), not {v}"
                )));
            }
        }
    }
    let from_s = from.unwrap_or(0.0);
    let to_s = match to {
        Some(to) => to,
        None => {
            let times: Vec<f64> = timeline
                .events
                .iter()
                .filter(|e| e.event.is_clock_event())
                .map(|e| timeline.seconds(e.timestamp))
                .filter(|&t| t >= from_s)
                .take(DEFAULT_EVENTS)
                .collect();
            match (times.first(), times.last()) {
                (Some(&first), Some(&last)) => {
                    // A little room after the last dot: 2% of the span, at least 1 ms.
                    last + ((last - first.min(from_s)) * 0.02).max(1e-3)
                }
                _ => from_s + 1.0,
            }
        }
    };
    if to_s <= from_s {
        return Err(TimelineError::Usage(format!(
            "the window is empty: --to {to_s} s is not after --from {from_s} s"
        )));
    }
    let window = Window { from_s, to_s };
    let times = || {
        timeline
            .events
            .iter()
            .filter(|e| e.event.is_clock_event())
            .map(|e| timeline.seconds(e.timestamp))
    };
    if !times().any(|t| window.contains(t)) {
        let (first, last) = times().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), t| {
            (a.min(t), b.max(t))
        });
        return Err(TimelineError::Usage(if first.is_finite() {
            format!(
                "the window {from_s} s to {to_s} s holds no clock event: the run's clock events lie between {first:.3} s and {last:.3} s"
            )
        } else {
            "the run has no clock event to draw".to_string()
        }));
    }
    Ok(window)
}
