//! Several runs compared: an [`aggregate`] of their per-machine figures ([`metric`]) by rate and
//! by relative rate ([`rates`]), the runs of a batch directory and what each varied
//! ([`members`]), the aggregate's plot ([`plot`]), and the confidence interval over runs that
//! `compare` gives ([`interval`]); what ran, for titles ([`provenance`]).

pub(crate) mod aggregate;
pub(crate) mod interval;
pub(crate) mod members;
pub(crate) mod metric;
pub(crate) mod plot;
pub(crate) mod provenance;
pub(crate) mod rates;
