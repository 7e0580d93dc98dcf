//! Tests of the foreign-log readers: twin runs written by each writer and read back
//! (`round_trip`), and every kind of bad input (`bad_input`).

use std::path::{Path, PathBuf};

use super::{ForeignEvent, ForeignKind};
use crate::log_format::{timestamp::parse_micros, Event, LogLine};

mod bad_input;
mod round_trip;
mod shiviz;

/// A twin run of three machines for `seconds` model seconds into `dir/run`.
fn twin(dir: &Path, seed: u64, seconds: u32) -> PathBuf {
    let text = format!(
        "name = \"foreign\"\nmachines = 3\nduration_s = {seconds}\nspeedup = 1000.0\nseed = {seed}\n\
         [clock]\nmin_rate = 1\nmax_rate = 6\n[events]\ndie = 10\n[network]\nlatency_us = 150\n"
    );
    let scenario = crate::scenario::Scenario::parse(
        &text,
        Path::new("foreign.toml"),
        &crate::scenario::Overrides::default(),
    )
    .expect("the test scenario is valid");
    let out = dir.join("run");
    let options = crate::run::RunOptions {
        out: Some(out.clone()),
        runs_root: dir.to_owned(),
        quiet: true,
        engine: crate::manifest::Engine::Sim,
        batch: None,
        max_log_size: None,
    };
    crate::sim::run(scenario, &options).expect("the twin runs");
    out
}

/// The clock events of machine `id`'s log in `run`, as the contract's reader sees them: what
/// every foreign reader must give back.
fn expected(run: &Path, id: u32) -> Vec<ForeignEvent> {
    let text = std::fs::read_to_string(run.join(crate::log_format::log_file_name(id))).unwrap();
    text.lines()
        .enumerate()
        .filter_map(|(i, line)| {
            let line_of: LogLine = serde_json::from_str(line).unwrap();
            let kind = match line_of.event {
                Event::Internal { .. } => ForeignKind::Internal,
                Event::Send { ref to, .. } => ForeignKind::Send { to: to.clone() },
                Event::Recv {
                    from,
                    msg_clock,
                    queue,
                    ..
                } => ForeignKind::Recv {
                    from,
                    msg_clock: Some(msg_clock),
                    queue: Some(queue),
                },
                _ => return None,
            };
            Some(ForeignEvent {
                line: i as u64 + 1,
                machine: line_of.machine,
                kind,
                lamport: line_of.event.lamport(),
                timestamp_us: parse_micros(&line_of.timestamp),
                vc: line_of.event.vc().map(<[u64]>::to_vec),
            })
        })
        .collect()
}

/// `events` numbered as a writer that writes only them puts them: from line `first`.
fn renumbered(events: &[ForeignEvent], first: u64) -> Vec<ForeignEvent> {
    events
        .iter()
        .zip(first..)
        .map(|(e, line)| ForeignEvent { line, ..e.clone() })
        .collect()
}
