//! What ran, in one line for a figure's subtitle and a table's heading: the scenarios, the seeds
//! (consecutive ones as a range), the machines, and the engine: real processes at their speedup,
//! or the twin in ideal time.

use std::collections::BTreeSet;
use std::path::PathBuf;

use crate::manifest::{Engine, Manifest};

/// The line for the runs in `dirs` (read from their manifests; unreadable ones are left out).
pub(crate) fn describe_dirs(dirs: &[PathBuf]) -> String {
    let manifests: Vec<Manifest> = dirs.iter().filter_map(|d| Manifest::read(d).ok()).collect();
    describe(&manifests.iter().collect::<Vec<_>>())
}

/// The line for `manifests`: `default, low-variance; seeds 101-105, 201-205; 3 machines; real
/// processes at speedup 1`, or `...; the twin (ideal time)`.
pub(crate) fn describe(manifests: &[&Manifest]) -> String {
    let mut names: Vec<String> = Vec::new();
    for m in manifests {
        let name = m.name();
        if !names.contains(&name) {
            names.push(name);
        }
    }
    let seeds: BTreeSet<u64> = manifests.iter().filter_map(|m| m.seed()).collect();
    let machines: BTreeSet<u32> = manifests.iter().map(|m| m.machines.len() as u32).collect();
    let machines: Vec<String> = machines.iter().map(u32::to_string).collect();
    let mut engines: Vec<String> = Vec::new();
    for m in manifests {
        let e = match m.engine {
            Engine::Sim => "the twin (ideal time)".to_string(),
            Engine::Real => format!("real processes at speedup {}", m.speedup()),
            Engine::Imported => "imported logs (timing unknown)".to_string(),
        };
        if !engines.contains(&e) {
            engines.push(e);
        }
    }
    format!(
        "{}; {} {}; {} machines; {}",
        names.join(", "),
        if seeds.len() == 1 { "seed" } else { "seeds" },
        ranges(&seeds),
        machines.join(" or "),
        engines.join(" and ")
    )
}

/// `seeds` as comma-separated ranges of consecutive values (`1-5, 9`).
pub(crate) fn ranges(seeds: &BTreeSet<u64>) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut run: Option<(u64, u64)> = None;
    for &s in seeds {
        run = match run {
            Some((a, b)) if s == b + 1 => Some((a, s)),
            Some(done) => {
                out.push(range(done));
                Some((s, s))
            }
            None => Some((s, s)),
        };
    }
    out.extend(run.map(range));
    out.join(", ")
}

fn range((a, b): (u64, u64)) -> String {
    if a == b {
        a.to_string()
    } else {
        format!("{a}-{b}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consecutive_seeds_read_as_ranges() {
        let seeds: BTreeSet<u64> = [101, 102, 103, 201, 202, 7].into();
        assert_eq!(ranges(&seeds), "7, 101-103, 201-202");
        assert_eq!(ranges(&BTreeSet::new()), "");
    }
}
