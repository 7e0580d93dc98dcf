//! The run directory: where a run's logs and manifest go. An existing run is never overwritten.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// Why the run directory cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum RunDirError {
    #[error("output directory {} already holds files (a previous run?); choose another --out or remove it", .0.display())]
    NotEmpty(PathBuf),
    #[error("failed to create output directory {}: {source}", path.display())]
    Create {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("output directory {} is not writable: {source}", path.display())]
    NotWritable {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The default run directory: `<root>/<name>-<UTC time>-seed<seed>`, made unique with a suffix.
pub fn default_path(root: &Path, name: &str, seed: u64) -> PathBuf {
    let stamp: String = humantime::format_rfc3339_seconds(SystemTime::now())
        .to_string()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    let base = root.join(format!("{name}-{stamp}-seed{seed}"));
    let mut path = base.clone();
    let mut n = 2;
    while path.exists() {
        path = PathBuf::from(format!("{}-{n}", base.display()));
        n += 1;
    }
    path
}

/// Create `path` (and its parents) if needed; refuse a directory that already has entries,
/// and check it can be written.
pub fn create(path: &Path) -> Result<(), RunDirError> {
    if let Ok(mut entries) = std::fs::read_dir(path) {
        if entries.next().is_some() {
            return Err(RunDirError::NotEmpty(path.to_owned()));
        }
    }
    std::fs::create_dir_all(path).map_err(|source| RunDirError::Create {
        path: path.to_owned(),
        source,
    })?;
    let probe = path.join(".logiclock-write-test");
    std::fs::write(&probe, b"")
        .and_then(|()| std::fs::remove_file(&probe))
        .map_err(|source| RunDirError::NotWritable {
            path: path.to_owned(),
            source,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_directory_with_a_run_is_refused_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("manifest.json"), "{}").unwrap();
        let err = create(dir.path()).unwrap_err();
        assert!(err.to_string().contains("already holds files"), "{err}");
        assert_eq!(
            std::fs::read_to_string(dir.path().join("manifest.json")).unwrap(),
            "{}"
        );
    }

    #[test]
    fn new_and_empty_directories_are_accepted() {
        let dir = tempfile::tempdir().unwrap();
        create(dir.path()).unwrap();
        create(&dir.path().join("a/b")).unwrap();
        assert!(dir.path().join("a/b").is_dir());
    }

    #[test]
    fn default_paths_do_not_collide() {
        let dir = tempfile::tempdir().unwrap();
        let a = default_path(dir.path(), "x", 1);
        std::fs::create_dir_all(&a).unwrap();
        let b = default_path(dir.path(), "x", 1);
        assert_ne!(a, b);
    }
}
