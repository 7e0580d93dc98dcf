//! OS signals the supervisor reacts to, turned into events on its queue, and the signals it sends
//! to its machines' processes (through `nix`, so no `unsafe`).
//!
//! As nextest does: SIGINT, SIGTERM and SIGHUP ask the run to stop; SIGTSTP (Ctrl-Z) asks it to
//! suspend, which the actor does by stopping the machines and then itself (see
//! `actor/job_control.rs`). SIGCONT needs no listener: the actor stops itself with a call that
//! returns only once the shell's `fg` (or anyone's SIGCONT) has continued it.

use nix::sys::signal::{kill, killpg, raise, Signal};
use nix::unistd::Pid;
use tokio::signal::unix::{signal, SignalKind};
use tokio::sync::mpsc;

// The signal a run stops on is the run layer's: the twin's report carries the same type.
use crate::run::signal::Stops;
pub(crate) use crate::run::Stop;

/// A signal the supervisor reacts to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Received {
    /// Stop the run (in order; a second one forces it).
    Stop(Stop),
    /// SIGTSTP (Ctrl-Z): pause the machines with the supervisor until `fg`.
    Suspend,
}

/// Listen for SIGINT, SIGTERM, SIGHUP and SIGTSTP and send each one to `events` via `wrap`.
///
/// Listening for SIGTSTP replaces its default action (stop this process only, while the machines,
/// in process groups of their own, keep ticking): the actor stops them first, then itself.
pub(crate) fn listen<E: Send + 'static>(
    events: mpsc::UnboundedSender<E>,
    wrap: fn(Received) -> E,
) -> std::io::Result<()> {
    let mut stops = Stops::listen()?;
    let mut suspend = signal(SignalKind::from_raw(Signal::SIGTSTP as i32))?;
    tokio::spawn(async move {
        loop {
            let received = tokio::select! {
                Some(stop) = stops.recv() => Received::Stop(stop),
                Some(()) = suspend.recv() => Received::Suspend,
                else => return,
            };
            if events.send(wrap(received)).is_err() {
                return;
            }
        }
    });
    Ok(())
}

/// Send `sig` to process `pid`; false if it failed (the process is gone).
pub(crate) fn send(pid: u32, sig: Signal) -> bool {
    kill(as_pid(pid), sig).is_ok()
}

/// Send `sig` to the process group led by `pid` (each machine leads its own); false if it failed
/// (the group is gone).
pub(crate) fn send_group(pid: u32, sig: Signal) -> bool {
    killpg(as_pid(pid), sig).is_ok()
}

/// Stop this process until something continues it (the shell's `fg`, or any SIGCONT); returns
/// then. SIGSTOP rather than SIGTSTP, as nextest does: it cannot be caught, so it does not come
/// back to our own SIGTSTP listener, and putting SIGTSTP's default action back would take an
/// `unsafe` `sigaction` under tokio's handler. The shell sees the job stopped all the same.
pub(crate) fn stop_self() {
    // Raising a valid signal cannot fail.
    let _ = raise(Signal::SIGSTOP);
}

/// A pid as `nix` takes it. Ours come from spawned children, so they fit in an `i32`.
fn as_pid(pid: u32) -> Pid {
    Pid::from_raw(i32::try_from(pid).expect("a child's pid fits in pid_t"))
}
