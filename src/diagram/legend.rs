//! The legend under a diagram's time axis: a row for what the dots and arrows mean, a row for
//! the marks of faults, each mark drawn as in the diagram with a caption beside it.

use std::fmt::Write;

use super::geometry::{DOT_RADIUS, PLOT_LEFT};
use super::layout::Layout;
use super::paint::{colour, drop_cross, shade_colour};

/// The opening tag of a legend row.
const ROW: &str = r##"<g class="legend" font-size="12" fill="#3c4043">"##;

/// The two rows of the legend, below the axis caption.
pub fn legend(s: &mut String, layout: &Layout) {
    let y = layout.axis_y + 70.0;
    events_row(s, y, layout.labels);
    faults_row(s, y + 22.0);
}

/// Send, receive and internal dots, a message arrow, and what the numbers and colours say.
fn events_row(s: &mut String, y: f64, labels: bool) {
    let c = colour(0);
    s.push_str(ROW);
    let _ = write!(
        s,
        r#"<circle cx="{PLOT_LEFT}" cy="{y}" r="{DOT_RADIUS}" fill="{c}"/>"#
    );
    caption(s, PLOT_LEFT + 12.0, y, "send");
    let _ = write!(
        s,
        r#"<rect x="{:.1}" y="{:.1}" width="11" height="11" fill="{c}"/>"#,
        PLOT_LEFT + 70.0 - 5.5,
        y - 5.5
    );
    caption(s, PLOT_LEFT + 82.0, y, "receive");
    let _ = write!(
        s,
        r#"<circle cx="{:.0}" cy="{y}" r="4.5" fill="{c}" fill-opacity="0.35" stroke="{c}" stroke-opacity="0.5"/>"#,
        PLOT_LEFT + 150.0
    );
    caption(s, PLOT_LEFT + 162.0, y, "internal");
    let _ = write!(
        s,
        r#"<line x1="{:.0}" y1="{y}" x2="{:.0}" y2="{y}" stroke="{c}" stroke-width="1.6" marker-end="url(#head0)"/>"#,
        PLOT_LEFT + 230.0,
        PLOT_LEFT + 280.0
    );
    caption(
        s,
        PLOT_LEFT + 290.0,
        y,
        "message (dashed: other end outside the window)",
    );
    let numbers = if labels {
        "numbers: Lamport clock · colour: sender"
    } else {
        "colour: sender · hover a dot for its clocks"
    };
    caption(s, PLOT_LEFT + 600.0, y, numbers);
    s.push_str("</g>\n");
}

/// Death, restart and drop marks, and a swatch of each kind of fault span.
fn faults_row(s: &mut String, y: f64) {
    s.push_str(ROW);
    let _ = write!(
        s,
        r##"<path d="M{:.1},{:.1} l10,10 M{:.1},{:.1} l10,-10" stroke="#202124" stroke-width="3"/>"##,
        PLOT_LEFT - 5.0,
        y - 5.0,
        PLOT_LEFT - 5.0,
        y + 5.0
    );
    caption(s, PLOT_LEFT + 12.0, y, "died");
    let _ = write!(
        s,
        r##"<path d="M{:.1},{:.1} l10,6 l-10,6 z" fill="#188038"/>"##,
        PLOT_LEFT + 60.0,
        y - 6.0
    );
    caption(s, PLOT_LEFT + 76.0, y, "restarted");
    drop_cross(s, PLOT_LEFT + 154.0, y);
    caption(s, PLOT_LEFT + 166.0, y, "dropped message");
    span_swatch(s, PLOT_LEFT + 290.0, y, "pause", "paused");
    span_swatch(s, PLOT_LEFT + 370.0, y, "delay", "delayed link");
    span_swatch(s, PLOT_LEFT + 480.0, y, "partition", "partition");
    s.push_str("</g>\n");
}

/// A small band in the colour of fault spans of `kind` at `x`, and its caption.
fn span_swatch(s: &mut String, x: f64, y: f64, kind: &str, what: &str) {
    let _ = write!(
        s,
        r#"<rect x="{x:.0}" y="{:.0}" width="14" height="10" fill="{}" fill-opacity="0.4"/>"#,
        y - 5.0,
        shade_colour(kind)
    );
    caption(s, x + 20.0, y, what);
}

/// A caption starting at `x`, on the line of marks centred on `y`.
fn caption(s: &mut String, x: f64, y: f64, what: &str) {
    let _ = write!(s, r#"<text x="{x:.0}" y="{:.0}">{what}</text>"#, y + 4.0);
}
