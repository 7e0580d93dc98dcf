//! `logiclock import`: a twin run's logs, converted to the foreign formats, imported and read by
//! analyze, diagram, explore and export; a Lamport bug named by file and line; bad sources
//! refused, and no output directory ever overwritten.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::cmd::Logiclock;
use crate::finished::Finished;

const TIMEOUT: Duration = Duration::from_secs(60);

/// A twin run of the default scenario, 5 model seconds, in `dir/twin`.
fn twin(dir: &Path) -> PathBuf {
    let out = dir.join("twin");
    crate::util::twin(
        dir,
        "configs/default.toml",
        &out,
        &["--duration", "5", "--seed", "7"],
    );
    out
}

/// The clock events (`internal`, `send`, `recv`) of each log of `run`, as JSON objects with
/// every field the twin wrote (extra fields a reader ignores), per machine.
fn clock_events(run: &Path) -> Vec<Vec<serde_json::Value>> {
    (0..3)
        .map(|id| {
            let text = std::fs::read_to_string(run.join(format!("machine-{id}.log"))).unwrap();
            text.lines()
                .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
                .filter(|v| matches!(v["event"].as_str(), Some("internal" | "send" | "recv")))
                .collect()
        })
        .collect()
}

/// Write `events` as a JSON-lines submission in `dir`, one `mN.jsonl` per machine.
fn write_jsonl(dir: &Path, events: &[Vec<serde_json::Value>]) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    for (id, lines) in events.iter().enumerate() {
        let text: String = lines.iter().map(|v| format!("{v}\n")).collect();
        std::fs::write(dir.join(format!("machine-{id}.jsonl")), text).unwrap();
    }
    dir.to_owned()
}

fn import(cwd: &Path, src: &Path, out: Option<&Path>) -> Finished {
    let mut cmd = Logiclock::new()
        .arg("import")
        .arg(src)
        .current_dir(cwd)
        .timeout(TIMEOUT);
    if let Some(out) = out {
        cmd = cmd.arg("--out").arg(out);
    }
    cmd.finish()
}

/// `summary.json` of an analyzed run, and the check named `name` in it.
fn check(run: &Path, name: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(run.join("summary.json")).unwrap();
    let summary: serde_json::Value = serde_json::from_str(&text).unwrap();
    summary["verdict"]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no check {name} in {text}"))
        .clone()
}

#[test]
fn a_twins_logs_imported_pass_the_clock_checks_with_timing_skipped_in_every_command() {
    let tmp = tempfile::tempdir().unwrap();
    let events = clock_events(&twin(tmp.path()));
    let src = write_jsonl(&tmp.path().join("pair-7"), &events);
    let run = tmp.path().join("imported");
    let done = import(tmp.path(), &src, Some(&run)).success();
    assert_eq!(
        done.stdout.trim(),
        run.display().to_string(),
        "{}",
        done.describe()
    );

    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(run.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["engine"], "imported");
    assert!(manifest["scenario"].is_null());
    assert_eq!(manifest["imported"]["format"], "json_lines");
    assert_eq!(manifest["imported"]["timestamps"], "logged");
    assert!(manifest["machines"][2]["rate"].is_null() && manifest["machines"][2]["pid"].is_null());
    for (id, lines) in events.iter().enumerate() {
        let log = std::fs::read_to_string(run.join(format!("machine-{id}.log"))).unwrap();
        assert_eq!(log.lines().count(), lines.len(), "machine {id}");
    }

    let analyzed = Logiclock::analyze(&run)
        .arg("--no-plots")
        .timeout(TIMEOUT)
        .finish()
        .success();
    assert!(
        analyzed.stdout.contains("imported: rates unknown"),
        "{}",
        analyzed.describe()
    );
    for name in ["lamport", "vector", "matching"] {
        let c = check(&run, name);
        assert_eq!(
            (c["passed"].as_bool(), c["offences"].as_u64()),
            (Some(true), Some(0)),
            "{c}"
        );
    }
    for name in ["skipped", "rate", "ended"] {
        let c = check(&run, name);
        assert_eq!(c["note"], "skipped: imported: rates unknown", "{c}");
    }

    Logiclock::diagram(&run).timeout(TIMEOUT).finish().success();
    let svg = std::fs::read_to_string(run.join("diagram.svg")).unwrap();
    assert!(
        svg.contains("rate unknown"),
        "the lanes say the rate is unknown"
    );
    let page = run.join("explore.html");
    Logiclock::new()
        .arg("explore")
        .arg(&run)
        .arg("--out")
        .arg(&page)
        .timeout(TIMEOUT)
        .finish()
        .success();
    assert!(std::fs::read_to_string(&page)
        .unwrap()
        .contains("\"imported\""));
    let sends: usize = events
        .iter()
        .flatten()
        .filter(|v| v["event"] == "send")
        .count();
    for (format, file) in [
        ("shiviz", "shiviz.log"),
        ("perfetto", "trace.json"),
        ("csv", "events.csv"),
    ] {
        let out = run.join(file);
        Logiclock::export(format, &run)
            .arg("--out")
            .arg(&out)
            .timeout(TIMEOUT)
            .finish()
            .success();
        let text = std::fs::read_to_string(&out).unwrap();
        assert!(sends > 0 && text.len() > 100, "{format}: {text}");
    }
    let csv = std::fs::read_to_string(run.join("events.csv")).unwrap();
    assert_eq!(
        csv.lines().filter(|l| l.contains(",send,")).count(),
        sends,
        "every send in the CSV export"
    );
}

#[test]
fn a_lamport_bug_in_an_imported_log_is_named_by_file_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    let mut events = clock_events(&twin(tmp.path()));
    // The first receive of the machine that receives first: a clock one too low (a receive
    // that forgot its + 1).
    let (m, at) = (0..3)
        .filter_map(|m| Some((m, events[m].iter().position(|e| e["event"] == "recv")?)))
        .min_by_key(|&(_, at)| at)
        .expect("the run has a receive");
    let lamport = events[m][at]["lamport"].as_u64().unwrap();
    events[m][at]["lamport"] = (lamport - 1).into();
    let src = write_jsonl(&tmp.path().join("buggy"), &events);
    let run = tmp.path().join("imported");
    import(tmp.path(), &src, Some(&run)).success();
    let analyzed = Logiclock::analyze(&run)
        .arg("--no-plots")
        .timeout(TIMEOUT)
        .finish()
        .exit_code(1);
    let line = format!("machine-{m}.log line {}", at + 1);
    let report = std::fs::read_to_string(run.join("report.md")).unwrap();
    assert!(
        analyzed.stdout.contains(&line) || report.contains(&line),
        "{line}\n{}\n{report}",
        analyzed.describe()
    );
    let lamport_check = check(&run, "lamport");
    assert_eq!(lamport_check["passed"], false);
    assert_eq!(lamport_check["first"][0]["line"], (at + 1) as u64);
    assert_eq!(
        lamport_check["first"][0]["file"],
        format!("machine-{m}.log")
    );
}

#[test]
fn import_refuses_a_missing_an_empty_and_a_junk_source() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("nowhere");
    import(tmp.path(), &missing, None)
        .exit_code(2)
        .stderr_contains("nowhere: not a directory of logs");
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    import(tmp.path(), &empty, None)
        .exit_code(2)
        .stderr_contains("no log files");
    let junk = tmp.path().join("junk");
    std::fs::create_dir(&junk).unwrap();
    let bytes: Vec<u8> = (0..4096u32).map(|i| (i * 7919 % 251) as u8).collect();
    std::fs::write(junk.join("machine-0.log"), bytes).unwrap();
    import(tmp.path(), &junk, None)
        .exit_code(2)
        .stderr_contains("machine-0.log");
    assert!(
        !tmp.path().join("runs").exists()
            || std::fs::read_dir(tmp.path().join("runs"))
                .unwrap()
                .next()
                .is_none(),
        "a refused import leaves no run directory"
    );
}

#[test]
fn a_missing_machine_is_a_warning_and_the_logs_present_are_imported() {
    let tmp = tempfile::tempdir().unwrap();
    let events = clock_events(&twin(tmp.path()));
    let src = write_jsonl(&tmp.path().join("partial"), &events);
    std::fs::remove_file(src.join("machine-1.jsonl")).unwrap();
    let run = tmp.path().join("run");
    import(tmp.path(), &src, Some(&run))
        .success()
        .stderr_contains("warning:")
        .stderr_contains("machine 1");
    assert!(run.join("machine-0.log").is_file() && run.join("machine-2.log").is_file());
    assert!(!run.join("machine-1.log").exists());
}

#[test]
fn import_never_overwrites_and_its_default_name_moves_on() {
    let tmp = tempfile::tempdir().unwrap();
    let events = clock_events(&twin(tmp.path()));
    let src = write_jsonl(&tmp.path().join("pair-7"), &events);
    let taken = tmp.path().join("taken");
    std::fs::create_dir(&taken).unwrap();
    std::fs::write(taken.join("notes.txt"), "mine").unwrap();
    import(tmp.path(), &src, Some(&taken))
        .exit_code(2)
        .stderr_contains("taken");
    assert_eq!(
        std::fs::read_to_string(taken.join("notes.txt")).unwrap(),
        "mine"
    );
    assert!(!taken.join("manifest.json").exists());

    let first = import(tmp.path(), &src, None).success();
    let second = import(tmp.path(), &src, None).success();
    let runs = tmp.path().join("runs");
    assert_eq!(first.stdout.trim(), "runs/imported-pair-7");
    assert_eq!(second.stdout.trim(), "runs/imported-pair-7-2");
    assert!(runs.join("imported-pair-7/manifest.json").is_file());
    assert!(runs.join("imported-pair-7-2/manifest.json").is_file());
}

/// `events` as CSV in `dir` (one `mN.csv` per machine): the documented columns, lists as
/// `1;0;2`, with the Lamport column named `clock` as a student might.
fn write_csv(dir: &Path, events: &[Vec<serde_json::Value>]) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let list = |v: &serde_json::Value| -> String {
        v.as_array().map_or(String::new(), |a| {
            a.iter()
                .map(|x| x.to_string())
                .collect::<Vec<_>>()
                .join(";")
        })
    };
    let cell = |v: &serde_json::Value| v.as_u64().map_or(String::new(), |n| n.to_string());
    for (id, lines) in events.iter().enumerate() {
        let mut text = "machine,event,clock,timestamp,to,from,msg_clock,queue,vc\n".to_owned();
        for v in lines {
            text += &format!(
                "{},{},{},{},{},{},{},{},{}\n",
                v["machine"],
                v["event"].as_str().unwrap(),
                v["lamport"],
                v["timestamp"].as_str().unwrap(),
                list(&v["to"]),
                cell(&v["from"]),
                cell(&v["msg_clock"]),
                cell(&v["queue"]),
                list(&v["vc"]),
            );
        }
        std::fs::write(dir.join(format!("m{id}.csv")), text).unwrap();
    }
    dir.to_owned()
}

#[test]
fn a_csv_submission_with_its_own_column_name_imports_by_field_mapping() {
    let tmp = tempfile::tempdir().unwrap();
    let events = clock_events(&twin(tmp.path()));
    let src = write_csv(&tmp.path().join("csv"), &events);
    let unmapped = tmp.path().join("unmapped");
    import(tmp.path(), &src, Some(&unmapped))
        .exit_code(2)
        .stderr_contains("no Lamport clock");
    let run = tmp.path().join("mapped");
    Logiclock::new()
        .arg("import")
        .arg(&src)
        .args(["--field", "lamport=clock", "--out"])
        .arg(&run)
        .current_dir(tmp.path())
        .timeout(TIMEOUT)
        .finish()
        .success();
    let manifest = std::fs::read_to_string(run.join("manifest.json")).unwrap();
    assert!(manifest.contains(r#""format": "csv""#), "{manifest}");
    Logiclock::analyze(&run)
        .arg("--no-plots")
        .timeout(TIMEOUT)
        .finish()
        .success();
    for name in ["lamport", "vector", "matching"] {
        assert_eq!(check(&run, name)["passed"], true, "{name}");
    }
}
