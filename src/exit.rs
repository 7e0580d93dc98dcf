//! How a command ends: one [`Exit`] every command returns, and the [`Failed`] error `main`
//! prints once before it exits with the error's code.
//!
//! | code | meaning |
//! |---|---|
//! | 0 | done, and clean (`run`: every machine stopped cleanly; `analyze`: every check passed; `grade`: every submission passed every rule) |
//! | 1 | done but not clean (a machine died or was killed; `analyze`: a check failed; `grade`: a submission failed a rule; `run`: `--max-log-size` stopped it, in order, short of its duration: a planned stop, but the run did not run its course, and the reason is printed), or a failure, such as an output that cannot be written (the same in `analyze`, `export` and `diagram`) |
//! | 2 | bad input: a scenario, flag, directory, port or log the command cannot use |
//! | 129 / 130 / 143 | a run stopped by SIGHUP / SIGINT / SIGTERM, its machines stopped cleanly |
//!
//! A signal's code is 128 + its number, what a shell reports for a job that signal ended, so a
//! script tells a hangup (129) from Ctrl-C (130) and SIGTERM (143). Ctrl-Z (SIGTSTP) ends nothing:
//! the run pauses with its machines and goes on after `fg`.

use std::process::ExitCode;

/// How a command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 0: done, and clean.
    Clean,
    /// 1: done but not clean, or failed.
    NotClean,
    /// 2: bad input.
    BadInput,
    /// 130: stopped by SIGINT (Ctrl-C).
    Interrupted,
    /// 143: stopped by SIGTERM.
    Terminated,
    /// 129: stopped by SIGHUP (the terminal went away).
    HungUp,
}

impl Exit {
    /// The process exit code.
    pub fn code(self) -> u8 {
        match self {
            Exit::Clean => 0,
            Exit::NotClean => 1,
            Exit::BadInput => crate::EXIT_BAD_INPUT,
            Exit::Interrupted => 130,
            Exit::Terminated => 143,
            Exit::HungUp => 129,
        }
    }

    /// A signal stopped the command.
    pub fn by_signal(self) -> bool {
        matches!(self, Exit::Interrupted | Exit::Terminated | Exit::HungUp)
    }

    /// The exit of a batch that had both: the one with the higher code.
    pub fn worst(self, other: Exit) -> Exit {
        if other.code() > self.code() {
            other
        } else {
            self
        }
    }
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> ExitCode {
        ExitCode::from(exit.code())
    }
}

/// A command that could not do its work: what to print, and how to exit.
#[derive(Debug)]
pub struct Failed {
    pub exit: Exit,
    pub error: Box<dyn std::error::Error + Send + Sync>,
}

impl Failed {
    /// `error`, ending the process with `exit`.
    pub fn new(exit: Exit, error: impl std::error::Error + Send + Sync + 'static) -> Failed {
        Failed {
            exit,
            error: Box::new(error),
        }
    }
}

/// What every command returns.
pub(crate) type Outcome = Result<Exit, Failed>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_exit_has_the_code_the_readme_promises() {
        assert_eq!(Exit::Clean.code(), 0);
        assert_eq!(Exit::NotClean.code(), 1);
        assert_eq!(Exit::BadInput.code(), 2);
        assert_eq!(Exit::Interrupted.code(), 130);
        assert_eq!(Exit::Terminated.code(), 143);
        assert_eq!(Exit::HungUp.code(), 129);
    }

    #[test]
    fn a_batch_exits_with_its_worst_run() {
        assert_eq!(Exit::Clean.worst(Exit::NotClean), Exit::NotClean);
        assert_eq!(Exit::NotClean.worst(Exit::Clean), Exit::NotClean);
        assert_eq!(Exit::BadInput.worst(Exit::Interrupted), Exit::Interrupted);
        assert!(Exit::Terminated.by_signal() && !Exit::NotClean.by_signal());
        assert!(
            Exit::HungUp.by_signal(),
            "a hangup stops a batch as SIGTERM does"
        );
    }
}
