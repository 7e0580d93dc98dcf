//! `logiclock explore RUN_A RUN_B`: two runs of as many machines stacked on one page, with the
//! first tick where they part (as `logiclock diff` compares ticks) marked on both.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::command::{read, Request};
use crate::diff::compare::{self, TickRecord};
use crate::runlog::read_log;
use crate::timeline::{Timeline, TimelineError};

/// One run's side of the divergence: what it did on the tick (`null`: skipped) and where.
#[derive(Debug, Serialize)]
struct Side {
    #[serde(flatten)]
    record: TickRecord,
    /// Line in the machine's log, from 1.
    line: u64,
}

/// The first divergence of the two runs: the machine and tick, and each run's event there.
#[derive(Debug, Serialize)]
pub(crate) struct Divergence {
    machine: u32,
    tick: u64,
    a: Option<Side>,
    b: Option<Side>,
    /// Model seconds since the start of the earlier of the two events.
    model_s: f64,
}

/// A clock event of one machine: its tick record, log line and model seconds since the start.
type Slot = (TickRecord, u64, f64);

/// The event of `slots` (in tick order) on `tick`, if that tick was not skipped.
fn side(slots: &[Slot], tick: u64) -> Option<&Slot> {
    let at = slots.binary_search_by_key(&tick, |x| x.0.tick).ok()?;
    Some(&slots[at])
}

/// What the page's pair script reads: the divergence and the axes both runs have.
#[derive(Debug, Serialize)]
struct PairData {
    divergence: Option<Divergence>,
    /// Both runs ran for real: real time is a shared axis.
    real: bool,
    /// Both runs carry the hybrid logical clock.
    hlc: bool,
}

/// Write the page of `request`'s run stacked over `other`; returns the file written.
pub(crate) fn explore_pair(request: &Request, other: &Path) -> Result<PathBuf, TimelineError> {
    let a = read(&request.run_dir, request)?;
    let b = read(other, request)?;
    let (na, nb) = (a.timeline.machines.len(), b.timeline.machines.len());
    if na != nb {
        return Err(TimelineError::Usage(format!(
            "{} has {na} machines and {} has {nb}: only runs of as many machines can be stacked",
            request.run_dir.display(),
            other.display()
        )));
    }
    // Only the machines on the page can show where they part.
    let (sa, sb) = (slots(&a.timeline)?, slots(&b.timeline)?);
    let machines = (a.timeline.machines.iter().zip(sa.iter().zip(&sb)))
        .filter(|(m, _)| request.machines.is_empty() || request.machines.contains(&m.id))
        .map(|(m, (sa, sb))| (m.id, sa.as_slice(), sb.as_slice()));
    let divergence = first_divergence(machines);
    let pair = PairData {
        divergence,
        real: a.real && b.real,
        hlc: a.hlc && b.hlc,
    };
    let div = serde_json::to_string(&pair).expect("a divergence is numbers and names");
    let (ta, tb) = (
        super::data::title(&a.timeline),
        super::data::title(&b.timeline),
    );
    let page = super::page::pair_html(&format!("{ta} vs {tb}"), [&a.json, &b.json], &div);
    let path = request
        .out
        .clone()
        .unwrap_or_else(|| other.join(format!("explore-vs-{ta}.html")));
    crate::export::command::write_file(&path, |out| out.write_all(page.as_bytes()))?;
    Ok(path)
}

/// Each machine's clock events, in manifest order, through the one log reader.
fn slots(timeline: &Timeline) -> Result<Vec<Vec<Slot>>, TimelineError> {
    let mut out = Vec::with_capacity(timeline.machines.len());
    for (path, machine) in timeline.logs.iter().zip(&timeline.machines) {
        let mut list = Vec::new();
        read_log(path, machine.id, |line| {
            if let Some(record) = crate::diff::runs::tick_record(&line.event) {
                list.push((record, line.line, timeline.model_seconds(line.timestamp)));
            }
            true
        })?;
        out.push(list);
    }
    Ok(out)
}

/// The earliest (in model time) of the machines' first differing ticks (each machine: its id
/// and its clock events in either run), as `diff` finds them; `None` when the runs agree on
/// every tick both ran.
fn first_divergence<'a>(
    machines: impl Iterator<Item = (u32, &'a [Slot], &'a [Slot])>,
) -> Option<Divergence> {
    let records = |s: &[Slot]| s.iter().map(|x| x.0.clone()).collect::<Vec<_>>();
    let mut best: Option<Divergence> = None;
    for (id, sa, sb) in machines {
        let agreement = compare::compare(id, &records(sa), &records(sb));
        let Some(d) = agreement.first_difference else {
            continue;
        };
        let (xa, xb) = (side(sa, d.tick), side(sb, d.tick));
        let model_s = [xa, xb]
            .into_iter()
            .flatten()
            .map(|x| x.2)
            .fold(f64::INFINITY, f64::min);
        let to_side = |x: Option<&Slot>| {
            x.map(|x| Side {
                record: x.0.clone(),
                line: x.1,
            })
        };
        if best.as_ref().is_none_or(|b| model_s < b.model_s) {
            best = Some(Divergence {
                machine: id,
                tick: d.tick,
                a: to_side(xa),
                b: to_side(xb),
                model_s,
            });
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::compare::TickAction;

    fn slot(tick: u64, action: TickAction, lamport: u64, model_s: f64) -> Slot {
        let record = TickRecord {
            tick,
            action,
            lamport,
        };
        (record, tick + 1, model_s)
    }

    #[test]
    fn the_first_divergence_is_the_earliest_in_model_time_not_the_lowest_machine() {
        let same = vec![slot(1, TickAction::Internal, 1, 0.5)];
        // Machine 0 parts on tick 2 at 2 s; machine 1 parts on tick 3 at 1.5 s (faster).
        let m0a = [same.clone(), vec![slot(2, TickAction::Internal, 2, 2.0)]].concat();
        let m0b = [
            same.clone(),
            vec![slot(2, TickAction::Recv { from: 1 }, 5, 2.0)],
        ]
        .concat();
        let m1a = [same.clone(), vec![slot(3, TickAction::Internal, 2, 1.5)]].concat();
        let m1b = [same.clone(), vec![slot(3, TickAction::Internal, 3, 1.5)]].concat();
        let machines = [(0, &m0a[..], &m0b[..]), (1, &m1a[..], &m1b[..])];
        let d = first_divergence(machines.into_iter()).expect("the runs part");
        assert_eq!((d.machine, d.tick, d.model_s), (1, 3, 1.5));
        assert_eq!(d.a.map(|s| (s.record.lamport, s.line)), Some((2, 4)));
        assert_eq!(d.b.map(|s| s.record.lamport), Some(3));
    }

    #[test]
    fn runs_that_agree_on_every_tick_have_no_divergence() {
        let m = [slot(1, TickAction::Send { to: vec![1] }, 1, 1.0)];
        assert!(first_divergence([(0, &m[..], &m[..])].into_iter()).is_none());
    }

    #[test]
    fn a_tick_skipped_in_one_run_is_a_divergence_with_no_event_on_that_side() {
        let a = [
            slot(1, TickAction::Internal, 1, 1.0),
            slot(2, TickAction::Internal, 2, 2.0),
        ];
        let b = [slot(2, TickAction::Internal, 1, 2.0)];
        let d = first_divergence([(4, &a[..], &b[..])].into_iter()).expect("tick 1 skipped in b");
        assert_eq!((d.machine, d.tick), (4, 1));
        assert!(d.a.is_some() && d.b.is_none());
    }
}
