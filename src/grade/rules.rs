//! The checker: one submission's logs judged on every rule ([`super::rule::RULES`]), into one
//! [`Graded`] row with its findings. Pure: the logs are read before, the reports written after.
//!
//! One log's own rules are in `clocks`, the matching of receives to sends in `links`, vectors
//! in `vector`, the set-up in `shape`. A send line missing from a log shows twice, as a receive
//! with no send and as a jump of the sender's clocks on its next line: it is reported once, as
//! the receive with no send.

use std::collections::HashSet;
use std::path::Path;

use serde::Serialize;

use super::clocks::check_log;
use super::links::{match_all, per_recipient, Found};
use super::rule::{Finding, Options, Place, Rule, View, RULES};
use super::shape::check_shape;
use super::vector::check_vectors;
use crate::foreign::{ForeignKind, ForeignLog, Problem};

/// A rule's verdict on one submission.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Cell {
    Pass,
    /// This many findings.
    Fail(usize),
    /// Nothing in the logs to judge it on (no vectors, no Lamport values in ShiViz logs).
    NotApplicable,
}

impl std::fmt::Display for Cell {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Cell::Pass => f.write_str("PASS"),
            Cell::Fail(n) => write!(f, "{n}"),
            Cell::NotApplicable => f.write_str("-"),
        }
    }
}

/// One submission graded: a row of the class report.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Graded {
    /// The submission's folder name.
    pub name: String,
    /// The format its logs were read as, when one was recognised.
    pub format: Option<String>,
    /// The machines it has logs of.
    pub machines: Vec<u32>,
    pub events: usize,
    /// One cell per rule, in the order of `RULES`.
    pub cells: Vec<(Rule, Cell)>,
    pub findings: Vec<Finding>,
    /// What could not be judged, and why.
    pub notes: Vec<String>,
}

impl Graded {
    /// Every applicable rule passed.
    pub(crate) fn passed(&self) -> bool {
        self.findings.is_empty()
    }
}

/// Grade the logs of submission `name` in `dir`, with its folder-level `problems`.
pub(crate) fn grade(
    name: &str,
    dir: &Path,
    format: Option<String>,
    logs: &[ForeignLog],
    problems: &[Problem],
    options: &Options,
) -> Graded {
    // Files by their name within the submission; the folder itself as `NAME/`.
    let relative = |path: &Path| match path.strip_prefix(dir) {
        Ok(inside) if inside.as_os_str().is_empty() => format!("{name}/"),
        Ok(inside) => inside.to_string_lossy().into_owned(),
        Err(_) => path.to_string_lossy().into_owned(),
    };
    let mut findings: Vec<Finding> = problems
        .iter()
        .chain(logs.iter().flat_map(|l| &l.problems))
        .map(|p| Finding {
            rule: Rule::Readable,
            at: Place {
                file: relative(&p.file),
                line: p.line,
            },
            expected: "a readable log".to_owned(),
            found: p.message.clone(),
            witness: vec![],
        })
        .collect();
    let views: Vec<View<'_>> = logs
        .iter()
        .filter_map(|log| {
            let own = log
                .machine
                .or_else(|| log.events.first().map(|e| e.machine))?;
            Some(View {
                log,
                file: relative(&log.file),
                own,
            })
        })
        .collect();
    let ids: HashSet<u32> = views.iter().map(|v| v.own).collect();
    let known = |m: u32| ids.contains(&m) || m < options.machines;

    let mut jumps = Vec::new();
    let mut backwards = HashSet::new();
    for (li, view) in views.iter().enumerate() {
        let out = check_log(view.log, &view.file, view.own, &known, options);
        findings.extend(out.findings);
        backwards.extend(out.backwards.iter().map(|&line| (li, line)));
        jumps.extend(out.jumps.into_iter().map(|j| (li, j)));
    }
    let mut found = Found::default();
    for (li, j) in &jumps {
        let line = j.finding.at.line;
        if let Some(ei) = views[*li]
            .log
            .events
            .iter()
            .position(|e| Some(e.line) == line)
        {
            found.flagged.insert((*li, ei), j.from);
        }
    }
    for view in &views {
        let values = found.values.entry(view.own).or_default();
        values.extend(view.log.events.iter().filter_map(|e| e.lamport));
    }
    found.per_recipient = per_recipient(&views, &found.flagged, options);
    let matching = match_all(&views, options, &found);
    // The first line of a sender after the clock of a receive with no send shows the missing
    // send line as a jump: that jump is the same bug.
    let explained: HashSet<(usize, Option<u64>)> = matching
        .orphans
        .iter()
        .filter_map(|&(from, m)| {
            let li = views.iter().position(|v| v.own == from)?;
            let after = views[li].log.events.iter().find(|e| e.lamport > Some(m))?;
            Some((li, Some(after.line)))
        })
        .collect();
    jumps.retain(|(li, j)| !explained.contains(&(*li, j.finding.at.line)));
    findings.extend(jumps.into_iter().map(|(_, j)| j.finding));
    findings.extend(matching.findings);
    let vectors = check_vectors(&views, &matching.send_of, &backwards);
    findings.extend(vectors.into_iter().filter(|f| {
        let li = views.iter().position(|v| v.file == f.at.file);
        !li.is_some_and(|li| explained.contains(&(li, f.at.line)))
    }));
    let mut notes = Vec::new();
    if !views.is_empty() {
        let (shape, shape_notes) = check_shape(&views, &relative(dir), options);
        findings.extend(shape);
        notes.extend(shape_notes);
    }
    findings.sort_by(|a, b| (a.rule, &a.at.file, a.at.line).cmp(&(b.rule, &b.at.file, b.at.line)));

    let applicable = applicable(&views);
    let cells = RULES
        .iter()
        .map(|&(rule, ..)| {
            let n = findings.iter().filter(|f| f.rule == rule).count();
            let cell = match n {
                0 if !applicable.contains(&rule) => Cell::NotApplicable,
                0 => Cell::Pass,
                n => Cell::Fail(n),
            };
            (rule, cell)
        })
        .collect();
    let mut machines: Vec<u32> = ids.into_iter().collect();
    machines.sort_unstable();
    Graded {
        name: name.to_owned(),
        format,
        machines,
        events: views.iter().map(|v| v.log.events.len()).sum(),
        cells,
        findings,
        notes,
    }
}

/// The rules the logs give something to judge.
fn applicable(views: &[View<'_>]) -> HashSet<Rule> {
    let mut rules = HashSet::from([Rule::Readable]);
    for view in views {
        rules.extend([Rule::Shape, Rule::Ids]);
        for e in &view.log.events {
            let lamport = e.lamport.is_some();
            if lamport || e.vc.is_some() {
                rules.insert(Rule::Monotonic);
            }
            if e.vc.is_some() {
                rules.insert(Rule::Vector);
            }
            if e.timestamp_us.is_some() {
                rules.insert(Rule::Timestamps);
            }
            match &e.kind {
                ForeignKind::Internal if lamport => {
                    rules.insert(Rule::LamportInternal);
                }
                ForeignKind::Send { to } if lamport && to.len() > 1 => {
                    rules.insert(Rule::Broadcast);
                }
                ForeignKind::Send { .. } if lamport => {
                    rules.insert(Rule::LamportSend);
                }
                ForeignKind::Recv {
                    from, msg_clock, ..
                } => {
                    if *from != view.own {
                        rules.extend([Rule::Matched, Rule::Fifo]);
                    }
                    if msg_clock.is_some() {
                        rules.insert(Rule::Carried);
                        if lamport {
                            rules.insert(Rule::LamportRecv);
                        }
                    }
                }
                _ => {}
            }
        }
    }
    rules
}

/// Grade a submission as read, named `name` (its folder's name).
///
/// JSON lines and CSV carry the Lamport clock by the format: a log none of whose events has one
/// has its field under another name (or none). That is said once, on the file, and the messages'
/// clocks are then left out of the matching (which falls back to the order of each link, as for
/// ShiViz logs), rather than every receive being reported as one of no message.
pub(crate) fn grade_submission(
    name: &str,
    submission: &crate::foreign::Submission,
    options: &Options,
) -> Graded {
    let carries_lamport = |log: &ForeignLog| log.events.iter().any(|e| e.lamport.is_some());
    let mut problems = submission.problems.clone();
    let mut logs = std::borrow::Cow::Borrowed(&submission.logs);
    if submission.format != Some(crate::foreign::Format::ShiViz) {
        let lacking: Vec<&ForeignLog> = submission
            .logs
            .iter()
            .filter(|l| !l.events.is_empty() && !carries_lamport(l))
            .collect();
        problems.extend(lacking.iter().map(|l| {
            Problem {
                file: l.file.clone(),
                line: None,
                message:
                    "no event carries `lamport` (the Lamport clock after the event): if the log \
                      names it otherwise, say so with --field lamport=NAME"
                        .to_owned(),
            }
        }));
        if !lacking.is_empty() {
            for log in logs.to_mut() {
                for e in &mut log.events {
                    if let ForeignKind::Recv { msg_clock, .. } = &mut e.kind {
                        *msg_clock = None;
                    }
                }
            }
        }
    }
    grade(
        name,
        &submission.dir,
        submission.format.map(|f| f.name().to_owned()),
        &logs,
        &problems,
        options,
    )
}
