//! The marks the picture and its legend both draw: a machine's colour, a fault span's fill and
//! the cross of a dropped message.

use std::fmt::Write;

/// The colour of the machine at manifest index `i`: the one the plots and the terminal give it.
pub fn colour(i: usize) -> String {
    crate::palette::hex(i)
}

/// The red cross of a dropped message, centred on (`x`, `y`); the legend shows it too.
pub fn drop_cross(s: &mut String, x: f64, y: f64) {
    let _ = write!(
        s,
        r##"<path d="M{:.1},{:.1} l8,8 M{:.1},{:.1} l-8,8" stroke="#d93025" stroke-width="2"/>"##,
        x - 4.0,
        y - 4.0,
        x + 4.0,
        y - 4.0,
    );
}

/// Fill of a fault span of `kind` (`pause`, `delay` or `partition`).
pub fn shade_colour(kind: &str) -> &'static str {
    match kind {
        "pause" => "#fbbc04",
        "delay" => "#4285f4",
        _ => "#ea4335",
    }
}
