//! Several runs compared: an [`aggregate`] of their per-machine figures, the runs of a batch
//! directory and what each varied ([`members`]), and the aggregate's plot ([`plot`]).

pub mod aggregate;
pub mod members;
pub mod plot;
