//! The link task: one peer's outbox written to its connection through the link's faults (a
//! delay with jitter, a partition that holds or drops), with every message it cannot deliver
//! logged as `dropped`.
//!
//! What a fault does to a message is the model's ([`model::Link`](crate::model::Link)), shared
//! with the twin; this task only wires it to `tokio`: it puts each message from the outbox on
//! the model's link as it comes, tells the link of every change of its setting, sleeps until the
//! next release and writes what is due to the socket.

use futures::SinkExt;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use tokio::net::TcpStream;
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;
use tokio_util::codec::Framed;

use super::log_writer::MachineLog;
use super::mesh::{LinkCommand, Outgoing, CLOSE_TIMEOUT};
use super::wire::{Message, MessageCodec};
use crate::fault::LinkState;
use crate::log_format::{DropReason, Event};
use crate::model::{Fate, Link, Wire};

/// How the machine sends to one peer from an instant on: a message queued before `since` still
/// goes by the setting before, as in the twin, however late the link task sees the change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Setting {
    /// The link's state from `since` on.
    pub state: LinkState,
    /// When the machine was told of it.
    pub since: Instant,
}

impl Setting {
    /// `state`, from now on.
    pub(crate) fn now(state: LinkState) -> Setting {
        Setting {
            state,
            since: Instant::now(),
        }
    }
}

/// Write the messages queued for `peer` until the queue closes, then write what the link still
/// holds, flush and close the connection, so the peer reads it to its end.
///
/// `setting` says how to treat messages on the way (a delay, a partition) and from when; a
/// message goes by the setting in force when it was queued. The machine resets it to normal when
/// it stops, and what is still on the link when the queue closes is written at once, so held and
/// delayed messages are delivered before the connection closes. When the connection
/// fails the peer is gone: messages are dropped (and logged) until a [`LinkCommand::Connect`]
/// brings a connection to the peer's next process. [`LinkCommand::Gone`] says the same when the
/// supervisor learns of a death before a write fails.
pub(crate) async fn link_loop(
    framed: Option<Framed<TcpStream, MessageCodec>>,
    peer: u32,
    mut outbox: mpsc::UnboundedReceiver<Outgoing>,
    mut setting: watch::Receiver<Setting>,
    mut commands: mpsc::UnboundedReceiver<LinkCommand>,
    log: MachineLog,
) {
    let mut writer = Writer {
        conn: framed,
        peer,
        log,
        unflushed: Vec::new(),
    };
    // The TCP connection is the wire: the model adds only what the faults add.
    let mut link: Link<Instant, Message> = Link::new(Wire::default());
    let mut jitter = ChaCha8Rng::seed_from_u64(rand::random());
    let mut watching = true;
    loop {
        let next = link.next_release();
        tokio::select! {
            out = outbox.recv() => match out {
                Some(out) => put_on_link(&mut link, &setting, &writer, out, &mut jitter),
                None => break,
            },
            Some(command) = commands.recv() => {
                writer.reconnect(command);
                continue;
            }
            changed = setting.changed(), if watching => {
                // The machine holds the sender for its whole life; without it nothing changes.
                watching = changed.is_ok();
                setting.mark_unchanged();
            }
            _ = sleep_until(next), if next.is_some() => {}
        }
        // Take what else is queued without waiting, so a burst goes out in one flush.
        while let Ok(out) = outbox.try_recv() {
            put_on_link(&mut link, &setting, &writer, out, &mut jitter);
        }
        // Every message queued before the change is on the link: the change takes effect.
        follow(&setting, None, &mut link, &mut jitter);
        let now = Instant::now();
        writer.write(std::iter::from_fn(|| link.pop_due(now))).await;
    }
    // No time is left to wait for: what the link still holds goes now, in order.
    writer.write(link.drain()).await;
    writer.close().await;
}

/// Sleep until `at`; never called without one.
async fn sleep_until(at: Option<Instant>) {
    if let Some(at) = at {
        tokio::time::sleep_until(at).await;
    }
}

/// Bring the model's link to the setting the machine last gave it, if that changed before
/// `queued` (or at all, without a message to order it against).
fn follow(
    setting: &watch::Receiver<Setting>,
    queued: Option<Instant>,
    link: &mut Link<Instant, Message>,
    jitter: &mut ChaCha8Rng,
) {
    let latest = *setting.borrow();
    let before = queued.is_none_or(|queued| latest.since <= queued);
    if latest.state != link.setting() && before {
        link.set(latest.state, latest.since, jitter);
    }
}

/// Put a message from the outbox on the link, by the setting it was sent under, logging it if
/// the link drops it.
fn put_on_link(
    link: &mut Link<Instant, Message>,
    setting: &watch::Receiver<Setting>,
    writer: &Writer,
    out: Outgoing,
    jitter: &mut ChaCha8Rng,
) {
    follow(setting, Some(out.queued), link, jitter);
    if let Fate::Dropped { msg, reason } = link.send(out.msg, out.queued, jitter) {
        writer.dropped(&msg, reason);
    }
}

/// The connection to the peer's current process, if there is one, and what was fed to it but
/// not yet flushed.
struct Writer {
    conn: Option<Framed<TcpStream, MessageCodec>>,
    peer: u32,
    /// Where `dropped`, `peer_gone` and warning lines go.
    log: MachineLog,
    unflushed: Vec<Message>,
}

impl Writer {
    /// Take the supervisor's news of the peer: a new connection, or none.
    fn reconnect(&mut self, command: LinkCommand) {
        // What the old connection had not flushed never reached the old process.
        for msg in std::mem::take(&mut self.unflushed) {
            self.dropped(&msg, DropReason::PeerGone);
        }
        self.conn = match command {
            LinkCommand::Connect(new) => Some(new),
            LinkCommand::Gone => None,
        };
    }

    /// Write `msgs` in order and flush them; with no connection, each is dropped.
    async fn write(&mut self, msgs: impl Iterator<Item = Message>) {
        let mut fed = false;
        for msg in msgs {
            let Some(framed) = self.conn.as_mut() else {
                self.dropped(&msg, DropReason::PeerGone);
                continue;
            };
            self.unflushed.push(msg.clone());
            fed = true;
            if let Err(e) = framed.feed(msg).await {
                self.failed(e);
            }
        }
        if !fed {
            return;
        }
        let Some(framed) = self.conn.as_mut() else {
            return;
        };
        match framed.flush().await {
            Ok(()) => self.unflushed.clear(),
            Err(e) => self.failed(e),
        }
    }

    /// The connection failed: the peer is gone, and with it everything not yet handed to the
    /// socket; say so, message by message.
    fn failed(&mut self, e: impl std::fmt::Display) {
        self.log.write(Event::PeerGone {
            peer: self.peer,
            reason: format!("send failed: {e}"),
        });
        for msg in std::mem::take(&mut self.unflushed) {
            self.dropped(&msg, DropReason::PeerGone);
        }
        self.conn = None;
    }

    /// Flush and close the connection, bounded by [`CLOSE_TIMEOUT`].
    async fn close(self) {
        let (Some(mut framed), peer, log) = (self.conn, self.peer, self.log) else {
            return;
        };
        let close = async {
            framed.flush().await?;
            framed.close().await
        };
        match tokio::time::timeout(CLOSE_TIMEOUT, close).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => log.write(Event::Warning {
                message: format!("failed to close the connection to machine {peer}: {e}"),
            }),
            Err(_) => log.write(Event::Warning {
                message: format!("closing the connection to machine {peer} timed out"),
            }),
        }
    }
}

impl Writer {
    /// Log a model message to the peer that will never arrive.
    fn dropped(&self, msg: &Message, reason: DropReason) {
        if let Message::Clock { lamport, .. } = msg {
            self.log.write(Event::Dropped {
                to: vec![self.peer],
                lamport: *lamport,
                reason,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use futures::StreamExt;
    use tokio::net::TcpListener;

    use super::*;
    use crate::machine::log_writer::LogSink;
    use crate::model::link::PartitionMode;

    /// Both ends of a loopback connection speaking the wire codec.
    async fn connection() -> (
        Framed<TcpStream, MessageCodec>,
        Framed<TcpStream, MessageCodec>,
    ) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (dialled, accepted) = tokio::join!(TcpStream::connect(addr), listener.accept());
        let framed = |stream| Framed::new(stream, MessageCodec::default());
        (framed(dialled.unwrap()), framed(accepted.unwrap().0))
    }

    fn clock(lamport: u64) -> Outgoing {
        Outgoing {
            msg: Message::Clock {
                from: 0,
                lamport,
                hlc: crate::log_format::Hlc::default(),
                vc: vec![lamport, 0],
            },
            queued: Instant::now(),
        }
    }

    /// The Lamport clock of the next frame the peer reads, `None` at the end of the connection.
    async fn next_clock(peer: &mut Framed<TcpStream, MessageCodec>) -> Option<u64> {
        match peer.next().await?.unwrap() {
            Message::Clock { lamport, .. } => Some(lamport),
            other => panic!("unexpected frame {other:?}"),
        }
    }

    /// A link task for peer 1 over a fresh connection: its outbox, setting and the peer's end.
    async fn link_task(
        setting: LinkState,
    ) -> (
        mpsc::UnboundedSender<Outgoing>,
        watch::Sender<Setting>,
        Framed<TcpStream, MessageCodec>,
    ) {
        let (ours, theirs) = connection().await;
        let (outbox, queued) = mpsc::unbounded_channel();
        let (set, watched) = watch::channel(Setting::now(setting));
        let (_news, commands) = mpsc::unbounded_channel();
        // The task's `dropped` and warning lines go to a log in a directory of its own.
        let dir = tempfile::tempdir().unwrap();
        let sink = LogSink::create(&dir.path().join("machine-0.log")).unwrap();
        let log = MachineLog::new(0, sink);
        tokio::spawn(link_loop(Some(ours), 1, queued, watched, commands, log));
        (outbox, set, theirs)
    }

    #[tokio::test(start_paused = true)]
    async fn a_delayed_link_writes_in_send_order_and_no_sooner_than_the_delay() {
        let delay = LinkState {
            delay_us: 100_000,
            jitter_us: 80_000,
            block: None,
        };
        let (outbox, _set, mut peer) = link_task(delay).await;
        let sent = Instant::now();
        for lamport in 1..=20 {
            outbox.send(clock(lamport)).unwrap();
        }
        for lamport in 1..=20 {
            assert_eq!(next_clock(&mut peer).await, Some(lamport));
        }
        assert!(sent.elapsed() >= Duration::from_millis(100));
    }

    #[tokio::test(start_paused = true)]
    async fn a_held_partition_delivers_when_it_lifts_and_the_rest_goes_when_the_outbox_closes() {
        let hold = LinkState {
            block: Some(PartitionMode::Hold),
            ..LinkState::default()
        };
        let (outbox, set, mut peer) = link_task(hold).await;
        outbox.send(clock(1)).unwrap();
        outbox.send(clock(2)).unwrap();
        let early = tokio::time::timeout(Duration::from_secs(1), next_clock(&mut peer)).await;
        assert!(early.is_err(), "a held message arrived: {early:?}");
        set.send_replace(Setting::now(LinkState::default()));
        assert_eq!(next_clock(&mut peer).await, Some(1));
        assert_eq!(next_clock(&mut peer).await, Some(2));
        // A long delay, then the machine stops: what the link holds is written at once.
        set.send_replace(Setting::now(LinkState {
            delay_us: 60_000_000,
            ..LinkState::default()
        }));
        let stopped = Instant::now();
        outbox.send(clock(3)).unwrap();
        drop(outbox);
        assert_eq!(next_clock(&mut peer).await, Some(3));
        assert_eq!(next_clock(&mut peer).await, None);
        assert!(stopped.elapsed() < Duration::from_secs(60));
    }

    #[tokio::test(start_paused = true)]
    async fn a_message_sent_before_a_change_goes_by_the_setting_before_however_late_it_is_seen() {
        let (outbox, set, mut peer) = link_task(LinkState::default()).await;
        let before = clock(1);
        tokio::time::advance(Duration::from_millis(1)).await;
        set.send_replace(Setting::now(LinkState {
            block: Some(PartitionMode::Drop),
            ..LinkState::default()
        }));
        // The link task sees the message only after the change, and the next one too.
        outbox.send(before).unwrap();
        outbox.send(clock(2)).unwrap();
        drop(outbox);
        assert_eq!(next_clock(&mut peer).await, Some(1));
        assert_eq!(
            next_clock(&mut peer).await,
            None,
            "a dropped message was written"
        );
    }
}
