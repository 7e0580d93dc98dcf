//! What `analyze` writes: the terminal summary, `report.md`, `summary.json` and the CSV series.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::BufRead;
use std::path::{Path, PathBuf};

use super::clock_table::{clock_note, clock_rows, CLOCK_HEADERS};
use super::tables::{
    causality_line, causality_rows, drift_rows, fault_rows, gap_rows, link_rows, machine_rows,
    table, CAUSALITY_HEADERS, DRIFT_HEADERS, FAULT_HEADERS, GAP_HEADERS, LINK_HEADERS,
    MACHINE_HEADERS,
};
use crate::analyze::error::AnalyzeError;
use crate::analyze::run::analyzer::Analysis;
use crate::analyze::run::summary::{Check, Summary, Verdict};

/// Output file names inside the run directory.
pub(crate) const SUMMARY_FILE: &str = "summary.json";
pub(crate) const REPORT_FILE: &str = "report.md";
/// CSV series: `(file, what a machine's cell holds)`; the columns are `t_model_s` and
/// `t_real_s` (seconds since the run start), then `machine_<id>` per machine.
pub(crate) const CSV_FILES: [(&str, &str); 3] = [
    ("clock.csv", "logical clock"),
    ("queue.csv", "queue length (messages)"),
    ("drift.csv", "drift (clock units)"),
];

/// The verdict as text: one line per check, offences under the failed ones, each followed by
/// the offending line itself when `quotes` has it.
/// The verdict in one or two lines: PASS or FAIL, the failed checks, and the timing figures.
pub(crate) fn verdict_line(v: &Verdict) -> String {
    let failed: Vec<&str> = v
        .checks
        .iter()
        .filter(|c| !c.passed)
        .map(|c| c.name.as_str())
        .collect();
    let mut out = if v.passed {
        "checks: PASS".to_owned()
    } else {
        format!("checks: FAIL ({})", failed.join(", "))
    };
    for c in v.checks.iter().filter(|c| c.tolerated > 0 || !c.passed) {
        if let Some(note) = &c.note {
            let _ = write!(out, "; {}: {note}", c.name);
        }
    }
    out.push('\n');
    // One piece of advice, the first failed timing check's: the ways out are the same.
    if let Some(advice) = v.checks.iter().find_map(|c| c.advice.as_ref()) {
        let _ = writeln!(out, "why and what to do: {advice}");
    }
    out
}

/// How many departures a check expected and what explains them: `(fault)` only when planned
/// faults explain them all (a machine killed from outside or a run cut short is no fault).
fn expected_label(c: &Check) -> String {
    match c.expected_unplanned {
        0 => format!(" ({} expected (fault))", c.expected),
        n if n == c.expected => format!(" ({} expected, no planned fault)", c.expected),
        n => format!(" ({} expected, {n} of them no planned fault)", c.expected),
    }
}

pub(crate) fn verdict_text(v: &Verdict, quotes: &BTreeMap<(String, u64), String>) -> String {
    let mut out = format!("checks: {}\n", if v.passed { "PASS" } else { "FAIL" });
    for c in &v.checks {
        let status = if c.passed { "ok  " } else { "FAIL" };
        let mut count = if c.passed {
            String::new()
        } else {
            format!(" ({} offences)", c.offences)
        };
        if c.expected > 0 {
            count.push_str(&expected_label(c));
        }
        if c.tolerated > 0 {
            let _ = write!(count, " ({} tolerated)", c.tolerated);
        }
        let _ = writeln!(out, "  {status} {:<9}{}{count}", c.name, c.rule);
        if let Some(note) = &c.note {
            let _ = writeln!(out, "         {note}");
        }
        if let Some(advice) = &c.advice {
            let _ = writeln!(out, "         why and what to do: {advice}");
        }
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
pub(crate) fn quote_offences(dir: &Path, v: &Verdict) -> BTreeMap<(String, u64), String> {
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
    let seed = s
        .scenario
        .seed
        .map_or_else(|| "unknown".to_owned(), |seed| seed.to_string());
    format!(
        "run {} ({}, seed {seed}, speedup {}, {} machines): {} lines; times in model seconds (real seconds x {})",
        s.run_dir,
        s.scenario.name,
        s.scenario.speedup,
        s.scenario.machines,
        s.lines,
        s.scenario.speedup
    )
}

/// The terminal summary of one run.
pub(crate) fn terminal(s: &Summary, quotes: &BTreeMap<(String, u64), String>) -> String {
    let mut out = heading(s) + "\n";
    out += &verdict_text(&s.verdict, quotes);
    out += "machines (rate, achieved and clock per model second; delays in real ms)\n";
    out += &table(&MACHINE_HEADERS, &machine_rows(s), false);
    let _ = writeln!(
        out,
        "drift = clock - highest living clock, sampled every {} real us ({} samples)",
        s.drift.step_real_us, s.drift.samples
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
    if let Some(scores) = &s.clock_scores {
        let _ = writeln!(out, "clocks against the truth: {}", clock_note(scores));
        out += &table(&CLOCK_HEADERS, &clock_rows(scores), false);
    }
    if !s.faults.is_empty() {
        out += "faults on purpose (model and real seconds since run start)\n";
        out += &table(&FAULT_HEADERS, &fault_rows(s), false);
    }
    out
}

/// `report.md`: the same tables, and the plots embedded.
pub(crate) fn markdown(s: &Summary, plots: &[(String, String)]) -> String {
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
                expected_label(c)
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
    out += "\n## Machines\n\nRates, achieved rates and clock per model second (the scenario's time; a dead machine's downtime left out); queueing delays in real (system) milliseconds.\n\n";
    out += &table(&MACHINE_HEADERS, &machine_rows(s), true);
    let _ = write!(
        out,
        "\n## Drift\n\nDrift = the machine's clock minus the highest clock at the same instant, sampled every {} real us ({} samples), machines only while alive; at = model seconds since the start; slope = least-squares fit of drift against time, per model second.\n\n",
        s.drift.step_real_us, s.drift.samples
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
    if let Some(scores) = &s.clock_scores {
        let _ = write!(
            out,
            "\n## Clocks against the truth\n\n{}\n\n",
            clock_note(scores)
        );
        out += &table(&CLOCK_HEADERS, &clock_rows(scores), true);
    }
    if !s.faults.is_empty() {
        out += "\n## Faults on purpose\n\nFrom `outcome.faults` in `manifest.json`; times in model seconds since the run start, as on the plots, and in real (system) seconds.\n\n";
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
    crate::analyze::error::write_output(&path, bytes)?;
    Ok(path)
}

/// Write `summary.json`, `report.md` and the CSV series into `dir`; returns the files written.
pub(crate) fn write_outputs(
    dir: &Path,
    analysis: &Analysis,
    plots: &[(String, String)],
) -> Result<Vec<PathBuf>, AnalyzeError> {
    let s = &analysis.summary;
    let json = serde_json::to_vec_pretty(s).expect("a summary always serializes");
    let mut files = vec![write(dir.join(SUMMARY_FILE), &json)?];
    files.push(write(dir.join(REPORT_FILE), markdown(s, plots).as_bytes())?);
    let n = s.machines.len();
    // The table's times are real seconds since the start; model seconds go first, as on the plots.
    let base = crate::timebase::TimeBase::new(0, s.scenario.speedup);
    for (k, (file, _)) in CSV_FILES.iter().enumerate() {
        let mut csv = csv::Writer::from_writer(Vec::new());
        let header = ["t_model_s", "t_real_s"]
            .into_iter()
            .map(str::to_owned)
            .chain(s.machines.iter().map(|m| format!("machine_{}", m.id)));
        let mut record: Vec<String> = header.collect();
        let mut written = csv.write_record(&record);
        for (t, row) in analysis.table.times.iter().zip(&analysis.table.rows) {
            record.clear();
            record.push(format!("{:.6}", base.model_of_real(*t)));
            record.push(format!("{t:.6}"));
            // A dead machine has no value: an empty cell.
            let cells = row[k * n..(k + 1) * n].iter();
            record.extend(cells.map(|v| {
                if v.is_nan() {
                    String::new()
                } else {
                    v.to_string()
                }
            }));
            written = written.and_then(|()| csv.write_record(&record));
        }
        written.expect("writing CSV into memory cannot fail");
        let text = csv.into_inner().expect("memory takes every byte");
        files.push(write(dir.join(file), &text)?);
    }
    Ok(files)
}
