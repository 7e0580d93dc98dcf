//! Reading two runs for `diff`: each machine's ticks through the one log reader, the headline
//! figures through the analysis, and the check that both runs model the same thing.

use std::path::{Path, PathBuf};

use crate::analyze::{self, AnalyzeError};
use crate::log_format::Event;
use crate::manifest::Manifest;
use crate::runlog::{self, RunLogError, Warning};
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
    /// An imported run: no scenario and seed to compare it by.
    #[error("{}: an imported run has no scenario or seed; `diff` compares two runs of one scenario and seed that logiclock ran", .0.display())]
    Imported(PathBuf),
    /// A log with no whole line (emptied, or cut at its first line): nothing in it can be
    /// compared, and comparing its machine on no tick would read as agreement.
    #[error("{}: machine {machine}'s log holds no whole line (emptied or damaged); a run with a damaged log cannot be compared", path.display())]
    EmptyLog { path: PathBuf, machine: u32 },
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
    /// What its logs were read with (a last line cut short), to be said once.
    pub warnings: Vec<Warning>,
}

/// Read the run at `dir`: its ticks and its analysis (no files are written).
pub fn read(dir: &Path) -> Result<Run, DiffError> {
    let run = runlog::open_run(dir)?;
    let mut ticks = Vec::with_capacity(run.logs.len());
    let mut warnings = Vec::new();
    for (path, machine) in run.logs.iter().zip(&run.manifest.machines) {
        let mut list = Vec::new();
        let mut lines = 0u64;
        // A cut last line is not a tick; its warning is given with the comparison.
        warnings.extend(runlog::read_log(path, machine.id, |line| {
            lines += 1;
            if let Some(tick) = tick_record(&line.event) {
                list.push(tick);
            }
            true
        })?);
        if lines == 0 {
            return Err(DiffError::EmptyLog {
                path: path.clone(),
                machine: machine.id,
            });
        }
        ticks.push(list);
    }
    // The analysis reads the same logs: its warnings are the ones above.
    let (analysis, _same_warnings) = analyze::analyze_dir(dir, &analyze::Options::default())?;
    Ok(Run {
        dir: dir.to_owned(),
        manifest: run.manifest,
        ticks,
        summary: analysis.summary,
        warnings,
    })
}

/// What a clock event did, for comparison; other lines are not ticks.
pub(crate) fn tick_record(event: &Event) -> Option<TickRecord> {
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
    let (sa, sb) = match (&a.manifest.scenario, &b.manifest.scenario) {
        (Some(sa), Some(sb)) => (sa, sb),
        (None, _) => return Err(DiffError::Imported(a.dir.clone())),
        (_, None) => return Err(DiffError::Imported(b.dir.clone())),
    };
    if sa.seed != sb.seed {
        return Err(different(format!("seed {} and seed {}", sa.seed, sb.seed)));
    }
    if model(sa) != model(sb) {
        return Err(different(format!(
            "the scenarios differ beyond speed and addresses: {}",
            differing_keys(&model(sa), &model(sb)).join(", ")
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

/// The scenario keys whose values differ, each with both values (`events.die (10 and 20)`),
/// named as a scenario file names them.
fn differing_keys(a: &Scenario, b: &Scenario) -> Vec<String> {
    let json = |s: &Scenario| serde_json::to_value(s).expect("a scenario always serializes");
    let mut out = Vec::new();
    differences("", &json(a), &json(b), &mut out);
    out
}

/// Collect the leaves of two JSON values that differ, as `key (a and b)`.
fn differences(key: &str, a: &serde_json::Value, b: &serde_json::Value, out: &mut Vec<String>) {
    use serde_json::Value;
    match (a, b) {
        (Value::Object(ma), Value::Object(mb)) if !matches!(key, "rates" | "faults") => {
            let keys: std::collections::BTreeSet<&String> = ma.keys().chain(mb.keys()).collect();
            for k in keys {
                let inner = if key.is_empty() {
                    k.clone()
                } else {
                    format!("{key}.{k}")
                };
                let (va, vb) = (
                    ma.get(k).unwrap_or(&Value::Null),
                    mb.get(k).unwrap_or(&Value::Null),
                );
                differences(&inner, va, vb, out);
            }
        }
        _ if a != b => out.push(format!("{} ({a} and {b})", scenario_key(key))),
        _ => {}
    }
}

/// The scenario file's name of a manifest's scenario field.
fn scenario_key(field: &str) -> String {
    match field {
        "die" => "events.die".into(),
        "rates" => "clock rates (min_rate, max_rate or rates)".into(),
        "faults" => "[[fault]]".into(),
        other => other.into(),
    }
}

/// A short description of how a run ran: engine and speedup.
pub fn how(run: &Run) -> String {
    let engine = format!("{:?}", run.manifest.engine).to_lowercase();
    format!("{engine} at speedup {}", run.manifest.speedup())
}
