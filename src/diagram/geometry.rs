//! The diagram's fixed dimensions, in pixels, which the layout, its parts and the SVG share.

/// Picture width, px.
pub const WIDTH: f64 = 1200.0;
/// Left edge of the plot (room for the lane labels).
pub const PLOT_LEFT: f64 = 170.0;
/// Right edge of the plot.
pub const PLOT_RIGHT: f64 = WIDTH - 40.0;
/// Lamport values are written beside the dots when the window holds at most this many events.
pub const LABEL_LIMIT: usize = 90;
/// Lamport values, and lane names on two lines, need this much room between lanes.
pub const LABEL_GAP: f64 = 40.0;
/// Radius of send and receive dots (internal dots are smaller).
pub const DOT_RADIUS: f64 = 6.5;
