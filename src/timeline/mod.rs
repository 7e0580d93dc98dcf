//! A run's lines in system-time order, for the space-time diagram and the exports.
//!
//! [`open`] reads a run directory's manifest into a [`Timeline`] ([`event`]) and streams its lines
//! through [`crate::runlog`], whose pairing matches each send with its receive; [`error`] says why
//! a run could not be read or written.

pub(crate) mod error;
pub(crate) mod event;
pub(crate) mod load;

#[cfg(test)]
pub(crate) use crate::runlog::pair_messages;
pub(crate) use crate::runlog::Message;
pub(crate) use error::TimelineError;
pub(crate) use event::{print_warnings, rate_text, Timeline};
pub(crate) use load::{open, Opened};
