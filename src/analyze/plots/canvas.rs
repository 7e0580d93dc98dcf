//! What every plot of a run is drawn on: the picture, its font, the machines' colours, and the
//! whole-number ticks of a count axis.

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::analyze::error::DrawError;
use crate::palette;

/// The one font of every plot.
pub(super) const FONT: &str = "sans-serif";

/// The colour of the machine at manifest index `i`.
pub(super) fn colour(i: usize) -> RGBColor {
    let (r, g, b) = palette::rgb(i);
    RGBColor(r, g, b)
}

/// A white picture of `size` pixels, drawn into `svg` (in memory: the file is written whole
/// afterwards, so a full disk never leaves half a picture).
pub(super) fn root(
    svg: &mut String,
    size: (u32, u32),
) -> Result<DrawingArea<SVGBackend<'_>, Shift>, DrawError> {
    let root = SVGBackend::with_string(svg, size).into_drawing_area();
    root.fill(&WHITE)?;
    Ok(root)
}

/// A tick label of a count axis: whole numbers only (plotters may offer halves on a short axis).
pub(super) fn whole(y: &f64) -> String {
    if y.fract().abs() < 1e-9 {
        format!("{y:.0}")
    } else {
        String::new()
    }
}

/// How many ticks to ask of plotters on a count axis spanning `range`: never more than one per
/// whole unit, so its "nice" step is at least 1.
pub(super) fn count_labels(range: f64) -> usize {
    (range.floor() as usize + 1).clamp(2, 10)
}

/// Height of the header band: a figure's title over the line naming its run, pixels.
pub(super) const HEADER: u32 = 58;

/// Draw `title` and, under it, `subtitle` (the run: [`super::title::RunTitle::line`]) centred
/// in a band across the top of `root`; returns the rest of the picture.
pub(super) fn header<'a>(
    root: &DrawingArea<SVGBackend<'a>, Shift>,
    title: &str,
    subtitle: &str,
) -> Result<DrawingArea<SVGBackend<'a>, Shift>, DrawError> {
    use plotters::style::text_anchor::{HPos, Pos, VPos};
    let (band, rest) = root.split_vertically(HEADER);
    let middle = band.dim_in_pixel().0 as i32 / 2;
    let centred = Pos::new(HPos::Center, VPos::Top);
    band.draw(&Text::new(
        title.to_owned(),
        (middle, 10),
        (FONT, 20).into_font().into_text_style(&band).pos(centred),
    ))?;
    band.draw(&Text::new(
        subtitle.to_owned(),
        (middle, 36),
        (FONT, 14)
            .into_font()
            .color(&RGBColor(70, 70, 70))
            .pos(centred),
    ))?;
    Ok(rest)
}

/// A machine's line style, so that machines whose lines coincide (equal clocks) stay visible:
/// a later machine's dashes let the earlier lines under it show through their gaps.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Dash {
    /// Pixels drawn, then pixels left out; `on == 0` draws the line solid.
    on: f64,
    off: f64,
    /// Pixels of the pattern skipped at the start, so equal patterns do not line up.
    phase: f64,
}

/// The line style of the machine at manifest index `i`: solid, long, short and dotted dashes in
/// turn (with the colour, a pair of machines differs in at least one of the two).
pub(super) fn dash(i: usize) -> Dash {
    let (on, off) = [(0.0, 0.0), (12.0, 6.0), (6.0, 5.0), (3.0, 4.0)][i % 4];
    Dash {
        on,
        off,
        phase: (i / 4 % 5) as f64 * 2.0,
    }
}

impl Dash {
    /// The drawn pieces of the polyline `pts` (pixel coordinates).
    pub(super) fn cut(&self, pts: &[(f64, f64)]) -> Vec<Vec<(f64, f64)>> {
        if self.on <= 0.0 || pts.len() < 2 {
            return vec![pts.to_vec()];
        }
        let period = self.on + self.off;
        let mut out = Vec::new();
        // Position within the pattern, pixels since the start of a dash.
        let mut pos = self.phase % period;
        let mut cur: Vec<(f64, f64)> = if pos < self.on {
            vec![pts[0]]
        } else {
            Vec::new()
        };
        for w in pts.windows(2) {
            let ((x0, y0), (x1, y1)) = (w[0], w[1]);
            let len = (x1 - x0).hypot(y1 - y0);
            let mut done = 0.0;
            while done < len {
                let drawing = pos < self.on;
                let edge = if drawing { self.on } else { period };
                let step = (edge - pos).min(len - done);
                done += step;
                pos += step;
                let at = (x0 + (x1 - x0) * done / len, y0 + (y1 - y0) * done / len);
                if drawing {
                    cur.push(at);
                }
                if pos >= edge - 1e-9 {
                    if drawing {
                        out.push(std::mem::take(&mut cur));
                    } else {
                        pos = 0.0;
                        cur.push(at);
                    }
                }
            }
        }
        if cur.len() >= 2 {
            out.push(cur);
        }
        out.retain(|p| p.len() >= 2);
        out
    }

    /// The drawn pieces of a horizontal stroke from `a` to `b` (pixels), as `(from, to)`.
    pub(super) fn pieces(&self, a: f64, b: f64) -> Vec<(f64, f64)> {
        self.cut(&[(a, 0.0), (b, 0.0)])
            .into_iter()
            .map(|p| (p[0].0, p[p.len() - 1].0))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dashed_line_is_cut_into_dashes_and_a_solid_one_is_not() {
        assert_eq!(dash(0).pieces(0.0, 50.0), vec![(0.0, 50.0)]);
        // 12 on, 6 off, from 0: 0-12, 18-30, 36-48, then 54 is past the end
        assert_eq!(
            dash(1).pieces(0.0, 50.0),
            vec![(0.0, 12.0), (18.0, 30.0), (36.0, 48.0)]
        );
        // a dash goes round a corner as one piece
        let corner = dash(1).cut(&[(0.0, 0.0), (10.0, 0.0), (10.0, 10.0)]);
        assert_eq!(corner[0], vec![(0.0, 0.0), (10.0, 0.0), (10.0, 2.0)]);
        assert_eq!(corner[1], vec![(10.0, 8.0), (10.0, 10.0)]);
    }
}
