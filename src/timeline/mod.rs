//! A run's lines in system-time order, for the space-time diagram and the exports.
//!
//! [`load`] reads a run directory into a [`Timeline`] ([`event`]) through [`crate::runlog`] (or
//! [`open`] streams its lines without keeping them),
//! whose [`crate::runlog::pair_messages`] pairs each send with its receive; [`error`] says why a
//! run could not be read or written.

pub(crate) mod error;
pub(crate) mod event;
pub(crate) mod load;

#[allow(unused_imports)]
pub(crate) use crate::runlog::{pair_messages, Message};
pub(crate) use error::TimelineError;
pub(crate) use event::{print_warnings, rate_text, Timeline};
#[allow(unused_imports)]
pub(crate) use load::{load, open, Opened};
