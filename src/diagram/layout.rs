//! Placing a diagram: one lane per machine, a dot per clock event in the window (x by system
//! time), an arrow per message from its send to its receive, clipped at the window's edges.

use crate::timeline::{Event, Kind, Message, Timeline};

use super::labels::{axis_ticks, hover};
use super::window::Window;

/// Picture width, px.
pub const WIDTH: f64 = 1200.0;
/// Left edge of the plot (room for the lane labels).
pub const PLOT_LEFT: f64 = 170.0;
/// Right edge of the plot.
pub const PLOT_RIGHT: f64 = WIDTH - 40.0;
/// Top of the first lane.
const FIRST_LANE: f64 = 110.0;
/// Distance between lanes, for a few machines; more machines share [`LANES_HEIGHT`].
const LANE_GAP: f64 = 120.0;
/// Height the lanes may take before their gap shrinks (down to [`MIN_LANE_GAP`]).
const LANES_HEIGHT: f64 = 720.0;
/// Smallest distance between lanes (64 machines: about 1,150 px in all).
const MIN_LANE_GAP: f64 = 16.0;
/// Lamport values are written beside the dots when the window holds at most this many events.
pub const LABEL_LIMIT: usize = 90;
/// Radius of send and receive dots (internal dots are smaller).
pub const DOT_RADIUS: f64 = 6.5;

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
    /// Axis ticks: x and label (seconds).
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

/// One message, from (x1, y1) to (x2, y2); an end outside the window is on the window's edge.
#[derive(Debug, Clone, PartialEq)]
pub struct Arrow {
    pub x1: f64,
    pub y1: f64,
    pub x2: f64,
    pub y2: f64,
    /// Colour of the sender.
    pub colour: usize,
    pub clipped_start: bool,
    pub clipped_end: bool,
    pub title: String,
}

/// Place the events of `timeline` inside `window`.
pub fn layout(timeline: &Timeline, messages: &[Message], window: Window) -> Layout {
    let n = timeline.machines.len().max(1);
    let lane_gap = (LANES_HEIGHT / n as f64).clamp(MIN_LANE_GAP, LANE_GAP);
    let span = window.to_s - window.from_s;
    let x_of = |t: f64| PLOT_LEFT + (t - window.from_s) / span * (PLOT_RIGHT - PLOT_LEFT);
    let clip = |t: f64| x_of(t.clamp(window.from_s, window.to_s));
    let end_s = timeline
        .events
        .last()
        .map_or(window.to_s, |e| timeline.seconds(e.ts_us));
    let marks = super::faults::marks(timeline, end_s.max(window.to_s));
    let lanes: Vec<Lane> = timeline
        .machines
        .iter()
        .enumerate()
        .map(|(i, m)| {
            // Alive from the start to each death, and again from each restart.
            let mut changes: Vec<(f64, bool)> = marks
                .deaths
                .iter()
                .filter(|d| d.0 == m.id)
                .map(|d| (d.1, false))
                .chain(
                    marks
                        .restarts
                        .iter()
                        .filter(|r| r.0 == m.id)
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
            Lane {
                machine: m.id,
                colour: i,
                y: FIRST_LANE + lane_gap * i as f64,
                label: format!("machine {}", m.id),
                sublabel: format!("rate {}/s", m.rate),
                segments: segments
                    .into_iter()
                    .filter(|&(a, b)| b >= window.from_s && a <= window.to_s)
                    .map(|(a, b)| (clip(a), clip(b)))
                    .collect(),
            }
        })
        .collect();
    let lane_of = |id: u32| timeline.machine_index(id).map(|i| &lanes[i]);

    let in_window: Vec<&Event> = timeline
        .events
        .iter()
        .filter(|e| e.is_clock_event() && window.contains(timeline.seconds(e.ts_us)))
        .collect();
    let labels = in_window.len() <= LABEL_LIMIT && lane_gap >= 40.0;
    // A label is skipped when it would overlap the previous one on its lane.
    let mut label_end: Vec<f64> = vec![f64::NEG_INFINITY; lanes.len()];
    let dots = in_window
        .iter()
        .filter_map(|e| {
            let lane = lane_of(e.machine)?;
            let t = timeline.seconds(e.ts_us);
            let kind = match e.kind {
                Kind::Send { .. } => DotKind::Send,
                Kind::Recv { .. } => DotKind::Recv,
                _ => DotKind::Internal,
            };
            let x = x_of(t);
            let text = e.lamport.unwrap_or(0).to_string();
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
                title: hover(e, t),
                label,
            })
        })
        .collect();

    let mut arrows = Vec::new();
    for m in messages {
        let (Some(s), Some(r)) = (m.send, m.recv) else {
            continue;
        };
        let (send, recv) = (&timeline.events[s], &timeline.events[r]);
        let (ts, tr) = (timeline.seconds(send.ts_us), timeline.seconds(recv.ts_us));
        if tr < window.from_s || ts > window.to_s {
            continue;
        }
        let (Some(from), Some(to)) = (lane_of(m.from), lane_of(m.to)) else {
            continue;
        };
        let (xs, xr) = (x_of(ts), x_of(tr));
        let y_at = |x: f64| {
            if xr == xs {
                from.y
            } else {
                from.y + (to.y - from.y) * (x - xs) / (xr - xs)
            }
        };
        let clipped_start = ts < window.from_s;
        let clipped_end = tr > window.to_s;
        let (x1, y1) = if clipped_start {
            (PLOT_LEFT, y_at(PLOT_LEFT))
        } else {
            (xs, from.y)
        };
        let (x2, y2) = if clipped_end {
            (PLOT_RIGHT, y_at(PLOT_RIGHT))
        } else {
            // Stop at the receive dot's edge so that the arrowhead shows.
            let (dx, dy) = (xr - x1, to.y - y1);
            let len = (dx * dx + dy * dy).sqrt().max(1e-9);
            let back = (DOT_RADIUS + 1.0).min(len / 2.0);
            (xr - dx / len * back, to.y - dy / len * back)
        };
        arrows.push(Arrow {
            x1,
            y1,
            x2,
            y2,
            colour: lane_of(m.from).map_or(0, |l| l.colour),
            clipped_start,
            clipped_end,
            title: format!(
                "message machine {} → machine {} · lamport {} · sent t={ts:.6} s · received t={tr:.6} s",
                m.from, m.to, m.lamport
            ),
        });
    }

    let in_span = |t: f64| window.contains(t);
    let marker = |&(m, t): &(u32, f64), what: &str| {
        let lane = lane_of(m)?;
        in_span(t).then(|| Marker {
            x: x_of(t),
            y: lane.y,
            title: format!("machine {m} {what} · t={t:.6} s"),
        })
    };
    let deaths = marks
        .deaths
        .iter()
        .filter_map(|d| marker(d, "died"))
        .collect();
    let restarts = marks
        .restarts
        .iter()
        .filter_map(|r| marker(r, "restarted"))
        .collect();
    let shades = marks
        .spans
        .iter()
        .filter(|s| s.to_s >= window.from_s && s.from_s <= window.to_s)
        .filter_map(|s| {
            Some(Shade {
                x1: clip(s.from_s),
                x2: clip(s.to_s).max(clip(s.from_s) + 2.0),
                y: lane_of(s.machine)?.y,
                kind: s.kind.clone(),
                title: format!(
                    "machine {}: {} · {:.3} s to {:.3} s",
                    s.machine, s.detail, s.from_s, s.to_s
                ),
            })
        })
        .collect();
    let drops = marks
        .drops
        .iter()
        .filter(|d| in_span(d.2))
        .filter_map(|&(from, to, t)| {
            let (a, b) = (lane_of(from)?, lane_of(to)?);
            let x = x_of(t);
            // A stub pointing at the recipient, cut off before it gets there.
            let dy = (b.y - a.y).clamp(-lane_gap * 0.45, lane_gap * 0.45);
            Some(Arrow {
                x1: x,
                y1: a.y,
                x2: x + dy.abs() * 0.5 + 8.0,
                y2: a.y + dy,
                colour: a.colour,
                clipped_start: false,
                clipped_end: true,
                title: format!("message machine {from} → machine {to} dropped · t={t:.6} s"),
            })
        })
        .collect();

    let axis_y = FIRST_LANE + lane_gap * (lanes.len().max(1) - 1) as f64 + 60.0;
    let run = timeline.dir.file_name().map_or_else(
        || timeline.dir.display().to_string(),
        |n| n.to_string_lossy().into(),
    );
    let clock_events = timeline
        .events
        .iter()
        .filter(|e| e.is_clock_event())
        .count();
    Layout {
        width: WIDTH,
        height: axis_y + 110.0,
        title: format!("Space-time diagram of {run}"),
        subtitle: format!(
            "{} of {clock_events} clock events, {:.3} s to {:.3} s after the run start (system time; model time runs {}× faster) · hover a dot for its clocks",
            in_window.len(),
            window.from_s,
            window.to_s,
            timeline.speedup
        ),
        lanes,
        dots,
        arrows,
        ticks: axis_ticks(window)
            .into_iter()
            .map(|(t, label)| (x_of(t), label))
            .collect(),
        axis_y,
        labels,
        lane_gap,
        deaths,
        restarts,
        shades,
        drops,
    }
}
