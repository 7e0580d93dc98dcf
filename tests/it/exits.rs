//! The same failure exits with the same code in every command: an output that cannot be written
//! is 1 (a failure, not bad input) in `analyze`, `export` and `diagram` alike.

use std::time::Duration;

use crate::cmd::Logiclock;
use crate::golden::write_golden;

const TIMEOUT: Duration = Duration::from_secs(30);

#[test]
fn an_output_that_cannot_be_written_exits_1_in_analyze_export_and_diagram() {
    let tmp = tempfile::tempdir().unwrap();
    let run = write_golden(&tmp.path().join("run"));
    // A directory where a file is to go: no write can succeed there, even as root.
    let taken = tmp.path().join("taken");
    std::fs::create_dir(&taken).unwrap();
    std::fs::create_dir(run.join("summary.json")).unwrap();

    let analyze = Logiclock::analyze(&run)
        .arg("--no-plots")
        .timeout(TIMEOUT)
        .finish()
        .exit_code(1)
        .stderr_contains("failed to write");
    assert!(
        analyze.stderr.contains("summary.json"),
        "{}",
        analyze.describe()
    );
    for (command, format) in [("export", Some("csv")), ("diagram", None)] {
        let base = match format {
            Some(format) => Logiclock::export(format, &run),
            None => Logiclock::diagram(&run),
        };
        let done = base
            .arg("--out")
            .arg(&taken)
            .timeout(TIMEOUT)
            .finish()
            .exit_code(1)
            .stderr_contains("failed to write");
        assert!(
            done.stderr.contains("taken"),
            "{command}: {}",
            done.describe()
        );
    }
}
