//! Bad input: every kind gives its problem, names the file (and line), never panics, and does
//! not keep the other lines or files from being read.

use std::path::Path;

use crate::foreign::{read_file, read_submission, ForeignLog, Mapping, Problem};

const GOOD: &str = "{\"machine\":0,\"event\":\"internal\",\"lamport\":1}\n";

fn read(dir: &Path, name: &str, content: &[u8]) -> Vec<ForeignLog> {
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    let logs = read_file(&path, &Mapping::default());
    for problem in logs.iter().flat_map(|l| &l.problems) {
        assert_eq!(problem.file, path, "a problem names its file");
    }
    logs
}

/// The one problem of `logs`, checked to name `line` and say `words`.
fn only_problem<'a>(logs: &'a [ForeignLog], line: Option<u64>, words: &str) -> &'a Problem {
    let problems: Vec<&Problem> = logs.iter().flat_map(|l| &l.problems).collect();
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert_eq!(problems[0].line, line, "{problems:#?}");
    assert!(
        problems[0].message.contains(words),
        "{:?} lacks {words:?}",
        problems[0].message
    );
    problems[0]
}

#[test]
fn binary_junk_and_empty_files_are_one_problem_each() {
    let tmp = tempfile::tempdir().unwrap();
    let junk: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    only_problem(&read(tmp.path(), "junk.bin", &junk), None, "not a text log");
    only_problem(
        &read(tmp.path(), "nul.log", b"{\"a\":\0}\n"),
        None,
        "not a text log",
    );
    only_problem(&read(tmp.path(), "empty.log", b""), None, "empty");
    only_problem(&read(tmp.path(), "blank.log", b"\n  \n"), None, "empty");
    only_problem(
        &read(tmp.path(), "notes.txt", b"hello\nworld\n"),
        None,
        "known format",
    );
    let array = b"[\n  {\"machine\": 0, \"event\": \"internal\"}\n]\n";
    only_problem(
        &read(tmp.path(), "array.json", array),
        None,
        "a JSON array, not JSON lines",
    );
    let pretty = b"{\n  \"machine\": 0,\n  \"event\": \"internal\"\n}\n";
    only_problem(
        &read(tmp.path(), "pretty.json", pretty),
        None,
        "JSON spread over several",
    );
}

#[test]
fn a_json_line_with_wrong_types_names_the_field_and_is_skipped() {
    let tmp = tempfile::tempdir().unwrap();
    let cases: [(&str, &str, &str); 7] = [
        (
            "{\"machine\":0,\"event\":\"internal\",\"lamport\":\"five\"}",
            "`lamport` should be a whole number",
            "five",
        ),
        (
            "{\"machine\":0,\"event\":\"send\",\"lamport\":2,\"to\":\"x\"}",
            "`to` should be an array of machine ids",
            "\"x\"",
        ),
        (
            "{\"machine\":0,\"event\":\"send\",\"lamport\":2}",
            "a send line needs a `to` field",
            "",
        ),
        (
            "{\"machine\":0,\"event\":\"recv\",\"lamport\":2,\"from\":1}",
            "needs a `msg_clock` field",
            "",
        ),
        (
            "{\"machine\":0,\"event\":\"recv\",\"from\":-1,\"msg_clock\":1}",
            "`from` should be a machine id",
            "-1",
        ),
        (
            "{\"machine\":0,\"event\":\"internal\",\"timestamp\":\"noon\"}",
            "`timestamp` should be an RFC 3339 time",
            "noon",
        ),
        (
            "{\"machine\":0,\"event\":7}",
            "`event` should be a string",
            "7",
        ),
    ];
    for (i, (bad, says, quotes)) in cases.iter().enumerate() {
        let text = format!("{GOOD}{bad}\n{GOOD}");
        let logs = read(tmp.path(), &format!("m{i}.log"), text.as_bytes());
        let problem = only_problem(&logs, Some(2), says);
        assert!(problem.message.contains(quotes), "{problem:?}");
        assert_eq!(logs[0].events.len(), 2, "the lines around it are read");
        assert_eq!(logs[0].events[1].line, 3);
    }
}

#[test]
fn lines_that_are_not_json_and_a_truncated_last_line_are_line_problems() {
    let tmp = tempfile::tempdir().unwrap();
    let logs = read(
        tmp.path(),
        "a.log",
        format!("{GOOD}not json at all\n{GOOD}").as_bytes(),
    );
    let p = only_problem(&logs, Some(2), "not JSON (expected ident at column 2)");
    assert!(!p.message.contains("line 1"), "{p:?}");
    assert_eq!(logs[0].events.len(), 2);
    let cut = format!("{GOOD}{GOOD}{}", &GOOD[..20]);
    let logs = read(tmp.path(), "b.log", cut.as_bytes());
    only_problem(&logs, Some(3), "cut short");
    assert_eq!(logs[0].events.len(), 2);
    let logs = read(tmp.path(), "c.log", format!("{GOOD}[1,2]\n").as_bytes());
    only_problem(&logs, Some(2), "not a JSON object");
}

#[test]
fn a_file_naming_two_machines_is_a_problem_at_the_first_stray_line() {
    let tmp = tempfile::tempdir().unwrap();
    let other = GOOD.replace("\"machine\":0", "\"machine\":1");
    let logs = read(
        tmp.path(),
        "x.log",
        format!("{GOOD}{other}{other}{GOOD}").as_bytes(),
    );
    let p = only_problem(
        &logs,
        Some(2),
        "names machine 1, the lines before machine 0",
    );
    assert!(p.message.contains("2 line(s)"), "{p:?}");
    assert_eq!((logs[0].machine, logs[0].events.len()), (Some(0), 2));
}

#[test]
fn a_csv_missing_a_column_names_it_and_a_short_row_is_a_line_problem() {
    let tmp = tempfile::tempdir().unwrap();
    let text = "machine,event,lamport,to,from\n0,internal,1,,\n";
    let logs = read(tmp.path(), "m0.csv", text.as_bytes());
    only_problem(&logs, None, "no `msg_clock` column");
    let mut mapping = Mapping::default();
    mapping.add_flag("msg_clock=ts").unwrap();
    let path = tmp.path().join("m0.csv");
    let logs = read_file(&path, &mapping);
    only_problem(&logs, None, "no `ts` (msg_clock) column");
    let text = "machine,event,lamport,to,from,msg_clock\n0,internal,1,,,\n0,send\n0,send,2,1,,\n";
    let logs = read(tmp.path(), "m1.csv", text.as_bytes());
    only_problem(&logs, Some(3), "2 cells, the header has 6");
    assert_eq!(logs[0].events.len(), 2);
    let text = "machine,event,lamport,to,from,msg_clock\n0,send,2,one,,\n";
    only_problem(
        &read(tmp.path(), "m2.csv", text.as_bytes()),
        Some(2),
        "`to` should be",
    );
}

#[test]
fn bad_shiviz_lines_are_line_problems() {
    let tmp = tempfile::tempdir().unwrap();
    let text = "a {\"a\":1}\nstart\na {\"a\":\"two\"}\nbad\nb {\"b\":1}\nok\n";
    let logs = read(tmp.path(), "s.log", text.as_bytes());
    only_problem(&logs, Some(3), "no JSON object of whole numbers");
    let text =
        "(?<event>.*)\\n(?<host>\\S*) (?<clock>{.*})\n\nan event\na {\"a\":1}\nlonely text\n";
    only_problem(
        &read(tmp.path(), "t.log", text.as_bytes()),
        Some(5),
        "without a `host",
    );
}

#[test]
fn a_folder_says_which_machine_is_missing_and_still_reads_the_others() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let send = "{\"machine\":0,\"event\":\"send\",\"lamport\":1,\"to\":[1,2],\"vc\":[1,0,0]}\n";
    std::fs::write(dir.join("machine-0.log"), send).unwrap();
    std::fs::write(dir.join("machine-1.log"), GOOD.replace(":0", ":1")).unwrap();
    for skipped in [
        "summary.json",
        "report.md",
        "diagram.svg",
        ".hidden",
        "grade.csv",
    ] {
        std::fs::write(dir.join(skipped), "junk").unwrap();
    }
    let sub = read_submission(dir, &Mapping::default());
    let messages: Vec<&str> = sub.problems.iter().map(|p| p.message.as_str()).collect();
    assert_eq!(
        messages,
        ["machine 2's log is missing (other logs name it)"]
    );
    assert_eq!(sub.logs.len(), 2);
    assert!(sub
        .logs
        .iter()
        .all(|l| l.events.len() == 1 && l.problems.is_empty()));

    std::fs::write(
        dir.join("node0.csv"),
        "machine,event,to,from,msg_clock\n0,internal,,,\n",
    )
    .unwrap();
    let sub = read_submission(dir, &Mapping::default());
    let messages: Vec<&str> = sub.problems.iter().map(|p| p.message.as_str()).collect();
    assert!(
        messages[0].starts_with("mixed formats (CSV: node0.csv; JSON lines: "),
        "{messages:?}"
    );
    assert!(
        messages[1].starts_with("machine 0 has two logs"),
        "{messages:?}"
    );
    assert_eq!(sub.format, None);

    let typo = tmp.path().join("typo");
    std::fs::create_dir(&typo).unwrap();
    std::fs::write(typo.join("m0.log"), send.replace("[1,2]", "[1,99]")).unwrap();
    std::fs::write(typo.join("m1.log"), GOOD.replace(":0", ":1")).unwrap();
    let sub = read_submission(&typo, &Mapping::default());
    let messages: Vec<&str> = sub.problems.iter().map(|p| p.message.as_str()).collect();
    assert_eq!(
        messages,
        ["98 machines the logs name have no log (ids 2 to 99): is a machine id wrong?"]
    );

    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let sub = read_submission(&empty, &Mapping::default());
    assert_eq!(sub.problems[0].message, "no log files in the folder");
    let sub = read_submission(&tmp.path().join("nowhere"), &Mapping::default());
    assert!(sub.problems[0]
        .message
        .starts_with("cannot read the folder"));
}

#[test]
fn a_log_of_unknown_event_names_says_which_names_it_saw() {
    let tmp = tempfile::tempdir().unwrap();
    let text = "{\"machine\":0,\"event\":\"message_sent\",\"to\":[1]}\n\
                {\"machine\":0,\"event\":\"tick\"}\n";
    let logs = read(tmp.path(), "m0.log", text.as_bytes());
    let p = only_problem(&logs, None, "no clock event");
    assert!(p.message.contains("\"message_sent\", \"tick\""), "{p:?}");
    let mut mapping = Mapping::default();
    mapping.add_flag("event.send=message_sent").unwrap();
    mapping.add_flag("event.internal=tick").unwrap();
    let logs = read_file(&tmp.path().join("m0.log"), &mapping);
    assert_eq!((logs[0].events.len(), logs[0].problems.len()), (2, 0));
}

#[test]
fn a_byte_order_mark_and_windows_line_ends_are_read() {
    let tmp = tempfile::tempdir().unwrap();
    let text = format!("\u{feff}{}\r\n{}\r\n", GOOD.trim(), GOOD.trim());
    let logs = read(tmp.path(), "m0.log", text.as_bytes());
    assert_eq!(
        (logs[0].events.len(), logs[0].problems.len()),
        (2, 0),
        "{logs:?}"
    );
    let csv = "\u{feff}machine,event,lamport,to,from,msg_clock\r\n0,internal,1,,,\r\n";
    let logs = read(tmp.path(), "m0.csv", csv.as_bytes());
    assert_eq!(
        (logs[0].events.len(), logs[0].problems.len()),
        (1, 0),
        "{logs:?}"
    );
}

#[test]
fn an_empty_log_keeps_its_machine_and_a_run_directorys_exports_are_skipped() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("machine-0.log"), GOOD).unwrap();
    std::fs::write(dir.join("machine-1.log"), "").unwrap();
    std::fs::write(dir.join("shiviz.log"), "a {\"a\":1}\nx\n").unwrap();
    let sub = read_submission(dir, &Mapping::default());
    assert!(
        sub.problems[0].message.starts_with("mixed formats"),
        "{:?}",
        sub.problems
    );
    assert_eq!(sub.logs.len(), 2, "host `a` is machine 0 again");
    assert_eq!(sub.logs[1].machine, Some(1));
    assert_eq!(sub.logs[1].problems[0].message, "empty");
    std::fs::write(dir.join("manifest.json"), "{}").unwrap();
    std::fs::write(dir.join("queue.csv"), "t,queue\n0,1\n").unwrap();
    let sub = read_submission(dir, &Mapping::default());
    assert_eq!(
        sub.problems,
        [],
        "in a run directory, shiviz.log is its export"
    );
    assert_eq!(sub.logs.len(), 2);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
    /// No content, however broken, makes a reader panic; every problem names the file.
    #[test]
    fn no_content_makes_a_reader_panic(
        lines in proptest::collection::vec("[ -~]{0,40}", 0..12),
        head in proptest::sample::select(vec!["", "{", "machine,event,to,from,msg_clock\n", "(?<x>)\n\n", "h {\"h\":1}\n"]),
        junk in proptest::collection::vec(proptest::num::u8::ANY, 0..64),
    ) {
        let tmp = tempfile::tempdir().unwrap();
        let text = format!("{head}{}", lines.join("\n"));
        read(tmp.path(), "text.log", text.as_bytes());
        read(tmp.path(), "junk.log", &junk);
    }

    /// JSON lines whose fields hold any kind of wrong value: a problem per line, never a panic.
    #[test]
    fn any_field_value_reads_or_is_a_problem(
        values in proptest::collection::vec(proptest::sample::select(vec![
            "0", "2", "-1", "1.5", "1e99", "\"five\"", "[1,\"a\"]", "null", "{}", "[]", "true",
            "18446744073709551616", "4294967296", "\"2026-13-01T00:00:00Z\"", "\"é\"",
            "\"send\"", "\"recv\"", "\"internal\"", "[0,1,2]", "\"1;2\"",
        ]), 8),
    ) {
        let tmp = tempfile::tempdir().unwrap();
        let names = ["machine", "event", "lamport", "timestamp", "to", "from", "msg_clock", "vc"];
        let line: Vec<String> = names.iter().zip(&values).map(|(n, v)| format!("\"{n}\":{v}")).collect();
        let text = format!("{{{}}}\n", line.join(","));
        let logs = read(tmp.path(), "m0.log", text.as_bytes());
        let count = logs[0].events.len() + logs[0].problems.len();
        proptest::prop_assert_eq!(count, 1, "{} gave {:?}", text, logs);
        let csv = format!("{}\n{}\n", names.join(","), values.iter().map(|v| v.replace(',', ";")).collect::<Vec<_>>().join(","));
        read(tmp.path(), "m0.csv", csv.as_bytes());
    }
}

#[test]
fn a_csv_with_windows_line_ends_gives_each_row_its_own_line_number() {
    let tmp = tempfile::tempdir().unwrap();
    let text = "machine,event,lamport,to,from,msg_clock\r\n0,internal,1,,,\r\n0,internal,2,,,\r\n";
    let logs = read(tmp.path(), "m0.csv", text.as_bytes());
    let lines: Vec<u64> = logs[0].events.iter().map(|e| e.line).collect();
    assert_eq!(lines, [2, 3]);
}
