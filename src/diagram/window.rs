//! The time window of a diagram: given by `--from`/`--to`, or by default the first
//! [`DEFAULT_EVENTS`] clock events from the start, so that a long run stays readable. The plot
//! spans the window: [`Window::x`] is where a time falls on it.

use crate::timeline::TimelineError;

use super::geometry::{PLOT_LEFT, PLOT_RIGHT};

/// Clock events in the default window.
pub(crate) const DEFAULT_EVENTS: usize = 150;

/// A time window, model seconds since the run start (real seconds times the speedup).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Window {
    pub from_s: f64,
    pub to_s: f64,
}

impl Window {
    /// Whether `t` (model seconds since the run start) is inside the window.
    pub(crate) fn contains(&self, t: f64) -> bool {
        (self.from_s..=self.to_s).contains(&t)
    }

    /// Where `t` (model seconds since the run start) falls on the plot, which spans the window: px
    /// from the picture's left edge.
    pub(crate) fn x(&self, t: f64) -> f64 {
        PLOT_LEFT + (t - self.from_s) / (self.to_s - self.from_s) * (PLOT_RIGHT - PLOT_LEFT)
    }

    /// Where `t`, moved inside the window first, falls on the plot.
    pub(crate) fn clipped_x(&self, t: f64) -> f64 {
        self.x(t.clamp(self.from_s, self.to_s))
    }
}

/// What choosing the window needs of a run's clock events, read one at a time in time order:
/// the first [`DEFAULT_EVENTS`] from the start, the first and last, and whether one falls in a
/// window given in full.
#[derive(Debug, Clone)]
pub(crate) struct WindowScan {
    from: Option<f64>,
    to: Option<f64>,
    /// Times of the first clock events at or after the start, at most [`DEFAULT_EVENTS`].
    first: Vec<f64>,
    earliest: f64,
    latest: f64,
    /// A clock event fell in `from..=to` (when both are given).
    inside: bool,
}

impl WindowScan {
    /// A scan for the window of `--from`/`--to`.
    pub(crate) fn new(from: Option<f64>, to: Option<f64>) -> WindowScan {
        WindowScan {
            from,
            to,
            first: Vec::new(),
            earliest: f64::INFINITY,
            latest: f64::NEG_INFINITY,
            inside: false,
        }
    }

    /// The next clock event, at `t` model seconds since the run start.
    pub(crate) fn clock_event(&mut self, t: f64) {
        let from_s = self.from.unwrap_or(0.0);
        if t >= from_s && self.first.len() < DEFAULT_EVENTS {
            self.first.push(t);
        }
        if let Some(to_s) = self.to {
            self.inside |= (from_s..=to_s).contains(&t);
        }
        self.earliest = self.earliest.min(t);
        self.latest = self.latest.max(t);
    }

    /// The window, once every clock event is read.
    pub(crate) fn window(self) -> Result<Window, TimelineError> {
        for (flag, value) in [("--from", self.from), ("--to", self.to)] {
            if let Some(v) = value {
                if !v.is_finite() || v < 0.0 {
                    return Err(TimelineError::Usage(format!(
                        "{flag} must be a number of model seconds from the run start (0 or more), not {v}"
                    )));
                }
            }
        }
        let from_s = self.from.unwrap_or(0.0);
        let to_s = match self.to {
            Some(to) => to,
            None => match (self.first.first(), self.first.last()) {
                (Some(&first), Some(&last)) => {
                    // A little room after the last dot: 2% of the span, at least 1 ms.
                    last + ((last - first.min(from_s)) * 0.02).max(1e-3)
                }
                _ => from_s + 1.0,
            },
        };
        if to_s <= from_s {
            return Err(TimelineError::Usage(format!(
                "the window is empty: --to {to_s} model s is not after --from {from_s} model s"
            )));
        }
        // Without `--to`, the first events from the start lie inside the window they chose.
        let inside = if self.to.is_some() {
            self.inside
        } else {
            !self.first.is_empty()
        };
        if !inside {
            let (first, last) = (self.earliest, self.latest);
            return Err(TimelineError::Usage(if first.is_finite() {
                format!(
                    "the window from model second {from_s} to {to_s} holds no clock event: the run's clock events lie between model seconds {first:.3} and {last:.3}"
                )
            } else {
                "the run has no clock event to draw".to_string()
            }));
        }
        Ok(Window { from_s, to_s })
    }
}
