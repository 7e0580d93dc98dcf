//! The SVG plots of one run: the time plots and per-machine histograms ([`figures`]), the
//! jump-size histogram ([`histogram`]) and the fault marks on the time plots ([`marks`]).

pub mod figures;
mod histogram;
mod marks;

pub use figures::write_plots;
