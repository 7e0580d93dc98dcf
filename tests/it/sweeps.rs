//! Sweeps as a student writes them (issue 17): rate sets as values, several `--sweep` flags as a
//! grid, a misspelt key with a suggestion, and values of the wrong type said in plain words, in
//! a sweep and in a scenario file.

use std::path::Path;
use std::time::Duration;

use crate::cmd::Logiclock;
use crate::util;

const TIMEOUT: Duration = Duration::from_secs(60);

fn batch_record(run: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(run.join("manifest.json")).unwrap();
    serde_json::from_str::<serde_json::Value>(&text).unwrap()["batch"].clone()
}

#[test]
fn two_sweeps_run_every_combination_and_each_run_records_its_typed_values() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("grid");
    Logiclock::run("configs/default.toml")
        .duration(5.0)
        .seed(3)
        .args(["--engine", "sim"])
        .args(["--sweep", "events.die=4,10", "--sweep", "machines=3,4"])
        .quiet()
        .out(&out)
        .timeout(TIMEOUT)
        .finish()
        .success();
    for (die, machines) in [(4, 3), (4, 4), (10, 3), (10, 4)] {
        let run = out.join(format!("events.die={die}-machines={machines}-seed3"));
        let record = batch_record(&run);
        assert_eq!(
            record["swept"],
            serde_json::json!({"events.die": die, "machines": machines}),
            "numbers stay numbers: {record}"
        );
        assert_eq!(record["value"], serde_json::json!([die, machines]));
        let files = util::RunFiles::read(&run);
        assert_eq!(files.rates().len(), machines, "{}", run.display());
    }
    Logiclock::analyze(&out)
        .arg("--no-plots")
        .timeout(TIMEOUT)
        .finish()
        .success();
    let text = std::fs::read_to_string(out.join("aggregate.json")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(json["swept_key"], "events.die,machines");
    // Grouped in value order, 4 before 10 (the swept value written as text or as a list).
    let first = &json["groups"][0]["swept_value"];
    assert!(
        *first == serde_json::json!("[4,3]") || *first == serde_json::json!([4, 3]),
        "{first}"
    );
}

#[test]
fn a_sweep_of_rate_sets_runs_each_set() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("rates");
    Logiclock::run("configs/default.toml")
        .duration(5.0)
        .seed(3)
        .args(["--engine", "sim", "--sweep", "clock.rates=[1,2,3],[1,1,6]"])
        .quiet()
        .out(&out)
        .timeout(TIMEOUT)
        .finish()
        .success();
    for (label, rates) in [("[1,2,3]", vec![1, 2, 3]), ("[1,1,6]", vec![1, 1, 6])] {
        let run = out.join(format!("clock.rates={label}-seed3"));
        assert_eq!(util::RunFiles::read(&run).rates(), rates);
        assert_eq!(batch_record(&run)["value"], serde_json::json!(rates));
    }
}

#[test]
fn a_misspelt_sweep_key_is_refused_naming_the_flag_with_a_suggestion() {
    let tmp = tempfile::tempdir().unwrap();
    let done = Logiclock::run("configs/default.toml")
        .args(["--engine", "sim", "--sweep", "die=4,6"])
        .out(tmp.path().join("out"))
        .timeout(TIMEOUT)
        .finish()
        .exit_code(2)
        .stderr_contains("--sweep")
        .stderr_contains("did you mean `events.die`?");
    assert!(!done.stderr.contains("default.toml"), "{}", done.describe());
    assert!(!tmp.path().join("out").exists());
}

#[test]
fn sweeping_the_seed_says_how_a_batch_sets_seeds_without_blaming_flags_not_given() {
    let tmp = tempfile::tempdir().unwrap();
    let done = Logiclock::run("configs/default.toml")
        .args(["--engine", "sim", "--sweep", "seed=1,2"])
        .out(tmp.path().join("out"))
        .timeout(TIMEOUT)
        .finish()
        .exit_code(2)
        .stderr_contains("a batch gives each run its own seed");
    assert!(!done.stderr.contains("conflicts"), "{}", done.describe());
}

#[test]
fn a_value_of_the_wrong_type_is_said_in_plain_words_in_a_file_and_in_a_sweep() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = util::scenario(tmp.path(), "bad.toml", "machines = \"3\"\n");
    let done = Logiclock::run(&scenario)
        .args(["--engine", "sim"])
        .out(tmp.path().join("out"))
        .current_dir(tmp.path())
        .timeout(TIMEOUT)
        .finish()
        .exit_code(2)
        .stderr_contains("`machines` must be a whole number, got the string \"3\"")
        .stderr_contains("bad.toml");
    assert!(!done.stderr.contains("i64"), "{}", done.describe());

    let done = Logiclock::run("configs/default.toml")
        .args(["--engine", "sim", "--sweep", "machines=3,four"])
        .out(tmp.path().join("out"))
        .timeout(TIMEOUT)
        .finish()
        .exit_code(2)
        .stderr_contains("--sweep")
        .stderr_contains("`machines` must be a whole number, got the string \"four\"");
    assert!(!done.stderr.contains("i64"), "{}", done.describe());
}

#[test]
fn a_key_written_outside_its_section_says_which_section_it_belongs_to() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = util::scenario(tmp.path(), "bad.toml", "machines = 3\ndie = 4\n");
    Logiclock::run(&scenario)
        .args(["--engine", "sim"])
        .out(tmp.path().join("out"))
        .current_dir(tmp.path())
        .timeout(TIMEOUT)
        .finish()
        .exit_code(2)
        .stderr_contains("unknown field `die`")
        .stderr_contains("`die` is a key of [events]: write it under [events]");
}
