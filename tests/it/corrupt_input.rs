//! The same corrupt or cut input given to `analyze`, `diagram`, `export` and `explore`: every
//! command reads run directories through the one reader, so each case has one outcome (exit code
//! and message) whichever command meets it.

use std::path::Path;
use std::time::Duration;

use crate::cmd::Logiclock;
use crate::finished::Finished;
use crate::golden::{fixture, golden_lines};

const TIMEOUT: Duration = Duration::from_secs(60);

/// The commands that read a run directory, as argument lists before the directory.
const COMMANDS: [&[&str]; 4] = [
    &["analyze", "--quiet"],
    &["diagram"],
    &["export", "--format", "csv"],
    &["explore"],
];

/// Exit code of an input the commands accept: what the sound golden run gives (`analyze`'s
/// verdict on the hand-made run's rates is not what these cases are about).
const ACCEPTED: i32 = -1;

/// One corrupt input: how to spoil the golden run, the exit code, and what stderr must say.
struct Case {
    name: &'static str,
    spoil: fn(&Path),
    /// 2 (bad input) or [`ACCEPTED`].
    code: i32,
    says: &'static [&'static str],
}

fn edit(path: &Path, f: impl FnOnce(String) -> String) {
    let text = std::fs::read_to_string(path).unwrap();
    std::fs::write(path, f(text)).unwrap();
}

/// Machine 1's log with `f` applied to its lines (5 lines: start, 3 clock events, stop).
fn edit_lines(dir: &Path, f: impl FnOnce(&mut Vec<String>)) {
    edit(&dir.join("machine-1.log"), |text| {
        let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
        f(&mut lines);
        lines.join("\n") + "\n"
    });
}

const CUT: &str = r#"{"timestamp":"2026-01-01T00:00:00.600000Z","machine":1,"event":"inter"#;

const CASES: &[Case] = &[
    Case {
        name: "blank line in the middle",
        spoil: |d| edit_lines(d, |l| l.insert(2, String::new())),
        code: 2,
        says: &["machine-1.log line 3: blank line before the end of the log"],
    },
    Case {
        name: "blank lines at the end",
        spoil: |d| edit(&d.join("machine-1.log"), |t| t + "\n  \n"),
        code: ACCEPTED,
        says: &[],
    },
    Case {
        name: "last line cut by a crash",
        spoil: |d| edit(&d.join("machine-1.log"), |t| t + CUT),
        code: ACCEPTED,
        says: &[
            "warning: ",
            "machine-1.log line 6: last line cut short",
            "the machine ended abruptly",
        ],
    },
    Case {
        name: "last line cut, then a newline",
        spoil: |d| edit(&d.join("machine-1.log"), |t| t + CUT + "\n"),
        code: ACCEPTED,
        says: &[
            "machine-1.log line 6: last line cut short",
            "ended abruptly",
        ],
    },
    Case {
        name: "a line cut before others",
        spoil: |d| edit_lines(d, |l| l.insert(2, CUT.into())),
        code: 2,
        says: &["machine-1.log line 3: truncated line"],
    },
    Case {
        name: "wrong type",
        spoil: |d| {
            edit(&d.join("machine-1.log"), |t| {
                t.replacen(r#""lamport":3"#, r#""lamport":"3""#, 1)
            })
        },
        code: 2,
        says: &["machine-1.log line 3: invalid type: string \"3\", expected u64"],
    },
    Case {
        name: "two recipients on a dropped line",
        spoil: |d| {
            edit_lines(d, |l| {
                l.insert(
                    4,
                    r#"{"timestamp":"2026-01-01T00:00:00.450000Z","machine":1,"event":"dropped","to":[0,2],"lamport":5,"reason":"partition"}"#.into(),
                )
            })
        },
        code: 2,
        says: &["machine-1.log line 5: `dropped` line must name exactly one recipient"],
    },
    Case {
        name: "unknown event, read as a later version's",
        spoil: |d| {
            edit_lines(d, |l| {
                l.insert(
                    4,
                    r#"{"timestamp":"2026-01-01T00:00:00.450000Z","machine":1,"event":"future_thing","x":[1]}"#.into(),
                )
            })
        },
        code: ACCEPTED,
        says: &[],
    },
    Case {
        name: "missing manifest",
        spoil: |d| std::fs::remove_file(d.join("manifest.json")).unwrap(),
        code: 2,
        says: &["run: missing manifest.json"],
    },
    Case {
        name: "a log name with ..",
        spoil: |d| {
            edit(&d.join("manifest.json"), |t| {
                t.replacen(
                    r#""log": "machine-1.log""#,
                    r#""log": "../machine-1.log""#,
                    1,
                )
                .replacen(
                    r#""log":"machine-1.log""#,
                    r#""log":"../machine-1.log""#,
                    1,
                )
            })
        },
        code: 2,
        says: &[
            "manifest.json: machine 1: log name \"../machine-1.log\" must be a plain file name",
        ],
    },
];

/// Run `command` on the golden run spoiled by `spoil`.
fn run_spoiled(command: &[&str], spoil: fn(&Path)) -> Finished {
    let tmp = tempfile::tempdir().unwrap();
    let run = fixture(golden_lines()).write(tmp.path().join("run"));
    spoil(&run);
    Logiclock::new()
        .args(command)
        .arg(&run)
        .current_dir(tmp.path())
        .timeout(TIMEOUT)
        .finish()
}

#[test]
fn analyze_diagram_and_export_give_one_outcome_per_corrupt_input() {
    for command in COMMANDS {
        let sound = run_spoiled(command, |_| {}).status.code();
        assert_ne!(sound, Some(2), "{}: the golden run is sound", command[0]);
        for case in CASES {
            let done = run_spoiled(command, case.spoil);
            let what = format!("{} / {}:\n{}", case.name, command[0], done.describe());
            let code = if case.code == ACCEPTED {
                sound
            } else {
                Some(case.code)
            };
            assert_eq!(done.status.code(), code, "{what}");
            for says in case.says {
                assert!(done.stderr.contains(says), "{what}\nmissing: {says}");
            }
            if case.code == ACCEPTED {
                assert!(!done.stderr.contains("error"), "{what}");
            } else {
                assert!(done.stderr.contains("error: "), "{what}");
            }
        }
    }
}

#[test]
fn a_log_cut_mid_line_is_analyzed_with_a_warning_not_refused() {
    let tmp = tempfile::tempdir().unwrap();
    // Machine 2 died while writing its stop line: the figures come from the lines before it.
    let mut lines = golden_lines();
    let stop = lines[2].pop().expect("machine 2 has a stop line");
    let stop = serde_json::to_string(&stop).unwrap();
    let run = fixture(lines)
        .raw_text(2, &stop[..stop.len() / 2])
        .write(tmp.path().join("run"));
    let done = Logiclock::analyze(&run).timeout(TIMEOUT).finish();
    let what = done.describe();
    assert_ne!(done.status.code(), Some(2), "{what}");
    assert!(
        done.stderr
            .contains("machine-2.log line 4: last line cut short")
            && done.stderr.contains("ended abruptly"),
        "{what}"
    );
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(run.join("summary.json")).unwrap()).unwrap();
    assert_eq!(
        summary["lines"], 12,
        "13 lines written, the cut one not read"
    );
}
