//! `logiclock explore RUN`: read the run, refuse it if a browser could not hold it, write the page.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::collect::Collector;
use crate::timeline::{self, Timeline, TimelineError};

/// Most clock events a page holds (a browser holds about 60 bytes an event, more at 64 lanes).
pub(crate) const MAX_EVENTS: u64 = 5_000_000;
/// Most events times lanes: the page keeps a vector clock per event.
pub(crate) const MAX_CLOCK_ENTRIES: u64 = 40_000_000;
/// A smaller limit on events, for the tests of the refusal (hidden: not a user's knob).
pub(crate) const MAX_EVENTS_ENV: &str = "LOGICLOCK_EXPLORE_MAX_EVENTS";

/// What to explore, and where the page goes.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    pub run_dir: PathBuf,
    /// Window start, model seconds since the run start.
    pub from: Option<f64>,
    /// Window end, model seconds since the run start.
    pub to: Option<f64>,
    /// Only these machines (ids) [default: all].
    pub machines: Vec<u32>,
    /// Output file, `-` for standard output [default: `<run>/explore.html`].
    pub out: Option<PathBuf>,
    /// A second run, stacked under the first with the first divergence marked.
    pub other: Option<PathBuf>,
}

/// One run read for a page: its timeline and the page's data blob.
pub(crate) struct Read {
    pub timeline: Timeline,
    pub json: String,
    /// The run ran on real machines (not the twin, not imported).
    pub real: bool,
    /// Its every event carries the hybrid logical clock.
    pub hlc: bool,
}

/// Write the explorer page of one run; returns the file written (`-`: standard output).
pub(crate) fn explore_one(request: &Request) -> Result<PathBuf, TimelineError> {
    let read = read(&request.run_dir, request)?;
    let title = super::data::title(&read.timeline);
    let page = super::page::html(&title, &read.json);
    let path = request
        .out
        .clone()
        .unwrap_or_else(|| request.run_dir.join("explore.html"));
    crate::export::command::write_file(&path, |out| out.write_all(page.as_bytes()))?;
    Ok(path)
}

/// Read the run at `dir` as `request` asks (window, machines), refusing one too large.
pub(crate) fn read(dir: &Path, request: &Request) -> Result<Read, TimelineError> {
    let mut run = timeline::open(dir)?;
    let speedup = run.timeline.speedup;
    let us = |model_s: f64| (model_s / speedup * 1e6).round() as i64;
    let window = match (request.from, request.to) {
        (None, None) => None,
        (from, to) => {
            let (from, to) = (from.unwrap_or(0.0), to.unwrap_or(f64::INFINITY));
            if from.is_nan() || to.is_nan() || from >= to {
                return Err(TimelineError::Usage(format!(
                    "--from {from} --to {to}: the window must start before it ends"
                )));
            }
            Some((us(from), if to.is_finite() { us(to) } else { i64::MAX }))
        }
    };
    let (from_us, to_us) = window.unwrap_or((i64::MIN, i64::MAX));
    let kept = kept(&run.timeline, &request.machines)?;
    let lanes = kept.len() as u64;
    let limit = std::env::var(MAX_EVENTS_ENV)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(MAX_EVENTS)
        .min(MAX_CLOCK_ENTRIES / lanes.max(1));
    let mut collector = Collector::new(&run.timeline, kept, (from_us, to_us), limit);
    let Ok(()) = run.each(|t, e| {
        collector.line(t, &e);
        Ok::<(), std::convert::Infallible>(())
    })?;
    timeline::print_warnings(&run.timeline);
    if collector.over_limit() {
        let collected = collector.finish();
        // A window holding about half the limit, at the run's average density.
        let end_s = collected.end_us.max(1) as f64 / 1e6 * speedup;
        let fits_s = end_s * (limit as f64 / 2.0) / collected.events as f64;
        let message = too_large(collected.events, limit, lanes, fits_s);
        return Err(TimelineError::Usage(message));
    }
    let collected = collector.finish();
    let manifest = crate::manifest::Manifest::read(dir).ok();
    let json = super::data::json(&run.timeline, manifest.as_ref(), &collected, window);
    Ok(Read {
        timeline: run.timeline,
        json,
        real: manifest.is_some_and(|m| m.engine == crate::manifest::Engine::Real),
        hlc: collected.columns.has_hlc(),
    })
}

/// The machines of `timeline` in the page: those with the ids in `ids` (all if none), as
/// indices into its machines, in manifest order.
fn kept(timeline: &Timeline, ids: &[u32]) -> Result<Vec<usize>, TimelineError> {
    if let Some(&id) = ids.iter().find(|&&id| timeline.machine_index(id).is_none()) {
        let all: Vec<String> = timeline.machines.iter().map(|m| m.id.to_string()).collect();
        return Err(TimelineError::Usage(format!(
            "--machines: the run has no machine {id} (its machines: {})",
            all.join(", ")
        )));
    }
    Ok((0..timeline.machines.len())
        .filter(|&i| ids.is_empty() || ids.contains(&timeline.machines[i].id))
        .collect())
}

/// The refusal of a run of `events` clock events, over `limit`, with a window of `fits_s` model
/// seconds that would fit.
fn too_large(events: u64, limit: u64, lanes: u64, fits_s: f64) -> String {
    format!(
        "the run has {events} clock events on {lanes} machines, more than the {limit} one page \
         can hold in a browser; explore a window of it with --from/--to in model seconds, \
         e.g. --from 0 --to {:.3}, or some of its machines with --machines (e.g. --machines 0,1)",
        fits_s
    )
}
