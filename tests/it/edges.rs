//! The edges of issue 16: a run too large for its disk, duplicate sweep values, default names
//! taken at once, unusable hosts and names, outputs that are not directories.

use std::time::Duration;

use crate::cmd::Logiclock;
use crate::util;

const TIMEOUT: Duration = Duration::from_secs(30);

/// The scenario: the most machines at the highest rate for the longest duration.
const WEEK_AT_FULL_RATE: &str = "name = \"week\"\nmachines = 64\nduration_s = 604800\n\
    [clock]\nmin_rate = 1000\nmax_rate = 1000\n[events]\ndie = 100\n";

#[test]
fn a_week_of_64_machines_at_full_rate_is_refused_before_anything_is_created() {
    for engine in ["real", "sim"] {
        let tmp = tempfile::tempdir().unwrap();
        let scenario = util::scenario(tmp.path(), "week.toml", WEEK_AT_FULL_RATE);
        let out = tmp.path().join("out");
        let done = Logiclock::run(&scenario)
            .args(["--engine", engine])
            .out(&out)
            .current_dir(tmp.path())
            .timeout(TIMEOUT)
            .finish()
            .exit_code(2)
            .stderr_contains("38.7 billion lines")
            .stderr_contains("TB of logs")
            .stderr_contains("free")
            .stderr_contains("--duration");
        assert!(
            !out.exists(),
            "{engine}: nothing is created\n{}",
            done.describe()
        );
    }
}

#[test]
fn a_batch_too_large_for_the_disk_is_refused_with_its_total_and_no_batch_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = util::scenario(tmp.path(), "week.toml", WEEK_AT_FULL_RATE);
    let done = Logiclock::run(&scenario)
        .args(["--engine", "sim", "--repeat", "2"])
        .current_dir(tmp.path())
        .timeout(TIMEOUT)
        .finish()
        .exit_code(2)
        .stderr_contains("the batch of 2 runs would write about 77.4 billion lines");
    assert!(!tmp.path().join("runs").exists(), "{}", done.describe());
}

#[test]
fn a_run_records_its_estimate_in_its_manifest() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    Logiclock::run("configs/default.toml")
        .args(["--engine", "sim", "--seed", "1"])
        .out(&out)
        .timeout(TIMEOUT)
        .finish()
        .success();
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    let (mut lines, mut bytes) = (0, 0);
    for entry in std::fs::read_dir(&out).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "log") {
            let text = std::fs::read_to_string(path).unwrap();
            lines += text.lines().count() as u64;
            bytes += text.len() as u64;
        }
    }
    let estimate = &manifest["estimate"];
    // Within a line per machine: the twin's last tick may fall either side of the end.
    let expected = estimate["lines"].as_u64().unwrap();
    assert!(
        expected.abs_diff(lines) <= 3,
        "{estimate} against {lines} lines"
    );
    let ratio = estimate["bytes"].as_u64().unwrap() as f64 / bytes as f64;
    assert!(
        (0.9..1.2).contains(&ratio),
        "{estimate} against {bytes} bytes"
    );
}

/// A plain twin run of the default scenario at `out`.
fn twin_run(out: &std::path::Path, seed: u64) {
    Logiclock::run("configs/default.toml")
        .args(["--engine", "sim"])
        .duration(10.0)
        .seed(seed)
        .quiet()
        .out(out)
        .timeout(TIMEOUT)
        .finish()
        .success();
}

#[test]
fn a_batch_names_and_leaves_out_a_foreign_run_and_fails_members_with_a_missing_or_damaged_manifest()
{
    let tmp = tempfile::tempdir().unwrap();
    let batch = crate::batch_analyze::sweep(tmp.path());
    twin_run(&batch.join("stranger"), 5);
    std::fs::create_dir(batch.join("notes")).unwrap();
    let cut = batch.join("events.die=10-seed12");
    std::fs::remove_file(cut.join("manifest.json")).unwrap();
    std::fs::write(
        batch.join("events.die=4-seed12/manifest.json"),
        "{\"manifest_ver",
    )
    .unwrap();
    let done = Logiclock::analyze(&batch)
        .timeout(TIMEOUT)
        .finish()
        .exit_code(2)
        .stderr_contains("stranger is not a run of the batch")
        .stderr_contains("notes is not a run of the batch")
        .stderr_contains("2 of the 4 runs of the batch")
        .stderr_contains("events.die=10-seed12")
        .stderr_contains("events.die=4-seed12")
        .stdout_contains("aggregate over 2 runs");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(batch.join("aggregate.json")).unwrap())
            .unwrap();
    assert_eq!(json["runs"], 2, "{}", done.describe());
    assert_eq!(json["swept_key"], "events.die", "{json}");
    assert!(!batch.join("stranger/report.md").exists(), "left out");
}

#[test]
fn a_run_given_twice_is_counted_once() {
    let tmp = tempfile::tempdir().unwrap();
    let run = tmp.path().join("a");
    twin_run(&run, 3);
    let done = Logiclock::analyze(&run)
        .arg(tmp.path().join("./a"))
        .timeout(TIMEOUT)
        .finish()
        .success()
        .stderr_contains("counted once");
    assert_eq!(done.stdout.matches("wrote report.md").count(), 1);
    assert!(
        !done.stdout.contains("aggregate over 2 runs"),
        "{}",
        done.describe()
    );

    let batch = crate::batch_analyze::sweep(tmp.path());
    let done = Logiclock::analyze(batch.join("events.die=4-seed11"))
        .arg(&batch)
        .timeout(TIMEOUT)
        .finish()
        .success()
        .stderr_contains("counted once")
        .stdout_contains("aggregate over 4 runs");
    assert_eq!(done.stdout.matches("wrote report.md").count(), 4);
}

#[test]
fn a_sweep_with_a_value_given_twice_is_refused_before_any_run_naming_the_flag() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("batch");
    let done = Logiclock::run("configs/default.toml")
        .args(["--engine", "sim", "--sweep", "events.die=10,10"])
        .duration(5.0)
        .out(&out)
        .timeout(TIMEOUT)
        .finish()
        .exit_code(2)
        .stderr_contains("invalid --sweep")
        .stderr_contains("10 is given twice");
    assert!(!out.exists(), "no run started\n{}", done.describe());
}

/// The default directory stamp of `at` (as `run` names it: UTC, letters and digits only).
fn stamp(at: std::time::SystemTime) -> String {
    humantime::format_rfc3339_seconds(at)
        .to_string()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect()
}

#[test]
fn a_default_name_taken_while_it_is_chosen_moves_on_from_the_base_name_never_to_dash_2_dash_2() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = util::scenario(tmp.path(), "race.toml", "name = \"race\"\nduration_s = 2\n");
    let runs = tmp.path().join("runs");
    std::fs::create_dir(&runs).unwrap();
    // For this second and the next few: the base name taken, and `-2` taken by a link that
    // points nowhere, which a look (`exists`) misses and `mkdir` does not, just as a second run
    // that claims `-2` between another's look and its claim.
    let now = std::time::SystemTime::now();
    for s in 0..6 {
        let base = format!("race-{}-seed5", stamp(now + Duration::from_secs(s)));
        std::fs::create_dir(runs.join(&base)).unwrap();
        std::os::unix::fs::symlink("/nonexistent", runs.join(format!("{base}-2"))).unwrap();
    }
    let done = Logiclock::run(&scenario)
        .args(["--engine", "sim", "--seed", "5", "--quiet"])
        .current_dir(tmp.path())
        .timeout(TIMEOUT)
        .finish()
        .success();
    let names: Vec<String> = std::fs::read_dir(&runs)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| runs.join(name).join("manifest.json").is_file())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}\n{}", done.describe());
    assert!(names[0].ends_with("-seed5-3"), "{names:?}");
}

#[test]
fn the_broadcast_loopback_address_is_refused_at_validation_naming_the_key() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = util::scenario(
        tmp.path(),
        "bcast.toml",
        "duration_s = 2\n[network]\nhost = \"127.255.255.255\"\n",
    );
    let out = tmp.path().join("out");
    let done = Logiclock::run(&scenario)
        .out(&out)
        .current_dir(tmp.path())
        .timeout(TIMEOUT)
        .finish()
        .exit_code(2)
        .stderr_contains("`network.host` is 127.255.255.255")
        .stderr_contains("127.0.0.1 to 127.255.255.254");
    assert!(!out.exists(), "nothing started\n{}", done.describe());
}

#[test]
fn a_scenario_file_named_with_spaces_and_accents_gives_its_runs_a_name_made_from_it() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = util::scenario(tmp.path(), "my scenario ü.toml", "duration_s = 2\n");
    let done = Logiclock::run(&scenario)
        .args(["--engine", "sim", "--quiet"])
        .current_dir(tmp.path())
        .timeout(TIMEOUT)
        .finish()
        .success();
    let runs: Vec<String> = std::fs::read_dir(tmp.path().join("runs"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(runs.len(), 1, "{runs:?}\n{}", done.describe());
    assert!(runs[0].starts_with("my_scenario-"), "{runs:?}");
}

#[test]
fn a_disk_that_fills_during_a_batch_is_a_failure_exit_1_not_bad_input() {
    let tmp = tempfile::tempdir().unwrap();
    // Room for the batch and its first run, no inode left for the next run's directory (9) or
    // for its claim file (10): the bytes suffice, so the size estimate lets the batch start.
    for inodes in [9, 10] {
        let disk = tmp.path().join(format!("disk{inodes}"));
        let Some(_mounted) =
            crate::real_life::Tmpfs::mount(&disk, &format!("4m,nr_inodes={inodes}"))
        else {
            eprintln!("disk full mid-batch: cannot mount a tmpfs here; only the unit test runs");
            return;
        };
        let done = Logiclock::run("configs/default.toml")
            .args(["--engine", "sim", "--repeat", "3", "--seed", "1", "--quiet"])
            .duration(5.0)
            .out(disk.join("b"))
            .timeout(TIMEOUT)
            .finish()
            .exit_code(1)
            .stderr_contains("No space left on device");
        assert!(
            disk.join("b/seed1/manifest.json").is_file(),
            "{}",
            done.describe()
        );
    }
}

#[test]
fn an_out_that_is_not_a_directory_is_refused_naming_the_flag() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("a-file");
    std::fs::write(&file, "mine\n").unwrap();
    for out in [std::path::Path::new("/dev/stdout"), file.as_path()] {
        for batch in [&[][..], &["--repeat", "2"][..]] {
            Logiclock::run("configs/default.toml")
                .args(["--engine", "sim"])
                .args(batch)
                .duration(2.0)
                .arg("--out")
                .arg(out)
                .timeout(TIMEOUT)
                .finish()
                .exit_code(2)
                .stderr_contains(&format!("--out {} is not a directory", out.display()));
        }
    }
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "mine\n");
}

#[test]
fn a_rate_tolerance_of_zero_passes_the_twin_whose_rates_are_exact() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = util::scenario(
        tmp.path(),
        "exact.toml",
        "duration_s = 20\n[clock]\nmin_rate = 1\nmax_rate = 6\n[tolerance]\nrate = 0\n",
    );
    let out = tmp.path().join("twin");
    Logiclock::run(&scenario)
        .args(["--engine", "sim", "--seed", "4", "--quiet"])
        .out(&out)
        .current_dir(tmp.path())
        .timeout(TIMEOUT)
        .finish()
        .success()
        .stdout_contains("checks: PASS");
    Logiclock::analyze(&out).timeout(TIMEOUT).finish().success();
}

#[test]
fn the_batch_list_calls_a_run_stopped_by_ctrl_c_interrupted_not_clean() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("batch");
    let batch = Logiclock::run("configs/default.toml")
        .args(["--repeat", "2", "--quiet"])
        .speedup(30.0)
        .duration(300.0)
        .seed(3)
        .out(&out)
        .timeout(TIMEOUT)
        .spawn();
    util::wait_for_manifest(&out.join("seed3"));
    batch.signal(nix::sys::signal::Signal::SIGINT);
    let done = batch
        .finish()
        .exit_code(130)
        .stderr_contains("batch interrupted after 1 of 2 runs");
    let row = done
        .stdout
        .lines()
        .find(|l| l.trim_start().starts_with("seed3"))
        .unwrap_or_else(|| panic!("a row for seed3\n{}", done.describe()));
    assert!(row.ends_with("interrupted by SIGINT"), "{row}");
}
