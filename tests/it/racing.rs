//! Runs racing for run directories: two runs started within microseconds of each other with one
//! `--out` (exactly one gets it), and two runs or batches of one seed in the same second without
//! `--out` (each gets a default directory of its own).

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::cmd::{Logiclock, Running};
use crate::util;

/// `logiclock` started by a shell that waits until `go` exists, so that two of them start
/// within microseconds of each other when [`release`] creates it (spawning each from the test
/// takes milliseconds, longer than the race window).
fn at_once(go: &Path) -> Logiclock {
    Logiclock::program("/bin/sh").args([
        std::ffi::OsStr::new("-c"),
        "while [ ! -e \"$0\" ]; do :; done; exec \"$@\"".as_ref(),
        go.as_os_str(),
        crate::cmd::bin().as_os_str(),
    ])
}

/// Let the [`at_once`] commands `waiting` for `go` start, once each is a shell spinning on it
/// (its process runs `/bin/sh`, no longer the test binary it was forked from), so they see the
/// file at once.
fn release(go: &Path, waiting: &[&Running]) {
    let shell = std::fs::canonicalize("/bin/sh").expect("/bin/sh exists");
    for command in waiting {
        let exe = format!("/proc/{}/exe", command.id());
        util::wait_until("the shell to spin", Duration::from_secs(10), || {
            std::fs::read_link(&exe).is_ok_and(|path| path == shell)
        });
    }
    std::fs::write(go, "").unwrap();
}

#[test]
fn two_batches_of_one_seed_in_one_second_get_two_default_directories() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = util::scenario(
        tmp.path(),
        "twin.toml",
        "machines = 2\nduration_s = 1\nseed = 5\n",
    );
    // Twin batches take milliseconds, so both start in the same second; the second one found
    // the default name taken and exited 2 before.
    for round in 0..3 {
        let go = tmp.path().join(format!("go-{round}"));
        let start = || {
            at_once(&go)
                .arg("run")
                .arg(&scenario)
                .args(["--engine", "sim", "--repeat", "2", "--quiet"])
                .current_dir(tmp.path())
                .spawn()
        };
        let (a, b) = (start(), start());
        release(&go, &[&a, &b]);
        for done in [a.finish(), b.finish()] {
            assert_eq!(done.code(), Some(0), "round {round}: {}", done.describe());
        }
    }
    let batches: Vec<PathBuf> = std::fs::read_dir(tmp.path().join("runs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(batches.len(), 6, "{batches:?}");
    for batch in batches {
        for seed in ["seed5", "seed6"] {
            let run = batch.join(seed);
            assert!(run.join("manifest.json").is_file(), "{}", run.display());
        }
    }
}

#[test]
fn of_two_runs_racing_for_one_out_directory_exactly_one_gets_it() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = util::scenario(
        tmp.path(),
        "race.toml",
        "machines = 2\nduration_s = 1\nspeedup = 2\nseed = 4\n",
    );
    // Both winning happened in 1 of 10 real tries and 1 of 30 twin tries before the claim was
    // atomic, so one try proves little. The twin claims its directory with the same function,
    // in milliseconds: most tries are its.
    let engines = (0..44).map(|round| if round % 11 == 0 { "real" } else { "sim" });
    for (round, engine) in engines.enumerate() {
        let out = tmp.path().join(format!("out-{round}"));
        let go = tmp.path().join(format!("go-{round}"));
        let start = || {
            at_once(&go)
                .arg("run")
                .arg(&scenario)
                .arg("--out")
                .arg(&out)
                .args(["--engine", engine, "--quiet"])
                .current_dir(tmp.path())
                .timeout(Duration::from_secs(30))
                .spawn()
        };
        let (a, b) = (start(), start());
        release(&go, &[&a, &b]);
        let (a, b) = (a.finish(), b.finish());
        let mut codes = [a.code(), b.code()];
        codes.sort();
        assert_eq!(
            codes,
            [Some(0), Some(2)],
            "round {round} ({engine}):\n{}\n{}",
            a.describe(),
            b.describe()
        );
        let loser = if a.code() == Some(2) { &a } else { &b };
        assert!(
            loser.stderr.contains(&out.display().to_string())
                && (loser.stderr.contains("taken by another run")
                    || loser.stderr.contains("already holds files")),
            "{}",
            loser.describe()
        );
        // The winner's logs are its own: one `start` each, every line whole.
        for id in 0..2 {
            let lines = util::read_log(&out.join(format!("machine-{id}.log")), id);
            let starts = lines.iter().filter(|l| l.event.name() == "start").count();
            assert_eq!(starts, 1, "round {round} ({engine}), machine {id}");
        }
    }
}

#[test]
fn two_runs_of_one_seed_in_one_second_get_two_default_directories() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = util::scenario(
        tmp.path(),
        "twin.toml",
        "machines = 2\nduration_s = 1\nspeedup = 2\nseed = 5\n",
    );
    // Real runs (which shared a probe file, and failed in about half the tries before) and the
    // twin, which claims its directory with the same function.
    let engines = ["real", "sim"].repeat(6);
    for (round, engine) in engines.iter().enumerate() {
        let go = tmp.path().join(format!("go-{round}"));
        let start = || {
            at_once(&go)
                .arg("run")
                .arg(&scenario)
                .args(["--engine", engine, "--quiet"])
                .current_dir(tmp.path())
                .spawn()
        };
        let (a, b) = (start(), start());
        release(&go, &[&a, &b]);
        for done in [a.finish(), b.finish()] {
            assert_eq!(
                done.code(),
                Some(0),
                "round {round} ({engine}): {}",
                done.describe()
            );
        }
    }
    let runs: Vec<PathBuf> = std::fs::read_dir(tmp.path().join("runs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(runs.len(), 2 * engines.len(), "{runs:?}");
    for run in runs {
        assert!(run.join("manifest.json").is_file(), "{}", run.display());
    }
}
