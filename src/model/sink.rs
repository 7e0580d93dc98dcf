//! Where a machine's log lines go: the one seam between the model and the engines' writers.
//!
//! The real machine writes each line through to its file as it happens
//! (`machine/log_writer.rs`); the twin buffers every machine's lines (`sim/write.rs`) or keeps
//! them in memory (`Lines`, for tests). Both take the model's [`Event`]s as they are: nothing is
//! flattened, nothing is handed over on the side.

use crate::log_format::Event;

/// A writer of log lines.
pub(crate) trait LineSink {
    /// When a line happens: the wall clock for a real machine, virtual nanoseconds for the twin.
    type At;

    /// Write `event` of machine `machine` at `at` as one line, and hand the event back so its
    /// buffers can be reused.
    fn line(&mut self, at: Self::At, machine: u32, event: Event) -> Event;

    /// The sink takes no more lines (a failed write, a reached size cap, a stop signal): the
    /// twin stops at its next event boundary. (A real machine's sink says so through its own
    /// channel, `LogSink::failed`.)
    fn halted(&self) -> bool {
        false
    }
}

/// A sink that keeps every line in memory (virtual time), for tests.
#[cfg(test)]
#[derive(Debug, Default)]
pub(crate) struct Lines(pub Vec<(u64, u32, Event)>);

#[cfg(test)]
impl LineSink for Lines {
    type At = u64;

    fn line(&mut self, at: u64, machine: u32, event: Event) -> Event {
        self.0.push((at, machine, event.clone()));
        event
    }
}
