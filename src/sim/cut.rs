//! Cutting the twin's logs back after a failed write (a full disk), so what stays still adds up.
//!
//! Each log is written in buffered blocks, so when one write fails the logs on disk end at
//! different model instants: one log may hold the receive of a message whose send is still in
//! another log's lost buffer. Every log is therefore cut back to the same instant, the earliest
//! line any log has not got on disk: before it, every log holds every line, so every receive
//! kept has its send kept. The cut falls on a whole microsecond, as the lines are stamped, and is
//! found by reading each log backwards from its end (never the whole file, however long).

use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;

/// Bytes read at a time, walking a log backwards.
const BLOCK: u64 = 64 * 1024;

/// The key every line starts with; its value is the line's fixed-width RFC 3339 stamp.
const STAMP_KEY: &[u8] = b"\"timestamp\":\"";

/// The instant (virtual ns, a whole microsecond) logs are cut back to: every line before it is on
/// disk in every log. `unwritten` is, per log, the instant of its first line not on disk.
pub(super) fn instant(unwritten: impl IntoIterator<Item = Option<u64>>) -> Option<u64> {
    let first = unwritten.into_iter().flatten().min()?;
    Some(first / 1_000 * 1_000)
}

/// The length of the first `len` bytes of `file` kept when cut before `stamp`: the end of the
/// last line stamped before it (stamps of one format compare as text). Lines are in time order.
pub(super) fn keep_before(file: &File, len: u64, stamp: &str) -> io::Result<u64> {
    let stamp = stamp.as_bytes();
    // `tail` holds bytes [pos, end) of the file; `end` is the end of the line looked at.
    let (mut pos, mut end) = (len, len);
    let mut tail: Vec<u8> = Vec::new();
    loop {
        if end == 0 {
            return Ok(0);
        }
        // The line ending at `end` (with its newline, if whole) starts after the newline before.
        let body = &tail[..tail.len().saturating_sub(1)];
        match body.iter().rposition(|&b| b == b'\n') {
            Some(i) => {
                if stamped_before(&tail[i + 1..], stamp) {
                    return Ok(end);
                }
                end = pos + i as u64 + 1;
                tail.truncate(i + 1);
            }
            None if pos == 0 => {
                return Ok(if stamped_before(&tail, stamp) { end } else { 0 });
            }
            None => {
                let n = BLOCK.min(pos);
                pos -= n;
                let mut block = vec![0; n as usize];
                file.read_exact_at(&mut block, pos)?;
                block.extend_from_slice(&tail);
                tail = block;
            }
        }
    }
}

/// Whether `line`'s stamp comes before `stamp`; a line without one (damage) does not.
fn stamped_before(line: &[u8], stamp: &[u8]) -> bool {
    let Some(at) = line.windows(STAMP_KEY.len()).position(|w| w == STAMP_KEY) else {
        return false;
    };
    let value = &line[at + STAMP_KEY.len()..];
    value.len() >= stamp.len() && &value[..stamp.len()] < stamp
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn line(second: u32) -> String {
        format!("{{\"timestamp\":\"2026-01-01T00:00:{second:02}.000000Z\",\"machine\":0}}\n")
    }

    #[test]
    fn the_cut_is_the_earliest_unwritten_line_on_a_whole_microsecond() {
        assert_eq!(
            instant([None, Some(5_000_999), Some(7_000_000)]),
            Some(5_000_000)
        );
        assert_eq!(instant([None, None]), None);
    }

    #[test]
    fn a_log_is_kept_up_to_its_last_line_before_the_cut_across_blocks() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log");
        let mut file = File::create(&path).unwrap();
        let lines: String = (0..60).map(line).collect();
        // A long line makes the walk cross several blocks.
        let long = format!(
            "{{\"timestamp\":\"2026-01-01T00:00:59.500000Z\",\"pad\":\"{}\"}}\n",
            "x".repeat(200_000)
        );
        file.write_all(lines.as_bytes()).unwrap();
        file.write_all(long.as_bytes()).unwrap();
        let len = (lines.len() + long.len()) as u64;
        let file = File::open(&path).unwrap();
        let keep = |s: u32| keep_before(&file, len, &line(s)[14..41]).unwrap();
        assert_eq!(keep(30), (30 * line(0).len()) as u64);
        assert_eq!(keep(0), 0);
        assert_eq!(keep(59), (59 * line(0).len()) as u64);
        let all = keep_before(&file, len, "2026-01-01T00:01:00.000000Z").unwrap();
        assert_eq!(all, len);
    }
}
