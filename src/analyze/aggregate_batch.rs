//! Batch directories (made by `run --repeat` / `--sweep`): how they are recognized, which runs
//! they hold and what each run varied, and the aggregate files written into them.

use std::path::{Path, PathBuf};

use super::aggregate::{Aggregate, Member};
use super::AnalyzeError;

/// The aggregate files written into a batch directory.
pub const AGGREGATE_FILES: [&str; 4] = [
    "aggregate.md",
    "aggregate.json",
    "aggregate.csv",
    "aggregate.svg",
];

/// The run directories of `dir` when it is a batch: no `manifest.json` of its own, and
/// subdirectories that have one. Sorted by swept value (numbers by value), then name.
pub fn batch_runs(dir: &Path) -> Option<Vec<PathBuf>> {
    if dir.join(crate::log_format::MANIFEST_FILE).exists() {
        return None;
    }
    let mut runs: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join(crate::log_format::MANIFEST_FILE).is_file())
        .collect();
    if runs.is_empty() {
        return None;
    }
    runs.sort_by(|a, b| {
        let key = |p: &PathBuf| {
            let (swept, seed) = label_parts(p);
            let num = swept
                .as_ref()
                .and_then(|(_, v)| v.parse::<f64>().ok())
                .unwrap_or(f64::NAN);
            (swept.map(|(_, v)| v), num, seed)
        };
        let (ka, kb) = (key(a), key(b));
        ka.1.partial_cmp(&kb.1)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(ka.0.cmp(&kb.0))
            .then(ka.2.cmp(&kb.2))
            .then(a.cmp(b))
    });
    Some(runs)
}

/// What a batch run's directory name says: `KEY=VALUE-seedN` -> (Some((KEY, VALUE)), Some(N)),
/// `seedN` -> (None, Some(N)) (the names `crate::batch::plan` gives).
pub fn label_parts(dir: &Path) -> (Option<(String, String)>, Option<u64>) {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (rest, seed) = match name.rsplit_once("seed") {
        Some((rest, n)) => match n.parse::<u64>() {
            Ok(seed) => (rest.trim_end_matches('-').to_string(), Some(seed)),
            Err(_) => (name.clone(), None),
        },
        None => (name.clone(), None),
    };
    let swept = rest
        .split_once('=')
        .map(|(k, v)| (k.to_string(), v.to_string()));
    (swept, seed)
}

/// The swept key shared by every run of `dirs`, if each was named `KEY=VALUE-seedN` with one key.
pub fn swept_key(dirs: &[PathBuf]) -> Option<String> {
    let mut keys = dirs.iter().map(|d| label_parts(d).0.map(|(k, _)| k));
    let first = keys.next()??;
    keys.all(|k| k.as_deref() == Some(&first)).then_some(first)
}

/// The members of an aggregate of `runs` (directory, summary), with their swept values.
pub fn members<'a>(key: Option<&str>, runs: &'a [(PathBuf, super::Summary)]) -> Vec<Member<'a>> {
    runs.iter()
        .map(|(dir, summary)| Member {
            swept: key.and(label_parts(dir).0.map(|(_, v)| v)),
            summary,
        })
        .collect()
}

/// Write `aggregate.md`, `.json`, `.csv` and `.svg` into the batch directory `dir`.
pub fn write_files(dir: &Path, aggregate: &Aggregate) -> Result<Vec<PathBuf>, AnalyzeError> {
    let json = serde_json::to_string_pretty(aggregate).expect("the aggregate serializes");
    let contents = [
        aggregate.markdown(),
        json + "\n",
        aggregate.csv(),
        super::aggregate_plot::svg(aggregate),
    ];
    let mut written = Vec::new();
    for (name, text) in AGGREGATE_FILES.iter().zip(contents) {
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(|source| AnalyzeError::Write {
            path: path.clone(),
            source,
        })?;
        written.push(path);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sweep_labels_give_key_value_and_seed() {
        assert_eq!(
            label_parts(Path::new("b/events.die=10-seed301")),
            (Some(("events.die".into(), "10".into())), Some(301))
        );
        assert_eq!(label_parts(Path::new("b/seed7")), (None, Some(7)));
    }

    #[test]
    fn a_sweep_has_one_key() {
        let dirs = [PathBuf::from("x=1-seed1"), PathBuf::from("x=2-seed1")];
        assert_eq!(swept_key(&dirs).as_deref(), Some("x"));
        let repeat = [PathBuf::from("seed1"), PathBuf::from("seed2")];
        assert_eq!(swept_key(&repeat), None);
    }
}
