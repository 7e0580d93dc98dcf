//! OS signals the supervisor reacts to, turned into events on its queue.

use tokio::signal::unix::{signal, SignalKind};
use tokio::sync::mpsc;

// The signal a run stops on is the run layer's: the twin's report carries the same type.
pub use crate::run::Stop;

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
