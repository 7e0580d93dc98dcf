//! Real life: a disk that fills up, two runs racing for one directory, scenario "files" that
//! are a FIFO, a device or far too large, and a name too long for a directory.
//!
//! The full-disk tests mount a 200 KiB tmpfs when they can (as root); where mounting is not
//! permitted they inject the same failure through the machines' test-only log limit
//! (`LOGICLOCK_TEST_LOG_LIMIT_BYTES`), and say on stderr which of the two ran.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::cmd::{Finished, Logiclock};
use crate::util;

/// The machines' test-only log limit, in bytes (see `machine::log_layer::TEST_LOG_LIMIT_ENV`).
const LOG_LIMIT_ENV: &str = "LOGICLOCK_TEST_LOG_LIMIT_BYTES";

/// 3 machines at 6 ticks per model second, 600 model s at speedup 20: 30 real seconds, about
/// 360 log lines per real second, so a 200 KiB disk is full within a few seconds.
const BUSY: &str =
    "machines = 3\nduration_s = 600\nspeedup = 20\nseed = 3\n[clock]\nrates = [6, 6, 6]\n";

/// A tmpfs mounted for one test, unmounted when dropped.
struct Tmpfs {
    dir: PathBuf,
}

impl Tmpfs {
    /// Mount a tmpfs of `size` (as `mount -o size=` reads it) on `dir`, if this system lets us.
    fn mount(dir: &Path, size: &str) -> Option<Tmpfs> {
        std::fs::create_dir_all(dir).unwrap();
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .stderr(std::process::Stdio::null())
            .status()
            .ok()?;
        status.success().then(|| Tmpfs {
            dir: dir.to_owned(),
        })
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.dir).status();
    }
}

/// Where a run that fills its disk writes: a 200 KiB tmpfs, or (where none can be mounted) a
/// plain directory with the machines' logs limited to 20 KB each.
fn small_disk(tmp: &Path) -> (Option<Tmpfs>, Logiclock) {
    let scenario = util::scenario(tmp, "busy.toml", BUSY);
    let disk = Tmpfs::mount(&tmp.join("disk"), "200k");
    let out = tmp.join("disk/run");
    let run = Logiclock::run(&scenario)
        .out(&out)
        .quiet()
        .current_dir(tmp)
        .timeout(Duration::from_secs(60));
    match disk {
        Some(disk) => {
            eprintln!("full disk: a real 200 KiB tmpfs");
            (Some(disk), run)
        }
        None => {
            eprintln!("full disk: cannot mount a tmpfs here; injecting ENOSPC ({LOG_LIMIT_ENV})");
            (None, run.env(LOG_LIMIT_ENV, "20000"))
        }
    }
}

/// Nothing in the run panicked: not the supervisor, not a machine (its `.stderr` file).
fn assert_no_panic(done: &Finished, out: &Path) {
    assert!(!done.stderr.contains("panicked"), "{}", done.describe());
    for entry in std::fs::read_dir(out).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "stderr") {
            let text = std::fs::read_to_string(&path).unwrap();
            assert!(!text.contains("panicked"), "{}: {text}", path.display());
        }
    }
}

/// The machine logs in `out`, each with its text.
fn logs(out: &Path) -> Vec<(PathBuf, String)> {
    (0..3)
        .map(|id| out.join(format!("machine-{id}.log")))
        .filter(|p| p.exists())
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            (p, text)
        })
        .collect()
}

#[test]
fn a_full_disk_stops_the_run_at_once_naming_machine_and_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let (disk, run) = small_disk(tmp.path());
    let out = tmp.path().join("disk/run");
    let started = Instant::now();
    let done = run.finish();
    let took = started.elapsed();
    eprintln!("the run ended after {took:?}");

    assert_eq!(done.code(), Some(1), "{}", done.describe());
    assert!(
        done.stderr.contains(&format!(
            ": cannot write its log in {}: No space left on device",
            out.display()
        )) && done.stderr.contains("machine "),
        "{}",
        done.describe()
    );
    // The disk fills within seconds of a 30 s run; the run stops at once, not at its end.
    assert!(took < Duration::from_secs(15), "took {took:?}");
    assert_no_panic(&done, &out);
    let logs = logs(&out);
    assert!(!logs.is_empty());
    for (path, text) in &logs {
        assert!(
            text.is_empty() || text.ends_with('\n'),
            "{} ends mid-line: {:?}",
            path.display(),
            &text[text.len().saturating_sub(80)..]
        );
    }
    assert!(!out.join(".manifest.json.tmp").exists());
    // The manifest of the start is there; the outcome too, when the disk had room for it.
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    let outcome = &manifest["outcome"];
    if disk.is_none() || !outcome.is_null() {
        assert_eq!(outcome["clean"], false, "{outcome}");
        let exits = outcome["exits"].as_array().unwrap();
        assert!(
            exits.iter().any(|e| e["status"]["code"] == 3),
            "a machine exits with code 3: {outcome}"
        );
    }
}

#[test]
fn a_disk_full_at_the_start_is_reported_before_any_tick() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = util::scenario(tmp.path(), "busy.toml", BUSY);
    let out = tmp.path().join("disk/run");
    let run = Logiclock::run(&scenario)
        .out(&out)
        .quiet()
        .current_dir(tmp.path())
        .timeout(Duration::from_secs(30));
    let started = Instant::now();
    match Tmpfs::mount(&tmp.path().join("disk"), "200k") {
        Some(_disk) => {
            eprintln!("full disk: a real 200 KiB tmpfs, filled");
            fill(&tmp.path().join("disk/filler"));
            let done = run.finish();
            assert_eq!(done.code(), Some(2), "{}", done.describe());
            assert!(
                done.stderr.contains(&out.display().to_string())
                    && done.stderr.contains("No space left on device"),
                "{}",
                done.describe()
            );
            assert!(!out.exists(), "nothing is left on the full disk");
        }
        None => eprintln!("full disk at the start: cannot mount a tmpfs; only the injection runs"),
    }
    // Room for the run directory, none for a single log line: the machines fail in set-up.
    let done = run_with_no_log_room(tmp.path(), &scenario);
    assert_eq!(done.code(), Some(1), "{}", done.describe());
    assert!(
        done.stderr.contains("the run could not start")
            && done.stderr.contains("cannot write its log in"),
        "{}",
        done.describe()
    );
    let out = tmp.path().join("no-room");
    assert_no_panic(&done, &out);
    for (path, text) in logs(&out) {
        assert!(!text.contains("\"start\""), "{}: {text}", path.display());
    }
    assert!(started.elapsed() < Duration::from_secs(20));
}

/// A run whose machines cannot write a single log line (injected).
fn run_with_no_log_room(tmp: &Path, scenario: &Path) -> Finished {
    Logiclock::run(scenario)
        .out(tmp.join("no-room"))
        .quiet()
        .current_dir(tmp)
        .env(LOG_LIMIT_ENV, "0")
        .timeout(Duration::from_secs(30))
        .finish()
}

/// Write into `path` until the disk is full.
fn fill(path: &Path) {
    use std::io::Write;
    let mut file = std::fs::File::create(path).unwrap();
    let block = vec![0u8; 4096];
    while file.write_all(&block).is_ok() {}
}

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

/// Let every [`at_once`] command waiting for `go` start.
fn release(go: &Path) {
    // Both shells are spinning by now (a late one would just start late); they see the file at
    // once. Short: a spinning shell takes a core from the tests running alongside.
    std::thread::sleep(Duration::from_millis(10));
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
        release(&go);
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
        release(&go);
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
        release(&go);
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

/// `logiclock run PATH` in a fresh directory, with no `--out`.
fn run_bad(tmp: &Path, scenario: &Path) -> Finished {
    Logiclock::run(scenario)
        .current_dir(tmp)
        .timeout(Duration::from_secs(10))
        .finish()
}

#[test]
fn a_fifo_a_device_a_directory_and_an_oversize_file_are_refused_as_scenarios() {
    let tmp = tempfile::tempdir().unwrap();
    let fifo = tmp.path().join("fifo.toml");
    let c_path = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path; mkfifo(3) only creates a file.
    assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0);
    let big = util::scenario(
        tmp.path(),
        "big.toml",
        &format!("seed = 1\n{}", "#".repeat(2 * 1024 * 1024)),
    );
    let dir = tmp.path().join("dir.toml");
    std::fs::create_dir(&dir).unwrap();
    for (path, what) in [
        (fifo, "a FIFO"),
        (PathBuf::from("/dev/zero"), "a device"),
        (dir, "a directory"),
        (big, "bytes; at most 1048576"),
    ] {
        let started = Instant::now();
        let done = run_bad(tmp.path(), &path);
        assert_eq!(done.code(), Some(2), "{}", done.describe());
        assert!(
            done.stderr.contains(&path.display().to_string()) && done.stderr.contains(what),
            "{}",
            done.describe()
        );
        assert!(started.elapsed() < Duration::from_secs(5));
        assert!(!tmp.path().join("runs").exists(), "nothing is created");
    }
}

#[test]
fn a_name_too_long_for_a_directory_is_refused_as_the_key_name() {
    let tmp = tempfile::tempdir().unwrap();
    let long = "n".repeat(300);
    for (file, text) in [
        ("long.toml", format!("name = \"{long}\"\n")),
        ("slash.toml", "name = \"a/b\"\n".to_owned()),
    ] {
        let scenario = util::scenario(tmp.path(), file, &text);
        let done = run_bad(tmp.path(), &scenario);
        assert_eq!(done.code(), Some(2), "{}", done.describe());
        assert!(
            done.stderr.contains("`name`") && done.stderr.contains(file),
            "{}",
            done.describe()
        );
        assert!(
            !done.stderr.contains("failed to create output directory"),
            "{}",
            done.describe()
        );
        assert!(!tmp.path().join("runs").exists(), "nothing is created");
    }
}
