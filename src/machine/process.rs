//! A machine process's life: read its config, build the mesh, tick, stop without losing anything.

use std::process::ExitCode;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::io::BufReader;
use tokio::net::TcpListener;
use tokio::sync::{mpsc, watch};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tracing_subscriber::prelude::*;

use super::clock::{peers_of, VectorClock};
use super::commands;
use super::log_layer::{LogSink, ModelLogLayer};
use super::mesh::{self, Identity};
use super::restore::Restored;
use super::tick::{LiveStatus, TickLoop};
use crate::control::{self, FromMachine, MachineConfig, StopReport, ToMachine};
use crate::fault::LinkState;
use crate::log_format::{self, emit, Event};
use crate::scenario::machine_rng;

/// How often the machine reports its status to the supervisor and flushes its log.
const STATUS_EVERY: Duration = Duration::from_millis(100);
/// How long, after it stops ticking, a machine waits for its peers to close their connections.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(5);

/// Entry point of the hidden machine subcommand. Talks to the supervisor on stdin/stdout.
pub fn main() -> ExitCode {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("failed to build the tokio runtime");
    let code = runtime.block_on(async {
        let (out_tx, out_rx) = mpsc::unbounded_channel();
        let writer = tokio::spawn(write_control(out_rx));
        let code = match run(out_tx.clone()).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                let message = format!("{e:#}");
                eprintln!("logiclock machine: {message}");
                let _ = out_tx.send(FromMachine::Failed { message });
                ExitCode::FAILURE
            }
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
        let last = matches!(msg, FromMachine::Stopped(_) | FromMachine::Failed { .. });
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
    let diagnostics = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_filter(tracing_subscriber::filter::filter_fn(|m| {
            m.target() != log_format::TARGET && *m.level() <= tracing::Level::WARN
        }));
    tracing_subscriber::registry()
        .with(ModelLogLayer::new(config.id, sink.clone()))
        .with(diagnostics)
        .init();

    let result = run_logged(&config, restored, stdin, &out, &sink).await;
    if let Err(e) = &result {
        emit(&Event::Warning {
            message: format!("machine failed: {e:#}"),
        });
    }
    sink.flush()
        .with_context(|| format!("failed to flush {}", log_path.display()))?;
    let report = result?;
    let _ = out.send(FromMachine::Stopped(report));
    Ok(())
}

/// Everything after the log is open; any error still gets the log flushed by the caller.
async fn run_logged(
    config: &MachineConfig,
    restored: Restored,
    stdin: BufReader<tokio::io::Stdin>,
    out: &mpsc::UnboundedSender<FromMachine>,
    sink: &LogSink,
) -> anyhow::Result<StopReport> {
    use anyhow::Context;
    let me = Identity {
        id: config.id,
        machines: config.machines,
        secret: config.secret,
    };
    let listener = TcpListener::bind(config.listen).await.with_context(|| {
        format!(
            "machine {} failed to listen on {}",
            config.id, config.listen
        )
    })?;
    let addr = listener.local_addr()?;
    let _ = out.send(FromMachine::Listening { addr });

    // How this machine sends to each peer (indexed by peer id); faults change it.
    let (links, mut link_rxs): (Vec<_>, Vec<_>) = (0..config.machines)
        .map(|_| watch::channel(LinkState::default()))
        .map(|(tx, rx)| (tx, Some(rx)))
        .unzip();
    let links = Arc::new(links);
    // News about each peer (dead, or restarted with a new connection), for its link task.
    let (link_commands, mut link_command_rxs): (Vec<_>, Vec<_>) = (0..config.machines)
        .map(|_| mpsc::unbounded_channel())
        .map(|(tx, rx)| (tx, Some(rx)))
        .unzip();

    // The control channel: `stop` or the end of stdin cancel `stop`; faults are applied there;
    // the rest comes to `ctrl_rx`.
    let stop = CancellationToken::new();
    let (ctrl_tx, mut ctrl_rx) = mpsc::unbounded_channel();
    tokio::spawn(commands::read(
        stdin,
        commands::Targets {
            me,
            stop: stop.clone(),
            out: out.clone(),
            links: links.clone(),
            link_commands,
            forward: ctrl_tx,
        },
    ));

    let (inbox_tx, inbox) = mpsc::unbounded_channel();
    let (connected_tx, mut connected_rx) = mpsc::unbounded_channel();
    let readers = TaskTracker::new();
    let accepting = stop.child_token();
    tokio::spawn(mesh::accept_loop(
        listener,
        me,
        inbox_tx,
        connected_tx,
        readers.clone(),
        accepting.clone(),
    ));

    // Dial every peer once the supervisor has told us where they listen.
    // `biased`: a stop (or the supervisor gone, which also closes `ctrl_rx`) wins.
    let addrs = tokio::select! {
        biased;
        _ = stop.cancelled() => None,
        msg = ctrl_rx.recv() => match msg {
            Some(commands::Control::Peers(addrs)) => Some(addrs),
            Some(_) => anyhow::bail!("expected the peers' addresses"),
            None => None,
        },
    };
    let peers = peers_of(config.id, config.machines);
    let writers = TaskTracker::new();
    let mut outboxes = Vec::with_capacity(peers.len());
    if let Some(addrs) = addrs {
        anyhow::ensure!(
            addrs.len() == config.machines as usize,
            "got {} peer addresses for {} machines",
            addrs.len(),
            config.machines
        );
        // Dial every peer that is there (all of them, unless this is a restart after which
        // some peer is gone); a peer that is not gets a link that drops until it rejoins.
        let live: Vec<u32> = peers
            .iter()
            .copied()
            .filter(|&p| addrs[p as usize].is_some())
            .collect();
        let dials = live.iter().map(|&p| {
            let addr = addrs[p as usize].expect("filtered on live peers");
            mesh::dial(addr, me, p)
        });
        let dialed = tokio::select! {
            biased;
            _ = stop.cancelled() => Vec::new(),
            dialed = futures::future::try_join_all(dials) => dialed?,
        };
        let mut dialed: Vec<_> = dialed.into_iter().map(Some).collect();
        for &peer in &peers {
            let framed = live
                .iter()
                .position(|&p| p == peer)
                .and_then(|i| dialed.get_mut(i).and_then(Option::take));
            let (tx, rx) = mpsc::unbounded_channel();
            let link = link_rxs[peer as usize]
                .take()
                .expect("one link task per peer");
            let commands = link_command_rxs[peer as usize]
                .take()
                .expect("one link task per peer");
            writers.spawn(mesh::link_loop(framed, peer, rx, link, commands));
            outboxes.push(tx);
        }
        // Wait until every live peer has dialed us too.
        let mut incoming = 0;
        while incoming < live.len() {
            tokio::select! {
                _ = stop.cancelled() => break,
                peer = connected_rx.recv() => match peer {
                    Some(_) => incoming += 1,
                    None => anyhow::bail!("stopped accepting before the mesh was complete"),
                },
            }
        }
        if !stop.is_cancelled() {
            let _ = out.send(FromMachine::MeshReady);
        }
    }

    let start_at = tokio::select! {
        biased;
        _ = stop.cancelled() => None,
        msg = ctrl_rx.recv() => match msg {
            Some(commands::Control::Start(at)) => Some(at),
            Some(_) => anyhow::bail!("expected the start message"),
            None => None,
        },
    };

    let status = Arc::new(LiveStatus::default());
    let reporter_done = CancellationToken::new();
    let reporter = tokio::spawn(report_status(
        status.clone(),
        out.clone(),
        sink.clone(),
        reporter_done.clone(),
    ));

    let period = Duration::from_nanos(config.interval_ns);
    let tick_loop = TickLoop {
        id: config.id,
        peers,
        die: config.die,
        rng: machine_rng(config.seed, config.id, config.incarnation),
        period,
        inbox,
        outboxes,
        status,
        clock: restored.clock,
        vclock: VectorClock::restored(config.id, config.machines, &restored.vc),
        last_tick: restored.last_tick,
    };
    let outcome = match start_at {
        Some(at_unix_us) => {
            let start = instant_at(at_unix_us);
            // The start line marks the start of the schedule: tick 1 is due right after it.
            // (After a restart the schedule began long ago, and the machine joins it.)
            tokio::time::sleep_until(start).await;
            emit(&Event::Start {
                format: log_format::FORMAT_VERSION,
                rate: config.rate,
                interval_us: period.as_micros() as u64,
                machines: config.machines,
                incarnation: config.incarnation,
            });
            tick_loop.run(start, stop.clone()).await
        }
        // Stopped before the start: run no tick, but still account for the inbox.
        None => {
            stop.cancel();
            tick_loop
                .run(tokio::time::Instant::now(), stop.clone())
                .await
        }
    };

    // Stop: every link back to normal, so held messages go out; our writers close their
    // connections; then read every peer's connection to its end.
    for link in links.iter() {
        link.send_replace(LinkState::default());
    }
    accepting.cancel();
    writers.close();
    readers.close();
    let drained = tokio::time::timeout(DRAIN_TIMEOUT, async {
        writers.wait().await;
        readers.wait().await;
    })
    .await;
    if drained.is_err() {
        emit(&Event::Warning {
            message: format!(
                "peers did not close their connections within {DRAIN_TIMEOUT:?}; counting the queue now"
            ),
        });
    }
    let queue = outcome.inbox.len() as u64;
    reporter_done.cancel();
    let _ = reporter.await;

    let (cpu_ms, max_rss_kb) = resource_usage();
    let report = StopReport {
        lamport: outcome.clock.value(),
        queue,
        ticks: outcome.last_tick,
        skipped: outcome.skipped,
        sent: outcome.sent,
        received: outcome.received,
        cpu_ms,
        max_rss_kb,
    };
    emit(&Event::Stop {
        lamport: report.lamport,
        queue: report.queue,
        ticks: report.ticks,
        skipped: report.skipped,
        cpu_ms,
        max_rss_kb,
    });
    Ok(report)
}

/// Send the tick loop's figures to the supervisor and flush the log, every [`STATUS_EVERY`].
async fn report_status(
    status: Arc<LiveStatus>,
    out: mpsc::UnboundedSender<FromMachine>,
    sink: LogSink,
    done: CancellationToken,
) {
    let mut every = tokio::time::interval(STATUS_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = done.cancelled() => return,
            _ = every.tick() => {}
        }
        let _ = out.send(FromMachine::Status {
            tick: status.tick.load(Ordering::Relaxed),
            lamport: status.lamport.load(Ordering::Relaxed),
            queue: status.queue.load(Ordering::Relaxed),
        });
        if let Err(e) = sink.flush() {
            tracing::warn!("failed to flush the machine log: {e}");
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

/// CPU time (user + system, ms) and peak resident memory (KiB) of this process.
fn resource_usage() -> (u64, u64) {
    // SAFETY: getrusage only writes into the struct we pass it.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        if libc::getrusage(libc::RUSAGE_SELF, &mut usage) != 0 {
            return (0, 0);
        }
        usage
    };
    let ms = |t: libc::timeval| t.tv_sec as u64 * 1000 + t.tv_usec as u64 / 1000;
    (
        ms(usage.ru_utime) + ms(usage.ru_stime),
        usage.ru_maxrss as u64,
    )
}
