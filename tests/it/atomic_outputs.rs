//! `diff` and `export` write each output whole or not at all, as `analyze` does: on a full disk
//! an output is absent or whole under its final name, never empty or cut short, and no
//! temporary file is left beside it.

use std::path::Path;

use crate::cmd::Logiclock;
use crate::real_life::{fill_leaving, short_twin, Tmpfs};

/// The commands under test, as arguments after `logiclock`, given the run directory, and the
/// output each writes there.
fn commands(run: &Path) -> Vec<(Vec<String>, &'static str)> {
    let run = run.display().to_string();
    let export = |format: &str| {
        vec![
            "export".to_owned(),
            "--format".to_owned(),
            format.to_owned(),
            run.clone(),
        ]
    };
    vec![
        (export("perfetto"), "trace.json"),
        (export("shiviz"), "shiviz.log"),
        (export("csv"), "events.csv"),
        (
            vec!["diff".to_owned(), run.clone(), run.clone()],
            "diff.json",
        ),
    ]
}

#[test]
fn diff_and_export_on_a_full_disk_leave_no_output_empty_or_cut_short() {
    let tmp = tempfile::tempdir().unwrap();
    let reference = short_twin(tmp.path());
    let mut whole = Vec::new();
    for (args, output) in commands(&reference) {
        Logiclock::new().args(&args).finish().success();
        whole.push(std::fs::read(reference.join(output)).unwrap());
    }
    let run_files: Vec<_> = std::fs::read_dir(&reference)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "log" || e == "json"))
        .filter(|p| !p.ends_with("trace.json") && !p.ends_with("diff.json"))
        .collect();

    let disk_dir = tmp.path().join("disk");
    let Some(_disk) = Tmpfs::mount(&disk_dir, "2m") else {
        // Without a tmpfs the write fails at its first byte anyway (a read-only directory),
        // which tests nothing the whole-or-nothing rule adds; say so rather than pass silently.
        eprintln!("skipped: cannot mount a tmpfs here");
        return;
    };
    let run = disk_dir.join("run");
    std::fs::create_dir_all(&run).unwrap();
    for file in &run_files {
        std::fs::copy(file, run.join(file.file_name().unwrap())).unwrap();
    }
    let filler = disk_dir.join("filler");
    for ((args, output), whole) in commands(&run).into_iter().zip(&whole) {
        // No room at all, then room for half the output: a file cut off mid-write.
        for room in [0, whole.len() as u64 / 2] {
            fill_leaving(&filler, room);
            let done = Logiclock::new().args(&args).finish();
            assert_ne!(done.code(), Some(0), "room {room}\n{}", done.describe());
            assert!(
                done.stderr.contains("failed to write"),
                "{}",
                done.describe()
            );
            let path = run.join(output);
            if let Ok(bytes) = std::fs::read(&path) {
                assert!(
                    &bytes == whole,
                    "room {room}: {output} is left cut short ({} of {} bytes)",
                    bytes.len(),
                    whole.len()
                );
            }
            let tmp_left = run.join(format!(".{output}.tmp"));
            assert!(!tmp_left.exists(), "{} is left", tmp_left.display());
            std::fs::remove_file(&filler).unwrap();
        }
    }
}
