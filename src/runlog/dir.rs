//! Opening a run directory: its manifest, checked, and the path of each machine's log.

use std::path::{Component, Path, PathBuf};

use crate::log_format::{readable, MANIFEST_FILE};
use crate::manifest::Manifest;

use super::error::RunLogError;

/// A run directory with its manifest read and its logs found.
#[derive(Debug)]
pub(crate) struct RunDir {
    pub manifest: Manifest,
    /// One log per machine of the manifest, in manifest order.
    pub logs: Vec<PathBuf>,
}

/// Whether `name` is a plain file name: one normal path component, no `..`, no `/`.
pub(crate) fn plain_file_name(name: &str) -> bool {
    let mut parts = Path::new(name).components();
    matches!(
        (parts.next(), parts.next()),
        (Some(Component::Normal(_)), None)
    ) && !name.contains('/')
        && !name.contains('\\')
}

/// Open a run directory: read `manifest.json` and find each machine's log.
pub(crate) fn open_run(dir: &Path) -> Result<RunDir, RunLogError> {
    if let Err(source) = std::fs::metadata(dir) {
        return Err(RunLogError::Read {
            path: dir.to_owned(),
            source,
        });
    }
    let path = dir.join(MANIFEST_FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(RunLogError::MissingManifest {
                dir: dir.to_owned(),
            })
        }
        Err(source) => return Err(RunLogError::Read { path, source }),
    };
    let mut manifest: Manifest =
        serde_json::from_str(&text).map_err(|e| RunLogError::Manifest {
            path: path.clone(),
            message: e.to_string(),
        })?;
    super::compat::fill_record_phases(&mut manifest);
    if !readable(manifest.log_format) {
        return Err(RunLogError::Format {
            path,
            found: manifest.log_format,
        });
    }
    let layout = |message: String| RunLogError::Layout {
        dir: dir.to_owned(),
        message,
    };
    if manifest.machines.is_empty() {
        return Err(layout("manifest.json lists no machines".into()));
    }
    let mut logs = Vec::with_capacity(manifest.machines.len());
    for (i, m) in manifest.machines.iter().enumerate() {
        if m.id >= 64 || manifest.machines[..i].iter().any(|o| o.id == m.id) {
            return Err(layout(format!(
                "manifest.json: bad or repeated machine id {}",
                m.id
            )));
        }
        if !plain_file_name(&m.log) {
            return Err(RunLogError::LogName {
                path: path.clone(),
                machine: m.id,
                name: m.log.clone(),
            });
        }
        let log = dir.join(&m.log);
        if !log.is_file() {
            return Err(layout(format!(
                "manifest.json lists machine {} but {} is missing",
                m.id, m.log
            )));
        }
        logs.push(log);
    }
    Ok(RunDir { manifest, logs })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_file_names_name_a_log() {
        for good in ["machine-0.log", "m.log", "..log", "a..b"] {
            assert!(plain_file_name(good), "{good}");
        }
        for bad in [
            "",
            ".",
            "..",
            "../x.log",
            "../../../etc/passwd",
            "/etc/passwd",
            "sub/machine-0.log",
            "a\\b",
        ] {
            assert!(!plain_file_name(bad), "{bad}");
        }
    }

    #[test]
    fn a_manifest_naming_a_log_outside_the_run_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("experiments/default/seed101");
        let mut manifest = Manifest::read(&committed).unwrap();
        manifest.machines[0].log = "../../../etc/passwd".into();
        let text = serde_json::to_string(&manifest).unwrap();
        std::fs::write(dir.path().join(MANIFEST_FILE), text).unwrap();
        match open_run(dir.path()) {
            Err(e @ RunLogError::LogName { .. }) => {
                let message = e.to_string();
                assert!(message.contains("manifest.json"), "{message}");
                assert!(message.contains("machine 0"), "{message}");
                assert!(message.contains("../../../etc/passwd"), "{message}");
            }
            Err(e) => panic!("another error first: {e}"),
            Ok(_) => panic!("a log outside the run was accepted"),
        }
    }
}
