//! `logiclock diagram`: the space-time diagram of a run as an SVG picture.
//!
//! [`window`] picks the time window; [`faults`] reads deaths, restarts, fault spans and drops;
//! [`layout`] places lanes ([`lanes`]), dots, arrows ([`arrows`]) and those marks (pure
//! geometry, in the dimensions of [`geometry`]), with the text of [`labels`];
//! [`svg`] renders a layout as text, with its [`legend`] and the marks both draw ([`paint`]); [`command`] runs it for the CLI.

pub(crate) mod arrows;
pub(crate) mod command;
pub(crate) mod faults;
pub(crate) mod geometry;
pub(crate) mod labels;
pub(crate) mod lanes;
pub(crate) mod layout;
pub(crate) mod legend;
pub(crate) mod paint;
pub mod svg;
pub(crate) mod window;

pub(crate) use command::{diagram, Request};
pub(crate) use layout::layout_of;
