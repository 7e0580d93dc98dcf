//! Writing a file whole or not at all: the bytes go to a temporary file in the same directory,
//! which is then renamed over the target. A failure (a full disk, a read-only directory) leaves
//! the target as it was, never empty or cut short, and removes the temporary file.
//!
//! The manifest and every output of `analyze`, `diff`, `diagram` and `export` are written this
//! way, so that a reader never sees half a file and a full disk never leaves a 0-byte
//! `summary.json` behind. A streamed target that exists and is not a plain file (`/dev/null`, a
//! FIFO, a terminal, a symbolic link such as `/dev/stdout`) is written in place, through the
//! link: it cannot be replaced without breaking what it is.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The temporary file `path` is written to first: `.NAME.tmp` beside it, hidden and on the
/// same filesystem, so the rename is atomic.
pub(crate) fn temporary(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.tmp"))
}

/// Write `bytes` to `path` atomically (the module doc); on an error the temporary file is
/// removed and `path` is untouched.
pub(crate) fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let tmp = temporary(path);
    let written = std::fs::write(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, path));
    if written.is_err() {
        // Best effort: a failed removal leaves a hidden temporary, never a damaged target.
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

/// Write `path` atomically (the module doc) through a 1 MiB buffer filled by `fill`, for outputs
/// too large to hold in memory; on an error the temporary file is removed and `path` is
/// untouched.
pub(crate) fn write_streamed(
    path: &Path,
    fill: impl FnOnce(&mut Box<dyn Write>) -> io::Result<()>,
) -> io::Result<()> {
    // Not `metadata`: `/dev/stdout` redirected to a file is a link to a plain file, and the
    // rename would replace the link, not write the file.
    let plain = |p: &Path| std::fs::symlink_metadata(p).map_or(true, |m| m.is_file());
    let in_place = !plain(path);
    let target = if in_place {
        path.to_owned()
    } else {
        temporary(path)
    };
    let written = (|| {
        let file = std::fs::File::create(&target)?;
        let mut out: Box<dyn Write> = Box::new(io::BufWriter::with_capacity(1 << 20, file));
        fill(&mut out)?;
        out.flush()?;
        drop(out);
        if in_place {
            return Ok(());
        }
        std::fs::rename(&target, path)
    })();
    if written.is_err() && !in_place {
        // Best effort: a failed removal leaves a hidden temporary, never a damaged target.
        let _ = std::fs::remove_file(&target);
    }
    written
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::FileTypeExt;

    use super::*;

    #[test]
    fn a_write_replaces_the_file_whole_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("summary.json");
        std::fs::write(&path, "old").unwrap();
        write(&path, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        assert!(!temporary(&path).exists());
    }

    #[test]
    fn a_failed_write_leaves_the_file_as_it_was_and_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("clock.svg");
        std::fs::write(&path, "old").unwrap();
        // A directory where the temporary goes: the write fails before the rename.
        std::fs::create_dir(temporary(&path)).unwrap();
        assert!(write(&path, b"new").is_err());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
        std::fs::remove_dir(temporary(&path)).unwrap();
    }

    #[test]
    fn a_streamed_write_that_fails_midway_leaves_no_file_and_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("trace.json");
        let failed = write_streamed(&path, |out| {
            out.write_all(b"half")?;
            Err(io::Error::other("disk full"))
        });
        assert!(failed.is_err());
        assert!(!path.exists() && !temporary(&path).exists());
        write_streamed(&path, |out| out.write_all(b"whole")).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "whole");
    }

    #[test]
    fn a_device_is_written_in_place_never_replaced() {
        write_streamed(Path::new("/dev/null"), |out| out.write_all(b"gone")).unwrap();
        assert!(std::fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device());
        assert!(!Path::new("/dev/.null.tmp").exists());
    }

    #[test]
    fn a_symbolic_link_is_written_through_and_stays_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("out.csv");
        std::fs::write(&file, "old").unwrap();
        let link = dir.path().join("stdout");
        std::os::unix::fs::symlink(&file, &link).unwrap();
        write_streamed(&link, |out| out.write_all(b"new")).unwrap();
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "new");
    }
}
