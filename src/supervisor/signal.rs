//! OS signals the supervisor reacts to, turned into events on its queue.

use tokio::signal::unix::{signal, SignalKind};
use tokio::sync::mpsc;

use crate::exit::Exit;

/// A signal asking the run to stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// SIGINT (Ctrl-C).
    Interrupt,
    /// SIGTERM.
    Terminate,
}

impl Stop {
    /// How a command stopped by this signal exits (130 / 143, i.e. 128 + signal number).
    pub fn exit(self) -> Exit {
        match self {
            Stop::Interrupt => Exit::Interrupted,
            Stop::Terminate => Exit::Terminated,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Stop::Interrupt => "SIGINT",
            Stop::Terminate => "SIGTERM",
        }
    }
}

/// Listen for SIGINT and SIGTERM and send each one to `events` via `wrap`.
pub fn listen<E: Send + 'static>(
    events: mpsc::UnboundedSender<E>,
    wrap: fn(Stop) -> E,
) -> std::io::Result<()> {
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut terminate = signal(SignalKind::terminate())?;
    tokio::spawn(async move {
        loop {
            let stop = tokio::select! {
                Some(()) = interrupt.recv() => Stop::Interrupt,
                Some(()) = terminate.recv() => Stop::Terminate,
                else => return,
            };
            if events.send(wrap(stop)).is_err() {
                return;
            }
        }
    });
    Ok(())
}

/// Send `sig` to process `pid`; false if it failed (the process is gone).
pub fn send(pid: u32, sig: i32) -> bool {
    // SAFETY: kill(2) has no memory effects; a stale pid at worst fails with ESRCH.
    unsafe { libc::kill(pid as i32, sig) == 0 }
}
