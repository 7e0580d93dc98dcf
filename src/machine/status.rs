//! The status reporter: the tick loop's figures to the supervisor, and a log flush, every
//! [`STATUS_EVERY`] while the machine ticks.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::log_writer::LogSink;
use super::tick::LiveStatus;
use crate::control::FromMachine;

/// How often the machine reports its status to the supervisor and flushes its log.
pub(crate) const STATUS_EVERY: Duration = Duration::from_millis(100);

/// The running reporter task.
pub(crate) struct Reporter {
    done: CancellationToken,
    task: JoinHandle<()>,
}

impl Reporter {
    /// Start reporting `status` on `out` and flushing `sink`.
    pub(crate) fn spawn(
        status: Arc<LiveStatus>,
        out: mpsc::UnboundedSender<FromMachine>,
        sink: LogSink,
    ) -> Reporter {
        let done = CancellationToken::new();
        let task = tokio::spawn(report_status(status, out, sink, done.clone()));
        Reporter { done, task }
    }

    /// Stop reporting, and wait until a report or flush under way is finished.
    pub(crate) async fn stop(self) {
        self.done.cancel();
        let _ = self.task.await;
    }
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
