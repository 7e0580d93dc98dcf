//! The README's DuckDB recipe, run as the README gives it by real DuckDB (Python's `duckdb`, which
//! `.ci/run` installs) on a twin whose first log has over 100,000 lines: longer than the 20,480
//! lines DuckDB guesses its columns from by default, so the `stop` line's fields come after them.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use logiclock::log_format::Event;

use crate::cmd::{repo, Logiclock};
use crate::golden::read_logs;
use crate::util::scenario;

const TIMEOUT: Duration = Duration::from_secs(120);

/// Runs the SQL statements of its standard input in one DuckDB connection and prints the last
/// query's column names and rows as JSON.
const RUNNER: &str = r#"
import json, sys
import duckdb
con = duckdb.connect()
columns, rows = None, None
for statement in [s for s in sys.stdin.read().split(";") if s.strip()]:
    cursor = con.execute(statement)
    if cursor.description:
        columns = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
print(json.dumps({"columns": columns, "rows": rows}))
"#;

/// The README's DuckDB recipe: the SQL block that calls `read_json_auto`.
fn readme_recipe() -> String {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    readme
        .split("```sql\n")
        .skip(1)
        .filter_map(|block| block.split("```").next())
        .find(|block| block.contains("read_json_auto"))
        .expect("the README has a DuckDB recipe: a ```sql block that calls read_json_auto")
        .to_owned()
}

/// Fail with the reason when Python's `duckdb` cannot be imported (CI always installs it).
fn require_duckdb() {
    let found = Command::new("python3")
        .args(["-c", "import duckdb"])
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        found,
        "this test runs the README's DuckDB recipe with Python's duckdb, which python3 could not \
         import: install it with `pip install duckdb==2.0.1` (as .ci/run does)"
    );
}

/// Run `sql` in DuckDB; the last query's (columns, rows).
fn duckdb(sql: &str) -> (Vec<String>, Vec<Vec<serde_json::Value>>) {
    let mut child = Command::new("python3")
        .args(["-c", RUNNER])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(sql.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "DuckDB failed on the README's recipe:\n{sql}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let columns = serde_json::from_value(json["columns"].clone()).unwrap();
    let rows = serde_json::from_value(json["rows"].clone()).unwrap();
    (columns, rows)
}

/// A twin whose machine 0 logs over 100,000 lines (6 ticks per model second for 16,700 s) and machine 1
/// over 20,480 (2 per second), so neither log shows DuckDB its `stop` line in the default sample.
fn long_twin(dir: &Path) -> std::path::PathBuf {
    let file = scenario(
        dir,
        "long.toml",
        "name = \"long\"\nmachines = 2\nduration_s = 16700\nspeedup = 1000\nseed = 5\n\
         [clock]\nrates = [6, 2]\n[events]\ndie = 10\n",
    );
    let run = dir.join("runs").join("RUN");
    Logiclock::run(&file)
        .args(["--engine", "sim"])
        .quiet()
        .out(&run)
        .timeout(TIMEOUT)
        .finish()
        .success();
    run
}

#[test]
fn the_readme_duckdb_recipe_finds_the_stop_fields_of_a_100k_line_log() {
    require_duckdb();
    let tmp = tempfile::tempdir().unwrap();
    let run = long_twin(tmp.path());
    let lines = read_logs(&run);
    let first_log = lines.iter().filter(|l| l.machine == 0).count();
    let second_log = lines.len() - first_log;
    assert!(first_log > 100_000, "machine 0 logged {first_log} lines");
    assert!(second_log > 20_480, "machine 1 logged {second_log} lines");
    let recipe = readme_recipe().replace("runs/RUN/", &format!("{}/", run.display()));
    let (columns, rows) = duckdb(&recipe);
    assert_eq!(
        columns,
        [
            "machine",
            "ticks",
            "queue",
            "skipped",
            "cpu_ms",
            "max_rss_kb"
        ]
    );
    let stops: Vec<Vec<serde_json::Value>> = lines
        .iter()
        .filter_map(|l| match &l.event {
            Event::Stop {
                queue,
                ticks,
                skipped,
                cpu_ms,
                max_rss_kb,
                ..
            } => Some(
                [
                    l.machine as u64,
                    *ticks,
                    *queue,
                    *skipped,
                    *cpu_ms,
                    *max_rss_kb,
                ]
                .map(serde_json::Value::from)
                .to_vec(),
            ),
            _ => None,
        })
        .collect();
    assert_eq!(stops.len(), 2, "one stop line per machine");
    assert_eq!(rows, stops, "DuckDB's stop rows are the logs' stop lines");
}
