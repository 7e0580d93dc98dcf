//! Rendering a [`Layout`] as SVG text: lanes, arrows with arrowheads, dots with hover titles,
//! an axis in seconds and a legend.

use std::fmt::Write;

use super::layout::{DotKind, Layout, DOT_RADIUS, PLOT_LEFT, PLOT_RIGHT};

/// Colour of the machine lines.
pub const LANE_COLOUR: &str = "#3c4043";

/// The colour of the machine at manifest index `i`: the one the plots and the terminal give it.
pub fn colour(i: usize) -> String {
    crate::palette::hex(i)
}

/// The SVG document of `layout`.
pub fn render(layout: &Layout) -> String {
    let mut s = String::with_capacity(64 * 1024);
    let (w, h) = (layout.width, layout.height);
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="Helvetica, Arial, sans-serif">"#
    );
    s.push_str("<defs>\n");
    let colours = layout.lanes.len().clamp(1, crate::palette::COLOURS);
    for i in 0..colours {
        let _ = writeln!(
            s,
            r#"<marker id="head{i}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{}"/></marker>"#,
            colour(i)
        );
    }
    s.push_str("</defs>\n");
    let _ = writeln!(s, r#"<rect width="{w}" height="{h}" fill="white"/>"#);
    let _ = writeln!(
        s,
        r##"<text x="20" y="32" font-size="20" font-weight="bold" fill="#202124">{}</text>"##,
        escape(&layout.title)
    );
    let _ = writeln!(
        s,
        r##"<text x="20" y="56" font-size="13" fill="#5f6368">{}</text>"##,
        escape(&layout.subtitle)
    );

    // Axis: grid lines, tick labels, caption.
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
        r##"<line x1="{PLOT_LEFT}" y1="{y:.1}" x2="{PLOT_RIGHT}" y2="{y:.1}" stroke="#9aa0a6" stroke-width="1"/><text x="{:.1}" y="{:.1}" font-size="13" text-anchor="middle" fill="#3c4043">seconds since the run start (system time)</text>"##,
        (PLOT_LEFT + PLOT_RIGHT) / 2.0,
        layout.axis_y + 40.0,
        y = layout.axis_y
    );
    s.push_str("</g>\n");

    // Lanes: a line while the machine is alive, labels at the left.
    let small = layout.lane_gap < 40.0;
    s.push_str("<g class=\"lanes\">\n");
    for lane in &layout.lanes {
        let y = lane.y;
        let c = colour(lane.colour);
        for &(x1, x2) in &lane.segments {
            let _ = writeln!(
                s,
                r#"<line class="lane" x1="{x1:.1}" y1="{y}" x2="{x2:.1}" y2="{y}" stroke="{LANE_COLOUR}" stroke-width="2"/>"#
            );
        }
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
    s.push_str("</g>\n");

    // Fault spans under everything else on the lanes.
    let band = (layout.lane_gap * 0.35).min(16.0);
    s.push_str("<g class=\"faults\">\n");
    for shade in &layout.shades {
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
    let m = band.min(8.0);
    for d in &layout.deaths {
        let _ = writeln!(
            s,
            r##"<path class="death" d="M{:.1},{:.1} l{:.1},{:.1} M{:.1},{:.1} l{:.1},{:.1}" stroke="#202124" stroke-width="3"><title>{}</title></path>"##,
            d.x - m,
            d.y - m,
            2.0 * m,
            2.0 * m,
            d.x - m,
            d.y + m,
            2.0 * m,
            -2.0 * m,
            escape(&d.title)
        );
    }
    for r in &layout.restarts {
        let _ = writeln!(
            s,
            r##"<path class="restart" d="M{:.1},{:.1} l{:.1},{:.1} l{:.1},{:.1} z" fill="#188038"><title>{}</title></path>"##,
            r.x,
            r.y - m,
            1.6 * m,
            m,
            -1.6 * m,
            m,
            escape(&r.title)
        );
    }
    s.push_str("</g>\n");

    // Arrows under the dots.
    s.push_str("<g class=\"messages\" fill=\"none\">\n");
    for a in &layout.arrows {
        let c = a.colour % colours;
        let dash = if a.clipped_start || a.clipped_end {
            r#" stroke-dasharray="5 3""#
        } else {
            ""
        };
        let _ = writeln!(
            s,
            r#"<line x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="{}" stroke-opacity="0.75" stroke-width="1.6"{dash} marker-end="url(#head{c})"><title>{}</title></line>"#,
            a.x1,
            a.y1,
            a.x2,
            a.y2,
            colour(a.colour),
            escape(&a.title)
        );
    }
    for a in &layout.drops {
        let _ = writeln!(
            s,
            r##"<g class="drop"><line x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="{}" stroke-width="1.6" stroke-dasharray="3 2"/><path d="M{:.1},{:.1} l8,8 M{:.1},{:.1} l-8,8" stroke="#d93025" stroke-width="2"/><title>{}</title></g>"##,
            a.x1,
            a.y1,
            a.x2,
            a.y2,
            colour(a.colour),
            a.x2 - 4.0,
            a.y2 - 4.0,
            a.x2 + 4.0,
            a.y2 - 4.0,
            escape(&a.title)
        );
    }
    s.push_str("</g>\n");

    // Dots and their Lamport labels.
    s.push_str("<g class=\"events\">\n");
    for d in &layout.dots {
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
        if let Some(label) = &d.label {
            let _ = writeln!(
                s,
                r##"<text x="{x:.1}" y="{:.1}" font-size="10" text-anchor="middle" fill="#5f6368">{}</text>"##,
                y - 11.0,
                escape(label)
            );
        }
    }
    s.push_str("</g>\n");

    // Legend.
    let y = layout.axis_y + 70.0;
    let c = colour(0);
    let _ = writeln!(
        s,
        r##"<g class="legend" font-size="12" fill="#3c4043"><circle cx="{PLOT_LEFT}" cy="{y}" r="{DOT_RADIUS}" fill="{c}"/><text x="{:.0}" y="{:.0}">send</text><rect x="{:.1}" y="{:.1}" width="11" height="11" fill="{c}"/><text x="{:.0}" y="{:.0}">receive</text><circle cx="{:.0}" cy="{y}" r="4.5" fill="{c}" fill-opacity="0.35" stroke="{c}" stroke-opacity="0.5"/><text x="{:.0}" y="{:.0}">internal</text><line x1="{:.0}" y1="{y}" x2="{:.0}" y2="{y}" stroke="{c}" stroke-width="1.6" marker-end="url(#head0)"/><text x="{:.0}" y="{:.0}">message (dashed: other end outside the window)</text><text x="{:.0}" y="{:.0}">{}</text></g>"##,
        PLOT_LEFT + 12.0,
        y + 4.0,
        PLOT_LEFT + 70.0 - 5.5,
        y - 5.5,
        PLOT_LEFT + 82.0,
        y + 4.0,
        PLOT_LEFT + 150.0,
        PLOT_LEFT + 162.0,
        y + 4.0,
        PLOT_LEFT + 230.0,
        PLOT_LEFT + 280.0,
        PLOT_LEFT + 290.0,
        y + 4.0,
        PLOT_LEFT + 600.0,
        y + 4.0,
        if layout.labels {
            "numbers: Lamport clock · colour: sender"
        } else {
            "colour: sender · hover a dot for its clocks"
        }
    );
    let y2 = y + 22.0;
    let _ = writeln!(
        s,
        r##"<g class="legend" font-size="12" fill="#3c4043"><path d="M{:.1},{:.1} l10,10 M{:.1},{:.1} l10,-10" stroke="#202124" stroke-width="3"/><text x="{:.0}" y="{:.0}">died</text><path d="M{:.1},{:.1} l10,6 l-10,6 z" fill="#188038"/><text x="{:.0}" y="{:.0}">restarted</text><path d="M{:.1},{:.1} l8,8 M{:.1},{:.1} l-8,8" stroke="#d93025" stroke-width="2"/><text x="{:.0}" y="{:.0}">dropped message</text><rect x="{:.0}" y="{:.0}" width="14" height="10" fill="#fbbc04" fill-opacity="0.4"/><text x="{:.0}" y="{:.0}">paused</text><rect x="{:.0}" y="{:.0}" width="14" height="10" fill="#4285f4" fill-opacity="0.4"/><text x="{:.0}" y="{:.0}">delayed link</text><rect x="{:.0}" y="{:.0}" width="14" height="10" fill="#ea4335" fill-opacity="0.4"/><text x="{:.0}" y="{:.0}">partition</text></g>"##,
        PLOT_LEFT - 5.0,
        y2 - 5.0,
        PLOT_LEFT - 5.0,
        y2 + 5.0,
        PLOT_LEFT + 12.0,
        y2 + 4.0,
        PLOT_LEFT + 60.0,
        y2 - 6.0,
        PLOT_LEFT + 76.0,
        y2 + 4.0,
        PLOT_LEFT + 150.0,
        y2 - 4.0,
        PLOT_LEFT + 158.0,
        y2 - 4.0,
        PLOT_LEFT + 166.0,
        y2 + 4.0,
        PLOT_LEFT + 290.0,
        y2 - 5.0,
        PLOT_LEFT + 310.0,
        y2 + 4.0,
        PLOT_LEFT + 370.0,
        y2 - 5.0,
        PLOT_LEFT + 390.0,
        y2 + 4.0,
        PLOT_LEFT + 480.0,
        y2 - 5.0,
        PLOT_LEFT + 500.0,
        y2 + 4.0,
    );
    s.push_str("</svg>\n");
    s
}

/// Fill of a fault span.
fn shade_colour(kind: &str) -> &'static str {
    match kind {
        "pause" => "#fbbc04",
        "delay" => "#4285f4",
        _ => "#ea4335",
    }
}

/// Text safe inside SVG elements and attributes.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
