//! Rendering a [`Layout`] as SVG text, one part after another in drawing order (later parts
//! paint over earlier ones): the header with its arrowheads and title, the time axis, the lanes,
//! the fault marks, the message arrows, the dots with hover titles, and the legend
//! ([`super::legend`]).

use std::fmt::Write;

use super::arrows::Arrow;
use super::geometry::{DOT_RADIUS, LABEL_GAP, PLOT_LEFT, PLOT_RIGHT};
use super::lanes::Lane;
use super::layout::{Dot, DotKind, Layout, Marker, Shade};
use super::legend::legend;
use super::paint::{colour, drop_cross, shade_colour};

/// Colour of the machine lines.
pub const LANE_COLOUR: &str = "#3c4043";

/// The SVG document of `layout`.
pub fn render(layout: &Layout) -> String {
    let mut s = String::with_capacity(64 * 1024);
    header(&mut s, layout);
    axis(&mut s, layout);
    lanes(&mut s, layout);
    fault_marks(&mut s, layout);
    messages(&mut s, layout);
    dots(&mut s, layout);
    legend(&mut s, layout);
    s.push_str("</svg>\n");
    s
}

/// How many arrowheads `layout` defines: one per machine colour, at least one.
fn arrowheads(layout: &Layout) -> usize {
    layout.lanes.len().clamp(1, crate::palette::COLOURS)
}

/// The `<svg>` tag, an arrowhead per machine colour, the white background, title and subtitle.
fn header(s: &mut String, layout: &Layout) {
    let (w, h) = (layout.width, layout.height);
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="Helvetica, Arial, sans-serif">"#
    );
    s.push_str("<defs>\n");
    for i in 0..arrowheads(layout) {
        let _ = writeln!(
            s,
            r#"<marker id="head{i}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{}"/></marker>"#,
            colour(i)
        );
    }
    s.push_str("</defs>\n");
    let _ = writeln!(s, r#"<rect width="{w}" height="{h}" fill="white"/>"#);
    // The title names the run (scenario, seed, rates, engine): on a narrow picture its font
    // shrinks to fit (a bold sans-serif letter is about 0.6 em wide on average).
    let chars = layout.title.chars().count().max(1) as f64;
    let size = (20.0f64).min((w - 40.0) / (0.6 * chars)).max(11.0);
    let _ = writeln!(
        s,
        r##"<text x="20" y="32" font-size="{size:.1}" font-weight="bold" fill="#202124">{}</text>"##,
        escape(&layout.title)
    );
    let _ = writeln!(
        s,
        r##"<text x="20" y="56" font-size="13" fill="#5f6368">{}</text>"##,
        escape(&layout.subtitle)
    );
}

/// The time axis: a grid line from above the first lane and a label per tick, then the axis
/// line and its caption.
fn axis(s: &mut String, layout: &Layout) {
    let top = layout.lanes.first().map_or(layout.axis_y, |l| l.y) - 30.0;
    s.push_str("<g class=\"axis\">\n");
    for (x, label) in &layout.ticks {
        let _ = writeln!(
            s,
            r##"<line x1="{x:.1}" y1="{top:.1}" x2="{x:.1}" y2="{:.1}" stroke="#e8eaed" stroke-width="1"/><text x="{x:.1}" y="{:.1}" font-size="12" text-anchor="middle" fill="#5f6368">{label}</text>"##,
            layout.axis_y,
            layout.axis_y + 18.0
        );
    }
    let _ = writeln!(
        s,
        r##"<line x1="{PLOT_LEFT}" y1="{y:.1}" x2="{PLOT_RIGHT}" y2="{y:.1}" stroke="#9aa0a6" stroke-width="1"/><text x="{:.1}" y="{:.1}" font-size="13" text-anchor="middle" fill="#3c4043">model seconds since the run start (real seconds × speedup)</text>"##,
        (PLOT_LEFT + PLOT_RIGHT) / 2.0,
        layout.axis_y + 40.0,
        y = layout.axis_y
    );
    s.push_str("</g>\n");
}

/// Each machine's line where it was alive, and its name and rate at the left.
fn lanes(s: &mut String, layout: &Layout) {
    // Lanes too close for two lines of text get one small line.
    let small = layout.lane_gap < LABEL_GAP;
    s.push_str("<g class=\"lanes\">\n");
    for lane in &layout.lanes {
        let y = lane.y;
        for &(x1, x2) in &lane.segments {
            let _ = writeln!(
                s,
                r#"<line class="lane" x1="{x1:.1}" y1="{y}" x2="{x2:.1}" y2="{y}" stroke="{LANE_COLOUR}" stroke-width="2"/>"#
            );
        }
        lane_label(s, lane, small);
    }
    s.push_str("</g>\n");
}

/// A dot in the machine's colour, then "machine 0 · rate 4/s" on one `small` line, or the
/// name in bold above the rate.
fn lane_label(s: &mut String, lane: &Lane, small: bool) {
    let (y, c) = (lane.y, colour(lane.colour));
    if small {
        let _ = writeln!(
            s,
            r##"<circle cx="24" cy="{y}" r="4" fill="{c}"/><text x="34" y="{:.1}" font-size="11" fill="#202124">{} · {}</text>"##,
            y + 4.0,
            escape(&lane.label),
            escape(&lane.sublabel)
        );
    } else {
        let _ = writeln!(
            s,
            r##"<circle cx="24" cy="{y}" r="7" fill="{c}"/><text x="38" y="{:.1}" font-size="15" font-weight="bold" fill="#202124">{}</text><text x="38" y="{:.1}" font-size="12" fill="#5f6368">{}</text>"##,
            y - 2.0,
            escape(&lane.label),
            y + 14.0,
            escape(&lane.sublabel),
        );
    }
}

/// Fault spans, deaths and restarts, under everything else on the lanes.
fn fault_marks(s: &mut String, layout: &Layout) {
    // Half the height of a span's band: about a third of the lane gap, at most 16 px.
    let band = (layout.lane_gap * 0.35).min(16.0);
    s.push_str("<g class=\"faults\">\n");
    for shade in &layout.shades {
        fault_span(s, shade, band);
    }
    let size = band.min(8.0);
    for death in &layout.deaths {
        death_cross(s, death, size);
    }
    for restart in &layout.restarts {
        restart_triangle(s, restart, size);
    }
    s.push_str("</g>\n");
}

/// A translucent band `2 * band` high in the colour of the span's kind.
fn fault_span(s: &mut String, shade: &Shade, band: f64) {
    let _ = writeln!(
        s,
        r#"<rect class="fault-span {}" x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{}" fill-opacity="0.25"><title>{}</title></rect>"#,
        shade.kind,
        shade.x1,
        shade.y - band,
        shade.x2 - shade.x1,
        2.0 * band,
        shade_colour(&shade.kind),
        escape(&shade.title)
    );
}

/// A black cross `2 * size` wide where a machine died.
fn death_cross(s: &mut String, death: &Marker, size: f64) {
    let (x, y, m) = (death.x, death.y, size);
    let _ = writeln!(
        s,
        r##"<path class="death" d="M{:.1},{:.1} l{:.1},{:.1} M{:.1},{:.1} l{:.1},{:.1}" stroke="#202124" stroke-width="3"><title>{}</title></path>"##,
        x - m,
        y - m,
        2.0 * m,
        2.0 * m,
        x - m,
        y + m,
        2.0 * m,
        -2.0 * m,
        escape(&death.title)
    );
}

/// A green triangle pointing right, `2 * size` high, where a machine restarted.
fn restart_triangle(s: &mut String, restart: &Marker, size: f64) {
    let m = size;
    let _ = writeln!(
        s,
        r##"<path class="restart" d="M{:.1},{:.1} l{:.1},{:.1} l{:.1},{:.1} z" fill="#188038"><title>{}</title></path>"##,
        restart.x,
        restart.y - m,
        1.6 * m,
        m,
        -1.6 * m,
        m,
        escape(&restart.title)
    );
}

/// Message arrows and drop stubs, under the dots.
fn messages(s: &mut String, layout: &Layout) {
    let heads = arrowheads(layout);
    s.push_str("<g class=\"messages\" fill=\"none\">\n");
    for arrow in &layout.arrows {
        message_arrow(s, arrow, heads);
    }
    for stub in &layout.drops {
        drop_stub(s, stub);
    }
    s.push_str("</g>\n");
}

/// An arrow in the sender's colour, dashed when an end lies outside the window.
fn message_arrow(s: &mut String, a: &Arrow, heads: usize) {
    let head = a.colour % heads;
    let dash = if a.clipped_start || a.clipped_end {
        r#" stroke-dasharray="5 3""#
    } else {
        ""
    };
    let _ = writeln!(
        s,
        r#"<line x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="{}" stroke-opacity="0.75" stroke-width="1.6"{dash} marker-end="url(#head{head})"><title>{}</title></line>"#,
        a.x1,
        a.y1,
        a.x2,
        a.y2,
        colour(a.colour),
        escape(&a.title)
    );
}

/// A dotted stub toward the recipient of a dropped message, crossed out at its end.
fn drop_stub(s: &mut String, a: &Arrow) {
    let _ = write!(
        s,
        r#"<g class="drop"><line x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="{}" stroke-width="1.6" stroke-dasharray="3 2"/>"#,
        a.x1,
        a.y1,
        a.x2,
        a.y2,
        colour(a.colour),
    );
    drop_cross(s, a.x2, a.y2);
    let _ = writeln!(s, "<title>{}</title></g>", escape(&a.title));
}

/// A dot per clock event with its hover title, and its Lamport value above it when labelled.
fn dots(s: &mut String, layout: &Layout) {
    s.push_str("<g class=\"events\">\n");
    for dot in &layout.dots {
        event_dot(s, dot);
        if let Some(label) = &dot.label {
            let _ = writeln!(
                s,
                r##"<text x="{:.1}" y="{:.1}" font-size="10" text-anchor="middle" fill="#5f6368">{}</text>"##,
                dot.x,
                dot.y - 11.0,
                escape(label)
            );
        }
    }
    s.push_str("</g>\n");
}

/// A send as a full circle, a receive as a square, an internal event as a small pale circle.
fn event_dot(s: &mut String, d: &Dot) {
    let c = colour(d.colour);
    let title = escape(&d.title);
    let (x, y) = (d.x, d.y);
    let _ = match d.kind {
        DotKind::Send => writeln!(
            s,
            r#"<circle class="send" cx="{x:.1}" cy="{y:.1}" r="{DOT_RADIUS}" fill="{c}" stroke="white" stroke-width="1"><title>{title}</title></circle>"#
        ),
        DotKind::Recv => {
            let r = DOT_RADIUS - 0.5;
            writeln!(
                s,
                r#"<rect class="recv" x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{c}" stroke="white" stroke-width="1"><title>{title}</title></rect>"#,
                x - r,
                y - r,
                2.0 * r,
                2.0 * r
            )
        }
        DotKind::Internal => writeln!(
            s,
            r#"<circle class="internal" cx="{x:.1}" cy="{y:.1}" r="4.5" fill="{c}" fill-opacity="0.35" stroke="{c}" stroke-opacity="0.5"><title>{title}</title></circle>"#
        ),
    };
}

/// Text safe inside SVG elements and attributes.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
