//! The signal that stops a run, whichever engine runs it, and how a command stopped by it exits.

use crate::exit::Exit;

/// A signal asking the run to stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
