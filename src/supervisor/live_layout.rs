//! The live view's layout, pure: from the terminal's size, the run's clock and what is known of
//! each machine, the lines to draw. It always fits the terminal, whatever the number of machines:
//!
//! - the progress line and a summary line come first, so they never scroll away;
//! - one line per machine when every machine has a row (and the terminal is wide enough);
//! - else several machines per row, in compact cells (`3 t120 L131 q0`: each value after its
//!   letter), with the letters' legend always on screen;
//! - else the most notable machines (died, paused, killed, then the longest queues: the ones
//!   falling behind) in cells, and one line counting the others.
//!
//! A paused machine's queue is shown as unknown (`q?`): frozen, it reports nothing, while its
//! peers' messages keep arriving in its inbox. Every line is at most one column narrower than the
//! terminal, so none wraps and the terminal never has to decide where the cursor goes after a
//! full line.

use std::time::Duration;

/// Columns of a machine's own line (with its figures), of a compact cell, and of the gap between
/// two cells.
const FULL: usize = 76;
const CELL: usize = 24;
const GAP: usize = 2;
/// Columns of the progress bar at most.
const BAR: usize = 30;

/// The terminal's size in character cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Size {
    pub rows: usize,
    pub cols: usize,
}

/// The run's time so far, for the progress line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Clock {
    pub elapsed: Duration,
    pub total: Duration,
    /// Model seconds per real second.
    pub speedup: f64,
}

/// A machine's latest reported figures.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Figures {
    pub tick: u64,
    pub lamport: u64,
    pub queue: u64,
}

/// Where a machine is in its life, as the live view tells it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Phase {
    /// Spawned, not ticking yet (also a restarted machine on its way back into the mesh).
    Starting,
    Ticking,
    /// Frozen by a `pause` fault.
    Paused,
    /// Stopped on request; its figures are its final ones.
    Stopped,
    KilledByFault,
    /// Died unplanned: how.
    Died(String),
}

impl Phase {
    /// The phase in one word, at most 8 characters.
    fn word(&self) -> &'static str {
        match self {
            Phase::Starting => "starting",
            Phase::Ticking => "ticking",
            Phase::Paused => "paused",
            Phase::Stopped => "stopped",
            Phase::KilledByFault => "killed",
            Phase::Died(_) => "DIED",
        }
    }

    /// How much a user wants to see this machine when not all fit: lower comes first.
    fn rank(&self) -> u8 {
        match self {
            Phase::Died(_) => 0,
            Phase::Paused => 1,
            Phase::KilledByFault => 2,
            Phase::Starting => 3,
            Phase::Ticking => 4,
            Phase::Stopped => 5,
        }
    }
}

/// What the live view knows of one machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MachineView {
    pub id: u32,
    pub rate: u32,
    /// Its latest figures, once it has reported any.
    pub figures: Option<Figures>,
    pub phase: Phase,
}

/// How a piece of a line is to be colored; the display picks the colors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tint {
    Plain,
    /// The colour of machine `id`.
    Machine(u32),
    /// The done part of the progress bar.
    BarDone,
    /// The part of the progress bar still to go.
    BarLeft,
}

/// A piece of a line in one tint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Tinted {
    pub tint: Tint,
    pub text: String,
}

/// One line of the view.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ViewLine(pub Vec<Tinted>);

impl ViewLine {
    /// The line's text without colors (the tests read the view through it).
    #[cfg(test)]
    pub(crate) fn plain(&self) -> String {
        self.0.iter().map(|s| s.text.as_str()).collect()
    }

    fn push(&mut self, tint: Tint, text: impl Into<String>) {
        self.0.push(Tinted {
            tint,
            text: text.into(),
        });
    }

    /// Cut the line to at most `width` characters.
    fn truncate(mut self, width: usize) -> ViewLine {
        let mut left = width;
        for span in &mut self.0 {
            let chars = span.text.chars().count();
            if chars > left {
                span.text = span.text.chars().take(left).collect();
            }
            left -= span.text.chars().count();
        }
        self.0.retain(|s| !s.text.is_empty());
        self
    }
}

/// The view for a terminal of `size`: at most `size.rows - 1` lines (the cursor's row stays
/// free), each at most `size.cols - 1` characters wide.
pub(crate) fn layout(size: Size, clock: &Clock, machines: &[MachineView]) -> Vec<ViewLine> {
    let budget = size.rows.saturating_sub(1).max(1);
    let width = size.cols.saturating_sub(1).max(1);
    let mut lines = vec![progress(width, clock)];
    let body_rows = budget.saturating_sub(2);
    let per_row = ((width + GAP) / (CELL + GAP)).max(1);
    let body = if machines.len() <= body_rows && width >= FULL {
        lines.push(summary(machines, false, width).0);
        machines.iter().map(full_line).collect()
    } else {
        // Cells need their legend: on the summary line when it fits there, else on its own.
        let (line, legend) = summary(machines, true, width);
        lines.push(line);
        let body_rows = body_rows.saturating_sub(usize::from(legend.is_some()));
        lines.extend(legend);
        if machines.len().div_ceil(per_row) <= body_rows {
            grid(machines.iter(), per_row)
        } else {
            notable(machines, body_rows, per_row)
        }
    };
    lines.extend(body);
    lines.truncate(budget);
    lines.into_iter().map(|l| l.truncate(width)).collect()
}

/// The progress bar and the real and model time, e.g. `███░░░ 1.2/3.0 s real, 72.0/180.0 s
/// model`.
fn progress(width: usize, clock: &Clock) -> ViewLine {
    let bar = BAR.min(width / 4);
    let total = clock.total.as_secs_f64();
    let elapsed = clock.elapsed.min(clock.total).as_secs_f64();
    let fraction = if total > 0.0 { elapsed / total } else { 1.0 };
    let done = ((fraction * bar as f64).round() as usize).min(bar);
    let mut line = ViewLine::default();
    line.push(Tint::BarDone, "█".repeat(done));
    line.push(Tint::BarLeft, "░".repeat(bar - done));
    line.push(
        Tint::Plain,
        format!(
            " {elapsed:.1}/{total:.1} s real, {:.1}/{:.1} s model",
            elapsed * clock.speedup,
            total * clock.speedup
        ),
    );
    line
}

/// What the letters of a compact cell stand for.
const LEGEND: &str = "t tick, L lamport, q queue (q? while paused)";

/// One line for the whole run: how many machines are in which phase, the highest clock and the
/// longest queue; in compact views, with the cells' [`LEGEND`] when it fits in `width`, else
/// the legend as a line of its own to show under it.
fn summary(machines: &[MachineView], compact: bool, width: usize) -> (ViewLine, Option<ViewLine>) {
    let order = [
        Phase::Starting,
        Phase::Ticking,
        Phase::Paused,
        Phase::Stopped,
        Phase::KilledByFault,
        Phase::Died(String::new()),
    ];
    let counts: Vec<String> = order
        .iter()
        .filter_map(|phase| {
            let same = |m: &&MachineView| {
                std::mem::discriminant(&m.phase) == std::mem::discriminant(phase)
            };
            let n = machines.iter().filter(same).count();
            (n > 0).then(|| format!("{n} {}", phase.word().to_lowercase()))
        })
        .collect();
    let counts = format!("{} machines: {}", machines.len(), counts.join(", "));
    let lamport = machines
        .iter()
        .filter_map(|m| m.figures)
        .map(|f| f.lamport)
        .max();
    let longest = machines
        .iter()
        .filter_map(|m| Some((m.figures?.queue, m.id)))
        .max_by_key(|&(queue, id)| (queue, std::cmp::Reverse(id)));
    // In words when they fit; else with the cells' letters (their legend is on screen then).
    let [long, short] = [("  |  ", "lamport", "queue"), ("; ", "L", "q")].map(|(sep, l, q)| {
        let mut text = counts.clone();
        if let Some(lamport) = lamport {
            text.push_str(&format!("{sep}{l} max {lamport}"));
        }
        if let Some((queue, id)) = longest {
            text.push_str(&format!("{sep}{q} max {queue} (machine {id})"));
        }
        text
    });
    let mut text = if long.len() <= width || !compact {
        long
    } else {
        short
    };
    let separator = "  |  ";
    let mut legend = None;
    if compact && text.len() + separator.len() + LEGEND.len() <= width {
        text.push_str(separator);
        text.push_str(LEGEND);
    } else if compact {
        let mut own = ViewLine::default();
        own.push(Tint::Plain, LEGEND);
        legend = Some(own);
    }
    let mut line = ViewLine::default();
    line.push(Tint::Plain, text);
    (line, legend)
}

/// A machine's own line, [`FULL`] columns (and for a machine that died, how):
/// `machine  3  ticking   rate    6/s  tick     120  lamport     131  queue    0`. The machine's
/// name is in its colour; the figures in the terminal's own.
fn full_line(m: &MachineView) -> ViewLine {
    let mut text = format!("  {:<8}  rate {:>4}/s", m.phase.word(), m.rate);
    if let Some(f) = m.figures {
        let queue = match m.phase {
            Phase::Paused => format!("{:>4}", "?"),
            _ => short(f.queue, 4),
        };
        text.push_str(&format!(
            "  tick {}  lamport {}  queue {queue}",
            short(f.tick, 7),
            short(f.lamport, 7),
        ));
    }
    if let Phase::Died(how) = &m.phase {
        text.push_str(&format!("  ({how})"));
    }
    let mut line = ViewLine::default();
    line.push(Tint::Machine(m.id), format!("machine {:>2}", m.id));
    line.push(Tint::Plain, text);
    line
}

/// A machine in a compact cell of [`CELL`] columns, each value right after its letter:
/// ` 3 t120    L131    q0   `; a machine not ticking shows its phase in place of its tick, a
/// paused one `q?` for its queue. The id is in the machine's colour, the figures in the
/// terminal's own.
fn cell(m: &MachineView) -> (String, String) {
    let f = m.figures.unwrap_or_default();
    let state = match m.phase {
        Phase::Ticking => format!("t{}", left(f.tick, 6)),
        _ => format!("{:<7}", m.phase.word()),
    };
    let queue = match m.phase {
        Phase::Paused => format!("{:<4}", "?"),
        _ => left(f.queue, 4),
    };
    (
        format!("{:>2}", m.id),
        format!(" {state} L{} q{queue}", left(f.lamport, 6)),
    )
}

/// `value` left-aligned in `width` columns, shortened as [`short`] does.
fn left(value: u64, width: usize) -> String {
    format!("{:<width$}", short(value, width).trim_start())
}

/// `value` right-aligned in `width` columns, as `12k` or `3M` when its digits do not fit.
fn short(value: u64, width: usize) -> String {
    let digits = value.to_string();
    if digits.len() <= width {
        return format!("{digits:>width$}");
    }
    // The finest unit that fits.
    let scaled = [(1_000, "k"), (1_000_000, "M"), (1_000_000_000, "G")]
        .iter()
        .map(|&(unit, suffix)| format!("{}{suffix}", value / unit))
        .find(|s| s.len() <= width)
        .unwrap_or_else(|| "#".repeat(width));
    format!("{scaled:>width$}")
}

/// Machines in rows of `per_row` cells.
fn grid<'a>(machines: impl Iterator<Item = &'a MachineView>, per_row: usize) -> Vec<ViewLine> {
    let machines: Vec<&MachineView> = machines.collect();
    machines
        .chunks(per_row)
        .map(|row| {
            let mut line = ViewLine::default();
            for (i, m) in row.iter().enumerate() {
                if i > 0 {
                    line.push(Tint::Plain, " ".repeat(GAP));
                }
                let (id, figures) = cell(m);
                line.push(Tint::Machine(m.id), id);
                line.push(Tint::Plain, figures);
            }
            line
        })
        .collect()
}

/// The most notable machines that fit in `rows - 1` rows of cells, in id order, and a line
/// counting the others.
fn notable(machines: &[MachineView], rows: usize, per_row: usize) -> Vec<ViewLine> {
    if rows == 0 {
        return Vec::new();
    }
    let shown = (rows - 1) * per_row;
    let mut order: Vec<&MachineView> = machines.iter().collect();
    order.sort_by_key(|m| {
        let queue = m.figures.map_or(0, |f| f.queue);
        (m.phase.rank(), std::cmp::Reverse(queue), m.id)
    });
    let (picked, rest) = order.split_at(shown.min(order.len()));
    let mut picked = picked.to_vec();
    picked.sort_by_key(|m| m.id);
    let mut lines = grid(picked.into_iter(), per_row);
    let longest = rest.iter().filter_map(|m| m.figures).map(|f| f.queue).max();
    let mut more = format!("... and {} more machines", rest.len());
    if let Some(queue) = longest {
        more.push_str(&format!(" (queues of {queue} or less)"));
    }
    let mut line = ViewLine::default();
    line.push(Tint::Plain, more);
    lines.push(line);
    lines
}

#[cfg(test)]
mod tests;
