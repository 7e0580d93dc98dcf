//! The SVG plots of `logiclock analyze`, read back as SVG: whole, distinct ticks on count axes,
//! one labelled bar per jump size, no point of a machine after its death, a legend inside the
//! picture and off the data, and a colour of its own for each of 64 machines; how they look
//! where lines or bars would hide ([`looks`]), read with the helpers of [`svg`].

mod looks;
mod svg;

use std::collections::BTreeSet;
use std::path::Path;

use logiclock::log_format::Event;
use logiclock::manifest::{FaultCause, FaultRecord, MachineExit, Manifest, RunOutcome};

use crate::analyze::{analyze, internal, recv, send, stop};
use crate::fixture::{at, Fixture};
use svg::*;

/// A start line of a machine at `rate` in a run of `machines`.
fn start(rate: u32, machines: u32) -> Event {
    Event::Start {
        format: 1,
        rate,
        interval_us: 1_000_000 / u64::from(rate),
        machines,
        incarnation: 0,
    }
}

/// The text of `file` in `dir`, its name in the panic when it cannot be read.
pub(crate) fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// Three machines at rate 1 ticking internally every second for `seconds` (machine 2 every
/// other second, so it falls behind), never sending: every queue is 0, every jump is 1.
fn quiet_run(seconds: u64) -> Fixture {
    let mut run = Fixture::new(3).duration(seconds as f64);
    for m in 0..3u32 {
        run = run.line(m, 0, start(1, 3));
        let every = if m == 2 { 2 } else { 1 };
        let mut clock = 0;
        for s in (1..=seconds).filter(|s| s % every == 0) {
            clock += 1;
            run = run.line(m, s * 1000, internal(clock, clock));
        }
        run = run.line(m, seconds * 1000 + 10, stop(clock, 0, clock, 0));
    }
    run
}

#[test]
fn a_queue_plot_of_empty_queues_has_whole_distinct_ticks() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = quiet_run(20).write(tmp.path().join("run"));
    // machine 2 ticks at half its rate: a rate offence, exit 1, plots written all the same
    assert_ne!(analyze(&[&dir]).code(), Some(2));
    for file in ["queue.svg", "clock.svg", "drift.svg"] {
        let labels = y_labels(&read(&dir, file));
        assert!(labels.len() >= 2, "{file}: ticks {labels:?}");
        for l in &labels {
            assert!(l.parse::<i64>().is_ok(), "{file}: tick {l:?} of {labels:?}");
        }
        let distinct: BTreeSet<&String> = labels.iter().collect();
        assert_eq!(distinct.len(), labels.len(), "{file}: ticks {labels:?}");
    }
}

/// Two machines for 5 s: machine 0 ticks to clock 3, sends clock 4 to machine 1 at 3.4 ms and
/// ticks once more; machine 1's lines are the test's.
pub(super) fn sends_clock_4_to_machine_1() -> Fixture {
    Fixture::new(2)
        .duration(5.0)
        .line(0, 0, start(1, 2))
        .line(0, 1000, internal(1, 1))
        .line(0, 2000, internal(2, 2))
        .line(0, 3000, internal(3, 3))
        .line(0, 3400, send(4, 4, &[1]))
        .line(0, 5000, internal(5, 5))
        .line(0, 5010, stop(5, 0, 5, 0))
}

#[test]
fn a_jump_histogram_has_one_labelled_bar_per_jump_size() {
    let tmp = tempfile::tempdir().unwrap();
    // Machine 0 only ticks (jumps of 1); machine 1 receives clock 4 at clock 3 (a jump of 2).
    let run = sends_clock_4_to_machine_1()
        .line(1, 0, start(1, 2))
        .line(1, 1000, internal(1, 1))
        .line(1, 2000, internal(2, 2))
        .line(1, 3000, internal(3, 3))
        .line(1, 3500, recv(4, 5, 0, 4))
        .line(1, 5000, internal(5, 6))
        .line(1, 5010, stop(6, 0, 5, 0));
    let dir = run.write(tmp.path().join("run"));
    assert_ne!(analyze(&[&dir]).code(), Some(2));
    let s = crate::analyze::summary(&dir);
    let sizes = |m: usize| -> Vec<String> {
        s["machines"][m]["jumps"]["histogram"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b[0].to_string())
            .collect()
    };
    assert_eq!(sizes(0), ["1"], "machine 0 jumps by 1 only");
    assert_eq!(sizes(1), ["1", "2"], "machine 1 jumps by 1 and 2");
    for m in 0..2 {
        let svg = read(&dir, &format!("jumps-machine-{m}.svg"));
        // every machine's figure has the run's scale: a slot for each size up to the largest
        assert_eq!(
            x_labels(&svg),
            ["1", "2"],
            "machine {m}: labels under the slots"
        );
        let colour = logiclock::palette::hex(m);
        let bars = tags(&svg, "rect")
            .into_iter()
            .filter(|t| attr(t, "fill").is_some_and(|f| f.eq_ignore_ascii_case(&colour)))
            .count();
        assert_eq!(bars, sizes(m).len(), "machine {m}: one bar per jump size");
        for l in y_labels(&svg) {
            assert!(l.parse::<u64>().is_ok(), "machine {m}: count tick {l:?}");
        }
    }
}

#[test]
fn a_killed_machine_has_no_point_after_its_death() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("run");
    // Machine 1 ticks until 4 s and is killed at 4.5 s; the run goes on to 10 s.
    let mut run = quiet_run(10);
    run.log_mut(1)
        .retain(|e| !matches!(e, crate::fixture::Entry::Line(l) if l.timestamp > at(4000)));
    run.manifest_edit(|manifest: &mut Manifest| {
        manifest.outcome = Some(RunOutcome {
            ended_at: at(10_100),
            clean: true,
            reason: "completed".into(),
            faults: vec![FaultRecord {
                at: at(4500),
                kind: "kill".parse().unwrap(),
                // An older manifest's record: the reader infers its phase.
                phase: None,
                machines: vec![1],
                detail: "machine 1 killed".into(),
                cause: FaultCause::Planned,
                outcome: Default::default(),
            }],
            exits: (0..3)
                .map(|id| MachineExit {
                    id,
                    status: if id == 1 {
                        "killed by signal 9 (SIGKILL) (kill fault)".into()
                    } else {
                        "exit 0".into()
                    },
                    clean: true,
                    report: None,
                })
                .collect(),
        })
    })
    .write(&dir);
    assert_ne!(analyze(&[&dir]).code(), Some(2));
    for file in ["clock.svg", "drift.svg", "queue.svg"] {
        let svg = read(&dir, file);
        let kill_x = tags(&svg, "polyline")
            .into_iter()
            .filter(|t| {
                attr(t, "stroke") == Some("#000000") && attr(t, "stroke-width") == Some("2")
            })
            .map(points)
            .find(|p| p.len() == 2 && p[0].0 == p[1].0)
            .unwrap_or_else(|| panic!("{file}: no kill line"))[0]
            .0;
        let dead = series_points(&svg, &series_colours(&svg)[1]);
        assert!(!dead.is_empty(), "{file}: machine 1 is drawn while alive");
        let after: Vec<_> = dead.iter().filter(|p| p.0 > kill_x + 1.0).collect();
        assert!(
            after.is_empty(),
            "{file}: machine 1 drawn after its death at x {kill_x}: {after:?}"
        );
    }
    // its drift is measured while it was alive: it does not fall once dead
    let s = crate::analyze::summary(&dir);
    let drift = &s["drift"]["machines"][1];
    assert!(drift["max_drift"].as_i64().unwrap() >= -1, "{drift}");
    assert!(drift["final_drift"].as_i64().unwrap() >= -1, "{drift}");
}

#[test]
fn the_legend_stays_inside_the_picture_and_off_the_data() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = quiet_run(20).write(tmp.path().join("run"));
    // machine 2 ticks at half its rate: a rate offence, exit 1, plots written all the same
    assert_ne!(analyze(&[&dir]).code(), Some(2));
    for file in ["clock.svg", "queue.svg", "drift.svg"] {
        assert_legend_inside_and_off_the_data(&read(&dir, file), file);
    }
}

#[test]
fn sixty_four_machines_get_sixty_four_colours_and_a_legend_that_fits() {
    let tmp = tempfile::tempdir().unwrap();
    let mut run = Fixture::new(64).duration(3.0);
    for m in 0..64u32 {
        run = run.line(m, 0, start(1, 64));
        for s in 1..=3u64 {
            run = run.line(m, s * 1000 + u64::from(m), internal(s, s));
        }
        run = run.line(m, 3100, stop(3, 0, 3, 0));
    }
    let dir = run.write(tmp.path().join("run"));
    assert_ne!(analyze(&[&dir]).code(), Some(2));
    let svg = read(&dir, "clock.svg");
    let colours: BTreeSet<String> = tags(&svg, "polyline")
        .into_iter()
        .filter(|t| attr(t, "stroke-width") == Some("2"))
        .filter_map(|t| attr(t, "stroke"))
        .filter(|s| *s != "#000000")
        .map(str::to_ascii_lowercase)
        .collect();
    assert_eq!(colours.len(), 64, "series colours: {colours:?}");
    assert_legend_inside_and_off_the_data(&svg, "clock.svg of 64 machines");
}
