//! `logiclock grade`: a class folder of three submissions (a twin run's logs as they are, the
//! same logs with one receive that forgot its +1, and a folder of junk) graded by the binary.

use std::path::Path;

use crate::cmd::Logiclock;

/// The twin's logs of a short run, copied into `folder` (no manifest: a student has none).
fn twin_logs(tmp: &Path, folder: &Path) {
    let run = tmp.join("run");
    if !run.exists() {
        twin_run(&run);
    }
    std::fs::create_dir_all(folder).unwrap();
    for m in 0..3 {
        let name = format!("machine-{m}.log");
        std::fs::copy(run.join(&name), folder.join(&name)).unwrap();
    }
}

fn twin_run(run: &Path) {
    let dir = run.parent().expect("a run inside the test's directory");
    crate::util::twin(
        dir,
        "configs/default.toml",
        run,
        &["--duration", "10", "--seed", "7"],
    );
}

/// Lower the clock of the first receive of `log` by one (`max(prev, msg)`, no + 1); its line.
fn forget_one_increment(log: &Path) -> usize {
    let text = std::fs::read_to_string(log).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let at = lines
        .iter()
        .position(|l| l.contains("\"event\":\"recv\""))
        .expect("the run has a receive");
    let mut json: serde_json::Value = serde_json::from_str(&lines[at]).unwrap();
    let lamport = json["lamport"].as_u64().unwrap();
    json["lamport"] = (lamport - 1).into();
    lines[at] = json.to_string();
    std::fs::write(log, lines.join("\n") + "\n").unwrap();
    at + 1
}

#[test]
fn a_class_of_a_good_a_buggy_and_a_broken_submission_is_graded_row_by_row() {
    let tmp = tempfile::tempdir().unwrap();
    let class = tmp.path().join("class");
    twin_logs(tmp.path(), &class.join("good"));
    twin_logs(tmp.path(), &class.join("buggy"));
    let line = forget_one_increment(&class.join("buggy/machine-1.log"));
    let broken = class.join("broken");
    std::fs::create_dir_all(&broken).unwrap();
    std::fs::write(broken.join("machine-0.log"), [0u8, 159, 146, 150, 7, 1]).unwrap();
    std::fs::write(broken.join("machine-1.log"), "").unwrap();
    std::fs::write(broken.join("machine-2.csv"), "machine,event\n2,internal\n").unwrap();

    let done = Logiclock::new()
        .arg("grade")
        .arg(&class)
        .finish()
        .exit_code(1);
    assert!(done.stdout.contains("lamport-recv"), "{}", done.describe());

    let csv = std::fs::read_to_string(class.join("grade.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let column = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let got: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (&r[column("submission")], &r[column("verdict")]))
        .collect();
    assert_eq!(
        got,
        [("broken", "FAIL"), ("buggy", "FAIL"), ("good", "PASS")],
        "{csv}"
    );
    assert_ne!(&rows[0][column("readable")], "PASS", "{csv}");
    assert_eq!(&rows[1][column("lamport-recv")], "1", "{csv}");
    assert_eq!(&rows[1][column("carried")], "PASS", "{csv}");
    assert!(
        rows[2]
            .iter()
            .skip(column("lamport-internal"))
            .all(|c| c == "PASS"),
        "{csv}"
    );

    let md = std::fs::read_to_string(class.join("grade.md")).unwrap();
    let place = format!("machine-1.log:{line} lamport-recv: expected max(");
    assert!(md.contains(&place), "grade.md does not name {place}:\n{md}");
    for file in ["machine-0.log", "machine-1.log", "machine-2.csv"] {
        assert!(
            md.contains(file),
            "grade.md does not name the broken {file}:\n{md}"
        );
    }
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(class.join("grade.json")).unwrap()).unwrap();
    assert_eq!(json["submissions"].as_array().unwrap().len(), 3);
}

#[test]
fn grade_of_a_missing_folder_or_with_a_bad_flag_exits_2_naming_it() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("no-such-class");
    Logiclock::new()
        .arg("grade")
        .arg(&missing)
        .finish()
        .exit_code(2)
        .stderr_contains("no-such-class");
    Logiclock::new()
        .args(["grade", "--field", "lamport"])
        .arg(tmp.path())
        .finish()
        .exit_code(2)
        .stderr_contains("--field \"lamport\"");
}

#[test]
fn a_class_graded_twice_into_a_folder_of_its_own_ignores_the_reports_the_sources_and_macosx() {
    let tmp = tempfile::tempdir().unwrap();
    let class = tmp.path().join("class");
    twin_logs(tmp.path(), &class.join("alice"));
    // What students and zip files leave beside the logs.
    std::fs::write(class.join("alice/main.py"), "print('tick')\n").unwrap();
    std::fs::write(class.join("alice/README.txt"), "our notes\n").unwrap();
    std::fs::create_dir_all(class.join("__MACOSX/alice")).unwrap();
    std::fs::write(
        class.join("__MACOSX/alice/._machine-0.log"),
        [0u8, 5, 22, 7],
    )
    .unwrap();
    let reports = class.join("reports");
    for _ in 0..2 {
        Logiclock::new()
            .arg("grade")
            .arg(&class)
            .arg("--out")
            .arg(&reports)
            .finish()
            .success();
    }
    let csv = std::fs::read_to_string(reports.join("grade.csv")).unwrap();
    assert_eq!(csv.lines().count(), 2, "one row, alice's:\n{csv}");
    assert!(csv.lines().nth(1).unwrap().starts_with("alice,"), "{csv}");
}

#[test]
fn odd_folder_names_neither_break_the_tables_nor_run_as_spreadsheet_formulas() {
    let tmp = tempfile::tempdir().unwrap();
    let class = tmp.path().join("class");
    twin_logs(tmp.path(), &class.join("=HYPERLINK(1)"));
    twin_logs(tmp.path(), &class.join("a|b"));
    Logiclock::new().arg("grade").arg(&class).finish().success();
    let csv = std::fs::read_to_string(class.join("grade.csv")).unwrap();
    let names: Vec<&str> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(names, ["'=HYPERLINK(1)", "a|b"], "{csv}");
    let md = std::fs::read_to_string(class.join("grade.md")).unwrap();
    let row = md
        .lines()
        .find(|l| l.contains("a\\|b"))
        .expect("a|b's row, its | escaped");
    let header = md.lines().find(|l| l.starts_with("| submission")).unwrap();
    assert_eq!(
        row.matches(" | ").count(),
        header.matches(" | ").count(),
        "{md}"
    );
}
