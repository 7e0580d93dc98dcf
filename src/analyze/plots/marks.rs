//! Faults on the time plots: a shaded, labelled span per pause, delay or partition, and a
//! labelled vertical line per kill or restart, at model seconds since the run start.

use plotters::style::{RGBColor, BLACK};

use crate::analyze::run::summary::FaultSummary;
use crate::log_format::FaultKind;
use crate::runlog::faults::pair_spans;

/// A fault drawn on a time plot: a span (`to` set) or an instant, in seconds since the start.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Mark {
    pub from: f64,
    pub to: Option<f64>,
    pub label: String,
    pub color: RGBColor,
}

/// The marks of a run's fault records: a pause to its resume, a delay or partition from its
/// begin to its end (one span for both directions of a partition), kills and restarts as instants;
/// times in model seconds, the end `end_s` too.
pub(super) fn fault_marks(faults: &[FaultSummary], end_s: f64) -> Vec<Mark> {
    // What a lasting fault is paired under: its kind (a resume ends a pause) and its machines in
    // either order (both directions of a partition are one span).
    let lasting = |f: &FaultSummary| {
        let kind = match f.kind {
            FaultKind::Pause | FaultKind::Resume => FaultKind::Pause,
            FaultKind::Delay | FaultKind::Partition => f.kind,
            FaultKind::Kill | FaultKind::Restart | FaultKind::Died => return None,
        };
        let mut machines = f.machines.clone();
        machines.sort_unstable();
        Some((kind, machines))
    };
    let items = faults
        .iter()
        .enumerate()
        .filter_map(|(i, f)| Some((lasting(f)?, f.phase, i)));
    // (index of the record that starts it, mark), spans and instants alike.
    let mut marks: Vec<(usize, Mark)> = pair_spans(items)
        .into_iter()
        .map(|span| {
            let (_, first) = span.begin;
            let f = &faults[first];
            let (color, label) = span_look(f);
            let to = span.end.map_or(end_s, |(_, last)| faults[last].at_model_s);
            let mark = Mark {
                from: f.at_model_s,
                to: Some(to),
                label,
                color,
            };
            (first, mark)
        })
        .collect();
    for (i, f) in faults.iter().enumerate() {
        let color = match f.kind {
            FaultKind::Kill => BLACK,
            FaultKind::Restart => RGBColor(44, 160, 44),
            FaultKind::Died
            | FaultKind::Pause
            | FaultKind::Resume
            | FaultKind::Delay
            | FaultKind::Partition => continue,
        };
        let ids: Vec<String> = f.machines.iter().map(u32::to_string).collect();
        let mark = Mark {
            from: f.at_model_s,
            to: None,
            label: format!("{} m{}", f.kind, ids.join(",")),
            color,
        };
        marks.push((i, mark));
    }
    marks.sort_by_key(|&(i, _)| i);
    marks.into_iter().map(|(_, mark)| mark).collect()
}

/// The colour and label of the span that record `f` begins.
fn span_look(f: &FaultSummary) -> (RGBColor, String) {
    let ids: Vec<String> = f.machines.iter().map(u32::to_string).collect();
    match f.kind {
        FaultKind::Delay => (RGBColor(230, 140, 0), format!("delay m{}", ids.join(">m"))),
        FaultKind::Partition => (
            RGBColor(214, 39, 40),
            format!("partition m{}", ids.join("|m")),
        ),
        _ => (RGBColor(110, 110, 110), format!("pause m{}", ids.join(","))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A record in the words of the writers (its phase as they set it for that prose).
    fn f(at_s: f64, kind: &str, machines: &[u32], detail: &str) -> FaultSummary {
        let kind = kind.parse().unwrap();
        FaultSummary {
            at_model_s: at_s,
            // At speedup 10: the marks are in model seconds, never these.
            at_real_s: at_s / 10.0,
            kind,
            phase: crate::runlog::compat::phase_from_prose(kind, detail),
            machines: machines.to_vec(),
            detail: detail.into(),
        }
    }

    #[test]
    fn fault_records_pair_into_spans_and_instants() {
        let marks = fault_marks(
            &[
                f(1.0, "pause", &[2], "machine 2 paused"),
                f(2.0, "resume", &[2], "machine 2 resumed"),
                f(3.0, "partition", &[0, 2], "machine 0: partition begins"),
                f(3.0, "partition", &[2, 0], "machine 2: partition begins"),
                f(4.0, "partition", &[0, 2], "machine 0: partition heals"),
                f(4.0, "partition", &[2, 0], "machine 2: partition heals"),
                f(5.0, "delay", &[0, 1], "machine 0: delay begins"),
                f(6.0, "kill", &[1], "machine 1 killed"),
            ],
            9.0,
        );
        let got: Vec<(f64, Option<f64>, &str)> = marks
            .iter()
            .map(|m| (m.from, m.to, m.label.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                (1.0, Some(2.0), "pause m2"),
                (3.0, Some(4.0), "partition m0|m2"),
                // never ended: runs to the end of the plot
                (5.0, Some(9.0), "delay m0>m1"),
                (6.0, None, "kill m1"),
            ]
        );
    }
}
