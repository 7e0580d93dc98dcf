//! The tables of a run's report (machines, drift, links, faults, causality, biggest jumps): rows
//! and headers, rendered aligned for the terminal or as Markdown.

use std::fmt::Write as _;

use crate::analyze::run::causality::Causality;
use crate::analyze::run::summary::Summary;

/// A table rendered either aligned for the terminal or as Markdown.
pub(crate) fn table(headers: &[&str], rows: &[Vec<String>], markdown: bool) -> String {
    let mut out = String::new();
    if markdown {
        let _ = writeln!(out, "| {} |", headers.join(" | "));
        let _ = writeln!(out, "|{}", "---:|".repeat(headers.len()));
        for row in rows {
            let _ = writeln!(out, "| {} |", row.join(" | "));
        }
        return out;
    }
    // Widths in characters, as `format!` pads (a `±` is two bytes, one column).
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let parts: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, &w)| format!("{c:>w$}"))
            .collect();
        format!("  {}\n", parts.join("  "))
    };
    out.push_str(&line(headers.to_vec()));
    for row in rows {
        out.push_str(&line(row.iter().map(String::as_str).collect()));
    }
    out
}

pub(super) fn ms(us: u64) -> String {
    format!("{:.3}", us as f64 / 1e3)
}

pub(super) fn machine_rows(s: &Summary) -> Vec<Vec<String>> {
    s.machines
        .iter()
        .map(|m| {
            vec![
                m.id.to_string(),
                m.rate.map_or_else(|| "?".to_owned(), |r| r.to_string()),
                m.achieved_rate.map_or("-".into(), |r| format!("{r:.3}")),
                m.ticks.to_string(),
                format!(
                    "{}/{}/{}",
                    m.events["internal"], m.events["send"], m.events["recv"]
                ),
                m.final_clock.to_string(),
                // the scenario's rates are per model second: so is the clock's
                format!("{:.2}", m.clock_per_model_s),
                format!("{:.3}", m.jumps.mean),
                m.jumps.max.to_string(),
                format!("{:.1}%", 100.0 * m.jumps.share_above_1),
                m.queue.max.to_string(),
                format!("{:.3}", m.queue.mean),
                m.queue.p95.to_string(),
                ms(m.delay_real_us.p50),
                ms(m.delay_real_us.p95),
                ms(m.delay_real_us.max),
            ]
        })
        .collect()
}

pub(super) const MACHINE_HEADERS: [&str; 16] = [
    "machine",
    "rate",
    "achieved",
    "ticks",
    "int/send/recv",
    "clock",
    "clock/model s",
    "jump mean",
    "jump max",
    "jumps>1",
    "queue max",
    "queue mean",
    "queue p95",
    "delay p50 real ms",
    "p95 real ms",
    "max real ms",
];

pub(super) fn drift_rows(s: &Summary) -> Vec<Vec<String>> {
    s.drift
        .machines
        .iter()
        .map(|d| {
            vec![
                d.id.to_string(),
                d.rate.map_or_else(|| "?".to_owned(), |r| r.to_string()),
                d.max_drift.to_string(),
                format!("{:.3}", d.max_drift_at_model_s),
                d.final_drift.to_string(),
                format!("{:.3}", d.slope_per_model_s),
            ]
        })
        .collect()
}

pub(super) const DRIFT_HEADERS: [&str; 6] = [
    "machine",
    "rate",
    "max drift",
    "at (model s)",
    "final drift",
    "slope (/model s)",
];

pub(super) fn link_rows(s: &Summary) -> Vec<Vec<String>> {
    s.links
        .iter()
        .map(|l| {
            vec![
                l.from.to_string(),
                l.to.to_string(),
                l.sent.to_string(),
                l.received.to_string(),
                l.left_in_queue.to_string(),
                l.dropped.to_string(),
                l.lost_at_death.to_string(),
                l.lost.to_string(),
                l.unmatched.to_string(),
            ]
        })
        .collect()
}

pub(super) const LINK_HEADERS: [&str; 9] = [
    "from",
    "to",
    "sent",
    "received",
    "left in queue",
    "dropped",
    "lost at death",
    "lost",
    "unmatched",
];

pub(super) fn fault_rows(s: &Summary) -> Vec<Vec<String>> {
    s.faults
        .iter()
        .map(|f| {
            let ids: Vec<String> = f.machines.iter().map(u32::to_string).collect();
            vec![
                format!("{:.3}", f.at_model_s),
                format!("{:.3}", f.at_real_s),
                f.kind.to_string(),
                ids.join(", "),
                f.detail.clone(),
            ]
        })
        .collect()
}

pub(super) const FAULT_HEADERS: [&str; 5] =
    ["at (model s)", "real s", "kind", "machines", "detail"];

pub(super) const CAUSALITY_HEADERS: [&str; 5] = [
    "machine",
    "events",
    "concurrent pairs",
    "Lamport orders them",
    "share",
];

/// Causality per machine, then the run's total (pairs between machines, each counted once).
pub(super) fn causality_rows(c: &Causality) -> Vec<Vec<String>> {
    let share = |part: u64, whole: u64| {
        if whole == 0 {
            "-".to_owned()
        } else {
            format!("{:.1}%", 100.0 * part as f64 / whole as f64)
        }
    };
    let mut rows: Vec<Vec<String>> = c
        .machines
        .iter()
        .map(|m| {
            vec![
                m.id.to_string(),
                m.events.to_string(),
                m.concurrent_pairs.to_string(),
                m.lamport_orders_concurrent.to_string(),
                share(m.lamport_orders_concurrent, m.concurrent_pairs),
            ]
        })
        .collect();
    rows.push(vec![
        "run".into(),
        c.events.to_string(),
        c.concurrent_pairs.to_string(),
        c.lamport_orders_concurrent.to_string(),
        share(c.lamport_orders_concurrent, c.concurrent_pairs),
    ]);
    rows
}

/// One sentence on the run's causality.
pub(super) fn causality_line(c: &Causality) -> String {
    format!(
        "{} of {} pairs of events on different machines are concurrent ({:.1}%); the Lamport clock orders {:.1}% of those anyway (the rest tie)",
        c.concurrent_pairs,
        c.cross_pairs,
        100.0 * c.concurrent_share,
        100.0 * c.lamport_misleads_share
    )
}

pub(super) fn gap_rows(s: &Summary) -> Vec<Vec<String>> {
    s.machines
        .iter()
        .flat_map(|m| {
            m.jumps.biggest.iter().take(3).map(move |g| {
                vec![
                    m.id.to_string(),
                    g.size.to_string(),
                    format!("{} -> {}", g.from, g.to),
                    format!("{:.3}", g.at_model_s),
                    g.tick.to_string(),
                    g.event.clone(),
                    g.line.to_string(),
                ]
            })
        })
        .collect()
}

pub(super) const GAP_HEADERS: [&str; 7] = [
    "machine",
    "jump",
    "clock",
    "at (model s)",
    "tick",
    "event",
    "line",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_align_and_render_as_markdown() {
        let rows = vec![vec!["1".to_string(), "22".to_string()]];
        assert_eq!(table(&["a", "b"], &rows, false), "  a   b\n  1  22\n");
        assert_eq!(
            table(&["a", "b"], &rows, true),
            "| a | b |\n|---:|---:|\n| 1 | 22 |\n"
        );
    }
}
