//! Tests of the whole import in one process: a twin run's clock events written by the foreign
//! writers in each style, read back, imported and judged by analyze's checks.

use std::path::Path;

use super::command::{import, ImportError, Request};
use crate::foreign::{csv, jsonl, shiviz, ForeignEvent, ForeignKind, JsonStyle, Mapping};
use crate::log_format::Event;
use crate::model::sink::Lines;
use crate::scenario::{Overrides, Scenario};
use crate::sim::engine::Engine;

/// Each machine's clock events of a 3-machine twin run, as a foreign log would say them.
fn twin_events() -> Vec<Vec<ForeignEvent>> {
    let text = "machines = 3\nduration_s = 20\nseed = 5\n";
    let s = Scenario::parse(text, Path::new("t.toml"), &Overrides::default()).unwrap();
    let mut lines = Lines::default();
    Engine::new(&s).run(&mut lines);
    let mut out = vec![Vec::new(); 3];
    for (at_ns, m, event) in lines.0 {
        let kind = match &event {
            Event::Internal { .. } => ForeignKind::Internal,
            Event::Send { to, .. } => ForeignKind::Send { to: to.clone() },
            Event::Recv {
                from,
                msg_clock,
                queue,
                ..
            } => ForeignKind::Recv {
                from: *from,
                msg_clock: Some(*msg_clock),
                queue: Some(*queue),
            },
            _ => continue,
        };
        let events: &mut Vec<ForeignEvent> = &mut out[m as usize];
        events.push(ForeignEvent {
            line: events.len() as u64 + 1,
            machine: m,
            kind,
            lamport: event.lamport(),
            timestamp_us: Some(super::convert::SYNTHETIC_EPOCH_US + (at_ns / 1_000) as i64),
            vc: event.vc().map(<[u64]>::to_vec),
        });
    }
    out
}

/// Import the files `write` makes in a fresh folder with `flags`; the checks that failed.
fn import_and_check(
    name: &str,
    flags: &[&str],
    write: impl Fn(&Path),
) -> Result<Vec<String>, ImportError> {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join(name);
    std::fs::create_dir(&src).unwrap();
    write(&src);
    let mut mapping = Mapping::default();
    for flag in flags {
        mapping.add_flag(flag).unwrap();
    }
    let request = Request {
        src,
        out: Some(tmp.path().join("run")),
        mapping,
    };
    let run = import(&request)?;
    let verdict = crate::analyze::run::pipeline::check_dir(&run).unwrap();
    Ok(verdict
        .checks
        .iter()
        .filter(|c| !c.passed)
        .map(|c| c.name.clone())
        .collect())
}

#[test]
fn every_json_style_and_csv_of_a_correct_run_imports_and_passes() {
    let events = twin_events();
    assert!(events.iter().all(|e| e.len() > 20), "a run with events");
    let styles = [
        ("plain", JsonStyle::default(), vec![]),
        (
            "odd",
            JsonStyle {
                reorder: true,
                extra_fields: true,
                epoch_seconds: true,
                rename: vec![
                    ("lamport".into(), "clock".into()),
                    ("event.send".into(), "SND".into()),
                ],
            },
            vec!["lamport=clock", "event.send=SND"],
        ),
    ];
    for (name, style, flags) in styles {
        let failed = import_and_check(name, &flags, |dir| {
            for (m, e) in events.iter().enumerate() {
                std::fs::write(dir.join(format!("m{m}.jsonl")), jsonl(e, &style)).unwrap();
            }
        });
        assert_eq!(failed.unwrap(), Vec::<String>::new(), "{name}");
    }
    let failed = import_and_check("csv", &[], |dir| {
        for (m, e) in events.iter().enumerate() {
            std::fs::write(dir.join(format!("m{m}.csv")), csv(e)).unwrap();
        }
    });
    assert_eq!(failed.unwrap(), Vec::<String>::new(), "csv");
}

#[test]
fn a_run_without_timestamps_gets_synthetic_ones_that_order_it_and_passes() {
    let mut events = twin_events();
    for e in events.iter_mut().flatten() {
        e.timestamp_us = None;
    }
    let failed = import_and_check("untimed", &[], |dir| {
        for (m, e) in events.iter().enumerate() {
            let text = jsonl(e, &JsonStyle::default());
            assert!(!text.contains("timestamp"), "{text}");
            std::fs::write(dir.join(format!("m{m}.jsonl")), text).unwrap();
        }
    });
    assert_eq!(failed.unwrap(), Vec::<String>::new());
}

#[test]
fn a_receive_without_its_plus_one_fails_the_lamport_check() {
    let mut events = twin_events();
    let (m, i) = events
        .iter()
        .enumerate()
        .find_map(|(m, e)| {
            let i = e
                .iter()
                .position(|e| matches!(e.kind, ForeignKind::Recv { .. }))?;
            Some((m, i))
        })
        .expect("a receive");
    for e in &mut events[m][i..] {
        e.lamport = e.lamport.map(|l| l - 1);
    }
    let failed = import_and_check("buggy", &[], |dir| {
        for (m, e) in events.iter().enumerate() {
            std::fs::write(dir.join(format!("m{m}.csv")), csv(e)).unwrap();
        }
    });
    assert!(failed.unwrap().contains(&"lamport".to_owned()));
}

#[test]
fn a_shiviz_log_is_refused_for_want_of_lamport_clocks() {
    let events = twin_events();
    let logs: Vec<&[ForeignEvent]> = events.iter().map(Vec::as_slice).collect();
    let err = import_and_check("shiviz", &[], |dir| {
        std::fs::write(dir.join("shiviz.log"), shiviz(&logs)).unwrap();
    })
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("shiviz.log line 3") && err.contains("no Lamport clock"),
        "{err}"
    );
}
