//! Twin runs written in each documented format and read back: the same events.

use super::{expected, renumbered, twin};
use crate::foreign::{
    csv, jsonl, read_file, read_submission, write_submission, Format, JsonStyle, Mapping,
};

#[test]
fn logiclocks_own_machine_logs_read_as_they_are() {
    let tmp = tempfile::tempdir().unwrap();
    let run = twin(tmp.path(), 7, 20);
    let sub = read_submission(&run, &Mapping::default());
    assert_eq!(sub.format, Some(Format::JsonLines));
    assert_eq!(sub.problems, []);
    assert_eq!(sub.logs.len(), 3, "manifest.json is no log: {:?}", sub.logs);
    for (id, log) in sub.logs.iter().enumerate() {
        let want = expected(&run, id as u32);
        assert!(want.len() > 10, "a run of 20 s has events: {}", want.len());
        assert_eq!(log.machine, Some(id as u32));
        assert_eq!(log.problems, []);
        assert_eq!(log.events, want, "machine {id}");
    }
    let one = read_file(&run.join("machine-1.log"), &Mapping::default());
    assert_eq!(one.len(), 1);
    assert_eq!(one[0].events, expected(&run, 1));
}

/// Each machine's expected events written by `write` into `dir/NAME{id}.EXT`, read back.
fn written_and_read(
    run: &std::path::Path,
    dir: &std::path::Path,
    name: &str,
    mapping: &Mapping,
    write: impl Fn(&[crate::foreign::ForeignEvent]) -> String,
    first_line: u64,
) -> crate::foreign::Submission {
    std::fs::create_dir_all(dir).unwrap();
    for id in 0..3 {
        let text = write(&expected(run, id));
        std::fs::write(dir.join(format!("{name}{id}")), text).unwrap();
    }
    let sub = read_submission(dir, mapping);
    assert_eq!(sub.problems, []);
    assert_eq!(sub.logs.len(), 3);
    for (id, log) in sub.logs.iter().enumerate() {
        assert_eq!(log.problems, [], "machine {id}");
        assert_eq!(
            log.events,
            renumbered(&expected(run, id as u32), first_line)
        );
    }
    sub
}

#[test]
fn json_lines_reordered_with_extra_and_renamed_fields_read_back_through_a_mapping() {
    let tmp = tempfile::tempdir().unwrap();
    let run = twin(tmp.path(), 11, 20);
    let rename: Vec<(String, String)> = [
        ("lamport", "clock"),
        ("msg_clock", "ts"),
        ("event", "type"),
        ("machine", "node"),
        ("to", "dest"),
        ("event.send", "SND"),
        ("event.recv", "Rcv"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    let style = JsonStyle {
        reorder: true,
        extra_fields: true,
        epoch_seconds: false,
        rename,
    };
    let mut mapping = Mapping::default();
    for flag in [
        "lamport=clock",
        "msg_clock=ts",
        "event=type",
        "machine=node",
        "to=dest",
        "event.send=snd",
        "event.recv=RCV",
    ] {
        mapping.add_flag(flag).unwrap();
    }
    let dir = tmp.path().join("student");
    let sub = written_and_read(&run, &dir, "node", &mapping, |e| jsonl(e, &style), 1);
    assert_eq!(sub.format, Some(Format::JsonLines));
    // Without the mapping nothing is a clock event, and the folder says so.
    let unmapped = read_submission(&dir, &Mapping::default());
    assert!(
        unmapped.logs.iter().all(|l| !l.problems.is_empty()),
        "{unmapped:?}"
    );
    assert!(unmapped.logs[0].problems[0]
        .message
        .contains("no `event` field"));
}

#[test]
fn json_lines_with_epoch_seconds_read_back_to_the_microsecond() {
    let tmp = tempfile::tempdir().unwrap();
    let run = twin(tmp.path(), 12, 20);
    let style = JsonStyle {
        epoch_seconds: true,
        ..JsonStyle::default()
    };
    let sample = jsonl(&expected(&run, 0)[..1], &style);
    // The twin's runs start at 2026-01-01T00:00:00Z, 1767225600 s after the epoch.
    assert!(
        sample.contains("\"timestamp\":1767225600."),
        "a number: {sample}"
    );
    let dir = tmp.path().join("epoch");
    written_and_read(
        &run,
        &dir,
        "m",
        &Mapping::default(),
        |e| jsonl(e, &style),
        1,
    );
}

#[test]
fn csv_reads_back_with_the_header_on_line_one() {
    let tmp = tempfile::tempdir().unwrap();
    let run = twin(tmp.path(), 13, 20);
    let dir = tmp.path().join("csv");
    let sub = written_and_read(&run, &dir, "p", &Mapping::default(), csv, 2);
    assert_eq!(sub.format, Some(Format::Csv));
    let text = csv(&expected(&run, 0));
    assert!(text.starts_with("machine,event,lamport,timestamp,to,from,msg_clock,queue,vc\n"));
    assert!(
        text.lines().any(|l| l.ends_with(";0") || l.contains(";")),
        "{text}"
    );
}

#[test]
fn csv_columns_in_any_order_and_json_array_cells_read() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("machine-1.csv");
    std::fs::write(
        &path,
        "vc,to,event,lamport,machine,from,msg_clock,timestamp\n\
         \"[0,1,0]\",\"[0,2]\",send,1,1,,,2026-12-03T06:00:00.5+02:00\n\
         0;2;0,,recv,4,1,0,3,1796270400.75\n",
    )
    .unwrap();
    let logs = read_file(&path, &Mapping::default());
    assert_eq!(logs[0].problems, []);
    let events = &logs[0].events;
    assert_eq!(
        events[0].kind,
        crate::foreign::ForeignKind::Send { to: vec![0, 2] }
    );
    assert_eq!(events[0].vc, Some(vec![0, 1, 0]));
    assert_eq!(events[0].timestamp_us, Some(1_796_270_400_500_000));
    assert_eq!(
        events[1].kind,
        crate::foreign::ForeignKind::Recv {
            from: 0,
            msg_clock: Some(3),
            queue: None
        }
    );
    assert_eq!(events[1].timestamp_us, Some(1_796_270_400_750_000));
    assert_eq!((events[0].line, events[1].line), (2, 3));
}

/// The examples of the README's "The format to hand to students", in their code blocks.
fn readme_example(language: &str) -> String {
    let readme = include_str!("../../../README.md");
    let section = readme
        .split("### The format to hand to students")
        .nth(1)
        .expect("the README has the section");
    let block = section
        .split(&format!("```{language}\n"))
        .nth(1)
        .expect("the section has the example");
    block.split("```").next().unwrap_or_default().to_owned()
}

#[test]
fn the_readmes_examples_read_without_a_problem() {
    let tmp = tempfile::tempdir().unwrap();
    for (language, name, events) in [("json", "m0.jsonl", 3), ("text", "m0.csv", 2)] {
        let path = tmp.path().join(name);
        std::fs::write(&path, readme_example(language)).unwrap();
        let logs = read_file(&path, &Mapping::default());
        assert_eq!(logs[0].problems, [], "{name}");
        assert_eq!(logs[0].events.len(), events, "{name}");
    }
    let path = tmp.path().join("map.toml");
    std::fs::write(&path, readme_example("toml")).unwrap();
    Mapping::from_file(&path).unwrap();
}

#[test]
fn a_run_directory_written_as_a_submission_reads_back_in_each_format() {
    let tmp = tempfile::tempdir().unwrap();
    let run = twin(tmp.path(), 14, 10);
    let style = JsonStyle {
        reorder: true,
        extra_fields: true,
        ..JsonStyle::default()
    };
    for (format, files) in [
        (Format::JsonLines, 3),
        (Format::Csv, 3),
        (Format::ShiViz, 1),
    ] {
        let out = tmp.path().join(format.name());
        let written = write_submission(&run, &out, format, &style).unwrap();
        assert_eq!(written.len(), files);
        let sub = read_submission(&out, &Mapping::default());
        assert_eq!(
            (sub.format, sub.problems.len(), sub.logs.len()),
            (Some(format), 0, 3)
        );
        for (id, log) in sub.logs.iter().enumerate() {
            let want = expected(&run, id as u32);
            let kinds = |events: &[crate::foreign::ForeignEvent]| -> Vec<&'static str> {
                events
                    .iter()
                    .map(|e| match e.kind {
                        crate::foreign::ForeignKind::Internal => "internal",
                        crate::foreign::ForeignKind::Send { .. } => "send",
                        crate::foreign::ForeignKind::Recv { .. } => "recv",
                    })
                    .collect()
            };
            assert_eq!(kinds(&log.events), kinds(&want), "{format:?} machine {id}");
            let vcs: Vec<_> = log.events.iter().map(|e| e.vc.clone()).collect();
            assert_eq!(vcs, want.iter().map(|e| e.vc.clone()).collect::<Vec<_>>());
        }
    }
    let broken = tmp.path().join("broken");
    std::fs::create_dir(&broken).unwrap();
    std::fs::write(broken.join("machine-0.log"), "{\"event\":\"send\"}\n").unwrap();
    let e = write_submission(&broken, &tmp.path().join("x"), Format::Csv, &style).unwrap_err();
    assert!(
        e.to_string()
            .contains("machine-0.log line 1: a send line needs a `to` field"),
        "{e}"
    );
}
