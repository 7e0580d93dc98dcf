//! One machine process: spawned from our own binary, its control output and exit become events,
//! and its control input is written by a task of its own.

use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{ExitStatus, Stdio};

use tokio::io::BufReader;
use tokio::process::{ChildStdin, Command};
use tokio::sync::{mpsc, oneshot};

use crate::cli::MACHINE_SUBCOMMAND;
use crate::control::{self, FromMachine, ToMachine};
use crate::log_format;
use crate::manifest::MachineEnd;

/// How long after a machine's exit its last output may still be on the way.
const OUTPUT_GRACE: std::time::Duration = std::time::Duration::from_secs(1);

/// Something a machine process did.
#[derive(Debug)]
pub(crate) enum ChildEvent {
    /// A control message from the machine.
    Message(FromMachine),
    /// Its control output was not a valid message.
    BadOutput(String),
    /// The process ended.
    Exited(ExitStatus),
}

/// The supervisor's side of one machine process.
#[derive(Debug)]
pub(crate) struct Child {
    pub pid: u32,
    /// To the task that writes the machine's stdin; `None` once closed.
    inbox: Option<mpsc::UnboundedSender<ToMachine>>,
    kill: Option<oneshot::Sender<()>>,
}

impl Child {
    /// Start machine `id` as a child process in its own process group (so a Ctrl-C in the
    /// terminal reaches only the supervisor, which stops the machines in order). Its stderr goes
    /// to `machine-<id>.stderr` in `run_dir`; its events go to `events`, tagged with its id.
    pub(crate) fn spawn<E: Send + 'static>(
        id: u32,
        run_dir: &Path,
        events: mpsc::UnboundedSender<E>,
        wrap: fn(u32, ChildEvent) -> E,
    ) -> std::io::Result<Child> {
        // Appended to: a restarted machine keeps its earlier process's diagnostics.
        let stderr = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(run_dir.join(log_format::stderr_file_name(id)))?;
        let mut command = Command::new(own_binary()?);
        command
            .arg0(process_title(id, run_dir))
            .arg(MACHINE_SUBCOMMAND)
            .arg(format!("--id={id}"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .process_group(0)
            .kill_on_drop(true);
        let mut child = command.spawn()?;
        let pid = child.id().expect("a just-spawned child has a pid");
        let stdin = child.stdin.take().expect("stdin is piped");
        let stdout = child.stdout.take().expect("stdout is piped");

        // The exit is reported only after the machine's last control message (its `stopped`
        // report), so the supervisor never sees a clean exit as a death.
        let (output_done, output_ended) = oneshot::channel::<()>();
        let output_events = events.clone();
        tokio::spawn(async move {
            let mut stdout = BufReader::new(stdout);
            loop {
                let event = match control::recv::<_, FromMachine>(&mut stdout).await {
                    Ok(Some(msg)) => ChildEvent::Message(msg),
                    Ok(None) => break,
                    Err(e) => ChildEvent::BadOutput(e.to_string()),
                };
                if output_events.send(wrap(id, event)).is_err() {
                    break;
                }
            }
            let _ = output_done.send(());
        });

        let (kill, killed) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let status = tokio::select! {
                status = child.wait() => status,
                _ = killed => {
                    let _ = child.start_kill();
                    child.wait().await
                }
            };
            let status = status.unwrap_or_else(|_| ExitStatus::from_raw(1 << 8));
            let _ = tokio::time::timeout(OUTPUT_GRACE, output_ended).await;
            let _ = events.send(wrap(id, ChildEvent::Exited(status)));
        });

        // Unbounded, yet bounded by the scenario: a machine is sent a handful of messages plus
        // one or two per fault that concerns it, so a frozen machine's queue stays small.
        let (inbox, messages) = mpsc::unbounded_channel();
        tokio::spawn(write_stdin(stdin, messages));

        Ok(Child {
            pid,
            inbox: Some(inbox),
            kill: Some(kill),
        })
    }

    /// Queue a control message for the machine; never waits. A machine that is gone cannot take
    /// it, which its exit event reports.
    pub(crate) fn send(&self, msg: ToMachine) {
        if let Some(inbox) = &self.inbox {
            let _ = inbox.send(msg);
        }
    }

    /// Close the control channel once the queued messages are written: the machine stops by
    /// itself when it sees its stdin closed.
    pub(crate) fn close(&mut self) {
        self.inbox = None;
    }

    /// Kill the process (SIGKILL); its exit event follows.
    pub(crate) fn kill(&mut self) {
        if let Some(kill) = self.kill.take() {
            let _ = kill.send(());
        }
    }
}

/// Write each queued message to the machine's stdin, in order, until the queue closes or the pipe
/// breaks. A machine that stops reading (SIGSTOPped, hung) blocks this task only, never the
/// supervisor's loop, which keeps reacting to signals and deadlines and can kill it.
async fn write_stdin(mut stdin: ChildStdin, mut messages: mpsc::UnboundedReceiver<ToMachine>) {
    while let Some(msg) = messages.recv().await {
        if control::send(&mut stdin, &msg).await.is_err() {
            return;
        }
    }
}

/// The binary to start machines from: this very process's executable. On Linux that is
/// `/proc/self/exe`, which still works when the file has been replaced since we started (a
/// rebuild during a batch of runs); elsewhere, the path we were started from.
fn own_binary() -> std::io::Result<std::path::PathBuf> {
    let proc_exe = std::path::Path::new("/proc/self/exe");
    if proc_exe.exists() {
        return Ok(proc_exe.to_owned());
    }
    std::env::current_exe()
}

/// What `ps` shows as a machine's argv[0]: `logiclock machine 3 (run default-...-seed7)`, so
/// `ps aux | grep logiclock` finds the machines too, and tells two runs apart. (Started from
/// `/proc/self/exe`, it would otherwise read `/proc/self/exe __machine --id=3`.)
fn process_title(id: u32, run_dir: &Path) -> String {
    let run = run_dir.file_name().map_or_else(
        || run_dir.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    format!("logiclock machine {id} (run {run})")
}

/// How a process ended by itself, in the manifest's terms.
pub(crate) fn end_of(status: &ExitStatus) -> MachineEnd {
    MachineEnd::from_os(status.code(), status.signal())
}
