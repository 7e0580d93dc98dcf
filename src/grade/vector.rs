//! The `vector` rule, replayed per log in file order over the vectors logged, with a receive
//! merged with the vector of the send it was matched to (see `links`), and vectors going
//! backwards reported as `monotonic`.
//!
//! As with the Lamport rules, the replay goes on from the vector found after a wrong one.

use std::collections::{HashMap, HashSet};

use super::clocks::{after_gap, place};
use super::links::At;
use super::rule::View;
use super::rule::{Finding, Rule};
use crate::foreign::ForeignKind;

/// Replay the vector rules over every log of `views` that logs vectors. `backwards` holds the
/// lines (log, line) the Lamport replay already found going backwards.
pub(crate) fn check_vectors(
    views: &[View<'_>],
    send_of: &HashMap<At, At>,
    backwards: &HashSet<(usize, u64)>,
) -> Vec<Finding> {
    let mut out = Vec::new();
    for (li, view) in views.iter().enumerate() {
        let own = view.own as usize;
        let mut prev: Option<Vec<u64>> = None;
        let mut last_line = 0u64;
        for (ei, e) in view.log.events.iter().enumerate() {
            let gap = after_gap(view.log, last_line, e.line);
            last_line = e.line;
            let Some(found) = &e.vc else { continue };
            let before = prev.take().unwrap_or_else(|| vec![0; found.len()]);
            prev = Some(found.clone());
            if gap {
                // The vector before this line was on a line that could not be read.
                continue;
            }
            let finding = |expected: String, found: String| Finding {
                rule: Rule::Vector,
                at: place(&view.file, e),
                expected,
                found,
                witness: vec![],
            };
            if found.len() != before.len() || own >= found.len() {
                out.push(finding(
                    format!(
                        "{} entries, one per machine (machine {own}'s own among them)",
                        before.len().max(own + 1)
                    ),
                    format!("{found:?}"),
                ));
                continue;
            }
            if found.iter().zip(&before).any(|(f, b)| f < b) {
                if !backwards.contains(&(li, e.line)) {
                    out.push(Finding {
                        rule: Rule::Monotonic,
                        ..finding(
                            format!("no entry below the previous line's {before:?}"),
                            format!("{found:?}: the vector went backwards"),
                        )
                    });
                }
                continue;
            }
            let (expected, why) = match &e.kind {
                ForeignKind::Recv { .. } => {
                    let Some(&(sl, se)) = send_of.get(&(li, ei)) else {
                        continue;
                    };
                    let sent = views[sl].log.events[se].vc.as_deref().unwrap_or(&[]);
                    let mut merged = before.clone();
                    for (mine, theirs) in merged.iter_mut().zip(sent) {
                        *mine = (*mine).max(*theirs);
                    }
                    let text = format!(
                        "max({before:?}, {sent:?} sent at {}) with own + 1",
                        place(&views[sl].file, &views[sl].log.events[se])
                    );
                    let no_own = merged.clone();
                    merged[own] = merged[own].saturating_add(1);
                    let why = if *found == no_own {
                        ": merged without the own increment"
                    } else {
                        ""
                    };
                    (merged, (text, why))
                }
                kind => {
                    let mut ticked = before.clone();
                    ticked[own] = ticked[own].saturating_add(1);
                    let what = if matches!(kind, ForeignKind::Send { .. }) {
                        "send"
                    } else {
                        "internal"
                    };
                    let why = if *found == before {
                        ": own entry not incremented"
                    } else {
                        ""
                    };
                    (ticked, (format!("{before:?} with own + 1 ({what})"), why))
                }
            };
            if *found != expected {
                let (text, why) = why;
                out.push(finding(
                    format!("{expected:?} = {text}"),
                    format!("{found:?}{why}"),
                ));
            }
        }
    }
    out
}
