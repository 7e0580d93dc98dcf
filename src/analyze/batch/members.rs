//! Batch directories (made by `run --repeat` / `--sweep`): how they are recognized, which runs
//! they hold and what each run varied (read from each run's manifest, never from its directory's
//! name, which a user may change), and the aggregate files written into them.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::aggregate::{value_order, Aggregate, Member};
use crate::analyze::AnalyzeError;
use crate::manifest::{BatchMember, Manifest};

/// The aggregate files written into a batch directory.
pub(crate) const AGGREGATE_FILES: [&str; 4] = [
    "aggregate.md",
    "aggregate.json",
    "aggregate.csv",
    "aggregate.svg",
];

/// A batch directory's entries: its runs, and what is in it but not of it.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct BatchDir {
    /// Its runs, sorted by swept value (numbers by value), then seed, then name; a run whose
    /// manifest is missing or damaged is one of them (and fails when analyzed).
    pub runs: Vec<PathBuf>,
    /// Entries that are not runs of this batch, each with why: left out of it.
    pub foreign: Vec<(PathBuf, String)>,
}

/// What `dir` holds when it is a batch: no `manifest.json` of its own, and subdirectories that
/// have one. Its runs are those whose manifests' batch records name the batch's swept key (the
/// key most of the records name); in a batch made before the record, every run with a manifest.
/// A subdirectory with logs or a run's claim file but no readable manifest is a run that
/// failed; anything else is foreign.
pub(crate) fn batch_runs(dir: &Path) -> Option<BatchDir> {
    use crate::log_format::MANIFEST_FILE;
    if dir.join(MANIFEST_FILE).exists() {
        return None;
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    if !entries.iter().any(|p| p.join(MANIFEST_FILE).is_file()) {
        return None;
    }
    let mut batch = BatchDir::default();
    // (run, its batch record's key when its manifest has a record)
    let mut read: Vec<(PathBuf, Option<Option<String>>)> = Vec::new();
    for entry in entries {
        let name = entry.file_name().unwrap_or_default().to_string_lossy();
        if AGGREGATE_FILES.contains(&name.as_ref()) || name == crate::run::dir::CLAIM_FILE {
            continue;
        }
        if !entry.is_dir() {
            batch.foreign.push((entry, "not a run directory".into()));
            continue;
        }
        if entry.join(MANIFEST_FILE).is_file() {
            let record = Manifest::read(&entry).ok().map(|m| m.batch.map(|b| b.key));
            match record {
                Some(record) => read.push((entry, record)),
                // Damaged: a run of the batch that fails.
                None => batch.runs.push(entry),
            }
        } else if looks_like_a_run(&entry) {
            batch.runs.push(entry);
        } else {
            batch
                .foreign
                .push((entry, "no manifest.json and no logs".into()));
        }
    }
    match batch_key(&read) {
        None => batch.runs.extend(read.into_iter().map(|(run, _)| run)),
        Some(key) => {
            for (run, record) in read {
                match record {
                    Some(k) if k == key => batch.runs.push(run),
                    Some(k) => {
                        let why = format!(
                            "its batch record sweeps {}, the batch {}",
                            k.as_deref().unwrap_or("nothing"),
                            key.as_deref().unwrap_or("nothing")
                        );
                        batch.foreign.push((run, why));
                    }
                    None => batch
                        .foreign
                        .push((run, "its manifest has no batch record".into())),
                }
            }
        }
    }
    let runs = std::mem::take(&mut batch.runs);
    let swept = Swept::of(&runs);
    let mut order: Vec<usize> = (0..runs.len()).collect();
    order.sort_by(|&a, &b| {
        value_order(swept.values[a].as_ref(), swept.values[b].as_ref())
            .then(swept.seeds[a].cmp(&swept.seeds[b]))
            .then(runs[a].cmp(&runs[b]))
    });
    batch.runs = order.into_iter().map(|i| runs[i].clone()).collect();
    Some(batch)
}

/// The swept key of a batch whose runs record one (`Some(None)`: a `--repeat` without a sweep):
/// the key most records name, the first in name order on a tie; `None` when no run has a record.
fn batch_key(read: &[(PathBuf, Option<Option<String>>)]) -> Option<Option<String>> {
    let keys: Vec<&Option<String>> = read.iter().filter_map(|(_, r)| r.as_ref()).collect();
    let count = |key: &Option<String>| keys.iter().filter(|k| **k == key).count();
    keys.iter()
        .copied()
        .max_by(|a, b| count(a).cmp(&count(b)).then(b.cmp(a)))
        .cloned()
}

/// A directory a run left without a manifest: its claim file or a machine log is there.
pub(crate) fn looks_like_a_run(dir: &Path) -> bool {
    dir.join(crate::run::dir::CLAIM_FILE).exists()
        || std::fs::read_dir(dir).is_ok_and(|mut entries| {
            entries.any(|e| e.is_ok_and(|e| e.path().extension().is_some_and(|x| x == "log")))
        })
}

/// What a set of runs varied: the swept key, and each run's value of it and seed.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Swept {
    /// The key every run was swept over, if they share one.
    pub key: Option<String>,
    /// Each run's value of `key` (all `None` without a key).
    pub values: Vec<Option<Value>>,
    pub seeds: Vec<Option<u64>>,
}

impl Swept {
    /// What `runs` varied, read from their manifests: the batch record a batch writes into each
    /// run's manifest, never the directory's name. Runs of a batch made before the record existed
    /// fall back to their scenario blocks: the one field of the manifest's scenario block (other
    /// than the seed) whose value differs between the runs is the swept key, named as the block
    /// names it (`die`, where the scenario file says `events.die`), and each run's own value of
    /// it is its value; with no such field, or several, the runs are grouped by rate only.
    pub(crate) fn of(runs: &[PathBuf]) -> Swept {
        let manifests: Vec<Option<Manifest>> =
            runs.iter().map(|dir| Manifest::read(dir).ok()).collect();
        let records: Vec<Option<&BatchMember>> = manifests
            .iter()
            .map(|m| m.as_ref().and_then(|m| m.batch.as_ref()))
            .collect();
        let scenarios: Vec<Option<Value>> = manifests
            .iter()
            .map(|m| {
                m.as_ref()
                    .and_then(|m| serde_json::to_value(&m.scenario).ok())
            })
            .collect();
        let recorded: Vec<&BatchMember> = records.iter().flatten().copied().collect();
        let key = match recorded.first() {
            Some(first) if recorded.iter().all(|r| r.key == first.key) => first.key.clone(),
            Some(_) => None,
            None => differing_key(&scenarios),
        };
        let values = records
            .iter()
            .zip(&scenarios)
            .map(|(record, scenario)| {
                let key = key.as_deref()?;
                match record {
                    Some(r) if r.key.as_deref() == Some(key) => r.value.clone(),
                    _ => leaf(scenario.as_ref()?, key).cloned(),
                }
            })
            .collect();
        let seeds = records
            .iter()
            .zip(&manifests)
            .map(|(record, manifest)| match record {
                Some(r) => Some(r.seed),
                None => manifest.as_ref().and_then(|m| m.seed()),
            })
            .collect();
        Swept { key, values, seeds }
    }
}

/// The one scenario key (a dotted path to a value that is not an object), other than the seed,
/// whose value differs between `scenarios`; `None` when none or several do.
fn differing_key(scenarios: &[Option<Value>]) -> Option<String> {
    let read: Vec<&Value> = scenarios.iter().flatten().collect();
    let (first, rest) = read.split_first()?;
    let mut paths = Vec::new();
    leaves(first, String::new(), &mut paths);
    for other in rest {
        leaves(other, String::new(), &mut paths);
    }
    paths.sort();
    paths.dedup();
    let mut differing = paths
        .into_iter()
        .filter(|path| path != "seed" && rest.iter().any(|s| leaf(s, path) != leaf(first, path)));
    let key = differing.next()?;
    differing.next().is_none().then_some(key)
}

/// The dotted paths of every value in `value` that is not an object.
pub(crate) fn leaves(value: &Value, path: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (name, inner) in map {
                let inner_path = if path.is_empty() {
                    name.clone()
                } else {
                    format!("{path}.{name}")
                };
                leaves(inner, inner_path, out);
            }
        }
        _ => out.push(path),
    }
}

/// The value at dotted `path` in `value`.
pub(crate) fn leaf<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(value, |v, name| v.get(name))
}

/// The members of an aggregate of `runs` (directory, summary), with their swept values.
pub(crate) fn members<'a>(
    swept: &Swept,
    runs: &'a [(PathBuf, crate::analyze::Summary)],
) -> Vec<Member<'a>> {
    runs.iter()
        .zip(&swept.values)
        .map(|((dir, summary), value)| Member {
            name: dir.file_name().map_or_else(
                || dir.display().to_string(),
                |name| name.to_string_lossy().into_owned(),
            ),
            swept: value.clone(),
            summary,
        })
        .collect()
}

/// Write `aggregate.md`, `.json`, `.csv` and `.svg` into the batch directory `dir`.
pub(crate) fn write_files(dir: &Path, aggregate: &Aggregate) -> Result<Vec<PathBuf>, AnalyzeError> {
    let json = serde_json::to_string_pretty(aggregate).expect("the aggregate serializes");
    let svg = super::plot::svg(aggregate).map_err(|source| AnalyzeError::Plot {
        path: dir.join(AGGREGATE_FILES[3]),
        source,
    })?;
    let contents = [aggregate.markdown(), json + "\n", aggregate.csv(), svg];
    let mut written = Vec::new();
    for (name, text) in AGGREGATE_FILES.iter().zip(contents) {
        let path = dir.join(name);
        crate::analyze::error::write_output(&path, text.as_bytes())?;
        written.push(path);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_one_scenario_key_that_differs_is_the_swept_key() {
        let scenario =
            |die: u32, seed: u64| Some(json!({"seed": seed, "events": {"die": die}, "name": "x"}));
        let two_dice = [scenario(4, 1), scenario(10, 2), scenario(4, 2)];
        assert_eq!(differing_key(&two_dice).as_deref(), Some("events.die"));
        let repeat = [scenario(4, 1), scenario(4, 2)];
        assert_eq!(differing_key(&repeat), None, "the seed is not a swept key");
        let two_keys = [Some(json!({"a": 1, "b": 1})), Some(json!({"a": 2, "b": 2}))];
        assert_eq!(differing_key(&two_keys), None);
        assert_eq!(
            leaf(&json!({"events": {"die": 6}}), "events.die"),
            Some(&json!(6))
        );
    }
}
