//! The shutdown phase, once the tick loop has stopped: cancel, then wait, then count.
//!
//! 1. Every link goes back to normal, so messages held by a delay or a partition go out.
//! 2. The accept loop is cancelled; the link tasks, whose queues the tick loop closed, write what
//!    is left, then flush and close their connections (each within `mesh::CLOSE_TIMEOUT`).
//! 3. The machine waits on both task trackers, at most [`DRAIN_TIMEOUT`]: its writers closing, and
//!    its readers reading every peer's connection to its end, so a message in flight is in the
//!    inbox before the queue is counted.
//! 4. The status reporter stops, and the `stop` line is written.
//!
//! Nothing is aborted: a reader still holding an open connection after [`DRAIN_TIMEOUT`] is
//! reported with a warning, and the queue is counted as it stands.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use super::link::Setting;
use super::log_writer::MachineLog;
use super::status::Reporter;
use super::tick::TickOutcome;
use crate::fault::LinkState;
use crate::log_format::Event;
use crate::model::machine::stop_line;
use crate::model::machine::StopReport;

/// How long, after it stops ticking, a machine waits for its peers to close their connections.
pub(crate) const DRAIN_TIMEOUT: Duration = Duration::from_secs(5);

/// What the shutdown phase stops and waits for.
pub(crate) struct Shutdown {
    /// How this machine sends to each peer, by peer id.
    pub links: Arc<Vec<watch::Sender<Setting>>>,
    /// Cancels the accept loop.
    pub accepting: CancellationToken,
    /// The link tasks, one per peer, which write and close the outgoing connections.
    pub writers: TaskTracker,
    /// The reader tasks, one per accepted connection, which fill the inbox.
    pub readers: TaskTracker,
    pub reporter: Reporter,
    /// Where the `stop` line and any warning go.
    pub log: MachineLog,
}

impl Shutdown {
    /// Stop everything in order, then write the `stop` line; returns what it says.
    pub(crate) async fn run(self, outcome: TickOutcome) -> StopReport {
        // Stop: every link back to normal, so held messages go out; our writers close their
        // connections; then read every peer's connection to its end.
        for link in self.links.iter() {
            link.send_replace(Setting::now(LinkState::default()));
        }
        self.accepting.cancel();
        drain(&self.writers, &self.readers, &self.log).await;
        let queue = outcome.inbox.len() as u64;
        self.reporter.stop().await;
        let (cpu_ms, max_rss_kb) = resource_usage();
        let report = outcome.machine.report(queue, cpu_ms, max_rss_kb);
        self.log.write(stop_line(&report));
        report
    }
}

/// Close both trackers and wait for their tasks to end, at most [`DRAIN_TIMEOUT`].
async fn drain(writers: &TaskTracker, readers: &TaskTracker, log: &MachineLog) {
    writers.close();
    readers.close();
    let drained = tokio::time::timeout(DRAIN_TIMEOUT, async {
        writers.wait().await;
        readers.wait().await;
    })
    .await;
    if drained.is_err() {
        log.write(Event::Warning {
            message: format!(
                "peers did not close their connections within {DRAIN_TIMEOUT:?}; counting the queue now"
            ),
        });
    }
}

/// CPU time (user + system, ms) and peak resident memory (KiB) of this process.
fn resource_usage() -> (u64, u64) {
    use nix::sys::resource::{getrusage, UsageWho};
    use nix::sys::time::TimeValLike;
    let Ok(usage) = getrusage(UsageWho::RUSAGE_SELF) else {
        return (0, 0);
    };
    let ms = |t: nix::sys::time::TimeVal| u64::try_from(t.num_milliseconds()).unwrap_or(0);
    (
        ms(usage.user_time()) + ms(usage.system_time()),
        u64::try_from(usage.max_rss()).unwrap_or(0),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_reports_its_peak_memory() {
        let (_, max_rss_kb) = resource_usage();
        assert!(max_rss_kb > 0, "a running process holds some memory");
    }
    use crate::machine::log_writer::LogSink;
    use crate::machine::mesh::Incoming;
    use crate::machine::tick::LiveStatus;
    use crate::model::link::PartitionMode;
    use crate::model::{Machine, MachineSpec, Waiting};
    use tokio::sync::mpsc;

    struct Harness {
        shutdown: Shutdown,
        inbox_tx: mpsc::UnboundedSender<Incoming>,
        outcome: TickOutcome,
        link: watch::Receiver<Setting>,
        _dir: tempfile::TempDir,
    }

    /// A machine that stopped ticking (see [`machine`]) with peer 1's link cut.
    fn harness() -> Harness {
        let dir = tempfile::tempdir().unwrap();
        let sink = LogSink::create(&dir.path().join("machine-0.log")).unwrap();
        let (out, _) = mpsc::unbounded_channel();
        let log = MachineLog::new(0, sink.clone());
        let reporter = Reporter::spawn(Arc::new(LiveStatus::default()), out, sink);
        let (links, mut rxs): (Vec<_>, Vec<_>) = (0..2)
            .map(|_| watch::channel(Setting::now(LinkState::default())))
            .unzip();
        links[1].send_replace(Setting::now(LinkState {
            block: Some(PartitionMode::Hold),
            ..LinkState::default()
        }));
        let (inbox_tx, inbox) = mpsc::unbounded_channel();
        Harness {
            shutdown: Shutdown {
                links: Arc::new(links),
                accepting: CancellationToken::new(),
                writers: TaskTracker::new(),
                readers: TaskTracker::new(),
                reporter,
                log,
            },
            inbox_tx,
            outcome: TickOutcome {
                machine: machine(),
                inbox,
            },
            link: rxs.remove(1),
            _dir: dir,
        }
    }

    /// Machine 0 of 2 that stopped at Lamport 9 after tick 11, having received 4 messages,
    /// skipped 2 slots and sent 5 messages.
    fn machine() -> Machine {
        let who = MachineSpec {
            id: 0,
            machines: 2,
            rate: 10,
            period_ns: 100_000_000,
            // Every roll sends to the one peer.
            die: 1,
            seed: 1,
            incarnation: 0,
            physical: crate::model::physical::PhysicalClock::perfect(),
        };
        let mut m = Machine::new(who);
        let vc = [0, 0];
        let from_peer = |left| Waiting {
            from: 1,
            lamport: 0,
            vc: &vc,
            hlc: crate::log_format::Hlc::default(),
            left,
        };
        for tick in 1..=4 {
            m.tick(tick, 0, Some(from_peer(0)));
        }
        // Ticks 5 and 6 skipped.
        for tick in 7..=11 {
            m.tick(tick, 0, None);
        }
        m
    }

    fn message() -> Incoming {
        Incoming {
            from: 1,
            lamport: 3,
            hlc: crate::log_format::Hlc::default(),
            vc: vec![0, 3],
        }
    }

    #[tokio::test(start_paused = true)]
    async fn the_queue_is_counted_after_every_reader_has_finished() {
        let h = harness();
        for delay_ms in [10, 400] {
            let inbox = h.inbox_tx.clone();
            h.shutdown.readers.spawn(async move {
                tokio::time::sleep(Duration::from_millis(delay_ms)).await;
                let _ = inbox.send(message());
            });
        }
        let cancelled = h.shutdown.accepting.clone();
        let report = h.shutdown.run(h.outcome).await;
        assert_eq!(report.queue, 2);
        assert_eq!((report.lamport, report.ticks, report.skipped), (9, 11, 2));
        assert_eq!((report.sent, report.received), (5, 4));
        assert!(
            cancelled.is_cancelled(),
            "the accept loop was not cancelled"
        );
        assert_eq!(
            h.link.borrow().state,
            LinkState::default(),
            "a cut link stayed cut"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_reader_that_never_ends_delays_the_stop_by_the_drain_timeout_only() {
        let h = harness();
        let inbox = h.inbox_tx.clone();
        h.shutdown.readers.spawn(async move {
            let _ = inbox.send(message());
            std::future::pending::<()>().await;
        });
        let began = tokio::time::Instant::now();
        let report = h.shutdown.run(h.outcome).await;
        assert_eq!(report.queue, 1);
        let waited = began.elapsed();
        assert!(
            waited >= DRAIN_TIMEOUT && waited < DRAIN_TIMEOUT + Duration::from_secs(1),
            "waited {waited:?}"
        );
    }
}
