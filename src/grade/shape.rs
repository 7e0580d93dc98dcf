//! The `shape` rule: the assignment's set-up, judged from the logs alone. N machines (ids
//! `0..N`), each ticking at a rate in 1..=6 per second (events per second over the span of its
//! timestamps, with a quarter of slack for a real machine's timing), and about `(die - N)/die`
//! of the decisions internal (a binomial check at 4 sigma, over at least [`MIN_DECISIONS`]
//! decisions of the whole submission: the ticks that did not take a message).

use super::rule::{Finding, Options, Place, Rule};
use super::rules::View;
use crate::foreign::ForeignKind;

/// Fewest decisions the internal share is judged on.
pub(crate) const MIN_DECISIONS: u64 = 50;
/// Fewest timed events a machine's rate is judged on (three events of a short log are no rate).
const MIN_RATE_EVENTS: usize = 10;
/// Slowest and fastest rates accepted, ticks per second (1..=6, a quarter of slack).
const RATES: (f64, f64) = (0.75, 7.5);

/// The shape findings of a submission at `dir`, and notes on what could not be judged.
pub(crate) fn check_shape(
    views: &[View<'_>],
    dir: &str,
    options: &Options,
) -> (Vec<Finding>, Vec<String>) {
    let mut findings = Vec::new();
    let mut notes = Vec::new();
    let whole = |expected: String, found: String| Finding {
        rule: Rule::Shape,
        at: Place {
            file: dir.to_owned(),
            line: None,
        },
        expected,
        found,
        witness: vec![],
    };
    let mut ids: Vec<u32> = views.iter().map(|v| v.own).collect();
    ids.sort_unstable();
    let wanted: Vec<u32> = (0..options.machines).collect();
    if ids != wanted {
        let missing: Vec<u32> = wanted
            .iter()
            .copied()
            .filter(|m| !ids.contains(m))
            .collect();
        let mut found = format!("logs of machines {ids:?}");
        if !missing.is_empty() {
            found.push_str(&format!(" (no log of {missing:?})"));
        }
        findings.push(whole(
            format!(
                "{} machines, one log each, ids {wanted:?}",
                options.machines
            ),
            found,
        ));
    }
    for view in views.iter().filter(|v| !v.log.events.is_empty()) {
        let stamps: Vec<i64> = view
            .log
            .events
            .iter()
            .filter_map(|e| e.timestamp_us)
            .collect();
        let (Some(first), Some(last)) = (stamps.first(), stamps.last()) else {
            let note = format!(
                "shape: {}: no timestamps, its rate is not judged",
                view.file
            );
            // One ShiViz file holds every machine: one note.
            if !notes.contains(&note) {
                notes.push(note);
            }
            continue;
        };
        if stamps.len() < MIN_RATE_EVENTS || last <= first {
            notes.push(format!(
                "shape: {}: too few timed events to judge its rate (at least {MIN_RATE_EVENTS})",
                view.file
            ));
            continue;
        }
        let rate = (stamps.len() - 1) as f64 / ((*last as f64 - *first as f64) / 1e6);
        if !(RATES.0..=RATES.1).contains(&rate) {
            findings.push(Finding {
                at: Place {
                    file: view.file.clone(),
                    line: None,
                },
                ..whole(
                    "a rate of 1 to 6 events per second".to_owned(),
                    format!(
                        "{rate:.2} per second ({} events over {:.1} s)",
                        stamps.len(),
                        (*last as f64 - *first as f64) / 1e6
                    ),
                )
            })
        }
    }
    let (mut internal, mut decisions) = (0u64, 0u64);
    for e in views.iter().flat_map(|v| &v.log.events) {
        match e.kind {
            ForeignKind::Internal => (internal, decisions) = (internal + 1, decisions + 1),
            ForeignKind::Send { .. } => decisions += 1,
            ForeignKind::Recv { .. } => {}
        }
    }
    let p0 = options.die.saturating_sub(options.machines) as f64 / options.die as f64;
    if decisions < MIN_DECISIONS {
        notes.push(format!(
            "shape: {decisions} decisions (ticks without a message), too few to judge the internal share (at least {MIN_DECISIONS})"
        ));
    } else {
        let p = internal as f64 / decisions as f64;
        let sigma = (p0 * (1.0 - p0) / decisions as f64).sqrt();
        if (p - p0).abs() > 4.0 * sigma {
            findings.push(whole(
                format!("about {p0:.2} of the decisions internal (die {}, {} machines), within 4 sigma = {:.3}", options.die, options.machines, 4.0 * sigma),
                format!("{p:.3} ({internal} of {decisions})"),
            ));
        }
    }
    (findings, notes)
}
