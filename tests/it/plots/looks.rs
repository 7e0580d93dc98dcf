//! How the plots look where lines or bars would hide: empty slots for jump sizes that never
//! occurred, dashes over coinciding lines, an all-zero drift off the axis.

use crate::analyze::{analyze, internal, recv, stop};
use crate::fixture::Fixture;

use super::svg::*;
use super::{quiet_run, read, sends_clock_4_to_machine_1, start};

#[test]
fn jump_histograms_show_sizes_that_never_occurred_as_empty_slots() {
    let tmp = tempfile::tempdir().unwrap();
    // Machine 1 jumps by 1 and by 3 (receives clock 4 at clock 2), never by 2.
    let run = sends_clock_4_to_machine_1()
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
