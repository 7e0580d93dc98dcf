//! What `diff` reports: per machine agreement, headline figures side by side, and how they are
//! printed (`diff.json` is [`DiffReport`] as JSON).

use std::fmt::Write as _;

use serde::Serialize;

use super::compare::{self, MachineAgreement};
use super::runs::{how, Run};
use crate::analyze::Summary;

/// Version of the `diff.json` layout.
/// 2: the shares are `null`, not 1, when no tick was compared, and `uncompared` names the
/// machines with no tick to compare.
pub const DIFF_VERSION: u32 = 2;

/// Everything `diff` found.
#[derive(Debug, Serialize)]
pub struct DiffReport {
    pub diff_version: u32,
    pub a: RunInfo,
    pub b: RunInfo,
    pub seed: u64,
    pub machines: Vec<MachineAgreement>,
    /// Shares over every machine's compared ticks; `None` when no tick was compared.
    pub same_action_share: Option<f64>,
    pub same_lamport_share: Option<f64>,
    /// Machines with no tick to compare (no tick in one of the runs): marked, never counted
    /// as agreement.
    pub uncompared: Vec<u32>,
    /// Headline figures of both runs, in the order they are printed.
    pub figures: Vec<Figure>,
}

#[derive(Debug, Serialize)]
pub struct RunInfo {
    pub dir: String,
    /// `real` or `sim`, and the speedup.
    pub how: String,
}

/// One headline figure of both runs.
#[derive(Debug, Serialize)]
pub struct Figure {
    pub name: String,
    pub a: f64,
    pub b: f64,
}

impl Figure {
    fn new(name: impl Into<String>, a: f64, b: f64) -> Figure {
        Figure {
            name: name.into(),
            a,
            b,
        }
    }
}

/// Compare two runs already known to model the same scenario and seed.
pub fn diff(a: &Run, b: &Run) -> DiffReport {
    let machines: Vec<MachineAgreement> = a
        .manifest
        .machines
        .iter()
        .zip(a.ticks.iter().zip(&b.ticks))
        .map(|(m, (ta, tb))| compare::compare(m.id, ta, tb))
        .collect();
    let ticks: u64 = machines.iter().map(|m| m.ticks).sum();
    let share = |part: u64| compare::share(part, ticks);
    DiffReport {
        diff_version: DIFF_VERSION,
        a: info(a),
        b: info(b),
        // `same_model` refused runs without a seed before a report is made.
        seed: a.manifest.seed().unwrap_or_default(),
        same_action_share: share(machines.iter().map(|m| m.same_action).sum()),
        same_lamport_share: share(machines.iter().map(|m| m.same_lamport).sum()),
        uncompared: machines
            .iter()
            .filter(|m| m.ticks == 0)
            .map(|m| m.id)
            .collect(),
        machines,
        figures: figures(&a.summary, &b.summary),
    }
}

fn info(run: &Run) -> RunInfo {
    RunInfo {
        dir: run.dir.display().to_string(),
        how: how(run),
    }
}

/// The headline figures: per machine jump mean and max and queue max, then the worst drift
/// and the concurrent share of the run.
fn figures(a: &Summary, b: &Summary) -> Vec<Figure> {
    let mut out = Vec::new();
    for (ma, mb) in a.machines.iter().zip(&b.machines) {
        let id = ma.id;
        out.push(Figure::new(
            format!("machine {id} jump mean"),
            ma.jumps.mean,
            mb.jumps.mean,
        ));
        out.push(Figure::new(
            format!("machine {id} jump max"),
            ma.jumps.max as f64,
            mb.jumps.max as f64,
        ));
        out.push(Figure::new(
            format!("machine {id} queue max"),
            ma.queue.max as f64,
            mb.queue.max as f64,
        ));
    }
    let worst = |s: &Summary| {
        s.drift
            .machines
            .iter()
            .map(|m| m.max_drift)
            .min()
            .unwrap_or(0) as f64
    };
    out.push(Figure::new("worst drift (clock units)", worst(a), worst(b)));
    let concurrent = |s: &Summary| {
        s.causality
            .as_ref()
            .map_or(f64::NAN, |c| c.concurrent_share)
    };
    out.push(Figure::new(
        "concurrent share of event pairs",
        concurrent(a),
        concurrent(b),
    ));
    out
}

/// The report for a terminal, within 100 columns.
pub fn terminal(report: &DiffReport) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "A: {} ({})", report.a.dir, report.a.how);
    let _ = writeln!(out, "B: {} ({})", report.b.dir, report.b.how);
    match (report.same_action_share, report.same_lamport_share) {
        (Some(action), Some(lamport)) => {
            let _ = writeln!(
                out,
                "seed {}: same action on {:.1}% of ticks, same action and Lamport value on {:.1}%",
                report.seed,
                action * 100.0,
                lamport * 100.0
            );
        }
        _ => {
            let _ = writeln!(
                out,
                "seed {}: no tick to compare in any machine",
                report.seed
            );
        }
    }
    if !report.uncompared.is_empty() {
        let _ = writeln!(
            out,
            "machines {:?}: no tick to compare (no tick in one of the runs), left out of the shares",
            report.uncompared
        );
    }
    out.push('\n');
    let _ = writeln!(
        out,
        "{:>7} {:>7} {:>7} {:>7}  first difference",
        "machine", "ticks", "action", "clock"
    );
    let percent =
        |share: Option<f64>| share.map_or("-".to_owned(), |s| format!("{:.1}%", s * 100.0));
    for m in &report.machines {
        let first = match &m.first_difference {
            None if m.ticks == 0 => "no tick to compare".to_owned(),
            None => "none".to_owned(),
            Some(d) => {
                let side = |t: &Option<compare::TickRecord>| match t {
                    Some(t) => format!("{} -> {}", t.action, t.lamport),
                    None => "skipped".to_owned(),
                };
                format!("tick {}: A {}, B {}", d.tick, side(&d.a), side(&d.b))
            }
        };
        let _ = writeln!(
            out,
            "{:>7} {:>7} {:>7} {:>7}  {first}",
            m.id,
            m.ticks,
            percent(m.same_action_share()),
            percent(m.same_lamport_share())
        );
    }
    let _ = writeln!(
        out,
        "\n{:<34} {:>12} {:>12} {:>12}",
        "figure", "A", "B", "B - A"
    );
    for f in &report.figures {
        let _ = writeln!(
            out,
            "{:<34} {:>12.3} {:>12.3} {:>+12.3}",
            f.name,
            f.a,
            f.b,
            f.b - f.a
        );
    }
    out
}
