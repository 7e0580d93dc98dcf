//! The configurations among the runs compared: runs whose scenarios agree on every key but the
//! seed, and that ran on the same engine, form one group. A group is named by what differs
//! between the groups: the one key that does (`events.die=10`); when several do, the scenario
//! name where it tells the group apart (`default`, `low-variance`), the keys that differ where
//! every group has one name, and the name with what differs among the groups of that name where
//! several share it (`m64 events.die=64`).

use serde_json::Value;

use super::inputs::Run;
use crate::analyze::batch::aggregate::label;
use crate::analyze::batch::members::{leaf, leaves};

/// A configuration and the runs (indices into the runs given) that ran it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Config {
    /// What tells it from the others (`events.die=10`, `default`).
    pub name: String,
    /// Its scenario's name.
    pub scenario: String,
    /// The keys that differ between the groups, with this group's values, as a scenario file
    /// names them.
    pub differs: Vec<(String, Value)>,
    pub runs: Vec<usize>,
}

/// What identifies a configuration: the manifest's scenario block without its seed, and the
/// engine. An imported run has no scenario: its source directory identifies it.
fn identity(run: &Run) -> Value {
    let mut value = match (&run.manifest.scenario, &run.manifest.imported) {
        (None, Some(imported)) => serde_json::json!({ "imported": imported.source }),
        (scenario, _) => serde_json::to_value(scenario).expect("a scenario serializes"),
    };
    if let Value::Object(map) = &mut value {
        map.remove("seed");
        map.insert(
            "engine".into(),
            serde_json::to_value(run.manifest.engine).expect("an engine serializes"),
        );
    }
    value
}

/// The configurations of `runs`, in the order their first runs were given.
pub(crate) fn configs(runs: &[Run]) -> Vec<Config> {
    let mut found: Vec<(Value, Vec<usize>)> = Vec::new();
    for (i, run) in runs.iter().enumerate() {
        let id = identity(run);
        match found.iter_mut().find(|(v, _)| *v == id) {
            Some((_, members)) => members.push(i),
            None => found.push((id, vec![i])),
        }
    }
    let ids: Vec<&Value> = found.iter().map(|(v, _)| v).collect();
    let differing = differing_paths(&ids);
    let names: Vec<String> = found
        .iter()
        .map(|(_, members)| runs[members[0]].manifest.name())
        .collect();
    found
        .iter()
        .enumerate()
        .map(|(g, (id, members))| {
            let pairs = |paths: &[String]| -> Vec<(String, Value)> {
                paths
                    .iter()
                    .map(|path| {
                        let value = leaf(id, path).cloned().unwrap_or(Value::Null);
                        (file_key(path), value)
                    })
                    .collect()
            };
            // The groups of the same scenario name, and what differs among them.
            let namesakes: Vec<&Value> = (0..found.len())
                .filter(|&o| names[o] == names[g])
                .map(|o| ids[o])
                .collect();
            let within = pairs(&differing_paths(&namesakes));
            let name = if differing.len() == 1 {
                // One key tells every group apart: named by it, whatever the files are called.
                shown(&pairs(&differing)).expect("one pair")
            } else if namesakes.len() == ids.len() {
                // One scenario: named by the keys its groups differ in (a sweep's value).
                shown(&within).unwrap_or_else(|| names[g].clone())
            } else if namesakes.len() == 1 {
                names[g].clone()
            } else {
                format!("{} {}", names[g], shown(&within).unwrap_or_default())
            };
            Config {
                name,
                scenario: names[g].clone(),
                differs: pairs(&differing),
                runs: members.clone(),
            }
        })
        .collect()
}

/// `key=value` pairs joined by commas; `None` for none.
fn shown(pairs: &[(String, Value)]) -> Option<String> {
    let shown: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", label(v)))
        .collect();
    (!shown.is_empty()).then(|| shown.join(", "))
}

/// The dotted paths (other than the scenario's name) whose values differ between `ids`;
/// automatic ports (all 0) differ only with the number of machines, which is named instead.
fn differing_paths(ids: &[&Value]) -> Vec<String> {
    let automatic = |v: Option<&Value>| {
        v.and_then(Value::as_array)
            .is_some_and(|ports| ports.iter().all(|p| p == 0))
    };
    let mut paths = Vec::new();
    for id in ids {
        leaves(id, String::new(), &mut paths);
    }
    paths.sort();
    paths.dedup();
    paths
        .into_iter()
        .filter(|p| p != "name")
        .filter(|p| !(p == "ports" && ids.iter().all(|id| automatic(leaf(id, p)))))
        .filter(|p| ids.iter().any(|id| leaf(id, p) != leaf(ids[0], p)))
        .collect()
}

/// A manifest's scenario path as a scenario file names it (`die` -> `events.die`).
fn file_key(path: &str) -> String {
    match path {
        "die" => "events.die".into(),
        "rates.range.min" => "clock.min_rate".into(),
        "rates.range.max" => "clock.max_rate".into(),
        "rates.fixed" => "clock.rates".into(),
        "host" | "ports" | "latency_us" | "jitter_us" => format!("network.{path}"),
        "faults" => "[[fault]]".into(),
        other => other.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_paths_that_differ_leave_out_the_name() {
        let a = json!({"name": "a", "die": 10, "rates": {"range": {"min": 1, "max": 6}}});
        let b = json!({"name": "b", "die": 5, "rates": {"range": {"min": 5, "max": 6}}});
        assert_eq!(differing_paths(&[&a, &b]), ["die", "rates.range.min"]);
        let (p3, p4) = (json!({"ports": [0, 0, 0]}), json!({"ports": [0, 0, 0, 0]}));
        assert!(differing_paths(&[&p3, &p4]).is_empty(), "automatic ports");
        assert_eq!(file_key("rates.range.min"), "clock.min_rate");
        assert_eq!(file_key("latency_us"), "network.latency_us");
    }
}
