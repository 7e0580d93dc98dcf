//! `analyze` as a shell uses it (issue 17): a glob over a batch that also holds the batch's own
//! outputs, a scenario file given by mistake, and output that fits an 80-column terminal.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::cmd::Logiclock;
use crate::util;

const TIMEOUT: Duration = Duration::from_secs(60);

/// What the shell makes of `dir/*`: every entry, sorted.
fn glob(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    entries
}

#[test]
fn analyze_batch_star_after_analyze_batch_skips_the_batch_outputs_and_exits_0() {
    let tmp = tempfile::tempdir().unwrap();
    let batch = crate::batch_analyze::sweep(tmp.path());
    let done = Logiclock::analyze(&batch)
        .arg("--no-plots")
        .env("COLUMNS", "80")
        .timeout(TIMEOUT)
        .finish()
        .success();
    let wide: Vec<&str> = done
        .stdout
        .lines()
        .filter(|l| l.chars().count() > 80)
        .collect();
    assert!(
        wide.is_empty(),
        "a batch's lines over 80 columns: {wide:#?}"
    );
    std::fs::create_dir(batch.join("notes")).unwrap();
    let done = Logiclock::analyze(glob(&batch)[0].clone())
        .args(&glob(&batch)[1..])
        .arg("--no-plots")
        .timeout(TIMEOUT)
        .finish()
        .success()
        .stderr_contains("aggregate.md is a file, not a run directory: skipped")
        .stderr_contains("notes is a directory without manifest.json or logs: skipped");
    assert!(
        done.stdout.contains("aggregate over 4 runs"),
        "{}",
        done.describe()
    );
}

#[test]
fn a_scenario_file_given_to_analyze_says_to_run_it_first() {
    Logiclock::analyze("configs/default.toml")
        .timeout(TIMEOUT)
        .finish()
        .exit_code(2)
        .stderr_contains("is a scenario file, not a run: run it first");
}

#[test]
fn only_files_given_to_analyze_is_bad_input() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("aggregate.md");
    std::fs::write(&file, "# not a run\n").unwrap();
    Logiclock::analyze(&file)
        .timeout(TIMEOUT)
        .finish()
        .exit_code(2)
        .stderr_contains("nothing to analyze");
}

/// A twin run of `machines` machines in `dir`.
fn twin(dir: &Path, machines: usize) -> PathBuf {
    let text = format!(
        "machines = {machines}\n[events]\ndie = {}\n",
        machines.max(10)
    );
    let scenario = util::scenario(dir, &format!("m{machines}.toml"), &text);
    let out = dir.join(format!("m{machines}"));
    Logiclock::run(&scenario)
        .args(["--engine", "sim"])
        .duration(5.0)
        .seed(4)
        .quiet()
        .out(&out)
        .current_dir(dir)
        .timeout(TIMEOUT)
        .finish()
        .success();
    out
}

#[test]
fn analyze_at_columns_80_has_no_line_over_80_at_3_and_at_64_machines() {
    let tmp = tempfile::tempdir().unwrap();
    let runs = [twin(tmp.path(), 3), twin(tmp.path(), 64)];
    for run in &runs {
        let done = Logiclock::analyze(run)
            .arg("--no-plots")
            .env("COLUMNS", "80")
            .timeout(TIMEOUT)
            .finish()
            .success();
        let wide: Vec<&str> = done
            .stdout
            .lines()
            .filter(|l| l.chars().count() > 80)
            .collect();
        assert!(wide.is_empty(), "lines over 80 columns: {wide:#?}");
        // Wrapped, not cut: the machines table's last column and the links table's are there.
        for column in ["max real ms", "unmatched"] {
            assert!(done.stdout.contains(column), "{column}\n{}", done.stdout);
        }
    }
    // Both runs at once: their aggregate table too.
    let done = Logiclock::analyze(&runs[0])
        .arg(&runs[1])
        .arg("--no-plots")
        .env("COLUMNS", "80")
        .timeout(TIMEOUT)
        .finish()
        .success();
    assert!(done.stdout.lines().all(|l| l.chars().count() <= 80));
}

#[test]
fn analyze_on_a_terminal_keeps_to_its_width() {
    let tmp = tempfile::tempdir().unwrap();
    let run = twin(tmp.path(), 3);
    let done = Logiclock::analyze(&run)
        .arg("--no-plots")
        .env_remove("COLUMNS")
        .on_terminal(24, 72)
        .timeout(TIMEOUT)
        .finish()
        .success();
    let wide: Vec<&str> = done
        .stdout
        .lines()
        .filter(|l| l.trim_end_matches('\r').chars().count() > 72)
        .collect();
    assert!(wide.is_empty(), "lines over 72 columns: {wide:#?}");
    assert!(done.stdout.contains("max real ms"), "{}", done.stdout);
}

#[test]
fn run_and_analyze_name_the_explorer_and_the_diagram_of_the_run() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = util::scenario(tmp.path(), "s.toml", "machines = 3\n");
    let out = tmp.path().join("r");
    Logiclock::run(&scenario)
        .args(["--engine", "sim"])
        .duration(3.0)
        .out(&out)
        .timeout(TIMEOUT)
        .finish()
        .success()
        .stdout_contains(&format!("logiclock analyze {}", out.display()))
        .stdout_contains(&format!("logiclock explore {}", out.display()));
    Logiclock::analyze(&out)
        .env("COLUMNS", "400")
        .timeout(TIMEOUT)
        .finish()
        .success()
        .stdout_contains(&format!("logiclock explore {}", out.display()))
        .stdout_contains(&format!("logiclock diagram {}", out.display()));
}
