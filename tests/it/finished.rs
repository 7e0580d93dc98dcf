//! A finished command: its status and output, a description of it for failing tests (the
//! command, its output, the tail of each log), and expectations that read as facts.

use std::path::PathBuf;
use std::process::ExitStatus;

/// A finished command: how it exited and what it printed.
#[derive(Debug)]
pub struct Finished {
    pub command: String,
    pub status: ExitStatus,
    pub stdout: String,
    /// Standard output in the chunks it was read in (a terminal's screen updates).
    pub stdout_chunks: Vec<Vec<u8>>,
    pub stderr: String,
    pub run_dir: Option<PathBuf>,
}

impl Finished {
    /// Everything a reader needs when a test fails: the command, its output, each log's tail.
    pub fn describe(&self) -> String {
        let mut text = format!(
            "command: {}\nstatus: {}\n--- stdout\n{}--- stderr\n{}",
            self.command, self.status, self.stdout, self.stderr
        );
        if let Some(dir) = &self.run_dir {
            if let Ok(entries) = std::fs::read_dir(dir) {
                let mut names: Vec<_> = entries.flatten().map(|e| e.path()).collect();
                names.sort();
                for path in names.iter().filter(|p| p.is_file()) {
                    let content = std::fs::read_to_string(path).unwrap_or_default();
                    let lines: Vec<&str> = content.lines().collect();
                    let tail = &lines[lines.len().saturating_sub(5)..];
                    text.push_str(&format!(
                        "--- tail of {}\n{}\n",
                        path.display(),
                        tail.join("\n")
                    ));
                }
            }
        }
        text
    }

    pub fn code(&self) -> Option<i32> {
        self.status.code()
    }

    /// The command exited 0.
    #[track_caller]
    pub fn success(self) -> Finished {
        assert!(
            self.status.success(),
            "expected success\n{}",
            self.describe()
        );
        self
    }

    /// The command exited with `code`.
    #[track_caller]
    pub fn exit_code(self, code: i32) -> Finished {
        assert_eq!(self.code(), Some(code), "exit code\n{}", self.describe());
        self
    }

    /// The command's stderr contains `text`.
    #[track_caller]
    pub fn stderr_contains(self, text: &str) -> Finished {
        assert!(
            self.stderr.contains(text),
            "stderr should contain {text:?}\n{}",
            self.describe()
        );
        self
    }

    /// The command's stdout contains `text`.
    #[track_caller]
    pub fn stdout_contains(self, text: &str) -> Finished {
        assert!(
            self.stdout.contains(text),
            "stdout should contain {text:?}\n{}",
            self.describe()
        );
        self
    }
}
