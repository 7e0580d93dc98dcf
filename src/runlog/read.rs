//! Reading one machine log line by line, with the rules every command shares for what a crash
//! leaves behind.
//!
//! - A last line cut short (its JSON ends early, with or without a newline) is dropped with a
//!   [`Warning`]: the machine ended abruptly (killed, crashed, disk full), and the lines before it
//!   are whole, since each line is written with one `write(2)`.
//! - Blank lines at the end of a log are ignored; a blank line followed by more lines is an error.
//! - Any other bad line is an error naming the file and the line.

use std::io::BufRead;
use std::path::Path;

use super::error::{RunLogError, Warning};
use super::line::{parse_line, Line, LineError};

/// Bytes read from a log at a time.
const READ_BUFFER: usize = 256 << 10;

/// Read the log at `path` of machine `machine`, handing each line to `each` until it returns
/// `false`. Returns the warning of a cut last line, if any.
pub(crate) fn read_log(
    path: &Path,
    machine: u32,
    mut each: impl FnMut(Line) -> bool,
) -> Result<Option<Warning>, RunLogError> {
    let read_error = |source| RunLogError::Read {
        path: path.to_owned(),
        source,
    };
    let line_error = |line, message| RunLogError::Line {
        path: path.to_owned(),
        line,
        message,
    };
    let file = std::fs::File::open(path).map_err(read_error)?;
    // A quarter of a MiB: the merge reads 64 logs at once, and 1 MiB each was 64 MiB of buffers
    // for no measurable speed.
    let mut reader = std::io::BufReader::with_capacity(READ_BUFFER, file);
    let mut buf = Vec::with_capacity(256);
    let mut line = 0u64;
    // The first of a run of blank lines, an error only if more lines follow.
    let mut blank: Option<u64> = None;
    // A line cut short, an error only if more lines follow.
    let mut cut: Option<(u64, String)> = None;
    loop {
        buf.clear();
        if reader.read_until(b'\n', &mut buf).map_err(read_error)? == 0 {
            return Ok(cut.map(|(line, message)| Warning::CutTail {
                path: path.to_owned(),
                line,
                message,
            }));
        }
        line += 1;
        if buf.iter().all(u8::is_ascii_whitespace) {
            blank.get_or_insert(line);
            continue;
        }
        if let Some((at, message)) = cut.take() {
            return Err(line_error(at, message));
        }
        if let Some(at) = blank.take() {
            return Err(line_error(
                at,
                "blank line before the end of the log".into(),
            ));
        }
        match parse_line(&buf, machine, line) {
            Ok(parsed) => {
                if !each(parsed) {
                    return Ok(None);
                }
            }
            Err(LineError::Truncated(message)) => cut = Some((line, message)),
            Err(LineError::Malformed(message)) => return Err(line_error(line, message)),
            Err(LineError::Format(found)) => {
                return Err(RunLogError::Format {
                    path: path.to_owned(),
                    found,
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = r#"{"timestamp":"2026-01-01T00:00:00.000001Z","machine":1,"event":"internal","tick":1,"lamport":1,"late_us":0}"#;
    const B: &str = r#"{"timestamp":"2026-01-01T00:00:00.000002Z","machine":1,"event":"internal","tick":2,"lamport":2,"late_us":0}"#;

    /// The lamport values read from a log of `text`, and the warning or error.
    fn read(text: &str) -> Result<(Vec<u64>, Option<Warning>), String> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("machine-1.log");
        std::fs::write(&path, text).unwrap();
        let mut clocks = Vec::new();
        let warning = read_log(&path, 1, |line| {
            clocks.extend(line.event.lamport());
            true
        })
        .map_err(|e| e.to_string())?;
        Ok((clocks, warning))
    }

    #[test]
    fn a_whole_log_reads_without_warning() {
        assert_eq!(read(&format!("{A}\n{B}\n")).unwrap(), (vec![1, 2], None));
        // a complete last line without its newline is still whole
        assert_eq!(read(&format!("{A}\n{B}")).unwrap(), (vec![1, 2], None));
    }

    #[test]
    fn a_last_line_cut_short_is_dropped_with_a_warning() {
        for tail in [&B[..40], &B[..B.len() - 1], &B[..1]] {
            for newline in ["", "\n"] {
                let (clocks, warning) = read(&format!("{A}\n{tail}{newline}")).unwrap();
                assert_eq!(clocks, vec![1]);
                let warning = warning.expect("a warning").to_string();
                assert!(warning.contains("machine-1.log line 2"), "{warning}");
                assert!(warning.contains("ended abruptly"), "{warning}");
            }
        }
    }

    #[test]
    fn a_line_cut_short_before_other_lines_is_an_error() {
        let err = read(&format!("{A}\n{}\n{B}\n", &B[..40])).unwrap_err();
        assert!(
            err.contains("machine-1.log line 2") && err.contains("truncated"),
            "{err}"
        );
    }

    #[test]
    fn trailing_blank_lines_are_ignored_and_inner_ones_refused() {
        assert_eq!(
            read(&format!("{A}\n{B}\n\n  \n")).unwrap(),
            (vec![1, 2], None)
        );
        let err = read(&format!("{A}\n\n{B}\n")).unwrap_err();
        assert!(
            err.contains("line 2") && err.contains("blank line"),
            "{err}"
        );
    }

    #[test]
    fn a_wrong_type_is_an_error_even_on_the_last_line() {
        let bad = B.replace("\"lamport\":2", "\"lamport\":\"2\"");
        let err = read(&format!("{A}\n{bad}")).unwrap_err();
        assert!(
            err.contains("line 2") && err.contains("invalid type"),
            "{err}"
        );
    }
}
