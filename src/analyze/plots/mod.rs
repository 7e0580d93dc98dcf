//! The SVG plots of one run: the time plots ([`figures`]), the jump-size histograms
//! ([`histogram`]), the fault marks on the time plots ([`marks`]), the legend ([`legend`]), what
//! they are all drawn on ([`canvas`]), and the words that name the run in every figure's title
//! ([`title`], also the diagram's).

mod canvas;
pub(crate) mod figures;
mod histogram;
mod legend;
mod marks;
pub(crate) mod title;

pub(crate) use figures::write_plots;
