//! Reading two runs for `diff`: each machine's ticks through the one log reader, the headline
//! figures through the analysis, and the check that both runs model the same thing.

use std::path::{Path, PathBuf};

use crate::analyze::{self, AnalyzeError};
use crate::log_format::Event;
use crate::manifest::Manifest;
use crate::runlog::{self, RunLogError};
use crate::scenario::Scenario;

use super::compare::{TickAction, TickRecord};

/// Why two runs could not be compared.
#[derive(Debug, thiserror::Error)]
pub enum DiffError {
    #[error(transparent)]
    Input(#[from] RunLogError),
    #[error(transparent)]
    Analyze(#[from] AnalyzeError),
    /// The runs do not model the same scenario and seed, so a tick-by-tick comparison means
    /// nothing.
    #[error("{a} and {b} are not runs of the same scenario and seed: {what}")]
    Different {
        a: PathBuf,
        b: PathBuf,
        what: String,
    },
    #[error("failed to write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// One run as `diff` sees it.
#[derive(Debug)]
pub struct Run {
    pub dir: PathBuf,
    pub manifest: Manifest,
    /// Per machine, in manifest order: its ticks in order.
    pub ticks: Vec<Vec<TickRecord>>,
    pub summary: analyze::Summary,
}

/// Read the run at `dir`: its ticks and its analysis (no files are written).
pub fn read(dir: &Path) -> Result<Run, DiffError> {
    let run = runlog::open_run(dir)?;
    let mut ticks = Vec::with_capacity(run.logs.len());
    for (path, machine) in run.logs.iter().zip(&run.manifest.machines) {
        let mut list = Vec::new();
        // A cut last line is the analysis's warning to give; here it is just not a tick.
        runlog::read_log(path, machine.id, |line| {
            if let Some(tick) = tick_record(&line.event) {
                list.push(tick);
            }
            true
        })?;
        ticks.push(list);
    }
    let (analysis, _warnings) = analyze::analyze_dir(dir, &analyze::Options::default())?;
    Ok(Run {
        dir: dir.to_owned(),
        manifest: run.manifest,
        ticks,
        summary: analysis.summary,
    })
}

/// What a clock event did, for comparison; other lines are not ticks.
fn tick_record(event: &Event) -> Option<TickRecord> {
    let (tick, action, lamport) = match *event {
        Event::Internal { tick, lamport, .. } => (tick, TickAction::Internal, lamport),
        Event::Send {
            tick,
            lamport,
            ref to,
            ..
        } => (tick, TickAction::Send { to: to.clone() }, lamport),
        Event::Recv {
            tick,
            lamport,
            from,
            ..
        } => (tick, TickAction::Recv { from }, lamport),
        Event::Start { .. }
        | Event::Skipped { .. }
        | Event::Stop { .. }
        | Event::Dropped { .. }
        | Event::Fault { .. }
        | Event::PeerConnected { .. }
        | Event::PeerGone { .. }
        | Event::Refused { .. }
        | Event::Warning { .. }
        | Event::Unknown => return None,
    };
    Some(TickRecord {
        tick,
        action,
        lamport,
    })
}

/// Refuse two runs that do not model the same thing: another scenario (beyond how fast and
/// where it ran), another seed, or other drawn rates.
pub fn same_model(a: &Run, b: &Run) -> Result<(), DiffError> {
    let different = |what: String| DiffError::Different {
        a: a.dir.clone(),
        b: b.dir.clone(),
        what,
    };
    let (sa, sb) = (&a.manifest.scenario, &b.manifest.scenario);
    if sa.seed != sb.seed {
        return Err(different(format!("seed {} and seed {}", sa.seed, sb.seed)));
    }
    if model(sa) != model(sb) {
        return Err(different(format!(
            "the scenarios differ beyond speed and addresses ({} and {})",
            sa.name, sb.name
        )));
    }
    let rates = |m: &Manifest| m.machines.iter().map(|m| m.rate).collect::<Vec<_>>();
    if rates(&a.manifest) != rates(&b.manifest) {
        return Err(different(format!(
            "rates {:?} and {:?}",
            rates(&a.manifest),
            rates(&b.manifest)
        )));
    }
    Ok(())
}

/// The part of a scenario that decides what the model does: not its name, speed, addresses,
/// stop grace, or the twin's network timing.
fn model(s: &Scenario) -> Scenario {
    let mut s = s.clone();
    let base = Scenario::default();
    s.name = base.name;
    s.speedup = base.speedup;
    s.host = base.host;
    s.ports = Vec::new();
    s.stop_grace_s = base.stop_grace_s;
    s.latency_us = base.latency_us;
    s.jitter_us = base.jitter_us;
    s
}

/// A short description of how a run ran: engine and speedup.
pub fn how(run: &Run) -> String {
    let s = &run.manifest.scenario;
    let engine = format!("{:?}", run.manifest.engine).to_lowercase();
    format!("{engine} at speedup {}", s.speedup)
}
