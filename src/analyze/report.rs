//! What `analyze` writes: the terminal summary, `report.md`, `summary.json` and the CSV series.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::BufRead;
use std::path::{Path, PathBuf};

use super::analyzer::Analysis;
use super::causality::Causality;
use super::error::AnalyzeError;
use super::summary::{Summary, Verdict};

/// Output file names inside the run directory.
pub const SUMMARY_FILE: &str = "summary.json";
pub const REPORT_FILE: &str = "report.md";
/// CSV series: `(file, first column of the table, what)`.
pub const CSV_FILES: [(&str, &str); 3] = [
    ("clock.csv", "logical clock"),
    ("queue.csv", "queue length (messages)"),
    ("drift.csv", "drift (clock units)"),
];

/// A table rendered either aligned for the terminal or as Markdown.
pub fn table(headers: &[&str], rows: &[Vec<String>], markdown: bool) -> String {
    let mut out = String::new();
    if markdown {
        let _ = writeln!(out, "| {} |", headers.join(" | "));
        let _ = writeln!(out, "|{}", "---:|".repeat(headers.len()));
        for row in rows {
            let _ = writeln!(out, "| {} |", row.join(" | "));
        }
        return out;
    }
    let mut widths: Vec<usize> = headers.iter().map(|h| h.len()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.len());
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

fn ms(us: u64) -> String {
    format!("{:.3}", us as f64 / 1e3)
}

fn machine_rows(s: &Summary) -> Vec<Vec<String>> {
    s.machines
        .iter()
        .map(|m| {
            vec![
                m.id.to_string(),
                m.rate.to_string(),
                m.achieved_rate.map_or("-".into(), |r| format!("{r:.3}")),
                m.ticks.to_string(),
                format!(
                    "{}/{}/{}",
                    m.events["internal"], m.events["send"], m.events["recv"]
                ),
                m.final_clock.to_string(),
                format!("{:.2}", m.clock_per_s),
                format!("{:.3}", m.jumps.mean),
                m.jumps.max.to_string(),
                format!("{:.1}%", 100.0 * m.jumps.share_above_1),
                m.queue.max.to_string(),
                format!("{:.3}", m.queue.mean),
                m.queue.p95.to_string(),
                ms(m.delay_us.p50),
                ms(m.delay_us.p95),
                ms(m.delay_us.max),
            ]
        })
        .collect()
}

const MACHINE_HEADERS: [&str; 16] = [
    "machine",
    "rate",
    "achieved",
    "ticks",
    "int/send/recv",
    "clock",
    "clock/s",
    "jump mean",
    "jump max",
    "jumps>1",
    "queue max",
    "queue mean",
    "queue p95",
    "delay p50 ms",
    "p95 ms",
    "max ms",
];

fn drift_rows(s: &Summary) -> Vec<Vec<String>> {
    s.drift
        .machines
        .iter()
        .map(|d| {
            vec![
                d.id.to_string(),
                d.rate.to_string(),
                d.max_drift.to_string(),
                format!("{:.3}", d.max_drift_at_s),
                d.final_drift.to_string(),
                format!("{:.3}", d.slope_per_s),
            ]
        })
        .collect()
}

const DRIFT_HEADERS: [&str; 6] = [
    "machine",
    "rate",
    "max drift",
    "at (s)",
    "final drift",
    "slope (/s)",
];

fn link_rows(s: &Summary) -> Vec<Vec<String>> {
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

const LINK_HEADERS: [&str; 9] = [
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

fn fault_rows(s: &Summary) -> Vec<Vec<String>> {
    s.faults
        .iter()
        .map(|f| {
            let ids: Vec<String> = f.machines.iter().map(u32::to_string).collect();
            vec![
                format!("{:.3}", f.at_s),
                f.kind.to_string(),
                ids.join(", "),
                f.detail.clone(),
            ]
        })
        .collect()
}

const FAULT_HEADERS: [&str; 4] = ["at (s)", "kind", "machines", "detail"];

const CAUSALITY_HEADERS: [&str; 5] = [
    "machine",
    "events",
    "concurrent pairs",
    "Lamport orders them",
    "share",
];

/// Causality per machine, then the run's total (pairs between machines, each counted once).
fn causality_rows(c: &Causality) -> Vec<Vec<String>> {
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
fn causality_line(c: &Causality) -> String {
    format!(
        "{} of {} pairs of events on different machines are concurrent ({:.1}%); the Lamport clock orders {:.1}% of those anyway (the rest tie)",
        c.concurrent_pairs,
        c.cross_pairs,
        100.0 * c.concurrent_share,
        100.0 * c.lamport_misleads_share
    )
}

fn gap_rows(s: &Summary) -> Vec<Vec<String>> {
    s.machines
        .iter()
        .flat_map(|m| {
            m.jumps.biggest.iter().take(3).map(move |g| {
                vec![
                    m.id.to_string(),
                    g.size.to_string(),
                    format!("{} -> {}", g.from, g.to),
                    format!("{:.3}", g.at_s),
                    g.tick.to_string(),
                    g.event.clone(),
                    g.line.to_string(),
                ]
            })
        })
        .collect()
}

const GAP_HEADERS: [&str; 7] = [
    "machine", "jump", "clock", "at (s)", "tick", "event", "line",
];

/// The verdict as text: one line per check, offences under the failed ones, each followed by
/// the offending line itself when `quotes` has it.
pub fn verdict_text(v: &Verdict, quotes: &BTreeMap<(String, u64), String>) -> String {
    let mut out = format!("checks: {}\n", if v.passed { "PASS" } else { "FAIL" });
    for c in &v.checks {
        let status = if c.passed { "ok  " } else { "FAIL" };
        let mut count = if c.passed {
            String::new()
        } else {
            format!(" ({} offences)", c.offences)
        };
        if c.expected > 0 {
            let _ = write!(count, " ({} expected (fault))", c.expected);
        }
        let _ = writeln!(out, "  {status} {:<9}{}{count}", c.name, c.rule);
        for o in &c.expected_first {
            let at = o.line.map_or(format!("machine {}", o.machine), |l| {
                format!("{} line {l}", o.file)
            });
            let _ = writeln!(out, "         expected: {at}: {}", o.message);
        }
        for o in &c.first {
            match o.line {
                Some(line) => {
                    let _ = writeln!(out, "         {} line {line}: {}", o.file, o.message);
                    if let Some(text) = quotes.get(&(o.file.clone(), line)) {
                        let _ = writeln!(out, "           {text}");
                    }
                }
                None => {
                    let _ = writeln!(out, "         machine {}: {}", o.machine, o.message);
                }
            }
        }
    }
    out
}

/// The text of the offending lines of failed checks, read back from the logs.
pub fn quote_offences(dir: &Path, v: &Verdict) -> BTreeMap<(String, u64), String> {
    let mut wanted: BTreeMap<String, BTreeSet<u64>> = BTreeMap::new();
    for o in v.checks.iter().flat_map(|c| &c.first) {
        if let Some(line) = o.line {
            wanted.entry(o.file.clone()).or_default().insert(line);
        }
    }
    let mut quotes = BTreeMap::new();
    for (file, lines) in wanted {
        let Ok(f) = std::fs::File::open(dir.join(&file)) else {
            continue;
        };
        let last = lines.iter().max().copied().unwrap_or(0);
        for (i, text) in std::io::BufReader::new(f).lines().enumerate() {
            let n = i as u64 + 1;
            if n > last {
                break;
            }
            if let (true, Ok(text)) = (lines.contains(&n), text) {
                quotes.insert((file.clone(), n), text);
            }
        }
    }
    quotes
}

fn heading(s: &Summary) -> String {
    format!(
        "run {} ({}, seed {}, speedup {}, {} machines): {} lines",
        s.run_dir,
        s.scenario.name,
        s.scenario.seed,
        s.scenario.speedup,
        s.scenario.machines,
        s.lines
    )
}

/// The terminal summary of one run.
pub fn terminal(s: &Summary, quotes: &BTreeMap<(String, u64), String>) -> String {
    let mut out = heading(s) + "\n";
    out += &verdict_text(&s.verdict, quotes);
    out += "machines (rate and achieved in ticks per model second, clock/s per real second)\n";
    out += &table(&MACHINE_HEADERS, &machine_rows(s), false);
    let _ = writeln!(
        out,
        "drift = clock - highest clock, sampled every {} us ({} samples)",
        s.drift.step_us, s.drift.samples
    );
    out += &table(&DRIFT_HEADERS, &drift_rows(s), false);
    out += "biggest jumps\n";
    out += &table(&GAP_HEADERS, &gap_rows(s), false);
    out += "messages per link\n";
    out += &table(&LINK_HEADERS, &link_rows(s), false);
    if let Some(c) = &s.causality {
        let _ = writeln!(out, "causality (vector clocks): {}", causality_line(c));
        out += &table(&CAUSALITY_HEADERS, &causality_rows(c), false);
    }
    if !s.faults.is_empty() {
        out += "faults on purpose (system time since run start)\n";
        out += &table(&FAULT_HEADERS, &fault_rows(s), false);
    }
    out
}

/// `report.md`: the same tables, and the plots embedded.
pub fn markdown(s: &Summary, plots: &[(String, String)]) -> String {
    let mut out = format!("# logiclock analysis\n\n{}\n\n", heading(s));
    out += "## Checks\n\n";
    for c in &s.verdict.checks {
        let _ = writeln!(
            out,
            "- **{}** `{}`: {}{}",
            if c.passed { "pass" } else { "FAIL" },
            c.name,
            c.rule,
            if c.passed {
                String::new()
            } else {
                format!(" ({} offences)", c.offences)
            } + &if c.expected > 0 {
                format!(" ({} expected (fault))", c.expected)
            } else {
                String::new()
            }
        );
        for o in &c.first {
            let at = o.line.map_or(String::new(), |l| format!(" line {l}"));
            let _ = writeln!(out, "  - `{}`{at}: {}", o.file, o.message);
        }
        for o in &c.expected_first {
            let at = o.line.map_or(String::new(), |l| format!(" line {l}"));
            let _ = writeln!(out, "  - expected: `{}`{at}: {}", o.file, o.message);
        }
    }
    out += "\n## Machines\n\nRates in ticks per model second; clock/s per real second; delays in real milliseconds.\n\n";
    out += &table(&MACHINE_HEADERS, &machine_rows(s), true);
    let _ = write!(
        out,
        "\n## Drift\n\nDrift = the machine's clock minus the highest clock at the same instant, sampled every {} us ({} samples); slope = least-squares fit of drift against real time.\n\n",
        s.drift.step_us, s.drift.samples
    );
    out += &table(&DRIFT_HEADERS, &drift_rows(s), true);
    out += "\n## Biggest jumps\n\n";
    out += &table(&GAP_HEADERS, &gap_rows(s), true);
    out += "\n## Messages per link\n\nSent = received + left in queue + dropped + lost at death + lost.\n\n";
    out += &table(&LINK_HEADERS, &link_rows(s), true);
    if let Some(c) = &s.causality {
        let _ = write!(
            out,
            "\n## Causality\n\nFrom the vector clocks: two events on different machines are concurrent when neither vector is <= the other. {}.\n\n",
            causality_line(c)
        );
        out += &table(&CAUSALITY_HEADERS, &causality_rows(c), true);
    }
    if !s.faults.is_empty() {
        out += "\n## Faults on purpose\n\nFrom `outcome.faults` in `manifest.json`; times are system seconds since the run start, as on the plots.\n\n";
        out += &table(&FAULT_HEADERS, &fault_rows(s), true);
    }
    if !plots.is_empty() {
        out += "\n## Plots\n\n";
        for (title, file) in plots {
            let _ = writeln!(out, "![{title}]({file})\n");
        }
    }
    out
}

fn write(path: PathBuf, bytes: &[u8]) -> Result<PathBuf, AnalyzeError> {
    std::fs::write(&path, bytes).map_err(|source| AnalyzeError::Write {
        path: path.clone(),
        source,
    })?;
    Ok(path)
}

/// Write `summary.json`, `report.md` and the CSV series into `dir`; returns the files written.
pub fn write_outputs(
    dir: &Path,
    analysis: &Analysis,
    plots: &[(String, String)],
) -> Result<Vec<PathBuf>, AnalyzeError> {
    let s = &analysis.summary;
    let json = serde_json::to_vec_pretty(s).expect("a summary always serializes");
    let mut files = vec![write(dir.join(SUMMARY_FILE), &json)?];
    files.push(write(dir.join(REPORT_FILE), markdown(s, plots).as_bytes())?);
    let n = s.machines.len();
    for (k, (file, _)) in CSV_FILES.iter().enumerate() {
        let mut text = String::from("t_s");
        for m in &s.machines {
            let _ = write!(text, ",machine_{}", m.id);
        }
        text.push('\n');
        for (t, row) in analysis.table.times.iter().zip(&analysis.table.rows) {
            let _ = write!(text, "{t:.6}");
            for v in &row[k * n..(k + 1) * n] {
                let _ = write!(text, ",{v}");
            }
            text.push('\n');
        }
        files.push(write(dir.join(file), text.as_bytes())?);
    }
    Ok(files)
}

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
