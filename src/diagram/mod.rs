//! `logiclock diagram`: the space-time diagram of a run as an SVG picture.
//!
//! [`window`] picks the time window; [`faults`] reads deaths, restarts, fault spans and drops;
//! [`layout`] places lanes ([`lanes`]), dots, arrows ([`arrows`]) and those marks (pure
//! geometry, in the dimensions of [`geometry`]), with the text of [`labels`];
//! [`svg`] renders a layout as text, with its [`legend`] and the marks both draw ([`paint`]); [`command`] runs it for the CLI.

pub mod arrows;
pub mod command;
pub mod faults;
pub mod geometry;
pub mod labels;
pub mod lanes;
pub mod layout;
pub mod legend;
pub mod paint;
pub mod svg;
pub mod window;

pub use command::{diagram, Request};
pub use layout::{layout, layout_of, Layout, Overview};
pub use window::{choose_window, Window, WindowScan, DEFAULT_EVENTS};
