//! Real life: a disk that fills up (during a run, or under `analyze`), scenario "files" that
//! are a FIFO, a device or far too large, and a name too long for a directory (runs racing for a
//! directory are in `racing.rs`).
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
/// The free space `run`'s size check sees: a disk these tests fill on purpose is let through.
const FREE_BYTES_ENV: &str = "LOGICLOCK_TEST_FREE_BYTES";

/// 3 machines at 6 ticks per model second, 600 model s at speedup 20: 30 real seconds, about
/// 360 log lines per real second, so a 200 KiB disk is full within a few seconds.
const BUSY: &str =
    "machines = 3\nduration_s = 600\nspeedup = 20\nseed = 3\n[clock]\nrates = [6, 6, 6]\n";

/// A tmpfs mounted for one test, unmounted when dropped.
pub(crate) struct Tmpfs {
    dir: PathBuf,
}

impl Tmpfs {
    /// Mount a tmpfs of `size` (as `mount -o size=` reads it) on `dir`, if this system lets us.
    pub(crate) fn mount(dir: &Path, size: &str) -> Option<Tmpfs> {
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
        .env(FREE_BYTES_ENV, u64::MAX.to_string())
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
        .env(FREE_BYTES_ENV, u64::MAX.to_string())
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
    nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::from_bits_truncate(0o600))
        .expect("failed to make a FIFO");
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

/// A short twin run whose analysis writes every kind of output (summary, report, CSV, plots).
pub(crate) const SHORT: &str =
    "machines = 3\nduration_s = 20\nseed = 3\n[clock]\nrates = [6, 4, 2]\n";

/// The twin of [`SHORT`] in `dir`/reference: a whole run for the full-disk tests to work on.
pub(crate) fn short_twin(dir: &Path) -> std::path::PathBuf {
    let scenario = util::scenario(dir, "short.toml", SHORT);
    let reference = dir.join("reference");
    Logiclock::run(&scenario)
        .args(["--engine", "sim"])
        .quiet()
        .out(&reference)
        .finish()
        .success();
    reference
}

/// Every file in `dir` by name, with its bytes.
fn files(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&p).unwrap())
        })
        .collect()
}

/// Fill the file system of `filler` until `room` bytes (give or take a page) are left.
pub(crate) fn fill_leaving(filler: &Path, room: u64) {
    use std::io::Write;
    let mut file = std::fs::File::create(filler).unwrap();
    let chunk = vec![0u8; 4096];
    let mut len = 0u64;
    while let Ok(n) = file.write(&chunk) {
        if n == 0 {
            break;
        }
        len += n as u64;
    }
    drop(file);
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(filler)
        .unwrap();
    file.set_len(len.saturating_sub(room)).unwrap();
}

#[test]
fn analyze_on_a_full_disk_leaves_no_output_empty_or_cut_short_and_the_logs_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let reference = short_twin(tmp.path());
    let run_files = files(&reference);
    Logiclock::analyze(&reference).finish().success();
    // What a whole analysis writes: every output found after a failed one must be one of these.
    let whole = files(&reference);
    let outputs: u64 = whole
        .iter()
        .filter(|(name, _)| !run_files.contains_key(*name))
        .map(|(_, bytes)| bytes.len() as u64)
        .sum();
    assert!(outputs > 16_384, "the outputs are {outputs} bytes");

    let disk_dir = tmp.path().join("disk");
    let disk = Tmpfs::mount(&disk_dir, "2m");
    match &disk {
        Some(_) => eprintln!("full disk: a real 2 MiB tmpfs"),
        None => eprintln!("full disk: cannot mount a tmpfs here; a read-only run directory"),
    }
    // No room at all, then room for some outputs and not all: a file is cut off mid-write.
    for room in [0, outputs / 2] {
        let run = disk_dir.join(format!("run-{room}"));
        std::fs::create_dir_all(&run).unwrap();
        for (name, bytes) in &run_files {
            std::fs::write(run.join(name), bytes).unwrap();
        }
        let filler = disk_dir.join("filler");
        if disk.is_some() {
            fill_leaving(&filler, room);
        } else {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&run, std::fs::Permissions::from_mode(0o555)).unwrap();
        }
        let done = Logiclock::analyze(&run).finish();
        assert_eq!(done.code(), Some(1), "room {room}\n{}", done.describe());
        assert!(
            done.stderr
                .contains(&format!("failed to write {}/", run.display())),
            "the error names the file\n{}",
            done.describe()
        );
        assert!(!done.stderr.contains("panicked"), "{}", done.describe());
        for (name, bytes) in files(&run) {
            match run_files.get(&name) {
                Some(before) => assert!(before == &bytes, "{name} was changed by analyze"),
                None => assert!(
                    whole.get(&name) == Some(&bytes),
                    "room {room}: {name} is left empty or partial ({} bytes)",
                    bytes.len()
                ),
            }
        }
        let _ = std::fs::remove_file(&filler);
    }
}
