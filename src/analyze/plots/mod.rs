//! The SVG plots of one run: the time plots and per-machine histograms ([`figures`]), the
//! jump-size histogram ([`histogram`]), the fault marks on the time plots ([`marks`]), and what
//! they are all drawn on ([`canvas`]).

mod canvas;
pub mod figures;
mod histogram;
mod marks;

pub use figures::write_plots;
