//! Property test on the twin: many seeded runs in-process, with random machine counts, rates,
//! skew, drift, granularity, synchronisation, latency and every fault kind, each replayed by the
//! `analyze` HLC check (the rules and the bounds) and checked for causality inversions of the
//! Lamport and hybrid clocks.
//!
//! Inversions are checked along the edges of happened-before, program order and messages: if
//! every edge strictly increases both clocks, every causal pair does (transitivity), so no pair
//! `e -> f` has a timestamp of `f` not above that of `e`.

use std::collections::HashSet;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::engine::Engine;
use crate::analyze::run::hlc::HlcCheck;
use crate::log_format::{Event, Hlc};
use crate::model::sink::Lines;
use crate::runlog::Line;
use crate::scenario::{Overrides, Scenario};

/// Runs of the property; each is a few hundred events.
const RUNS: u64 = 10_000;

/// A random scenario with a `[physical_clock]` section and one fault of a random kind.
fn scenario(rng: &mut ChaCha8Rng, seed: u64) -> Scenario {
    let machines: u32 = rng.random_range(2..=5);
    let duration = rng.random_range(1..=3);
    let rates: Vec<String> = (0..machines)
        .map(|_| rng.random_range(1..=40u32).to_string())
        .collect();
    let die = rng.random_range(machines.max(3)..=machines + 8);
    let mut text = format!(
        "machines = {machines}\nduration_s = {duration}\nseed = {seed}\n\
         [clock]\nrates = [{}]\n[events]\ndie = {die}\n\
         [network]\nlatency_us = {}\njitter_us = {}\n[physical_clock]\n",
        rates.join(", "),
        rng.random_range(0..=200_000),
        rng.random_range(0..=50_000),
    );
    if rng.random_bool(0.5) {
        text += &format!("max_skew_ms = {}\n", rng.random_range(0..=300));
    } else {
        let skews: Vec<String> = (0..machines)
            .map(|_| rng.random_range(-300..=300i32).to_string())
            .collect();
        text += &format!("skew_ms = [{}]\n", skews.join(", "));
    }
    // Mostly realistic drift, sometimes an absurd one.
    let drift = if rng.random_bool(0.9) { 1_000 } else { 200_000 };
    text += &format!("max_drift_ppm = {}\n", rng.random_range(0..=drift));
    text += &format!("granularity_us = {}\n", rng.random_range(0..=50_000));
    if rng.random_bool(0.6) {
        let interval_ms = rng.random_range(50..=2_000u32);
        let error_ms = rng.random_range(0..=interval_ms.min(100));
        text += &format!(
            "sync_interval_s = {}\nsync_error_ms = {error_ms}\n",
            f64::from(interval_ms) / 1_000.0
        );
    }
    if rng.random_bool(0.5) {
        text += &format!("max_offset_ms = {}\n", rng.random_range(1..=100));
    }
    let at = rng.random_range(0.0..f64::from(duration) * 0.8);
    let m = rng.random_range(0..machines);
    let other = (m + 1) % machines;
    text += &match rng.random_range(0..5) {
        0 => format!("[[fault]]\nkind = \"pause\"\nat_s = {at}\nmachine = {m}\nduration_s = 0.3\n"),
        1 => format!(
            "[[fault]]\nkind = \"delay\"\nat_s = {at}\nfrom = {m}\nto = {other}\n\
             delay_ms = {}\nduration_s = 0.5\n",
            rng.random_range(0..=500)
        ),
        2 => format!(
            "[[fault]]\nkind = \"partition\"\nat_s = {at}\nmachines = [{m}, {other}]\nduration_s = 0.4\n\
             mode = \"{}\"\n",
            if rng.random_bool(0.5) { "hold" } else { "drop" }
        ),
        3 => format!(
            "[[fault]]\nkind = \"kill\"\nat_s = {at}\nmachine = {m}\nrestart_after_s = {}\n",
            (f64::from(duration) - at) / 2.0
        ),
        _ => format!("[[fault]]\nkind = \"kill\"\nat_s = {at}\nmachine = {m}\n"),
    };
    Scenario::parse(
        &text,
        std::path::Path::new("prop.toml"),
        &Overrides::default(),
    )
    .unwrap_or_else(|e| panic!("{e}\n{text}"))
}

/// What one run breaks: HLC offences and inversions, as messages.
fn violations(scenario: &Scenario) -> Vec<String> {
    let n = scenario.machines as usize;
    let mut lines = Lines::default();
    Engine::new(scenario).run(&mut lines);
    let mut check = HlcCheck::new(n);
    let mut numbers = vec![0u64; n];
    let mut last: Vec<Option<(u64, Hlc)>> = vec![None; n];
    let mut sent: Vec<HashSet<(u64, Hlc)>> = vec![HashSet::new(); n];
    let mut broken = Vec::new();
    for (at, machine, event) in lines.0 {
        let m = machine as usize;
        numbers[m] += 1;
        // Every tick event carries its HLC: without one, the checks below would skip it.
        if event.is_clock_event() && event.hlc().is_none() {
            broken.push(format!("machine {m}: a {} without its HLC", event.name()));
        }
        let stamps = event.lamport().zip(event.hlc());
        if let (Some(stamp), Event::Internal { .. } | Event::Send { .. } | Event::Recv { .. }) =
            (stamps, &event)
        {
            if let Some((lamport, hlc)) = last[m] {
                if stamp.0 <= lamport || stamp.1 <= hlc {
                    broken.push(format!("machine {m}: {stamp:?} after ({lamport}, {hlc:?})"));
                }
            }
            last[m] = Some(stamp);
        }
        match &event {
            Event::Send {
                lamport,
                hlc: Some(hlc),
                ..
            } => {
                sent[m].insert((*lamport, *hlc));
            }
            Event::Recv {
                from,
                lamport,
                msg_clock,
                hlc: Some(hlc),
                msg_hlc: Some(msg),
                ..
            } => {
                if !sent[*from as usize].contains(&(*msg_clock, *msg)) {
                    broken.push(format!(
                        "machine {m}: no send stamped ({msg_clock}, {msg:?})"
                    ));
                }
                if lamport <= msg_clock || hlc <= msg {
                    broken.push(format!(
                        "machine {m}: recv ({lamport}, {hlc:?}) not after its send"
                    ));
                }
            }
            _ => {}
        }
        let line = Line {
            machine,
            line: numbers[m],
            timestamp: at as i64,
            event,
        };
        check.observe(m, &line);
    }
    let granularity = scenario
        .physical_clock
        .as_ref()
        .map_or(1, |p| p.granularity_us);
    let (_, offences) = check.finish(granularity);
    broken.extend(offences.into_iter().map(|o| format!("{o:?}")));
    broken
}

#[test]
fn seeded_twin_runs_break_no_hlc_rule_or_bound_and_invert_no_causality() {
    let started = std::time::Instant::now();
    for run in 0..RUNS {
        let mut rng = ChaCha8Rng::seed_from_u64(run);
        let scenario = scenario(&mut rng, run);
        let broken = violations(&scenario);
        assert!(
            broken.is_empty(),
            "run {run}: {:?}\n{}",
            &broken[..broken.len().min(5)],
            toml::to_string(&scenario).unwrap_or_default()
        );
    }
    eprintln!("{RUNS} twin runs in {:?}", started.elapsed());
}
