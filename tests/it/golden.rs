//! Helpers of the diagram and export tests: running the binary with a hard timeout, and a small
//! hand-made run whose every clock is known.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use logiclock::log_format::{log_file_name, Event, LogLine, FORMAT_VERSION};
use logiclock::manifest::{MachineEntry, Manifest, MANIFEST_VERSION};
use logiclock::scenario::{RateSpec, Scenario};

/// Run `logiclock ARGS` in the repository root, killing it after `timeout`.
pub fn logiclock(args: &[&str], timeout: Duration) -> Output {
    run_with_timeout(
        Command::new(env!("CARGO_BIN_EXE_logiclock"))
            .args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR")),
        timeout,
    )
}

/// Run `command` with output captured, killing it after `timeout` (and failing the test). The
/// output is read while it runs, so a chatty process (Chromium) cannot block on a full pipe.
pub fn run_with_timeout(command: &mut Command, timeout: Duration) -> Output {
    let child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("failed to spawn {command:?}: {e}"));
    let pid = child.id();
    let (done, finished) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = done.send(child.wait_with_output());
    });
    match finished.recv_timeout(timeout) {
        Ok(out) => out.expect("failed to wait"),
        Err(_) => {
            // SAFETY: kill(2) on the pid of the child this function spawned, not yet reaped.
            unsafe { libc::kill(pid as i32, libc::SIGKILL) };
            let out = finished
                .recv()
                .expect("the waiting thread answers")
                .expect("failed to wait");
            panic!(
                "{command:?} timed out after {timeout:?}\n--- stdout\n{}--- stderr\n{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
}

/// Assert that `out` exited 0, printing its output otherwise.
pub fn assert_ok(out: &Output, what: &str) {
    assert!(
        out.status.success(),
        "{what} failed: {}\n--- stdout\n{}--- stderr\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

const T0: &str = "2026-01-01T00:00:00.000000Z";

fn at(ms: u64) -> String {
    format!("2026-01-01T00:00:00.{:06}Z", ms * 1000)
}

fn line(ms: u64, machine: u32, event: Event) -> LogLine {
    LogLine {
        timestamp: at(ms),
        machine,
        event,
    }
}

fn internal(tick: u64, lamport: u64, vc: [u64; 3]) -> Event {
    Event::Internal {
        tick,
        lamport,
        vc: vc.to_vec(),
        late_us: 0,
    }
}

fn send(tick: u64, lamport: u64, to: &[u32], vc: [u64; 3]) -> Event {
    Event::Send {
        tick,
        lamport,
        to: to.to_vec(),
        vc: vc.to_vec(),
        late_us: 0,
    }
}

fn recv(tick: u64, lamport: u64, from: u32, msg_clock: u64, vc: [u64; 3]) -> Event {
    Event::Recv {
        tick,
        lamport,
        from,
        msg_clock,
        queue: 0,
        vc: vc.to_vec(),
        late_us: 0,
    }
}

/// The hand-made run's lines per machine (times in ms after the start):
/// - m0: internal @100 (L1 [1,0,0]), send to 1,2 @200 (L2 [2,0,0])
/// - m1: internal @150 (L1 [0,1,0]), recv from 0 @300 (L3 [2,2,0]), recv from 2 @400 (L5 [2,3,2])
/// - m2: recv from 0 @250 (L3 [2,0,1]), send to 1 @350 (L4 [2,0,2])
pub fn golden_lines() -> Vec<Vec<LogLine>> {
    let start = |m: u32, rate: u32| {
        line(
            0,
            m,
            Event::Start {
                format: FORMAT_VERSION,
                rate,
                interval_us: 1_000_000 / u64::from(rate),
                machines: 3,
                incarnation: 0,
            },
        )
    };
    let stop = |m: u32, lamport: u64, ticks: u64| {
        line(
            500,
            m,
            Event::Stop {
                lamport,
                queue: 0,
                ticks,
                skipped: 0,
                cpu_ms: 1,
                max_rss_kb: 1,
            },
        )
    };
    vec![
        vec![
            start(0, 1),
            line(100, 0, internal(1, 1, [1, 0, 0])),
            line(200, 0, send(2, 2, &[1, 2], [2, 0, 0])),
            stop(0, 2, 2),
        ],
        vec![
            start(1, 2),
            line(150, 1, internal(1, 1, [0, 1, 0])),
            line(300, 1, recv(2, 3, 0, 2, [2, 2, 0])),
            line(400, 1, recv(3, 5, 2, 4, [2, 3, 2])),
            stop(1, 5, 3),
        ],
        vec![
            start(2, 3),
            line(250, 2, recv(1, 3, 0, 2, [2, 0, 1])),
            line(350, 2, send(2, 4, &[1], [2, 0, 2])),
            stop(2, 4, 2),
        ],
    ]
}

/// Write a run directory with `lines` (one list per machine) into `dir`.
pub fn write_run(dir: &Path, lines: &[Vec<LogLine>]) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let rates = [1, 2, 3];
    let manifest = Manifest {
        manifest_version: MANIFEST_VERSION,
        log_format: FORMAT_VERSION,
        logiclock_version: "test".into(),
        scenario: Scenario {
            name: "golden".into(),
            machines: lines.len() as u32,
            speedup: 1.0,
            rates: RateSpec::Fixed(rates[..lines.len()].to_vec()),
            ports: vec![0; lines.len()],
            ..Scenario::default()
        },
        started_at: T0.into(),
        machines: (0..lines.len() as u32)
            .map(|id| MachineEntry {
                id,
                rate: rates[id as usize],
                interval_us: 1e6 / f64::from(rates[id as usize]),
                addr: ([127, 0, 0, 1], 0).into(),
                pid: 0,
                log: log_file_name(id),
                restarts: Vec::new(),
            })
            .collect(),
        outcome: None,
    };
    manifest.write(dir).unwrap();
    for (id, machine) in lines.iter().enumerate() {
        let text: String = machine
            .iter()
            .map(|l| serde_json::to_string(l).unwrap() + "\n")
            .collect();
        std::fs::write(dir.join(log_file_name(id as u32)), text).unwrap();
    }
    dir.to_owned()
}

/// A real short run of configs/default.toml (3 machines, 20 model seconds at speedup 100).
pub fn real_run(dir: &Path) -> PathBuf {
    let run = dir.join("run");
    let out = logiclock(
        &[
            "run",
            "configs/default.toml",
            "--speedup",
            "100",
            "--duration",
            "20",
            "--seed",
            "3",
            "--quiet",
            "--out",
            run.to_str().unwrap(),
        ],
        Duration::from_secs(60),
    );
    assert_ok(&out, "logiclock run");
    run
}

/// Every line of every log of `run`, parsed.
pub fn read_logs(run: &Path) -> Vec<LogLine> {
    let manifest = Manifest::read(run).unwrap();
    manifest
        .machines
        .iter()
        .flat_map(|m| {
            let (lines, cut) = logiclock::runlog::read_log_lines(&run.join(&m.log), m.id)
                .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(cut, None, "a finished run's log ends with a whole line");
            lines
        })
        .collect()
}
