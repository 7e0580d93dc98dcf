//! The SVG plots: of one run, the time plots ([`figures`]), the jump-size histograms
//! ([`histogram`]), the physical and hybrid clocks' plots ([`clock_plots`]), the fault marks on the time plots ([`marks`]) and the legend ([`legend`]);
//! of several runs, means with error bars against a numeric rate ([`rate_chart`]); what they are
//! all drawn on ([`canvas`]); and the words that name the run in every figure's title
//! ([`title`], also the diagram's).

mod canvas;
mod clock_plots;
pub(crate) mod figures;
mod histogram;
mod legend;
mod marks;
pub(crate) mod rate_chart;
pub(crate) mod title;

pub(crate) use figures::write_plots;
