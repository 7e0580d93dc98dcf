//! The diagram's arrows: one per message, from its send dot to its receive dot and cut at the
//! window's edges, and a short cut-off arrow for each message dropped instead of sent.

use crate::timeline::{Message, Timeline};

use super::geometry::{DOT_RADIUS, PLOT_LEFT, PLOT_RIGHT};
use super::lanes::{lane_of, Lane};
use super::window::Window;

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

/// The arrow of each message of `messages` that was both sent and received, and is in flight
/// for some of `window`.
pub(crate) fn message_arrows(
    timeline: &Timeline,
    messages: &[Message],
    lanes: &[Lane],
    window: Window,
) -> Vec<Arrow> {
    messages
        .iter()
        .filter_map(|m| message_arrow(timeline, m, lanes, window))
        .collect()
}

/// The arrow of message `m`, if it was received and its flight overlaps `window`.
fn message_arrow(
    timeline: &Timeline,
    m: &Message,
    lanes: &[Lane],
    window: Window,
) -> Option<Arrow> {
    let (send, recv) = (&timeline.events[m.send?], &timeline.events[m.recv?]);
    let (ts, tr) = (
        timeline.model_seconds(send.timestamp),
        timeline.model_seconds(recv.timestamp),
    );
    if tr < window.from_s || ts > window.to_s {
        return None;
    }
    let from = lane_of(timeline, lanes, m.from)?;
    let to = lane_of(timeline, lanes, m.to)?;
    let (xs, xr) = (window.x(ts), window.x(tr));
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
    Some(Arrow {
        x1,
        y1,
        x2,
        y2,
        colour: from.colour,
        clipped_start,
        clipped_end,
        title: format!(
            "message machine {} → machine {} · lamport {} · sent t={ts:.6} s · received t={tr:.6} s",
            m.from, m.to, m.lamport
        ),
    })
}

/// For each drop (from, to, t) in `window`: a stub from the sender toward the recipient, cut
/// off before it gets there, at most about half a lane gap `gap` long.
pub(crate) fn drop_stubs(
    timeline: &Timeline,
    drops: &[(u32, u32, f64)],
    lanes: &[Lane],
    window: Window,
    gap: f64,
) -> Vec<Arrow> {
    drops
        .iter()
        .filter(|d| window.contains(d.2))
        .filter_map(|&(from, to, t)| {
            let a = lane_of(timeline, lanes, from)?;
            let b = lane_of(timeline, lanes, to)?;
            let x = window.x(t);
            let dy = (b.y - a.y).clamp(-gap * 0.45, gap * 0.45);
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
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log_format::Event;
    use crate::runlog::Line;
    use crate::timeline::event::MachineInfo;

    /// Machine 0 sends to machine 1 at 1 s; machine 1 receives at 3 s.
    fn one_message() -> (Timeline, Message) {
        let event = |machine, timestamp, event| Line {
            machine,
            line: 1,
            timestamp,
            event,
        };
        let machine = |id| MachineInfo {
            id,
            rate: Some(1),
            interval_us: Some(1e6),
        };
        let timeline = Timeline {
            dir: "run".into(),
            logs: Vec::new(),
            machines: vec![machine(0), machine(1)],
            origin_us: 0,
            speedup: 1.0,
            events: vec![
                event(
                    0,
                    1_000_000,
                    Event::Send {
                        tick: 1,
                        lamport: 1,
                        to: vec![1],
                        vc: Vec::new(),
                        late_us: 0,
                        pt_us: None,
                        hlc: None,
                    },
                ),
                event(
                    1,
                    3_000_000,
                    Event::Recv {
                        tick: 1,
                        lamport: 1,
                        from: 0,
                        msg_clock: 1,
                        queue: 0,
                        vc: Vec::new(),
                        late_us: 0,
                        pt_us: None,
                        hlc: None,
                        msg_hlc: None,
                        offset_rejected: false,
                    },
                ),
            ],
            warnings: Vec::new(),
            faults: Vec::new(),
        };
        let message = Message {
            from: 0,
            to: 1,
            lamport: 1,
            send: Some(0),
            recv: Some(1),
        };
        (timeline, message)
    }

    /// The arrows of [`one_message`] in the window `from_s` to `to_s`, machine 0's lane at
    /// y = 100 and machine 1's at y = 200.
    fn arrows_in(from_s: f64, to_s: f64) -> Vec<Arrow> {
        let (timeline, message) = one_message();
        let lane = |machine: u32, y| Lane {
            machine,
            colour: machine as usize,
            y,
            label: String::new(),
            sublabel: String::new(),
            segments: Vec::new(),
        };
        let lanes = [lane(0, 100.0), lane(1, 200.0)];
        message_arrows(&timeline, &[message], &lanes, Window { from_s, to_s })
    }

    #[test]
    fn a_message_arrow_goes_from_its_send_dot_to_the_edge_of_its_receive_dot() {
        let window = Window {
            from_s: 0.0,
            to_s: 4.0,
        };
        let arrows = arrows_in(window.from_s, window.to_s);
        let [arrow] = arrows.as_slice() else {
            panic!("one arrow expected: {arrows:?}");
        };
        assert_eq!((arrow.x1, arrow.y1), (window.x(1.0), 100.0));
        let (xr, yr) = (window.x(3.0), 200.0);
        let gap = (xr - arrow.x2).hypot(yr - arrow.y2);
        assert!((gap - (DOT_RADIUS + 1.0)).abs() < 1e-9, "{gap}");
        assert!(arrow.x2 < xr && arrow.y2 < yr, "{arrow:?}");
        assert_eq!(arrow.colour, 0);
        assert!(!arrow.clipped_start && !arrow.clipped_end);
    }

    #[test]
    fn a_message_in_flight_at_the_window_start_begins_on_the_plot_edge() {
        let arrows = arrows_in(2.0, 4.0);
        let [arrow] = arrows.as_slice() else {
            panic!("one arrow expected: {arrows:?}");
        };
        // Halfway through its flight: halfway between the lanes.
        assert_eq!((arrow.x1, arrow.y1), (PLOT_LEFT, 150.0));
        assert!(arrow.clipped_start && !arrow.clipped_end);
        // Received before the window starts: no arrow.
        assert_eq!(arrows_in(3.5, 4.0), []);
    }
}
