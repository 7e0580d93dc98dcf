//! Standard output that may be a pipe closed early (`logiclock analyze RUN | head`): what the
//! commands print goes through here, so a reader that has gone away ends the printing quietly,
//! never the command; and the size of the terminal a command prints to.
//!
//! Why not restore SIGPIPE's default action at the start of `main`, as C tools have it? The same
//! binary is the supervisor, which writes to every machine's stdin (a dead machine's pipe must be
//! an error it handles, not the supervisor's death), and the hidden machine subcommand, whose
//! stdout is the control pipe (a supervisor that died must let the machine stop by itself and
//! finish its log). So SIGPIPE stays ignored, as Rust sets it, and a broken pipe is an `EPIPE`
//! error that this module turns into silence: the command still does its work (`analyze` still
//! writes its report) and exits with its usual status.

use std::io::{ErrorKind, Write};
use std::sync::atomic::{AtomicBool, Ordering};

/// Set once standard output's reader has gone away; nothing more is printed after that.
static CLOSED: AtomicBool = AtomicBool::new(false);

/// Print `text` to standard output as `print!` does, without a panic when the reader is gone.
pub(crate) fn print(text: &str) {
    if CLOSED.load(Ordering::Relaxed) {
        return;
    }
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        quiet_if_gone(e).unwrap_or_else(|e| {
            // Standard output is unusable for another reason (a full disk): say so once, go on.
            CLOSED.store(true, Ordering::Relaxed);
            eprintln!("warning: failed to write to standard output: {e}");
        });
    }
}

/// `Ok` for a broken pipe (the reader is gone: stop writing, quietly), the error otherwise.
pub(crate) fn quiet_if_gone(error: std::io::Error) -> std::io::Result<()> {
    if error.kind() == ErrorKind::BrokenPipe {
        CLOSED.store(true, Ordering::Relaxed);
        Ok(())
    } else {
        Err(error)
    }
}

/// A writer on standard output for a whole file's worth of output (`--out -`); a reader that goes
/// away ends the writing without an error.
pub(crate) fn write_all(
    fill: impl FnOnce(&mut Box<dyn Write>) -> std::io::Result<()>,
) -> std::io::Result<()> {
    if CLOSED.load(Ordering::Relaxed) {
        return Ok(());
    }
    let lock = std::io::stdout().lock();
    let mut out: Box<dyn Write> = Box::new(std::io::BufWriter::with_capacity(1 << 20, lock));
    fill(&mut out)
        .and_then(|()| out.flush())
        .or_else(quiet_if_gone)
}

/// The size of the terminal on descriptor `fd`, as (rows, columns), if it is one.
pub(crate) fn terminal_size(fd: std::os::fd::RawFd) -> Option<(usize, usize)> {
    let mut size = libc::winsize {
        ws_row: 0,
        ws_col: 0,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // No safe call asks a terminal its size with our dependencies: nix's `ioctl_read_bad!` makes
    // an `unsafe fn` all the same, and `Winsize` is libc's `winsize` there too.
    // SAFETY: TIOCGWINSZ writes one `winsize` into the struct passed, which lives on our stack.
    let ok = unsafe { libc::ioctl(fd, libc::TIOCGWINSZ, &mut size) } == 0;
    ok.then_some((usize::from(size.ws_row), usize::from(size.ws_col)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_broken_pipe_is_quiet_and_other_errors_are_not() {
        assert!(quiet_if_gone(ErrorKind::BrokenPipe.into()).is_ok());
        assert!(quiet_if_gone(ErrorKind::StorageFull.into()).is_err());
    }
}
