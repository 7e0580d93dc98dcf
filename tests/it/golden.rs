//! A small hand-made run whose every clock is known, and a short real run, for the diagram and
//! export tests.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use logiclock::log_format::{Event, LogLine, FORMAT_VERSION};
use logiclock::manifest::Manifest;

use crate::cmd::{Finished, Logiclock};
use crate::fixture::{line, Fixture};
use crate::util::read_log;

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

/// The hand-made run with `lines` (one list per machine; rates 1, 2, 3), ready to write.
pub fn fixture(lines: Vec<Vec<LogLine>>) -> Fixture {
    let rates = [1, 2, 3];
    let mut fixture = Fixture::new(lines.len() as u32)
        .rates(rates[..lines.len()].iter().copied())
        .name("golden");
    for (id, machine) in lines.into_iter().enumerate() {
        for line in machine {
            fixture = fixture.log_line(id as u32, line);
        }
    }
    fixture
}

/// The hand-made run written into `dir`.
pub fn write_golden(dir: &Path) -> PathBuf {
    fixture(golden_lines()).write(dir)
}

/// A real short run of configs/default.toml (3 machines, 20 model seconds at speedup 100).
pub fn real_run(dir: &Path) -> PathBuf {
    let run = dir.join("run");
    Logiclock::run("configs/default.toml")
        .speedup(100.0)
        .duration(20.0)
        .seed(3)
        .quiet()
        .out(&run)
        .finish()
        .success();
    run
}

/// Every line of every log of `run`, parsed.
pub fn read_logs(run: &Path) -> Vec<LogLine> {
    let manifest = Manifest::read(run).unwrap();
    manifest
        .machines
        .iter()
        .flat_map(|m| read_log(&run.join(&m.log), m.id))
        .collect()
}

// The names the diagram and export tests used before the builder, kept as thin wrappers so tests
// written against them still build. New tests use `Logiclock` and `fixture(..)` directly.

/// Run `logiclock ARGS` in the repository root, killing it after `timeout`.
#[allow(
    dead_code,
    reason = "the old name, for tests written before the builder"
)]
pub fn logiclock(args: &[&str], timeout: Duration) -> Output {
    output(Logiclock::new().args(args).timeout(timeout).finish())
}

/// Run `command` with output captured, killing it after `timeout` (and failing the test).
#[allow(
    dead_code,
    reason = "the old name, for tests written before the builder"
)]
pub fn run_with_timeout(command: &mut Command, timeout: Duration) -> Output {
    let mut builder = Logiclock::program(command.get_program())
        .args(command.get_args())
        .timeout(timeout);
    if let Some(dir) = command.get_current_dir() {
        builder = builder.current_dir(dir);
    }
    output(builder.finish())
}

/// Assert that `out` exited 0, printing its output otherwise.
#[allow(
    dead_code,
    reason = "the old name, for tests written before the builder"
)]
pub fn assert_ok(out: &Output, what: &str) {
    assert!(
        out.status.success(),
        "{what} failed: {}\n--- stdout\n{}--- stderr\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Write a run directory with `lines` (one list per machine) into `dir`.
#[allow(
    dead_code,
    reason = "the old name, for tests written before the builder"
)]
pub fn write_run(dir: &Path, lines: &[Vec<LogLine>]) -> PathBuf {
    fixture(lines.to_vec()).write(dir)
}

#[allow(
    dead_code,
    reason = "the old name, for tests written before the builder"
)]
fn output(done: Finished) -> Output {
    Output {
        status: done.status,
        stdout: done.stdout.into_bytes(),
        stderr: done.stderr.into_bytes(),
    }
}
