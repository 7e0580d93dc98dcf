//! The figures of one analyzed run, as written to `summary.json` (every figure, for scripts).
//!
//! Every time field names its unit ([`crate::timebase`]): `_model_s` for model seconds (the
//! scenario's time, as every table and plot shows it), `_real_s` and `_real_us` for system time;
//! an instant has both, model first.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::log_format::{FaultKind, FaultPhase};

/// Version of the `summary.json` layout. 2: times in model seconds beside real ones, each field
/// named by its unit (`at_model_s`, `at_real_s`, `clock_per_model_s`, `delay_real_us`, ...).
/// An imported run's summary has `null` for what is unknown of it (`scenario.seed`, a machine's
/// `rate` and `interval_real_us`); a run logiclock carried out has the same layout as before.
pub(crate) const SUMMARY_VERSION: u32 = 2;

/// Everything `analyze` found in one run directory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub summary_version: u32,
    pub run_dir: String,
    pub scenario: ScenarioInfo,
    /// Log lines read, all machines.
    pub lines: u64,
    /// The checks, in the order they are reported.
    pub verdict: Verdict,
    pub machines: Vec<MachineSummary>,
    pub drift: DriftSummary,
    /// One entry per link (from, to) with at least one send or receive, ordered.
    pub links: Vec<LinkSummary>,
    /// The faults carried out on purpose (`outcome.faults` of the manifest), in order.
    #[serde(default)]
    pub faults: Vec<FaultSummary>,
    /// Concurrency from the vector clocks; absent for logs without them (format 1).
    #[serde(default)]
    pub causality: Option<super::causality::Causality>,
    /// The hybrid logical clocks' figures (the `hlc` check); absent before format 6.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clocks: Option<super::hlc::HlcSummary>,
    /// Every clock scored against the vector clocks and true time; absent without vectors.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clock_scores: Option<super::scores::ClockScores>,
}

/// One fault action, as the manifest records it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FaultSummary {
    /// Model seconds since the run start.
    pub at_model_s: f64,
    /// Real (system) seconds since the run start.
    pub at_real_s: f64,
    pub kind: FaultKind,
    /// Whether the fault begins, ends or is an instant.
    pub phase: FaultPhase,
    pub machines: Vec<u32>,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScenarioInfo {
    pub name: String,
    /// `null` for an imported run.
    pub seed: Option<u64>,
    /// Model seconds per real second.
    pub speedup: f64,
    /// The scenario's `duration_s`: model seconds; `null` for an imported run.
    pub duration_model_s: Option<f64>,
    pub machines: u32,
    pub started_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    /// Every check passed.
    pub passed: bool,
    pub checks: Vec<Check>,
}

/// One check and the first offending lines.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Check {
    /// Short name: `lamport`, `matching`, `lost`, `skipped`, `rate`.
    pub name: String,
    /// What the check asserts, in words.
    pub rule: String,
    pub passed: bool,
    /// How many offences were found (only the first few are listed).
    pub offences: u64,
    pub first: Vec<Offence>,
    /// Departures from the rule that a fault or the run's end explains (not offences).
    #[serde(default)]
    pub expected: u64,
    /// The first expected departures.
    #[serde(default)]
    pub expected_first: Vec<Offence>,
    /// Of `expected`, those no planned fault explains: a machine killed from outside, a run cut
    /// short (what it leaves is explained, not lost, but the scenario did not plan it).
    #[serde(default)]
    pub expected_unplanned: u64,
    /// Timing departures within the scenario's tolerance (`skipped`, `rate`): reported, not
    /// offences.
    #[serde(default)]
    pub tolerated: u64,
    /// The timing figure judged against the tolerance, in words (timing checks only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// On a failed timing check: what the host did to the machine and what to do about it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub advice: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Offence {
    pub machine: u32,
    /// Log file name, relative to the run directory.
    pub file: String,
    /// Line number in the file (from 1), when one line is at fault.
    pub line: Option<u64>,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MachineSummary {
    pub id: u32,
    /// Configured rate, ticks per model second; `null` when unknown (an imported run).
    pub rate: Option<u32>,
    /// Ticks run per model second between the first and the last tick; `None` with < 2 ticks.
    pub achieved_rate: Option<f64>,
    /// Real microseconds between ticks; `null` when unknown (an imported run).
    pub interval_real_us: Option<f64>,
    pub lines: u64,
    /// Lines per event name; unknown names are counted under `other`.
    pub events: BTreeMap<String, u64>,
    /// Ticks run (internal + send + recv lines).
    pub ticks: u64,
    /// Ticks skipped (sum of `skipped` lines).
    pub skipped: u64,
    /// Logical clock after the last clock event.
    pub final_clock: u64,
    /// Final clock over model seconds from the run start to the last clock event (alive).
    pub clock_per_model_s: f64,
    pub jumps: JumpSummary,
    pub queue: QueueSummary,
    /// Queueing delay of the messages this machine received, real microseconds.
    pub delay_real_us: DelaySummary,
}

/// Jumps: increases of the clock from one clock event to the next (the first one from 0).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JumpSummary {
    pub count: u64,
    pub mean: f64,
    pub max: u64,
    /// Share of jumps above 1 (0..=1).
    pub share_above_1: f64,
    /// `[size, count]` pairs, ascending size.
    pub histogram: Vec<[u64; 2]>,
    /// The biggest jumps, biggest first.
    pub biggest: Vec<Gap>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Gap {
    pub size: u64,
    pub from: u64,
    pub to: u64,
    /// Model seconds since the run start.
    pub at_model_s: f64,
    /// Real (system) seconds since the run start.
    pub at_real_s: f64,
    pub tick: u64,
    pub line: u64,
    /// The event that made the jump (`recv` for any jump above 1 in a correct run).
    pub event: String,
}

/// Queue length seen by each tick: `queue` of a `recv` line, 0 for internal and send ticks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueueSummary {
    pub max: u64,
    pub mean: f64,
    pub p95: u64,
    /// Messages that arrived but were never processed (the `stop` line).
    pub at_stop: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DelaySummary {
    pub count: u64,
    pub p50: u64,
    pub p95: u64,
    pub max: u64,
    pub mean: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DriftSummary {
    /// Real microseconds between sample instants.
    pub step_real_us: u64,
    /// Number of sample instants.
    pub samples: u64,
    pub machines: Vec<MachineDrift>,
}

/// Drift = the machine's clock minus the highest clock at the same instant (always <= 0).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MachineDrift {
    pub id: u32,
    /// `null` when unknown (an imported run).
    pub rate: Option<u32>,
    /// The most negative drift seen (the furthest behind).
    pub max_drift: i64,
    /// When, in model seconds since the run start.
    pub max_drift_at_model_s: f64,
    /// When, in real (system) seconds since the run start.
    pub max_drift_at_real_s: f64,
    /// Drift after the last event of the run.
    pub final_drift: i64,
    /// Least-squares slope of drift against model time, clock units per model second
    /// (negative: falling behind).
    pub slope_per_model_s: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinkSummary {
    pub from: u32,
    pub to: u32,
    /// Messages sent on the link (a send to two peers counts once on each link).
    pub sent: u64,
    pub received: u64,
    /// Sent, never received, and accounted for by the receiver's stop queue.
    pub left_in_queue: u64,
    /// Sent and never received, beyond what the stop queue, drops and deaths account for.
    pub lost: u64,
    /// Sent, then logged `dropped` by the sender (partition in drop mode, or peer gone).
    #[serde(default)]
    pub dropped: u64,
    /// Sent and never received because the receiver (or the sender, before it went out) died.
    #[serde(default)]
    pub lost_at_death: u64,
    /// Receives that match no send.
    pub unmatched: u64,
}
