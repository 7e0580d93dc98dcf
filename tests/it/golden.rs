//! A small hand-made run whose every clock is known, and a short real run, for the diagram and
//! export tests.

use std::path::{Path, PathBuf};

use logiclock::log_format::{Event, LogLine, FORMAT_VERSION};
use logiclock::manifest::Manifest;

use crate::cmd::Logiclock;
use crate::fixture::{line, Fixture};
use crate::util::read_log;
use logiclock::runlog::Line;

fn internal(tick: u64, lamport: u64, vc: [u64; 3]) -> Event {
    Event::Internal {
        tick,
        lamport,
        vc: vc.to_vec(),
        late_us: 0,
        pt_us: None,
        hlc: None,
    }
}

fn send(tick: u64, lamport: u64, to: &[u32], vc: [u64; 3]) -> Event {
    Event::Send {
        tick,
        lamport,
        to: to.to_vec(),
        vc: vc.to_vec(),
        late_us: 0,
        pt_us: None,
        hlc: None,
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
        pt_us: None,
        hlc: None,
        msg_hlc: None,
        offset_rejected: false,
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
pub fn read_logs(run: &Path) -> Vec<Line> {
    let manifest = Manifest::read(run).unwrap();
    manifest
        .machines
        .iter()
        .flat_map(|m| read_log(&run.join(&m.log), m.id))
        .collect()
}
