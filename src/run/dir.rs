//! The run directory: where a run's logs and manifest go, claimed by exactly one run, whichever
//! engine runs it.
//!
//! Checking that a directory is free and then using it leaves a gap in which a second run can
//! take it too. So a run directory is claimed in one step the file system arbitrates: a new
//! directory by `mkdir(2)` (which fails if it exists), and in every case by creating
//! [`CLAIM_FILE`] inside it exclusively (`O_CREAT | O_EXCL`). Of two runs racing for one
//! directory exactly one gets it. The claim file holds the claiming process's id, and writing it
//! tests that the disk has room before any machine starts.

use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// Where run directories go unless `--out` says otherwise.
pub(crate) const RUNS_ROOT: &str = "runs";

/// The file that marks a directory as one run's; created exclusively, left in place.
pub(crate) const CLAIM_FILE: &str = ".logiclock-run";

/// Why the run directory cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum RunDirError {
    #[error("output directory {} already holds files (a previous run?); choose another --out or remove it", .0.display())]
    NotEmpty(PathBuf),
    #[error("output directory {} was taken by another run started at the same time; choose another --out", .0.display())]
    Taken(PathBuf),
    #[error("failed to create output directory {}: {source}", path.display())]
    Create {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("--out {} is not a directory: a run writes a directory of logs and a manifest; choose a new or empty directory (`export` and `diagram` write one file, to --out - for standard output)", .0.display())]
    NotADirectory(PathBuf),
    #[error("output directory {} is not writable: {source}", path.display())]
    NotWritable {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Which directory a claim may end up with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Naming {
    /// This one (`--out`): a new directory or an empty one, else an error.
    Exact,
    /// This one or, when it is taken, the next free of `<path>-2`, `<path>-3`, ... (the default
    /// run directory, whose name two runs of one seed in one second share).
    NextFree,
}

/// The default run directory: `<root>/<name>-<UTC time>-seed<seed>`. Claimed with
/// [`Naming::NextFree`], which moves on to `-2`, `-3` from this base name when it is taken: a
/// name already suffixed is never suffixed again (`-2-2`).
pub(crate) fn default_path(root: &Path, name: &str, seed: u64) -> PathBuf {
    let stamp: String = crate::log_format::timestamp::format_seconds(SystemTime::now())
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    root.join(format!("{name}-{stamp}-seed{seed}"))
}

/// Refuse an `--out` that exists and is not a directory (a file, `/dev/stdout`, a FIFO) before
/// anything else looks at it.
pub(crate) fn check_out(out: &Path) -> Result<(), RunDirError> {
    match std::fs::metadata(out) {
        Ok(meta) if !meta.is_dir() => Err(RunDirError::NotADirectory(out.to_owned())),
        _ => Ok(()),
    }
}

/// Claim the directory of one run: `out` exactly, or else the default path under `root`.
pub(crate) fn claim_run(
    out: Option<&Path>,
    root: &Path,
    name: &str,
    seed: u64,
) -> Result<PathBuf, RunDirError> {
    match out {
        Some(out) => {
            check_out(out)?;
            claim(out, Naming::Exact)
        }
        None => claim(&default_path(root, name, seed), Naming::NextFree),
    }
}

/// Claim `path` (creating its parents if needed), or with [`Naming::NextFree`] the next free
/// name after it; returns the directory claimed.
pub(crate) fn claim(path: &Path, naming: Naming) -> Result<PathBuf, RunDirError> {
    let create_error = |source| RunDirError::Create {
        path: path.to_owned(),
        source,
    };
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(create_error)?;
    }
    for candidate in candidates(path.to_owned()) {
        let created = match std::fs::create_dir(&candidate) {
            Ok(()) => true,
            Err(e) if e.kind() == ErrorKind::AlreadyExists && naming == Naming::NextFree => {
                continue
            }
            Err(e) if e.kind() == ErrorKind::AlreadyExists => {
                let mut entries = std::fs::read_dir(&candidate).map_err(create_error)?;
                if entries.next().is_some() {
                    return Err(RunDirError::NotEmpty(candidate));
                }
                false
            }
            Err(source) => return Err(create_error(source)),
        };
        match mark(&candidate) {
            Ok(()) => return Ok(candidate),
            // Another run claimed it between our mkdir and here (it was there, empty, for `--out`).
            Err(e) if e.kind() == ErrorKind::AlreadyExists => match naming {
                Naming::NextFree => continue,
                Naming::Exact => return Err(RunDirError::Taken(candidate)),
            },
            Err(source) => {
                if created {
                    // Ours and empty again: leave nothing behind.
                    let _ = std::fs::remove_dir(&candidate);
                }
                return Err(RunDirError::NotWritable {
                    path: candidate,
                    source,
                });
            }
        }
    }
    unreachable!("the candidates never end")
}

/// Create the claim file in `dir` exclusively and write this process's id into it; on a failed
/// write (a full disk) remove it again.
fn mark(dir: &Path) -> std::io::Result<()> {
    let path = dir.join(CLAIM_FILE);
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)?;
    let written = writeln!(file, "{}", std::process::id());
    if written.is_err() {
        let _ = std::fs::remove_file(&path);
    }
    written
}

/// `base`, then `base-2`, `base-3`, ...
fn candidates(base: PathBuf) -> impl Iterator<Item = PathBuf> {
    let stem = base.clone().into_os_string();
    let suffixed = (2u64..).map(move |n| {
        let mut name = stem.clone();
        name.push(format!("-{n}"));
        PathBuf::from(name)
    });
    std::iter::once(base).chain(suffixed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_directory_with_a_run_is_refused_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("manifest.json"), "{}").unwrap();
        let err = claim(dir.path(), Naming::Exact).unwrap_err();
        assert!(err.to_string().contains("already holds files"), "{err}");
        assert_eq!(
            std::fs::read_to_string(dir.path().join("manifest.json")).unwrap(),
            "{}"
        );
    }

    #[test]
    fn an_out_that_is_a_file_or_a_device_is_not_a_directory() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("f");
        std::fs::write(&file, "").unwrap();
        for out in [file.as_path(), Path::new("/dev/null")] {
            let err = claim_run(Some(out), dir.path(), "x", 1).unwrap_err();
            assert!(matches!(err, RunDirError::NotADirectory(_)), "{err}");
            assert!(err.to_string().starts_with("--out "), "{err}");
        }
    }

    #[test]
    fn new_and_empty_directories_are_accepted() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(claim(dir.path(), Naming::Exact).unwrap(), dir.path());
        let deep = dir.path().join("a/b");
        assert_eq!(claim(&deep, Naming::Exact).unwrap(), deep);
        assert!(deep.join(CLAIM_FILE).is_file());
    }

    #[test]
    fn a_claimed_directory_is_not_claimed_again() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("run");
        claim(&out, Naming::Exact).unwrap();
        let err = claim(&out, Naming::Exact).unwrap_err();
        assert!(matches!(err, RunDirError::NotEmpty(_)), "{err}");
    }

    #[test]
    fn an_empty_directory_marked_between_check_and_claim_is_taken() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(CLAIM_FILE), "1\n").unwrap();
        // What the loser of a race sees after it found the directory empty.
        let err = mark(dir.path()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::AlreadyExists);
    }

    #[test]
    fn a_taken_default_name_moves_to_the_next_free_one() {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().join("x-1");
        let first = claim(&base, Naming::NextFree).unwrap();
        let second = claim(&base, Naming::NextFree).unwrap();
        let third = claim(&base, Naming::NextFree).unwrap();
        assert_eq!(first, base);
        assert_eq!(second, dir.path().join("x-1-2"));
        assert_eq!(third, dir.path().join("x-1-3"));
    }

    #[test]
    fn default_paths_do_not_collide() {
        let dir = tempfile::tempdir().unwrap();
        let a = claim_run(None, dir.path(), "x", 1).unwrap();
        let b = claim_run(None, dir.path(), "x", 1).unwrap();
        assert_ne!(a, b);
    }
}
