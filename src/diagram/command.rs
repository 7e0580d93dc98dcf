//! `logiclock diagram`: read a run twice as a stream, lay out its window, write the SVG.
//!
//! The first reading chooses the window ([`super::WindowScan`]), counts the clock events and
//! reads the marks of faults; the second keeps only the clock events inside the window and the
//! sends and receives of the messages in flight during it (paired as they come, each line that
//! could be drawn held only until its messages are settled). Memory grows with the window and
//! the messages in flight (a queue that grows all run long, as a slow machine's can, is paired
//! at 32 bytes a message), not otherwise with the run.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use crate::log_format::Event;
use crate::runlog::{Line, LinkPairing, Message, Pending, Settled};
use crate::timeline::{self, Timeline, TimelineError};

use super::faults::MarksReader;
use super::layout::Overview;
use super::window::{Window, WindowScan};

/// What to draw, and where.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    pub run_dir: PathBuf,
    /// Window start, model seconds since the run start.
    pub from: Option<f64>,
    /// Window end, model seconds since the run start.
    pub to: Option<f64>,
    /// Output file, `-` for standard output [default: `<run>/diagram.svg`].
    pub out: Option<PathBuf>,
}

/// Draw the diagram of `request`; returns the file written (`-`: standard output).
pub(crate) fn diagram(request: &Request) -> Result<PathBuf, TimelineError> {
    let mut run = timeline::open(&request.run_dir)?;
    let mut scan = WindowScan::new(request.from, request.to);
    let mut marks = MarksReader::new(&run.timeline);
    let (mut clock_events, mut index, mut last_ts) = (0, 0, None);
    let Ok(()) = run.each(|t, e| {
        if e.event.is_clock_event() {
            scan.clock_event(t.model_seconds(e.timestamp));
            clock_events += 1;
        }
        marks.line(t, index, &e);
        index += 1;
        last_ts = Some(e.timestamp);
        Ok::<(), std::convert::Infallible>(())
    })?;
    timeline::print_warnings(&run.timeline);
    let window = scan.window()?;
    let end_s = last_ts.map(|ts| run.timeline.model_seconds(ts));
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
    /// Sends (up to the window's end) and receives (from its start) whose messages are not all
    /// settled: the line and how many are left.
    pending: HashMap<usize, (Line, usize)>,
    links: HashMap<(u32, u32), LinkPairing>,
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
                // A message sent after the window is not drawn: its line is not kept.
                if !to.is_empty() && timeline.model_seconds(ts) <= self.window.to_s {
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
                // Nor one received before it.
                if timeline.model_seconds(ts) >= self.window.from_s {
                    self.pending.insert(index, (e.clone(), 1));
                }
            }
            _ => {}
        }
        if e.event.is_clock_event() && self.window.contains(timeline.model_seconds(ts)) {
            self.kept.insert(index, e);
        }
        for (from, to, outcome) in settled {
            self.settle(timeline, from, to, outcome);
        }
    }

    /// One message settled: keep both ends if it was received and in flight during the window.
    fn settle(&mut self, timeline: &Timeline, from: u32, to: u32, outcome: Settled) {
        let ends = match outcome {
            Settled::Matched { send, recv } => {
                let (ts, tr) = (
                    timeline.model_seconds(send.ts),
                    timeline.model_seconds(recv.ts),
                );
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
            Settled::Lost(end) | Settled::Unmatched(end) => [Some(end), None],
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::event::MachineInfo;

    fn line(machine: u32, timestamp: i64, event: Event) -> Line {
        Line {
            machine,
            line: 1,
            timestamp,
            event,
        }
    }

    /// Two machines for 10 s: machine 0 ticks every 0.1 s and sends every other tick to machine
    /// 1, which receives each message 0.25 s later; machine 1 ticks every 0.1 s too.
    fn run() -> Timeline {
        let mut events = Vec::new();
        for k in 0..100u64 {
            let ts = k as i64 * 100_000;
            let vc = vec![k + 1, 0];
            if k % 2 == 0 {
                events.push(line(
                    0,
                    ts,
                    Event::Send {
                        tick: k,
                        lamport: k + 1,
                        to: vec![1],
                        vc,
                        late_us: 0,
                        pt_us: None,
                        hlc: None,
                    },
                ));
                let recv = Event::Recv {
                    tick: k,
                    lamport: k + 2,
                    from: 0,
                    msg_clock: k + 1,
                    queue: 0,
                    vc: vec![k + 1, k + 1],
                    late_us: 0,
                    pt_us: None,
                    hlc: None,
                    msg_hlc: None,
                    offset_rejected: false,
                };
                events.push(line(1, ts + 250_000, recv));
            } else {
                events.push(line(
                    0,
                    ts,
                    Event::Internal {
                        tick: k,
                        lamport: k + 1,
                        vc,
                        late_us: 0,
                        pt_us: None,
                        hlc: None,
                    },
                ));
            }
            events.push(line(
                1,
                ts + 50_000,
                Event::Internal {
                    tick: k,
                    lamport: k,
                    vc: vec![0, k],
                    late_us: 0,
                    pt_us: None,
                    hlc: None,
                },
            ));
        }
        events.sort_by_key(|e| e.timestamp);
        let machine = |id| MachineInfo {
            id,
            rate: Some(10),
            interval_us: Some(100_000.0),
        };
        Timeline {
            dir: "run".into(),
            logs: vec!["machine-0.log".into(), "machine-1.log".into()],
            machines: vec![machine(0), machine(1)],
            origin_us: 0,
            speedup: 1.0,
            events,
            warnings: Vec::new(),
            faults: Vec::new(),
        }
    }

    #[test]
    fn the_streamed_diagram_keeps_only_the_window_and_draws_the_same_picture() {
        let full = run();
        let window = Window {
            from_s: 0.5,
            to_s: 1.0,
        };
        let whole =
            crate::diagram::layout::layout(&full, &timeline::pair_messages(&full.events), window);
        let mut drawn = Drawn::new(window);
        for e in full.events.clone() {
            drawn.line(&full, e);
        }
        let overview = Overview::of(&full, window);
        let (kept, messages) = drawn.finish(full.clone());
        assert_eq!(
            super::super::layout_of(&kept, &messages, window, overview),
            whole
        );
        // Of 250 lines: the window's clock events and the sends before it of messages received in it.
        assert!(
            kept.events.len() < full.events.len() / 3,
            "{} lines kept",
            kept.events.len()
        );
        assert!(!messages.is_empty());
    }
}
