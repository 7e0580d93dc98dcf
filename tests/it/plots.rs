//! The SVG plots of `logiclock analyze`, read back as SVG: whole, distinct ticks on count axes,
//! one labelled bar per jump size, no point of a machine after its death, a legend inside the
//! picture and off the data, and a colour of its own for each of 64 machines.

use std::collections::BTreeSet;
use std::path::Path;

use logiclock::log_format::Event;
use logiclock::manifest::{FaultCause, FaultRecord, MachineExit, Manifest, RunOutcome};

use crate::analyze::{analyze, internal, recv, send, stop};
use crate::fixture::{at, Fixture};

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

/// The opening tags `<name ...>` of `svg`.
fn tags<'a>(svg: &'a str, name: &str) -> Vec<&'a str> {
    let open = format!("<{name} ");
    svg.match_indices(&open)
        .map(|(i, _)| {
            let end = svg[i..].find('>').expect("a closed tag");
            &svg[i..i + end]
        })
        .collect()
}

fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let key = format!(" {name}=\"");
    let from = tag.find(&key)? + key.len();
    let len = tag[from..].find('"')?;
    Some(&tag[from..from + len])
}

fn num(tag: &str, name: &str) -> f64 {
    attr(tag, name)
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no number {name} in {tag}"))
}

/// `(tag, text)` of every `<text>` element.
fn texts(svg: &str) -> Vec<(&str, String)> {
    svg.match_indices("<text ")
        .map(|(i, _)| {
            let open = svg[i..].find('>').unwrap();
            let close = svg[i..].find("</text>").unwrap();
            (
                &svg[i..i + open],
                svg[i + open + 1..i + close].trim().to_string(),
            )
        })
        .collect()
}

/// The tick labels of the y axis (right-aligned, left of the plot).
fn y_labels(svg: &str) -> Vec<String> {
    texts(svg)
        .into_iter()
        .filter(|(tag, _)| attr(tag, "text-anchor") == Some("end"))
        .map(|(_, text)| text)
        .filter(|t| !t.is_empty())
        .collect()
}

/// The labels under the x axis (centred, in the lower half of the picture, not the axis title).
fn x_labels(svg: &str) -> Vec<String> {
    let height = num(tags(svg, "svg")[0], "height");
    texts(svg)
        .into_iter()
        .filter(|(tag, _)| {
            attr(tag, "text-anchor") == Some("middle")
                && attr(tag, "dy") == Some("0.76em")
                && num(tag, "y") > height / 2.0
                && attr(tag, "transform").is_none()
        })
        .map(|(_, text)| text)
        .collect()
}

/// The points of the data lines (2 px wide, not the legend's swatches) drawn in `colour`
/// (`#rrggbb`, any case).
fn series_points(svg: &str, colour: &str) -> Vec<(f64, f64)> {
    tags(svg, "polyline")
        .into_iter()
        .filter(|t| attr(t, "stroke-width") == Some("2"))
        .filter(|t| attr(t, "stroke").is_some_and(|s| s.eq_ignore_ascii_case(colour)))
        .flat_map(points)
        .collect()
}

fn points(tag: &str) -> Vec<(f64, f64)> {
    attr(tag, "points")
        .unwrap_or("")
        .split_whitespace()
        .map(|p| {
            let (x, y) = p.split_once(',').unwrap();
            (x.parse().unwrap(), y.parse().unwrap())
        })
        .collect()
}

/// The colours of the data lines in the order they are drawn: machine by machine.
fn series_colours(svg: &str) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    for t in tags(svg, "polyline") {
        if attr(t, "stroke-width") != Some("2") || attr(t, "stroke") == Some("#000000") {
            continue;
        }
        let c = attr(t, "stroke").unwrap_or("").to_ascii_lowercase();
        if !seen.contains(&c) {
            seen.push(c);
        }
    }
    seen
}

/// Every point of every data series (the polylines 2 px wide and not black).
fn all_series_points(svg: &str) -> Vec<(f64, f64)> {
    tags(svg, "polyline")
        .into_iter()
        .filter(|t| attr(t, "stroke-width") == Some("2") && attr(t, "stroke") != Some("#000000"))
        .flat_map(points)
        .collect()
}

/// The legend's frame: `(x0, y0, x1, y1)` of the black-bordered unfilled rectangle.
fn legend_box(svg: &str) -> (f64, f64, f64, f64) {
    let frames: Vec<&str> = tags(svg, "rect")
        .into_iter()
        .filter(|t| attr(t, "fill") == Some("none") && attr(t, "stroke") == Some("#000000"))
        .collect();
    assert_eq!(frames.len(), 1, "one legend frame: {frames:?}");
    let t = frames[0];
    let (x, y) = (num(t, "x"), num(t, "y"));
    (x, y, x + num(t, "width"), y + num(t, "height"))
}

fn assert_legend_inside_and_off_the_data(svg: &str, what: &str) {
    let root = tags(svg, "svg")[0];
    let (w, h) = (num(root, "width"), num(root, "height"));
    let (x0, y0, x1, y1) = legend_box(svg);
    assert!(
        x0 >= 0.0 && y0 >= 0.0 && x1 <= w && y1 <= h,
        "{what}: legend ({x0},{y0})-({x1},{y1}) leaves the {w}x{h} picture"
    );
    let covered: Vec<_> = all_series_points(svg)
        .into_iter()
        .filter(|&(x, y)| x >= x0 && x <= x1 && y >= y0 && y <= y1)
        .collect();
    assert!(covered.is_empty(), "{what}: legend covers {covered:?}");
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

#[test]
fn a_jump_histogram_has_one_labelled_bar_per_jump_size() {
    let tmp = tempfile::tempdir().unwrap();
    // Machine 0 only ticks (jumps of 1); machine 1 receives clock 4 at clock 3 (a jump of 2).
    let run = Fixture::new(2)
        .duration(5.0)
        .line(0, 0, start(1, 2))
        .line(0, 1000, internal(1, 1))
        .line(0, 2000, internal(2, 2))
        .line(0, 3000, internal(3, 3))
        .line(0, 3400, send(4, 4, &[1]))
        .line(0, 5000, internal(5, 5))
        .line(0, 5010, stop(5, 0, 5, 0))
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

/// The fill colours' bars of `svg` left of its legend (a legend's swatches are not bars): the
/// centre x of each, in drawing order.
fn bars_left_of_legend(svg: &str, colour: &str) -> Vec<f64> {
    let right = if svg.contains("fill=\"none\" stroke=\"#000000\"") {
        legend_box(svg).0
    } else {
        f64::INFINITY
    };
    tags(svg, "rect")
        .into_iter()
        .filter(|t| attr(t, "fill").is_some_and(|f| f.eq_ignore_ascii_case(colour)))
        .map(|t| num(t, "x") + num(t, "width") / 2.0)
        .filter(|&x| x < right)
        .collect()
}

/// The centre x of each label under the x axis, by its text.
fn x_label_positions(svg: &str) -> Vec<(String, f64)> {
    let height = num(tags(svg, "svg")[0], "height");
    texts(svg)
        .into_iter()
        .filter(|(tag, _)| {
            attr(tag, "text-anchor") == Some("middle")
                && attr(tag, "dy") == Some("0.76em")
                && num(tag, "y") > height / 2.0
                && attr(tag, "transform").is_none()
        })
        .map(|(tag, text)| (text, num(tag, "x")))
        .collect()
}

#[test]
fn jump_histograms_show_sizes_that_never_occurred_as_empty_slots() {
    let tmp = tempfile::tempdir().unwrap();
    // Machine 1 jumps by 1 and by 3 (receives clock 4 at clock 2), never by 2.
    let run = Fixture::new(2)
        .duration(5.0)
        .line(0, 0, start(1, 2))
        .line(0, 1000, internal(1, 1))
        .line(0, 2000, internal(2, 2))
        .line(0, 3000, internal(3, 3))
        .line(0, 3400, send(4, 4, &[1]))
        .line(0, 5000, internal(5, 5))
        .line(0, 5010, stop(5, 0, 5, 0))
        .line(1, 0, start(1, 2))
        .line(1, 1000, internal(1, 1))
        .line(1, 2000, internal(2, 2))
        .line(1, 3500, recv(3, 5, 0, 4))
        .line(1, 4000, internal(4, 6))
        .line(1, 5000, internal(5, 7))
        .line(1, 5010, stop(7, 0, 5, 0));
    let dir = run.write(tmp.path().join("run"));
    assert_ne!(analyze(&[&dir]).code(), Some(2));
    let colour = logiclock::palette::hex(1);
    for file in ["jumps-machine-1.svg", "jumps.svg"] {
        let svg = read(&dir, file);
        let labels = x_label_positions(&svg);
        let texts: Vec<&str> = labels.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(texts, ["1", "2", "3"], "{file}: a slot for size 2 too");
        let bars = bars_left_of_legend(&svg, &colour);
        assert_eq!(bars.len(), 2, "{file}: machine 1's bars {bars:?}");
        // the axis is numeric: size 3 stands one slot further from 2 than 2 from 1
        let slot = labels[1].1 - labels[0].1;
        assert!((labels[2].1 - labels[1].1 - slot).abs() < 1.5, "{labels:?}");
        // each bar stands in its size's slot, and none in size 2's
        for (bar, size) in bars.iter().zip([0, 2]) {
            assert!(
                (bar - labels[size].1).abs() < slot / 2.0,
                "{file}: bar at {bar} not over size {} at {}",
                size + 1,
                labels[size].1
            );
        }
    }
    // one scale for all machines: the same count ticks on each machine's figure
    assert_eq!(
        y_labels(&read(&dir, "jumps-machine-0.svg")),
        y_labels(&read(&dir, "jumps-machine-1.svg"))
    );
    // the combined figure shows machine 0 too, in its colour
    let both = read(&dir, "jumps.svg");
    assert_eq!(
        bars_left_of_legend(&both, &logiclock::palette::hex(0)).len(),
        1
    );
}

/// The length of a polyline, pixels.
fn length(points: &[(f64, f64)]) -> f64 {
    points
        .windows(2)
        .map(|w| (w[1].0 - w[0].0).hypot(w[1].1 - w[0].1))
        .sum()
}

#[test]
fn machines_with_equal_clocks_stay_visible_on_top_of_each_other() {
    let tmp = tempfile::tempdir().unwrap();
    // machines 0 and 1 tick alike: their clock lines coincide
    let dir = quiet_run(20).write(tmp.path().join("run"));
    assert_ne!(analyze(&[&dir]).code(), Some(2));
    let svg = read(&dir, "clock.svg");
    let colours = series_colours(&svg);
    let line = |m: usize| -> Vec<Vec<(f64, f64)>> {
        tags(&svg, "polyline")
            .into_iter()
            .filter(|t| attr(t, "stroke-width") == Some("2"))
            .filter(|t| attr(t, "stroke").is_some_and(|s| s.eq_ignore_ascii_case(&colours[m])))
            .map(points)
            .collect()
    };
    let (under, over) = (line(0), line(1));
    assert_eq!(under.len(), 1, "machine 0 is one unbroken line");
    let drawn: f64 = over.iter().map(|p| length(p)).sum();
    let whole = length(&under[0]);
    // machine 1 is drawn over machine 0 in dashes: machine 0 shows in the gaps
    assert!(
        over.len() > 10 && drawn < 0.8 * whole,
        "machine 1: {} pieces, {drawn:.0} of {whole:.0} px drawn",
        over.len()
    );
}

#[test]
fn an_all_zero_drift_is_drawn_clear_of_the_time_axis() {
    let tmp = tempfile::tempdir().unwrap();
    // three machines ticking alike: every drift is 0 all the time
    let mut run = Fixture::new(3).duration(10.0);
    for m in 0..3u32 {
        run = run.line(m, 0, start(1, 3));
        for s in 1..=10u64 {
            run = run.line(m, s * 1000, internal(s, s));
        }
        run = run.line(m, 10_010, stop(10, 0, 10, 0));
    }
    let dir = run.write(tmp.path().join("run"));
    assert_eq!(analyze(&[&dir]).code(), Some(0));
    let svg = read(&dir, "drift.svg");
    let ys: Vec<f64> = all_series_points(&svg).iter().map(|p| p.1).collect();
    assert!(!ys.is_empty());
    let height = num(tags(&svg, "svg")[0], "height");
    // the time axis's labels sit just under it
    let axis_labels = texts(&svg)
        .into_iter()
        .filter(|(tag, _)| {
            attr(tag, "dy") == Some("0.76em")
                && num(tag, "y") > height / 2.0
                && attr(tag, "transform").is_none()
        })
        .map(|(tag, _)| num(tag, "y"))
        .fold(f64::INFINITY, f64::min);
    let lowest = ys.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    assert!(
        lowest < axis_labels - 30.0,
        "the zero line at y {lowest} sits on the axis (labels at y {axis_labels})"
    );
}
