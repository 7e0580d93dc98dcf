//! Reading the plots back: the tags, attributes, texts, lines and bars of an SVG as plotters
//! writes it.

/// The opening tags `<name ...>` of `svg`.
pub(crate) fn tags<'a>(svg: &'a str, name: &str) -> Vec<&'a str> {
    let open = format!("<{name} ");
    svg.match_indices(&open)
        .map(|(i, _)| {
            let end = svg[i..].find('>').expect("a closed tag");
            &svg[i..i + end]
        })
        .collect()
}

pub(crate) fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let key = format!(" {name}=\"");
    let from = tag.find(&key)? + key.len();
    let len = tag[from..].find('"')?;
    Some(&tag[from..from + len])
}

pub(crate) fn num(tag: &str, name: &str) -> f64 {
    attr(tag, name)
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no number {name} in {tag}"))
}

/// `(tag, text)` of every `<text>` element.
pub(crate) fn texts(svg: &str) -> Vec<(&str, String)> {
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
pub(crate) fn y_labels(svg: &str) -> Vec<String> {
    texts(svg)
        .into_iter()
        .filter(|(tag, _)| attr(tag, "text-anchor") == Some("end"))
        .map(|(_, text)| text)
        .filter(|t| !t.is_empty())
        .collect()
}

/// The labels under the x axis (centred, in the lower half of the picture, not the axis title).
pub(crate) fn x_labels(svg: &str) -> Vec<String> {
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
pub(crate) fn series_points(svg: &str, colour: &str) -> Vec<(f64, f64)> {
    tags(svg, "polyline")
        .into_iter()
        .filter(|t| attr(t, "stroke-width") == Some("2"))
        .filter(|t| attr(t, "stroke").is_some_and(|s| s.eq_ignore_ascii_case(colour)))
        .flat_map(points)
        .collect()
}

pub(crate) fn points(tag: &str) -> Vec<(f64, f64)> {
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
pub(crate) fn series_colours(svg: &str) -> Vec<String> {
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
pub(crate) fn all_series_points(svg: &str) -> Vec<(f64, f64)> {
    tags(svg, "polyline")
        .into_iter()
        .filter(|t| attr(t, "stroke-width") == Some("2") && attr(t, "stroke") != Some("#000000"))
        .flat_map(points)
        .collect()
}

/// The legend's frame: `(x0, y0, x1, y1)` of the black-bordered unfilled rectangle.
pub(crate) fn legend_box(svg: &str) -> (f64, f64, f64, f64) {
    let frames: Vec<&str> = tags(svg, "rect")
        .into_iter()
        .filter(|t| attr(t, "fill") == Some("none") && attr(t, "stroke") == Some("#000000"))
        .collect();
    assert_eq!(frames.len(), 1, "one legend frame: {frames:?}");
    let t = frames[0];
    let (x, y) = (num(t, "x"), num(t, "y"));
    (x, y, x + num(t, "width"), y + num(t, "height"))
}

pub(crate) fn assert_legend_inside_and_off_the_data(svg: &str, what: &str) {
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

/// The fill colours' bars of `svg` left of its legend (a legend's swatches are not bars): the
/// centre x of each, in drawing order.
pub(crate) fn bars_left_of_legend(svg: &str, colour: &str) -> Vec<f64> {
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
pub(crate) fn x_label_positions(svg: &str) -> Vec<(String, f64)> {
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

/// The length of a polyline, pixels.
pub(crate) fn length(points: &[(f64, f64)]) -> f64 {
    points
        .windows(2)
        .map(|w| (w[1].0 - w[0].0).hypot(w[1].1 - w[0].1))
        .sum()
}
