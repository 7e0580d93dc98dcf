//! A machine process's life: read its config and open its log, then run its phases in order:
//! listen and mesh ([`super::connect`]), start, tick, and [`super::shutdown`], which stops
//! without losing anything.

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::io::BufReader;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::commands::{self, ControlChannel};
use super::connect::{listen, mesh, Accepting};
use super::log_writer::{LogFailure, LogSink, MachineLog};
use super::mesh::Identity;
use super::restore::Restored;
use super::shutdown::Shutdown;
use super::status::Reporter;
use super::tick::{LiveStatus, TickLoop, TickOutcome};
use super::ticker::Timer;
use crate::control::{self, FromMachine, MachineConfig, ToMachine};
use crate::log_format::{self, Event};
use crate::model::machine::StopReport;
use crate::model::physical::PhysicalClock;
use crate::model::{Machine, MachineSpec};

/// Entry point of the hidden machine subcommand. Talks to the supervisor on stdin/stdout.
pub(crate) fn main() -> ExitCode {
    // If the supervisor dies, a machine it had paused (SIGSTOP, a fault or Ctrl-Z) is woken, so
    // that it sees its control pipe close and stops cleanly like the others (else the kernel's
    // SIGHUP to a stopped, orphaned process group kills it mid-log). Asked here, after exec,
    // rather than in the supervisor's `pre_exec` hook, which is `unsafe`: no machine is paused
    // before it ticks, and one whose supervisor is already gone sees its pipe closed anyway.
    let _ = nix::sys::prctl::set_pdeathsig(nix::sys::signal::Signal::SIGCONT);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("failed to build the tokio runtime");
    let code = runtime.block_on(async {
        let (out_tx, out_rx) = mpsc::unbounded_channel();
        let writer = tokio::spawn(write_control(out_rx));
        let code = match run(out_tx.clone()).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => match e.downcast::<LogFailure>() {
                Ok(LogFailure { dir, error }) => {
                    let _ = out_tx.send(FromMachine::LogFailed { dir, error });
                    ExitCode::from(control::EXIT_LOG_FAILED)
                }
                Err(e) => {
                    let message = format!("{e:#}");
                    // Not eprintln!: it panics when stderr cannot be written (a full disk).
                    let _ = writeln!(std::io::stderr(), "logiclock machine: {message}");
                    let _ = out_tx.send(FromMachine::Failed { message });
                    ExitCode::FAILURE
                }
            },
        };
        drop(out_tx);
        let _ = writer.await;
        code
    });
    // tokio reads stdin on a blocking thread that a plain drop would wait for.
    runtime.shutdown_background();
    code
}

/// Write control messages to stdout, in order, until the last one (`stopped` or `failed`) is
/// out or every sender is gone.
async fn write_control(mut rx: mpsc::UnboundedReceiver<FromMachine>) {
    let mut stdout = tokio::io::stdout();
    while let Some(msg) = rx.recv().await {
        let last = matches!(
            msg,
            FromMachine::Stopped(_) | FromMachine::Failed { .. } | FromMachine::LogFailed { .. }
        );
        // The supervisor may be gone; the machine still stops cleanly and flushes its log.
        if control::send(&mut stdout, &msg).await.is_err() || last {
            break;
        }
    }
}

async fn run(out: mpsc::UnboundedSender<FromMachine>) -> anyhow::Result<()> {
    use anyhow::Context;
    let mut stdin = BufReader::new(tokio::io::stdin());
    let config: MachineConfig = match control::recv(&mut stdin).await? {
        Some(ToMachine::Config(config)) => config,
        Some(other) => anyhow::bail!("expected a config message first, got {other:?}"),
        None => anyhow::bail!("the supervisor closed the control channel before the config"),
    };
    // exec named the process "exe" after /proc/self/exe; `top` and `ps -o comm` show this
    // instead (at most 15 bytes: "logiclock m63" fits). A name is a nicety, never a failure.
    let name = std::ffi::CString::new(format!("logiclock m{}", config.id)).expect("no NUL in it");
    let _ = nix::sys::prctl::set_name(&name);
    // Linux lets a sleeping thread wake up to 50 us late by default ("timer slack", to batch
    // wake-ups); a model machine wants its ticks on time, so it asks for the least.
    let _ = nix::sys::prctl::set_timerslack(1);

    let log_path = config.run_dir.join(log_format::log_file_name(config.id));
    // A restarted machine goes on from what its log says it had done.
    let (restored, sink) = if config.incarnation == 0 {
        let sink = LogSink::create(&log_path)
            .with_context(|| format!("failed to create {}", log_path.display()))?;
        (Restored::default(), sink)
    } else {
        let restored = Restored::from_log(&log_path, config.id)
            .with_context(|| format!("failed to read {} to restart", log_path.display()))?;
        let sink = LogSink::append(&log_path)
            .with_context(|| format!("failed to open {}", log_path.display()))?;
        (restored, sink)
    };
    // Diagnostics only (the model's lines go through `log`, never through tracing).
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(tracing::Level::WARN)
        .init();
    let log = MachineLog::new(config.id, sink.clone());
    // A log that reaches its share of `--max-log-size` asks the supervisor to stop the run.
    sink.set_share(config.log_share);
    let capped = {
        let (sink, out) = (sink.clone(), out.clone());
        tokio::spawn(async move {
            sink.share_reached().await;
            let _ = out.send(FromMachine::LogCapReached);
        })
    };

    // A log that cannot be written ends the machine at once, whatever phase it is in: a model
    // whose log is incomplete is worthless. Its tasks end with the process.
    let result = tokio::select! {
        biased;
        failure = sink.failed() => return Err(failure.into()),
        result = run_logged(&config, restored, stdin, &out, &sink, &log) => result,
    };
    capped.abort();
    if let Some(failure) = sink.failure() {
        return Err(failure.into());
    }
    if let Err(e) = &result {
        log.write(Event::Warning {
            message: format!("machine failed: {e:#}"),
        });
    }
    sink.flush()
        .with_context(|| format!("failed to flush {}", log_path.display()))?;
    let report = result?;
    let _ = out.send(FromMachine::Stopped(report));
    Ok(())
}

/// Everything after the log is open, phase by phase: listen, mesh, start, tick, shutdown. Any
/// error still gets the log flushed by the caller.
async fn run_logged(
    config: &MachineConfig,
    restored: Restored,
    stdin: BufReader<tokio::io::Stdin>,
    out: &mpsc::UnboundedSender<FromMachine>,
    sink: &LogSink,
    log: &MachineLog,
) -> anyhow::Result<StopReport> {
    use anyhow::Context;
    let me = Identity {
        id: config.id,
        machines: config.machines,
        secret: config.secret,
    };
    let listener = listen(config, out).await?;
    let mut control = ControlChannel::follow(me, stdin, out, log.clone());
    let Accepting {
        inbox,
        mut connected,
        readers,
        cancel: accepting,
    } = Accepting::spawn(listener, me, &control.stop, log.clone());
    let mesh = mesh(config, me, &mut control, &mut connected, out).await?;
    let start_at = start(&mut control).await?;

    let status = Arc::new(LiveStatus::default());
    let reporter = Reporter::spawn(status.clone(), out.clone(), sink.clone());
    let who = MachineSpec {
        id: config.id,
        machines: config.machines,
        rate: config.rate,
        period_ns: config.interval_ns,
        die: config.die,
        seed: config.seed,
        incarnation: config.incarnation,
        physical: PhysicalClock::of(config.physical_clock.as_ref(), config.seed, config.id),
    };
    let tick_loop = TickLoop {
        machine: Machine::restored(who, restored.clock, &restored.vc, restored.last_tick)
            .with_hlc(restored.hlc),
        period: Duration::from_nanos(config.interval_ns),
        run_ns: config.run_ns,
        timer: Timer::precise().context("failed to create the tick timer")?,
        inbox,
        outboxes: mesh.outboxes,
        status,
        log: log.clone(),
    };
    let outcome = tick(config, tick_loop, start_at, &control.stop).await;

    let shutdown = Shutdown {
        links: control.links,
        accepting,
        writers: mesh.writers,
        readers,
        reporter,
        log: log.clone(),
    };
    Ok(shutdown.run(outcome).await)
}

/// The start phase: the system time (µs since the epoch) at which to start ticking, or `None`
/// when stopped first.
async fn start(control: &mut ControlChannel) -> anyhow::Result<Option<u64>> {
    match control.next().await {
        Some(commands::Control::Start(at)) => Ok(Some(at)),
        Some(_) => anyhow::bail!("expected the start message"),
        None => Ok(None),
    }
}

/// The tick phase: wait for the start, write the `start` line, tick until stopped.
async fn tick(
    config: &MachineConfig,
    mut tick_loop: TickLoop,
    start_at: Option<u64>,
    stop: &CancellationToken,
) -> TickOutcome {
    match start_at {
        Some(at_unix_us) => {
            let start = instant_at(at_unix_us);
            // The start line marks the start of the schedule: tick 1 is due right after it.
            // (After a restart the schedule began long ago, and the machine joins it.)
            if let Err(e) = tick_loop.timer.sleep_until(start).await {
                // The tick loop reports the timer's failure and falls back to tokio's.
                tracing::warn!("the tick timer failed before the start: {e}");
                tokio::time::sleep_until(start).await;
            }
            tick_loop.log.write(tick_loop.machine.start_line());
            tick_loop.run(start, stop.clone()).await
        }
        // Stopped before the start: run no tick, but still account for the inbox.
        None => {
            // A restarted process stopped this early (a restart just before the end of the
            // run) still says it is a new process in the log it shares with the killed one:
            // without this line the log would read as one process that never died, and what
            // died in the old process's inbox would look lost without a reason.
            if config.incarnation > 0 {
                tick_loop.log.write(tick_loop.machine.start_line());
            }
            stop.cancel();
            tick_loop
                .run(tokio::time::Instant::now(), stop.clone())
                .await
        }
    }
}

/// The tokio instant at which the system clock reads (or read) `at_unix_us`.
fn instant_at(at_unix_us: u64) -> tokio::time::Instant {
    let target = UNIX_EPOCH + Duration::from_micros(at_unix_us);
    let now = tokio::time::Instant::now();
    let system_now = SystemTime::now();
    match target.duration_since(system_now) {
        Ok(ahead) => now + ahead,
        Err(_) => {
            let behind = system_now
                .duration_since(target)
                .expect("the target is in the past");
            now.checked_sub(behind).unwrap_or(now)
        }
    }
}
