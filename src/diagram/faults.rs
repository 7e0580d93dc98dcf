//! What happened to the machines besides their clock events, read from the log lines a diagram
//! marks: deaths and restarts, pause/delay/partition spans (delays and partitions paired by
//! [`crate::runlog::faults`]), and dropped messages.

use crate::log_format::Event;
use crate::log_format::FaultKind;
use crate::runlog::faults::pair_spans;
use crate::runlog::Line;
use crate::timeline::Timeline;

/// The marks of a run, times in model seconds since the run start.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct Marks {
    /// (machine, t): a machine killed or found dead; its line ends here.
    pub deaths: Vec<(u32, f64)>,
    /// (machine, t): a machine started again; its line resumes here.
    pub restarts: Vec<(u32, f64)>,
    pub spans: Vec<FaultSpan>,
    /// (from, to, t): a message dropped instead of sent.
    pub drops: Vec<(u32, u32, f64)>,
}

/// A fault that lasted: shaded on `machine`'s line.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FaultSpan {
    pub machine: u32,
    /// `pause`, `delay` or `partition`.
    pub kind: String,
    pub from_s: f64,
    pub to_s: f64,
    pub detail: String,
}

/// When the supervisor paused `machine` and resumed it, model seconds since the run start, for the
/// pause the machine logged at `logged_us`: the manifest's last pause of it before then, and the
/// resume after that pause (`None` when the manifest has no such pair: a run that did not end).
fn pause_span(timeline: &Timeline, machine: u32, logged_us: i64) -> Option<(f64, f64)> {
    let of = |kind: FaultKind| {
        let records = timeline.faults.iter();
        records.filter(move |(at, f)| {
            f.kind == kind && f.machines.first() == Some(&machine) && *at <= logged_us
        })
    };
    let paused = of(FaultKind::Pause).map(|&(at, _)| at).next_back()?;
    let resumed = of(FaultKind::Resume)
        .map(|&(at, _)| at)
        .find(|&at| at >= paused)?;
    Some((
        timeline.model_seconds(paused),
        timeline.model_seconds(resumed),
    ))
}

/// Read the marks of `timeline`; a span still open at the end lasts to `end_s`.
// Only the tests read a whole timeline's marks at once; the command streams them (MarksReader).
#[cfg(test)]
pub(crate) fn marks(timeline: &Timeline, end_s: f64) -> Marks {
    let mut reader = MarksReader::new(timeline);
    for (index, e) in timeline.events.iter().enumerate() {
        reader.line(timeline, index, e);
    }
    reader.finish(end_s)
}

/// The marks read line by line, as a run is streamed: what they need of the lines read so far.
#[derive(Debug)]
pub(crate) struct MarksReader {
    marks: Marks,
    last_clock: Vec<f64>,
    started: Vec<bool>,
    /// Pause spans with the index of their line, drawn in line order with the link spans.
    pauses: Vec<(usize, FaultSpan)>,
    /// Each delay or partition line, under (machine, kind, peer), with its index and time.
    links: Vec<LinkLine>,
    /// The detail of each delay or partition line, by its place in `links`.
    details: Vec<String>,
}

/// A delay or partition line: (machine, kind, peer), its phase, (index, t).
type LinkLine = (
    (u32, FaultKind, Option<u32>),
    crate::log_format::FaultPhase,
    (usize, f64),
);

impl MarksReader {
    /// A reader for the run of `timeline` (its lines are given to [`MarksReader::line`]).
    pub(crate) fn new(timeline: &Timeline) -> MarksReader {
        MarksReader {
            marks: Marks::default(),
            last_clock: vec![0.0; timeline.machines.len()],
            started: vec![false; timeline.machines.len()],
            pauses: Vec::new(),
            links: Vec::new(),
            details: Vec::new(),
        }
    }

    /// Read line `e`, the `index`th of the run in time order.
    pub(crate) fn line(&mut self, timeline: &Timeline, index: usize, e: &Line) {
        let MarksReader {
            marks,
            last_clock,
            started,
            pauses,
            links,
            details,
        } = self;
        let t = timeline.model_seconds(e.timestamp);
        let Some(slot) = timeline.machine_index(e.machine) else {
            return;
        };
        match &e.event {
            Event::Internal { .. } | Event::Send { .. } | Event::Recv { .. } => {
                last_clock[slot] = t;
            }
            Event::Start { .. } => {
                if started[slot] {
                    marks.restarts.push((e.machine, t));
                }
                started[slot] = true;
            }
            Event::Dropped { to, .. } => {
                for &to in to {
                    marks.drops.push((e.machine, to, t));
                }
            }
            Event::Fault {
                kind,
                phase,
                peer,
                detail,
            } => {
                match kind {
                    FaultKind::Kill | FaultKind::Died => {
                        let victim = peer.unwrap_or(e.machine);
                        // Every survivor logs the kill: mark it once.
                        if !marks
                            .deaths
                            .iter()
                            .any(|&(m, at)| m == victim && (at - t).abs() < 0.5)
                        {
                            marks.deaths.push((victim, t));
                        }
                    }
                    // The paused machine logs its pause when it resumes: the span is the
                    // supervisor's, when the manifest has it (the machine may tick once
                    // before it logs the pause), else from its last tick before the line.
                    FaultKind::Pause => {
                        let (from_s, to_s) = pause_span(timeline, e.machine, e.timestamp)
                            .unwrap_or((last_clock[slot], t));
                        let span = FaultSpan {
                            machine: e.machine,
                            kind: "pause".into(),
                            from_s,
                            to_s,
                            detail: detail.clone(),
                        };
                        pauses.push((index, span));
                    }
                    FaultKind::Delay | FaultKind::Partition => {
                        links.push(((e.machine, *kind, *peer), *phase, (index, t)));
                        details.push(detail.clone());
                    }
                    FaultKind::Resume | FaultKind::Restart => {}
                }
            }
            Event::Skipped { .. }
            | Event::Stop { .. }
            | Event::PeerConnected { .. }
            | Event::PeerGone { .. }
            | Event::Refused { .. }
            | Event::Warning { .. }
            | Event::Unknown => {}
        }
    }

    /// The marks, once every line is read; a span still open at the end lasts to `end_s`.
    pub(crate) fn finish(self, end_s: f64) -> Marks {
        let MarksReader {
            mut marks,
            pauses,
            links,
            details,
            ..
        } = self;
        // A link span is drawn where it ends (one still going on: after all, in the order it
        // began).
        let mut spans = pauses;
        for span in pair_spans(links.iter().copied()) {
            let (first, (_, from_s)) = span.begin;
            let ((machine, kind, _), _, _) = links[first];
            let detail = &details[first];
            let (at, to_s) = span
                .end
                .map_or((usize::MAX, end_s), |(_, (end, to_s))| (end, to_s));
            let span = FaultSpan {
                machine,
                kind: kind.to_string(),
                from_s,
                to_s,
                detail: detail.clone(),
            };
            spans.push((at, span));
        }
        spans.sort_by_key(|&(at, _)| at);
        marks.spans = spans.into_iter().map(|(_, span)| span).collect();
        marks
    }
}
