//! The SVG plots: of one run, the time plots and per-machine histograms ([`figures`]), the
//! jump-size histogram ([`histogram`]), the fault marks on the time plots ([`marks`]); of
//! several runs, means with error bars against a numeric rate ([`rate_chart`]); and what they
//! are all drawn on ([`canvas`]).

mod canvas;
pub(crate) mod figures;
mod histogram;
mod marks;
pub(crate) mod rate_chart;

pub(crate) use figures::write_plots;
