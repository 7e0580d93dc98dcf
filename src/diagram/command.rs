//! `logiclock diagram`: read a run twice as a stream, lay out its window, write the SVG.
//!
//! The first reading chooses the window ([`super::WindowScan`]), counts the clock events and
//! reads the marks of faults; the second keeps only the clock events inside the window and the
//! sends and receives of the messages in flight during it (paired as they come, each line held
//! only until its messages are settled). Memory grows with the window and the messages in
//! flight, not with the run.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use crate::log_format::Event;
use crate::runlog::{Line, Link, Message, Outcome, Pending};
use crate::timeline::{self, Timeline, TimelineError};

use super::faults::MarksReader;
use super::layout::Overview;
use super::window::{Window, WindowScan};

/// What to draw, and where.
#[derive(Debug, Clone)]
pub struct Request {
    pub run_dir: PathBuf,
    /// Window start, seconds since the run start.
    pub from: Option<f64>,
    /// Window end, seconds since the run start.
    pub to: Option<f64>,
    /// Output file, `-` for standard output [default: `<run>/diagram.svg`].
    pub out: Option<PathBuf>,
}

/// Draw the diagram of `request`; returns the file written (`-`: standard output).
pub fn diagram(request: &Request) -> Result<PathBuf, TimelineError> {
    let mut run = timeline::open(&request.run_dir)?;
    let mut scan = WindowScan::new(request.from, request.to);
    let mut marks = MarksReader::new(&run.timeline);
    let (mut clock_events, mut index, mut last_ts) = (0, 0, None);
    let Ok(()) = run.each(|t, e| {
        if e.event.is_clock_event() {
            scan.clock_event(t.seconds(e.timestamp));
            clock_events += 1;
        }
        marks.line(t, index, &e);
        index += 1;
        last_ts = Some(e.timestamp);
        Ok::<(), std::convert::Infallible>(())
    })?;
    timeline::print_warnings(&run.timeline);
    let window = scan.window()?;
    let end_s = last_ts.map(|ts| run.timeline.seconds(ts));
    let overview = Overview {
        end_s,
        // A fault span still open at the end lasts to the last line, or to the window's end.
        marks: marks.finish(end_s.unwrap_or(window.to_s).max(window.to_s)),
        clock_events,
    };
    let mut drawn = Drawn::new(window);
    let Ok(()) = run.each(|t, e| {
        drawn.line(t, e);
        Ok::<(), std::convert::Infallible>(())
    })?;
    let (timeline, messages) = drawn.finish(run.timeline);
    let svg = super::svg::render(&super::layout_of(&timeline, &messages, window, overview));
    let path = request
        .out
        .clone()
        .unwrap_or_else(|| request.run_dir.join("diagram.svg"));
    crate::export::command::write_file(&path, |out| {
        use std::io::Write;
        out.write_all(svg.as_bytes())
    })?;
    Ok(path)
}

/// The lines a diagram draws, kept as a run is read: the clock events in the window and both
/// ends of every message in flight during it, by their index in the run's time order.
struct Drawn {
    window: Window,
    index: usize,
    kept: BTreeMap<usize, Line>,
    /// Sends and receives whose messages are not all settled: the line and how many are left.
    pending: HashMap<usize, (Line, usize)>,
    links: HashMap<(u32, u32), Link>,
    /// The messages drawn, with their ends as run indices.
    messages: Vec<Message>,
}

impl Drawn {
    fn new(window: Window) -> Drawn {
        Drawn {
            window,
            index: 0,
            kept: BTreeMap::new(),
            pending: HashMap::new(),
            links: HashMap::new(),
            messages: Vec::new(),
        }
    }

    /// Read the next line of the run.
    fn line(&mut self, timeline: &Timeline, e: Line) {
        let index = self.index;
        self.index += 1;
        let ts = e.timestamp;
        let at = |index| Pending {
            clock: 0,
            ts,
            line: 0,
            index,
        };
        // Paired as `runlog::pair_messages` pairs them: one FIFO per link.
        let mut settled = Vec::new();
        match &e.event {
            Event::Send { to, lamport, .. } => {
                let from = e.machine;
                for &to in to {
                    let msg = Pending {
                        clock: *lamport,
                        ..at(index)
                    };
                    let link = self.links.entry((from, to)).or_default();
                    link.send(msg, &mut |o| settled.push((from, to, o)));
                }
                if !to.is_empty() {
                    self.pending.insert(index, (e.clone(), to.len()));
                }
            }
            Event::Recv {
                from, msg_clock, ..
            } => {
                let (from, to) = (*from, e.machine);
                let msg = Pending {
                    clock: *msg_clock,
                    ..at(index)
                };
                let link = self.links.entry((from, to)).or_default();
                link.recv(msg, &mut |o| settled.push((from, to, o)));
                self.pending.insert(index, (e.clone(), 1));
            }
            _ => {}
        }
        if e.event.is_clock_event() && self.window.contains(timeline.seconds(ts)) {
            self.kept.insert(index, e);
        }
        for (from, to, outcome) in settled {
            self.settle(timeline, from, to, outcome);
        }
    }

    /// One message settled: keep both ends if it was received and in flight during the window.
    fn settle(&mut self, timeline: &Timeline, from: u32, to: u32, outcome: Outcome) {
        let ends = match outcome {
            Outcome::Matched { send, recv } => {
                let (ts, tr) = (timeline.seconds(send.ts), timeline.seconds(recv.ts));
                if !(tr < self.window.from_s || ts > self.window.to_s) {
                    self.messages.push(Message {
                        from,
                        to,
                        lamport: send.clock,
                        send: Some(send.index),
                        recv: Some(recv.index),
                    });
                    for end in [send, recv] {
                        if let Some((line, _)) = self.pending.get(&end.index) {
                            self.kept.entry(end.index).or_insert_with(|| line.clone());
                        }
                    }
                }
                [Some(send), Some(recv)]
            }
            Outcome::Lost(end) | Outcome::Unmatched(end) => [Some(end), None],
        };
        for end in ends.into_iter().flatten() {
            if let Some((_, left)) = self.pending.get_mut(&end.index) {
                *left -= 1;
                if *left == 0 {
                    self.pending.remove(&end.index);
                }
            }
        }
    }

    /// The timeline of the kept lines and the drawn messages, their ends indexing its lines, in
    /// the order `runlog::pair_messages` gives.
    fn finish(mut self, mut timeline: Timeline) -> (Timeline, Vec<Message>) {
        let place: HashMap<usize, usize> = self
            .kept
            .keys()
            .enumerate()
            .map(|(k, &index)| (index, k))
            .collect();
        self.messages.sort_by_key(|m| (m.send, m.to, m.recv));
        for m in &mut self.messages {
            m.send = m.send.map(|i| place[&i]);
            m.recv = m.recv.map(|i| place[&i]);
        }
        timeline.events = self.kept.into_values().collect();
        (timeline, self.messages)
    }
}
