//! The signal that stops a run, whichever engine runs it, and how a command stopped by it exits.

use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;

use tokio::signal::unix::{signal, Signal, SignalKind};

use crate::exit::Exit;

/// A signal asking the run to stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Stop {
    /// SIGINT (Ctrl-C).
    Interrupt,
    /// SIGTERM.
    Terminate,
    /// SIGHUP: the terminal went away (a closed window, a dropped ssh session).
    Hangup,
}

impl Stop {
    /// How a command stopped by this signal exits (130 / 143 / 129, i.e. 128 + signal number).
    pub fn exit(self) -> Exit {
        match self {
            Stop::Interrupt => Exit::Interrupted,
            Stop::Terminate => Exit::Terminated,
            Stop::Hangup => Exit::HungUp,
        }
    }

    /// The signal's name, as the manifest's reason and the terminal give it.
    pub fn name(self) -> &'static str {
        match self {
            Stop::Interrupt => "SIGINT",
            Stop::Terminate => "SIGTERM",
            Stop::Hangup => "SIGHUP",
        }
    }
}

/// The three stop signals, listened for: the one place both engines learn of a stop.
///
/// Listening installs a handler whatever the inherited disposition: a run started in the
/// background by a script inherits SIGINT as ignored, and must still stop on it.
pub(crate) struct Stops {
    interrupt: Signal,
    terminate: Signal,
    hangup: Signal,
}

impl Stops {
    /// Listen for SIGINT, SIGTERM and SIGHUP (inside a tokio runtime).
    pub(crate) fn listen() -> std::io::Result<Stops> {
        Ok(Stops {
            interrupt: signal(SignalKind::interrupt())?,
            terminate: signal(SignalKind::terminate())?,
            hangup: signal(SignalKind::hangup())?,
        })
    }

    /// The next stop signal; `None` once no more can come. Cancel-safe.
    pub(crate) async fn recv(&mut self) -> Option<Stop> {
        tokio::select! {
            Some(()) = self.interrupt.recv() => Some(Stop::Interrupt),
            Some(()) = self.terminate.recv() => Some(Stop::Terminate),
            Some(()) = self.hangup.recv() => Some(Stop::Hangup),
            else => None,
        }
    }
}

/// A stop asked for by a signal, for a synchronous engine (the twin) to look at between events.
///
/// A task of the current tokio runtime listens; dropping the watch ends it.
pub(crate) struct StopWatch {
    stop: Arc<AtomicU8>,
    task: tokio::task::JoinHandle<()>,
}

impl StopWatch {
    /// Start listening (inside a tokio runtime).
    pub(crate) fn start() -> std::io::Result<StopWatch> {
        let mut stops = Stops::listen()?;
        let stop = Arc::new(AtomicU8::new(0));
        let seen = Arc::clone(&stop);
        let task = tokio::spawn(async move {
            // The first signal names the stop; the twin ends at its next event anyway.
            if let Some(first) = stops.recv().await {
                seen.store(first as u8 + 1, Ordering::Relaxed);
            }
        });
        Ok(StopWatch { stop, task })
    }

    /// The signal that asked for a stop, once one has.
    pub(crate) fn stop(&self) -> Option<Stop> {
        match self.stop.load(Ordering::Relaxed) {
            1 => Some(Stop::Interrupt),
            2 => Some(Stop::Terminate),
            3 => Some(Stop::Hangup),
            _ => None,
        }
    }
}

impl Drop for StopWatch {
    fn drop(&mut self) {
        self.task.abort();
    }
}
