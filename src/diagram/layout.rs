//! Placing a diagram, as a sequence of steps: lanes, one per machine ([`super::lanes`]); a dot
//! per clock event in the window (x by model time since the run start); an arrow per message from its send to its
//! receive, clipped at the window's edges ([`super::arrows`]); the marks of faults; the text
//! around them ([`super::labels`]).

use crate::log_format::Event;
use crate::runlog::Line;
use crate::timeline::{Message, Timeline};

use super::arrows::{drop_stubs, message_arrows, Arrow};
use super::faults::{self, FaultSpan};
use super::geometry::{LABEL_GAP, LABEL_LIMIT, WIDTH};
use super::labels::{axis_ticks, hover, subtitle, title};
use super::lanes::{axis_y, lane_gap, lane_of, lanes, Lane};
use super::window::Window;

/// Room under the time axis for its caption and the legend.
const BELOW_AXIS: f64 = 110.0;

/// A placed diagram, ready to render.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub width: f64,
    pub height: f64,
    pub title: String,
    pub subtitle: String,
    pub lanes: Vec<Lane>,
    pub dots: Vec<Dot>,
    pub arrows: Vec<Arrow>,
    /// Axis ticks: x and label (model seconds).
    pub ticks: Vec<(f64, String)>,
    /// y of the time axis.
    pub axis_y: f64,
    /// Whether the dots carry their Lamport values as labels.
    pub labels: bool,
    /// Distance between lanes, px.
    pub lane_gap: f64,
    /// Where a machine died (its line ends) or restarted (its line resumes).
    pub deaths: Vec<Marker>,
    pub restarts: Vec<Marker>,
    /// Pause, delay and partition spans, shaded on their machine's line.
    pub shades: Vec<Shade>,
    /// Messages dropped instead of sent: a cut arrow toward the recipient.
    pub drops: Vec<Arrow>,
}

/// A point mark with hover text.
#[derive(Debug, Clone, PartialEq)]
pub struct Marker {
    pub x: f64,
    pub y: f64,
    pub title: String,
}

/// A shaded span on a lane.
#[derive(Debug, Clone, PartialEq)]
pub struct Shade {
    pub x1: f64,
    pub x2: f64,
    pub y: f64,
    /// `pause`, `delay` or `partition`.
    pub kind: String,
    pub title: String,
}

/// The three kinds of dots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DotKind {
    Internal,
    Send,
    Recv,
}

/// One clock event.
#[derive(Debug, Clone, PartialEq)]
pub struct Dot {
    pub x: f64,
    pub y: f64,
    pub kind: DotKind,
    pub colour: usize,
    /// Hover text: machine, event, Lamport value, vector clock, time.
    pub title: String,
    /// The Lamport value written beside the dot, when the window has few events.
    pub label: Option<String>,
}

/// What a diagram needs of the whole run besides the lines it draws: the time of its last line,
/// its marks and how many clock events it has. A streamed diagram reads them as it goes
/// ([`super::command`]); [`layout`] reads them from the timeline's lines.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Overview {
    /// Seconds from the run start to its last line (`None`: no line).
    pub end_s: Option<f64>,
    pub marks: faults::Marks,
    pub clock_events: usize,
}

impl Overview {
    /// The overview of a run read into `timeline`, for a diagram of `window`.
    // Only the tests lay out a whole timeline; the command streams (`layout_of`).
    #[cfg(test)]
    pub(crate) fn of(timeline: &Timeline, window: Window) -> Overview {
        let end_s = timeline
            .events
            .last()
            .map(|e| timeline.model_seconds(e.timestamp));
        // A fault span still open at the end lasts to the last line, or to the window's end.
        let marks = faults::marks(timeline, end_s.unwrap_or(window.to_s).max(window.to_s));
        let clock_events = timeline
            .events
            .iter()
            .filter(|e| e.event.is_clock_event())
            .count();
        Overview {
            end_s,
            marks,
            clock_events,
        }
    }
}

/// Place the events of `timeline` inside `window`.
// Only the tests lay out a whole timeline; the command streams (`layout_of`).
#[cfg(test)]
pub(crate) fn layout(timeline: &Timeline, messages: &[Message], window: Window) -> Layout {
    layout_of(timeline, messages, window, Overview::of(timeline, window))
}

/// Place the events of `timeline` inside `window`, with what `overview` says of the whole run:
/// `timeline` need only hold the clock events in the window and the ends of `messages`.
pub(crate) fn layout_of(
    timeline: &Timeline,
    messages: &[Message],
    window: Window,
    overview: Overview,
) -> Layout {
    let lane_gap = lane_gap(timeline.machines.len());
    let marks = overview.marks;
    let lanes = lanes(timeline, &marks, window, lane_gap);
    let in_window: Vec<&Line> = timeline
        .events
        .iter()
        .filter(|e| {
            e.event.is_clock_event() && window.contains(timeline.model_seconds(e.timestamp))
        })
        .collect();
    let labels = in_window.len() <= LABEL_LIMIT && lane_gap >= LABEL_GAP;
    let axis_y = axis_y(lanes.len(), lane_gap);
    Layout {
        width: WIDTH,
        height: axis_y + BELOW_AXIS,
        title: title(timeline),
        subtitle: subtitle(timeline, overview.clock_events, in_window.len(), window),
        dots: dots(timeline, &in_window, &lanes, window, labels),
        arrows: message_arrows(timeline, messages, &lanes, window),
        ticks: axis_ticks(window)
            .into_iter()
            .map(|(t, label)| (window.x(t), label))
            .collect(),
        axis_y,
        labels,
        lane_gap,
        deaths: markers(timeline, &marks.deaths, "died", &lanes, window),
        restarts: markers(timeline, &marks.restarts, "restarted", &lanes, window),
        shades: shades(timeline, &marks.spans, &lanes, window),
        drops: drop_stubs(timeline, &marks.drops, &lanes, window, lane_gap),
        lanes,
    }
}

/// A dot for each event of `events` on its machine's lane; with `labels`, its Lamport value
/// beside it unless that would overlap the previous label on the lane.
fn dots(
    timeline: &Timeline,
    events: &[&Line],
    lanes: &[Lane],
    window: Window,
    labels: bool,
) -> Vec<Dot> {
    let mut label_end: Vec<f64> = vec![f64::NEG_INFINITY; lanes.len()];
    events
        .iter()
        .filter_map(|e| {
            let lane = lane_of(timeline, lanes, e.machine)?;
            let t = timeline.model_seconds(e.timestamp);
            // Only clock events are in `events`; anything else would be drawn as internal.
            let kind = match e.event {
                Event::Send { .. } => DotKind::Send,
                Event::Recv { .. } => DotKind::Recv,
                _ => DotKind::Internal,
            };
            let x = window.x(t);
            let text = e.event.lamport().unwrap_or(0).to_string();
            // Half the label's width at its font size.
            let half = 3.2 * text.len() as f64 + 1.0;
            let slot = &mut label_end[lane.colour];
            let label = (labels && x - half >= *slot).then(|| {
                *slot = x + half;
                text
            });
            Some(Dot {
                x,
                y: lane.y,
                kind,
                colour: lane.colour,
                title: hover(e, t, timeline.real_seconds(e.timestamp)),
                label,
            })
        })
        .collect()
}

/// A marker for each (machine, t) of `at` inside `window`, titled "machine 1 `what` · t=...".
fn markers(
    timeline: &Timeline,
    at: &[(u32, f64)],
    what: &str,
    lanes: &[Lane],
    window: Window,
) -> Vec<Marker> {
    at.iter()
        .filter_map(|&(m, t)| {
            let lane = lane_of(timeline, lanes, m)?;
            window.contains(t).then(|| Marker {
                x: window.x(t),
                y: lane.y,
                title: format!("machine {m} {what} · t={t:.6} s"),
            })
        })
        .collect()
}

/// A shade for each fault span of `spans` that overlaps `window`, at least 2 px wide.
fn shades(timeline: &Timeline, spans: &[FaultSpan], lanes: &[Lane], window: Window) -> Vec<Shade> {
    spans
        .iter()
        .filter(|s| s.to_s >= window.from_s && s.from_s <= window.to_s)
        .filter_map(|s| {
            Some(Shade {
                x1: window.clipped_x(s.from_s),
                x2: window
                    .clipped_x(s.to_s)
                    .max(window.clipped_x(s.from_s) + 2.0),
                y: lane_of(timeline, lanes, s.machine)?.y,
                kind: s.kind.clone(),
                title: format!(
                    "machine {}: {} · model second {:.3} to {:.3}",
                    s.machine, s.detail, s.from_s, s.to_s
                ),
            })
        })
        .collect()
}
