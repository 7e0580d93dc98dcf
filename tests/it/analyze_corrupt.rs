//! `logiclock analyze` on corrupt copies of the hand-made run: a cut line, a wrong field type, an
//! impossible queue, a missing manifest or log, another format version; each is exit 2 with its
//! own message naming the file (and line), and no summary is written.

use std::path::{Path, PathBuf};

use crate::analyze::{analyze, hand_made};
use crate::fixture::Fixture;

/// Corrupt inputs: each gives exit 2 and its own message naming the file (and line).
#[test]
fn corrupt_inputs_each_say_what_is_wrong() {
    // Each case writes the hand-made run, spoiled.
    type Spoil = fn(Fixture, &Path);
    fn edit(path: PathBuf, f: impl FnOnce(String) -> String) {
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(path, f(text)).unwrap();
    }
    let cases: [(&str, Spoil, &str); 6] = [
        (
            "truncated line before the last",
            |f, d| {
                edit(f.write(d).join("machine-1.log"), |t| {
                    let last = t.lines().last().unwrap().to_owned();
                    t + r#"{"timestamp":"2026-01-01T00:00:03.000000Z","machine":1,"ev"#
                        + "\n"
                        + &last
                })
            },
            "machine-1.log line 5: truncated line",
        ),
        (
            "wrong field type",
            |f, d| {
                edit(f.write(d).join("machine-1.log"), |t| {
                    t.replacen(r#""lamport":2"#, r#""lamport":"2""#, 1)
                })
            },
            "machine-1.log line 2: invalid type: string \"2\", expected u64",
        ),
        (
            "impossible queue length",
            |f, d| {
                edit(f.write(d).join("machine-1.log"), |t| {
                    t.replacen(
                        r#""msg_clock":1,"queue":0"#,
                        r#""msg_clock":1,"queue":1000000000000000"#,
                        1,
                    )
                })
            },
            "machine-1.log line 2: queue 1000000000000000 is impossible",
        ),
        (
            "missing manifest",
            |f, d| std::fs::remove_file(f.write(d).join("manifest.json")).unwrap(),
            "run: missing manifest.json",
        ),
        (
            "other format version",
            |f, d| {
                edit(f.write(d).join("machine-2.log"), |t| {
                    t.replacen(r#""format":1"#, r#""format":7"#, 1)
                })
            },
            "machine-2.log: log format 7, this build reads formats 1 to 6",
        ),
        (
            "missing log",
            |f, d| std::fs::remove_file(f.write(d).join("machine-2.log")).unwrap(),
            "manifest.json lists machine 2 but machine-2.log is missing",
        ),
    ];
    for (name, spoil, expected) in cases {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("run");
        spoil(hand_made(), &dir);
        let out = analyze(&[&dir]);
        assert_eq!(out.code(), Some(2), "{name}");
        assert!(out.stderr.contains(expected), "{name}: {}", out.stderr);
        assert!(
            !dir.join("summary.json").exists(),
            "{name}: no summary for a corrupt run"
        );
    }
}
