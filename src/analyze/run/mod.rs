//! One run analyzed: its lines fed in time order ([`pipeline`]) to the [`analyzer`], which checks
//! them ([`checks`], [`hlc`], [`vectors`] with the vectors of the messages in flight in
//! [`in_flight`], [`causality`]), scores every clock against the truth ([`scores`], pairwise on a
//! [`sample`] of events) and keeps the physical and hybrid clocks' series for the plots
//! ([`clock_series`]), measures them ([`metrics`], [`drift`], [`stats`]), judges
//! whether it ran to its end ([`ended`]), settles each message ([`settle`]) in the light of the
//! planned faults ([`faults`]), and sums it all up in a [`Summary`].

pub(crate) mod analysis;
pub(crate) mod analyzer;
pub(crate) mod causality;
pub(crate) mod checks;
pub(crate) mod clock_series;
pub(crate) mod drift;
pub(crate) mod ended;
pub(crate) mod faults;
pub(crate) mod hlc;
pub(crate) mod in_flight;
pub(crate) mod metrics;
pub(crate) mod pipeline;
pub(crate) mod sample;
pub(crate) mod scores;
pub(crate) mod settle;
pub(crate) mod stats;
pub(crate) mod summary;
pub(crate) mod vectors;

pub(crate) use analyzer::Options;
pub(crate) use pipeline::analyze_dir;
pub(crate) use summary::Summary;
