//! The diagram's text: its title and subtitle, a dot's hover title and the time axis's round
//! tick labels.

use crate::analyze::plots::title::run_title;
use crate::log_format::Event;
use crate::runlog::Line;
use crate::timeline::Timeline;

use super::window::Window;

/// "Space-time diagram of <run directory name>: scenario default, seed 42 · rates ... · engine"
/// (the run named as in every figure, [`crate::analyze::plots::title`]); the directory name
/// alone when the manifest cannot be read again.
pub(crate) fn title(timeline: &Timeline) -> String {
    let run = timeline.dir.file_name().map_or_else(
        || timeline.dir.display().to_string(),
        |n| n.to_string_lossy().into(),
    );
    match crate::manifest::Manifest::read(&timeline.dir) {
        Ok(manifest) => format!(
            "Space-time diagram of {run}: {}",
            run_title(&manifest, None).line()
        ),
        Err(_) => format!("Space-time diagram of {run}"),
    }
}

/// How many of the run's `clock_events` the window shows (`shown`), and when the window is.
pub(crate) fn subtitle(
    timeline: &Timeline,
    clock_events: usize,
    shown: usize,
    window: Window,
) -> String {
    format!(
        "{shown} of {clock_events} clock events, {:.3} s to {:.3} s after the run start in model time ({:.3} s to {:.3} s real; speedup {}) · hover a dot for its clocks",
        window.from_s,
        window.to_s,
        window.from_s / timeline.speedup,
        window.to_s / timeline.speedup,
        timeline.speedup
    )
}

/// "machine 1 · send · lamport 12 · vc [3,12,0] · t=74.074020 model s (1.234567 real s)", from
/// the model and the real seconds since the run start.
pub(crate) fn hover(e: &Line, t_model_s: f64, t_real_s: f64) -> String {
    let mut text = format!(
        "machine {} · {} · lamport {}",
        e.machine,
        e.event.name(),
        e.event.lamport().unwrap_or(0)
    );
    let vc = e.event.vc().unwrap_or_default();
    if !vc.is_empty() {
        let vc: Vec<String> = vc.iter().map(u64::to_string).collect();
        text.push_str(&format!(" · vc [{}]", vc.join(",")));
    }
    match &e.event {
        Event::Send { to, .. } => {
            let to: Vec<String> = to.iter().map(|i| i.to_string()).collect();
            text.push_str(&format!(" · to {}", to.join(",")));
        }
        Event::Recv {
            from,
            msg_clock,
            queue,
            ..
        } => text.push_str(&format!(
            " · from {from} (msg clock {msg_clock}) · queue {queue}"
        )),
        _ => {}
    }
    text.push_str(&format!(
        " · t={t_model_s:.6} model s ({t_real_s:.6} real s)"
    ));
    text
}

/// Round tick positions (1, 2 or 5 times a power of ten) across the window, with labels.
pub(crate) fn axis_ticks(window: Window) -> Vec<(f64, String)> {
    let span = window.to_s - window.from_s;
    let raw = span / 8.0;
    let power = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|k| k * power)
        .find(|&s| s >= raw)
        .unwrap_or(10.0 * power);
    let decimals = (-step.log10().floor()).max(0.0) as usize;
    let mut ticks = Vec::new();
    let mut k = (window.from_s / step).ceil();
    while k * step <= window.to_s + step * 1e-9 {
        let t = k * step;
        ticks.push((t, format!("{t:.decimals$}")));
        k += 1.0;
    }
    ticks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axis_ticks_are_round_numbers_inside_the_window() {
        let ticks = axis_ticks(Window {
            from_s: 0.013,
            to_s: 0.1,
        });
        let labels: Vec<&str> = ticks.iter().map(|(_, l)| l.as_str()).collect();
        assert_eq!(labels, ["0.02", "0.04", "0.06", "0.08", "0.10"]);
    }
}
