//! The twin (`--engine sim`) stops as a real run does: on SIGINT, SIGTERM or SIGHUP (even with
//! SIGINT inherited as ignored) at its next event, with whole logs ending in stop lines and an
//! interrupted manifest; on a full disk at its first failed write, with every log cut back to one
//! instant; and at `--max-log-size`, as a real run does at it too.

use std::path::Path;
use std::time::{Duration, Instant};

use nix::sys::signal::Signal;

use crate::cmd::{bin, Logiclock, Running};
use crate::real_life::Tmpfs;
use crate::util;

/// The free space `run`'s size check sees: these runs are stopped long before their end.
const FREE_BYTES_ENV: &str = "LOGICLOCK_TEST_FREE_BYTES";
/// The logs' test-only write limit in bytes (see `machine::log_writer::TEST_LOG_LIMIT_ENV`).
const LOG_LIMIT_ENV: &str = "LOGICLOCK_TEST_LOG_LIMIT_BYTES";

/// 64 machines at up to 1,000 ticks per second for a week: hours of twin work, terabytes of
/// logs, so every stop below comes mid-run.
const LONG: &str = "machines = 64\nduration_s = 604800\nseed = 7\n\
                    [clock]\nmin_rate = 500\nmax_rate = 1000\n[events]\ndie = 128\n";

/// The twin of [`LONG`] into `out`.
fn long_twin(tmp: &Path, out: &Path) -> Logiclock {
    Logiclock::run(util::scenario(tmp, "long.toml", LONG))
        .args(["--engine", "sim"])
        .out(out)
        .env(FREE_BYTES_ENV, u64::MAX.to_string())
        .quiet()
        .current_dir(tmp)
        .timeout(Duration::from_secs(60))
}

/// Wait (at most 20 s) until the twin's first log holds lines and grows: it is mid-run.
fn wait_until_writing(dir: &Path) {
    let log = dir.join("machine-0.log");
    let size = || std::fs::metadata(&log).map_or(0, |m| m.len());
    util::wait_until(
        "the twin to write its logs",
        Duration::from_secs(20),
        || size() > 0,
    );
    let first = size();
    util::wait_until("the twin's log to grow", Duration::from_secs(20), || {
        size() > first
    });
}

/// Every log of `dir` is whole lines ending in the machine's stop line, and the manifest says
/// the run was interrupted by `signal`.
fn assert_stopped_in_order(dir: &Path, signal: &str) {
    let manifest = std::fs::read_to_string(dir.join("manifest.json")).expect("a manifest");
    assert!(
        manifest.contains(&format!("interrupted by {signal}")),
        "the manifest's outcome: {manifest}"
    );
    for id in 0..64 {
        let lines = util::read_log(&dir.join(format!("machine-{id}.log")), id);
        let last = lines.last().expect("a log with lines");
        assert_eq!(
            last.event.name(),
            "stop",
            "machine {id}'s last line: {last:?}"
        );
    }
}

/// Signal `running` and wait for its end with `code` (bounded by its timeout).
fn stop_with(running: Running, signal: Signal, code: i32) {
    running.signal(signal);
    let started = Instant::now();
    running.finish().exit_code(code);
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[test]
fn a_twin_stopped_by_sigint_sigterm_or_sighup_ends_every_log_with_a_stop_line() {
    let tmp = tempfile::tempdir().unwrap();
    for (signal, name, code) in [
        (Signal::SIGINT, "SIGINT", 130),
        (Signal::SIGTERM, "SIGTERM", 143),
        (Signal::SIGHUP, "SIGHUP", 129),
    ] {
        let out = tmp.path().join(name);
        let running = long_twin(tmp.path(), &out).spawn();
        wait_until_writing(&out);
        stop_with(running, signal, code);
        assert_stopped_in_order(&out, name);
    }
}

#[test]
fn a_twin_started_with_sigint_ignored_still_stops_on_it() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("background");
    let scenario = util::scenario(tmp.path(), "long.toml", LONG);
    // As a script's `cmd &` does: SIGINT ignored before the binary starts.
    let script = format!(
        "trap '' INT; exec '{}' run '{}' --engine sim --quiet --out '{}'",
        bin().display(),
        scenario.display(),
        out.display()
    );
    let running = Logiclock::program("sh")
        .args(["-c", &script])
        .env(FREE_BYTES_ENV, u64::MAX.to_string())
        .current_dir(tmp.path())
        .timeout(Duration::from_secs(60))
        .spawn();
    wait_until_writing(&out);
    stop_with(running, Signal::SIGINT, 130);
    assert_stopped_in_order(&out, "SIGINT");
}

#[test]
fn a_twin_batch_stopped_by_sigint_says_after_how_many_runs() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("batch");
    let running = long_twin(tmp.path(), &out).args(["--repeat", "3"]).spawn();
    let member = out.join("seed7");
    wait_until_writing(&member);
    running.signal(Signal::SIGINT);
    running
        .finish()
        .exit_code(130)
        .stderr_contains("batch interrupted after 1 of 3 runs");
    assert_stopped_in_order(&member, "SIGINT");
}

/// The twin in `out` failed on a full disk: exit 1 naming the log that failed, every log cut
/// back to whole lines, and the messages of what is left add up.
fn assert_cut_on_full_disk(run: Logiclock, tmp: &Path, out: &Path) {
    let started = Instant::now();
    let done = run.finish().exit_code(1);
    // A week of model time: only a stop at the first failed write ends it this soon.
    assert!(started.elapsed() < Duration::from_secs(30));
    let stderr = done.stderr.clone();
    let named = (0..64).any(|id| {
        stderr.contains(&format!(
            "failed to write {}",
            out.join(format!("machine-{id}.log")).display()
        ))
    });
    assert!(named, "the error names the log that failed: {stderr}");
    for id in 0..64 {
        util::read_log(&out.join(format!("machine-{id}.log")), id);
    }
    let manifest = std::fs::read_to_string(out.join("manifest.json")).expect("a manifest");
    assert!(manifest.contains("No space left on device"), "{manifest}");
    let analyzed = Logiclock::analyze(out).current_dir(tmp).finish();
    let report = analyzed.stdout.clone();
    assert!(report.contains("matching"), "{report}");
    assert!(
        !report.contains("FAIL matching"),
        "every receive kept has its send: {report}"
    );
}

#[test]
fn a_twin_on_a_full_disk_stops_at_once_with_its_logs_cut_back_to_one_instant() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("run");
    let run = long_twin(tmp.path(), &out).env(LOG_LIMIT_ENV, "1000000");
    assert_cut_on_full_disk(run, tmp.path(), &out);
}

#[test]
fn a_twin_on_a_small_tmpfs_stops_at_once_with_its_logs_cut_back_to_one_instant() {
    let tmp = tempfile::tempdir().unwrap();
    let Some(_disk) = Tmpfs::mount(&tmp.path().join("disk"), "16m") else {
        eprintln!("cannot mount a tmpfs here: the injected write error above stands in for it");
        return;
    };
    let out = tmp.path().join("disk/run");
    assert_cut_on_full_disk(long_twin(tmp.path(), &out), tmp.path(), &out);
}

#[test]
fn a_twin_stops_in_order_at_its_log_size_cap_which_lets_a_refused_run_go_on() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("capped");
    // On 100 MB free a week at these rates is refused, and the refusal names the way on.
    long_twin(tmp.path(), &out)
        .env(FREE_BYTES_ENV, "100000000")
        .finish()
        .exit_code(2)
        .stderr_contains("--max-log-size");
    let started = Instant::now();
    let done = long_twin(tmp.path(), &out)
        .env(FREE_BYTES_ENV, "100000000")
        .args(["--max-log-size", "20M"])
        .finish()
        .exit_code(1)
        .stdout_contains("log size cap of 20 MB reached");
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "{}",
        done.describe()
    );
    let manifest = std::fs::read_to_string(out.join("manifest.json")).expect("a manifest");
    assert!(
        manifest.contains("\"reason\": \"stopped: log size cap of 20 MB reached\""),
        "{manifest}"
    );
    let mut total = 0;
    for id in 0..64 {
        let path = out.join(format!("machine-{id}.log"));
        total += std::fs::metadata(&path).unwrap().len();
        let lines = util::read_log(&path, id);
        assert_eq!(lines.last().unwrap().event.name(), "stop", "machine {id}");
    }
    // The cap, and past it only the event that reached it and the stop lines.
    assert!((20_000_000..20_200_000).contains(&total), "{total} bytes");
    let analyzed = Logiclock::analyze(&out).current_dir(tmp.path()).finish();
    assert!(
        !analyzed.stdout.contains("FAIL matching"),
        "{}",
        analyzed.stdout
    );
}

#[test]
fn a_real_run_stops_in_order_once_a_machine_log_reaches_its_share_of_the_cap() {
    let tmp = tempfile::tempdir().unwrap();
    // 3 machines at 6 ticks per model second, speedup 20: 30 real seconds, 360 lines a second.
    let scenario = util::scenario(
        tmp.path(),
        "busy.toml",
        "machines = 3\nduration_s = 600\nspeedup = 20\nseed = 3\n[clock]\nrates = [6, 6, 6]\n",
    );
    let out = tmp.path().join("real");
    let started = Instant::now();
    Logiclock::run(&scenario)
        .out(&out)
        .args(["--max-log-size", "60K"])
        .quiet()
        .current_dir(tmp.path())
        .finish()
        .exit_code(1)
        .stdout_contains("log size cap of 60 kB reached");
    assert!(started.elapsed() < Duration::from_secs(20));
    let manifest = std::fs::read_to_string(out.join("manifest.json")).expect("a manifest");
    assert!(
        manifest.contains("\"reason\": \"stopped: log size cap of 60 kB reached\""),
        "{manifest}"
    );
    let mut total = 0;
    for id in 0..3 {
        let path = out.join(format!("machine-{id}.log"));
        total += std::fs::metadata(&path).unwrap().len();
        let lines = util::read_log(&path, id);
        assert_eq!(lines.last().unwrap().event.name(), "stop", "machine {id}");
    }
    // One machine's share (20 kB) reached; the others near theirs; the stop took a moment.
    assert!((40_000..120_000).contains(&total), "{total} bytes");
    let analyzed = Logiclock::analyze(&out).current_dir(tmp.path()).finish();
    assert!(
        !analyzed.stdout.contains("FAIL matching"),
        "{}",
        analyzed.stdout
    );
}
