//! The one way tests run the binary: a `#[must_use]` builder (`Logiclock::run(..).finish()`)
//! and a handle that kills its process on drop; the result is a [`Finished`] command.
//!
//! Every command has a hard timeout, its output is read while it runs (a chatty child never
//! blocks on a full pipe, and a test can wait for a line of it), and a failure prints the
//! command, its output and each log's tail. Its output goes to two pipes, or to a pipe whose
//! reader is gone ([`Logiclock::stdout_closed`]), or to a pseudo-terminal
//! ([`Logiclock::on_terminal`]).

use std::ffi::OsString;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;

pub use crate::finished::Finished;

/// Longest a command may take unless a test says otherwise.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// The binary under test.
pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_logiclock"))
}

/// The repository root, where `configs/` is; commands run there unless told otherwise.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A command to run: program, arguments, directory, timeout, and the run directory it writes.
#[must_use = "a command does nothing until .spawn() or .finish()"]
pub struct Logiclock {
    program: PathBuf,
    args: Vec<OsString>,
    cwd: PathBuf,
    timeout: Duration,
    run_dir: Option<PathBuf>,
    env: Vec<(OsString, OsString)>,
    env_removed: Vec<OsString>,
    output: Output,
}

/// Where a command's standard output and error go.
#[derive(Debug, Clone, Copy)]
enum Output {
    /// Two pipes, read while it runs.
    Pipes,
    /// Standard output a pipe whose reader is gone before anything is written (`| true`);
    /// standard error a pipe, read while it runs.
    StdoutClosed,
    /// Standard output a file opened for writing (`> /dev/full`); standard error a pipe.
    StdoutFile(&'static str),
    /// One pseudo-terminal of `rows` x `cols` for both, as a user's terminal.
    Terminal { rows: u16, cols: u16 },
}

impl Logiclock {
    /// `logiclock` with no arguments yet.
    pub fn new() -> Logiclock {
        Logiclock::program(bin())
    }

    /// Another program (a copy of the binary, a browser), run with the same care.
    pub fn program(program: impl Into<PathBuf>) -> Logiclock {
        Logiclock {
            program: program.into(),
            args: Vec::new(),
            cwd: repo(),
            timeout: DEFAULT_TIMEOUT,
            run_dir: None,
            env: Vec::new(),
            env_removed: Vec::new(),
            output: Output::Pipes,
        }
    }

    /// `logiclock run SCENARIO`; a relative path is found from the repository root
    /// (`configs/default.toml`), wherever the command runs.
    pub fn run(scenario: impl AsRef<Path>) -> Logiclock {
        Logiclock::new().arg("run").arg(repo().join(scenario))
    }

    /// `logiclock analyze DIR`; more directories with `.arg(..)`.
    pub fn analyze(dir: impl AsRef<Path>) -> Logiclock {
        let dir = dir.as_ref();
        Logiclock::new().arg("analyze").arg(dir).logs_in(dir)
    }

    /// `logiclock diagram DIR`.
    pub fn diagram(dir: impl AsRef<Path>) -> Logiclock {
        let dir = dir.as_ref();
        Logiclock::new().arg("diagram").arg(dir).logs_in(dir)
    }

    /// `logiclock export --format FORMAT DIR`.
    pub fn export(format: &str, dir: impl AsRef<Path>) -> Logiclock {
        let dir = dir.as_ref();
        Logiclock::new()
            .args(["export", "--format", format])
            .arg(dir)
            .logs_in(dir)
    }

    pub fn arg(mut self, arg: impl AsRef<std::ffi::OsStr>) -> Logiclock {
        self.args.push(arg.as_ref().to_owned());
        self
    }

    pub fn args<S: AsRef<std::ffi::OsStr>>(
        mut self,
        args: impl IntoIterator<Item = S>,
    ) -> Logiclock {
        self.args
            .extend(args.into_iter().map(|a| a.as_ref().to_owned()));
        self
    }

    /// `--speedup X`.
    pub fn speedup(self, speedup: f64) -> Logiclock {
        self.arg("--speedup").arg(speedup.to_string())
    }

    /// `--seed N`.
    pub fn seed(self, seed: u64) -> Logiclock {
        self.arg("--seed").arg(seed.to_string())
    }

    /// `--duration S` (model seconds).
    pub fn duration(self, seconds: f64) -> Logiclock {
        self.arg("--duration").arg(seconds.to_string())
    }

    /// `--quiet`.
    pub fn quiet(self) -> Logiclock {
        self.arg("--quiet")
    }

    /// `--out PATH`; a failure then shows the tails of the files there.
    pub fn out(self, path: impl AsRef<Path>) -> Logiclock {
        let path = path.as_ref();
        self.arg("--out").arg(path).logs_in(path)
    }

    /// Where the logs are whose tails a failure shows.
    pub fn logs_in(mut self, dir: impl AsRef<Path>) -> Logiclock {
        self.run_dir = Some(dir.as_ref().to_owned());
        self
    }

    /// Set an environment variable for the command (and the machines it starts).
    pub fn env(mut self, key: &str, value: impl AsRef<std::ffi::OsStr>) -> Logiclock {
        self.env.push((key.into(), value.as_ref().to_owned()));
        self
    }

    /// Unset an environment variable for the command (one the test runner may have set).
    pub fn env_remove(mut self, key: &str) -> Logiclock {
        self.env_removed.push(key.into());
        self
    }

    /// Give the command a standard output whose reader is gone before anything is written, as
    /// `logiclock ... | true` does.
    pub fn stdout_closed(mut self) -> Logiclock {
        self.output = Output::StdoutClosed;
        self
    }

    /// Give the command a standard output opened on `path`, as `logiclock ... > path` does
    /// (`/dev/full`: every write fails with "no space left on device").
    pub fn stdout_to(mut self, path: &'static str) -> Logiclock {
        self.output = Output::StdoutFile(path);
        self
    }

    /// Run the command on a pseudo-terminal of `rows` x `cols` (its stdout and stderr), with
    /// `TERM=xterm-256color`; what it wrote is [`Finished::stdout`], in the chunks it was read
    /// in as [`Finished::stdout_chunks`].
    pub fn on_terminal(mut self, rows: u16, cols: u16) -> Logiclock {
        self.output = Output::Terminal { rows, cols };
        self.env("TERM", "xterm-256color")
    }

    /// Run in `dir` instead of the repository root.
    pub fn current_dir(mut self, dir: impl AsRef<Path>) -> Logiclock {
        self.cwd = dir.as_ref().to_owned();
        self
    }

    /// Kill the command (and fail the test) after `timeout` instead of 60 s.
    pub fn timeout(mut self, timeout: Duration) -> Logiclock {
        self.timeout = timeout;
        self
    }

    fn describe_command(&self) -> String {
        let name = if self.program == bin() {
            "logiclock".into()
        } else {
            self.program.display().to_string()
        };
        std::iter::once(name)
            .chain(self.args.iter().map(|a| a.to_string_lossy().into_owned()))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Start the command; the handle kills it if the test ends first.
    pub fn spawn(self) -> Running {
        let mut command = Command::new(&self.program);
        command
            .args(&self.args)
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .current_dir(&self.cwd)
            .stdin(Stdio::null());
        for key in &self.env_removed {
            command.env_remove(key);
        }
        let terminal = match self.output {
            Output::Pipes | Output::StdoutClosed => {
                command.stdout(Stdio::piped()).stderr(Stdio::piped());
                None
            }
            Output::StdoutFile(path) => {
                let file = std::fs::OpenOptions::new()
                    .write(true)
                    .open(path)
                    .unwrap_or_else(|e| panic!("failed to open {path}: {e}"));
                command.stdout(file).stderr(Stdio::piped());
                None
            }
            Output::Terminal { rows, cols } => {
                let (master, slave) = crate::pty::open(rows, cols);
                let copy = slave.try_clone().expect("failed to clone the terminal");
                command.stdout(copy).stderr(slave);
                Some(master)
            }
        };
        let mut child = command
            .spawn()
            .unwrap_or_else(|e| panic!("failed to spawn {}: {e}", self.describe_command()));
        // The terminal's reader sees its end (EIO) once the child, the last holder of the
        // terminal, is gone: the command above holds it too, until it is dropped here.
        drop(command);
        let (stdout, stderr) = match (self.output, terminal) {
            (Output::Terminal { .. }, Some(master)) => (Capture::start(Some(master)), None),
            (Output::StdoutClosed | Output::StdoutFile(_), _) => {
                drop(child.stdout.take());
                (
                    Capture::start(None::<std::fs::File>),
                    Some(Capture::start(child.stderr.take())),
                )
            }
            _ => (
                Capture::start(child.stdout.take()),
                Some(Capture::start(child.stderr.take())),
            ),
        };
        Running {
            child: Some(child),
            stdout: Some(stdout),
            stderr,
            command: self.describe_command(),
            timeout: self.timeout,
            run_dir: self.run_dir,
        }
    }

    /// Run the command to its end (at most its timeout, else the test fails).
    pub fn finish(self) -> Finished {
        self.spawn().finish()
    }
}

/// One output of a command, read on a thread of its own as it comes, in the chunks it came in.
struct Capture {
    chunks: Arc<Mutex<Vec<Vec<u8>>>>,
    reader: JoinHandle<()>,
}

impl Capture {
    /// Read `source` to its end (or its first error: a terminal's end is EIO), if there is one.
    fn start(source: Option<impl Read + Send + 'static>) -> Capture {
        let chunks = Arc::new(Mutex::new(Vec::new()));
        let into = Arc::clone(&chunks);
        let reader = std::thread::spawn(move || {
            let Some(mut source) = source else { return };
            let mut buf = vec![0u8; 1 << 16];
            while let Ok(n @ 1..) = source.read(&mut buf) {
                into.lock()
                    .expect("no reader panics")
                    .push(buf[..n].to_vec());
            }
        });
        Capture { chunks, reader }
    }

    /// What was read so far, as text.
    fn text(&self) -> String {
        let chunks = self.chunks.lock().expect("no reader panics");
        String::from_utf8_lossy(&chunks.concat()).into_owned()
    }

    /// Wait for the end of the output; every chunk read.
    fn join(self) -> Vec<Vec<u8>> {
        let _ = self.reader.join();
        std::mem::take(&mut *self.chunks.lock().expect("no reader panics"))
    }
}

/// A command a test started. Dropping it (a test that panics) kills it, so no run outlives its
/// test; its machines then see their control pipes close and stop by themselves.
pub struct Running {
    child: Option<Child>,
    stdout: Option<Capture>,
    /// `None` on a terminal, where stderr is stdout.
    stderr: Option<Capture>,
    command: String,
    timeout: Duration,
    run_dir: Option<PathBuf>,
}

impl Running {
    pub fn id(&self) -> u32 {
        self.child.as_ref().expect("the process is held").id()
    }

    /// Send `sig` to the process.
    pub fn signal(&self, sig: Signal) {
        send_signal(self.id(), sig);
    }

    /// What the command printed so far: its stdout, then its stderr.
    pub fn output(&self) -> String {
        [&self.stdout, &self.stderr]
            .into_iter()
            .flatten()
            .map(Capture::text)
            .collect()
    }

    /// Wait until the command's output so far (stdout, then stderr) contains `text`; after
    /// `bound`, fail the test with what it printed.
    #[track_caller]
    pub fn wait_for_output(&self, text: &str, bound: Duration) {
        let deadline = Instant::now() + bound;
        loop {
            let so_far = self.output();
            if so_far.contains(text) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{} did not print {text:?} within {bound:?}; it printed:\n{so_far}",
                self.command
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Wait for the process to end, however long it takes.
    pub fn wait(&mut self) -> ExitStatus {
        self.child
            .as_mut()
            .expect("the process is held")
            .wait()
            .expect("failed to wait for the command")
    }

    /// Wait for the end (at most the timeout from the start of this wait, else the test fails).
    pub fn finish(mut self) -> Finished {
        let mut child = self.child.take().expect("the process is held");
        let deadline = Instant::now() + self.timeout;
        let (status, timed_out) = loop {
            if let Some(status) = child.try_wait().expect("failed to wait for the command") {
                break (status, false);
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                break (child.wait().expect("failed to wait for the command"), true);
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let stdout_chunks = self.stdout.take().map(Capture::join).unwrap_or_default();
        let stderr = self.stderr.take().map(Capture::join).unwrap_or_default();
        let done = Finished {
            command: std::mem::take(&mut self.command),
            status,
            stdout: String::from_utf8_lossy(&stdout_chunks.concat()).into_owned(),
            stderr: String::from_utf8_lossy(&stderr.concat()).into_owned(),
            stdout_chunks,
            run_dir: self.run_dir.take(),
        };
        if timed_out {
            panic!("timed out after {:?}\n{}", self.timeout, done.describe());
        }
        done
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(child) = &mut self.child {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Send `sig` to process `pid` (one a test started, or one of its run's machines).
pub fn send_signal(pid: u32, sig: Signal) {
    let target = Pid::from_raw(i32::try_from(pid).expect("a pid fits in pid_t"));
    if let Err(e) = kill(target, sig) {
        panic!("failed to send {sig} to {pid}: {e}");
    }
}

#[test]
fn a_command_past_its_timeout_is_killed_and_fails_the_test_naming_it() {
    let started = Instant::now();
    let failure = std::panic::catch_unwind(|| {
        Logiclock::program("/bin/sleep")
            .arg("30")
            .timeout(Duration::from_millis(300))
            .finish()
    })
    .expect_err("a command past its timeout fails the test");
    assert!(started.elapsed() < Duration::from_secs(10), "it was killed");
    let message = failure
        .downcast_ref::<String>()
        .expect("the failure says why");
    assert!(
        message.contains("timed out after 300ms") && message.contains("command: /bin/sleep 30"),
        "{message}"
    );
}

#[test]
fn a_failed_expectation_describes_the_command_and_its_output() {
    let failure = std::panic::catch_unwind(|| {
        Logiclock::new()
            .args(["analyze", "/nonexistent/run"])
            .timeout(Duration::from_secs(20))
            .finish()
            .success()
    })
    .expect_err("analyze of a missing run does not succeed");
    let message = failure
        .downcast_ref::<String>()
        .expect("the failure says why");
    assert!(
        message.contains("command: logiclock analyze /nonexistent/run")
            && message.contains("--- stderr\n")
            && message.contains("/nonexistent/run"),
        "{message}"
    );
}

#[test]
fn the_output_of_a_running_command_can_be_waited_for_before_it_ends() {
    let running = Logiclock::program("/bin/sh")
        .args(["-c", "echo ready >&2; exec sleep 30"])
        .timeout(Duration::from_secs(40))
        .spawn();
    let started = Instant::now();
    running.wait_for_output("ready", Duration::from_secs(10));
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(running.output(), "ready\n");
    // Dropped: the command is killed, the test does not wait 30 s.
}
