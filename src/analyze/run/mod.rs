//! One run analyzed: its lines fed in time order ([`pipeline`]) to the [`analyzer`], which checks
//! them ([`checks`], [`vectors`], [`causality`]), measures them ([`metrics`], [`drift`],
//! [`stats`]), settles each message ([`settle`]) in the light of the planned faults ([`faults`]),
//! and sums it all up in a [`Summary`].

pub mod analyzer;
pub mod causality;
pub mod checks;
pub mod drift;
pub mod faults;
pub mod metrics;
pub mod pipeline;
pub mod settle;
pub mod stats;
pub mod summary;
pub mod vectors;

pub use analyzer::{Analysis, Options};
pub use pipeline::analyze_dir;
pub use summary::Summary;
