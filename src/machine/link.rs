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

use super::mesh::{LinkCommand, Outgoing, CLOSE_TIMEOUT};
use super::wire::{Message, MessageCodec};
use crate::fault::LinkState;
use crate::log_format::{emit, DropReason, Event};
use crate::model::{Fate, Link, Wire};

/// Write the messages queued for `peer` until the queue closes, then write what the link still
/// holds, flush and close the connection, so the peer reads it to its end.
///
/// `link` says how to treat messages on the way (a delay, a partition); the machine resets it to
/// normal when it stops, and what is still on the link when the queue closes is written at once,
/// so held and delayed messages are delivered before the connection closes. When the connection
/// fails the peer is gone: messages are dropped (and logged) until a [`LinkCommand::Connect`]
/// brings a connection to the peer's next process. [`LinkCommand::Gone`] says the same when the
/// supervisor learns of a death before a write fails.
pub async fn link_loop(
    framed: Option<Framed<TcpStream, MessageCodec>>,
    peer: u32,
    mut outbox: mpsc::UnboundedReceiver<Outgoing>,
    mut setting: watch::Receiver<LinkState>,
    mut commands: mpsc::UnboundedReceiver<LinkCommand>,
) {
    let mut writer = Writer {
        conn: framed,
        peer,
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
                Some(out) => {
                    follow(&mut setting, &mut link, &mut jitter);
                    put_on_link(&mut link, peer, out, &mut jitter);
                }
                None => break,
            },
            Some(command) = commands.recv() => {
                writer.reconnect(command);
                continue;
            }
            changed = setting.changed(), if watching => {
                // The machine holds the sender for its whole life; without it nothing changes.
                watching = changed.is_ok();
                follow(&mut setting, &mut link, &mut jitter);
            }
            _ = sleep_until(next), if next.is_some() => {}
        }
        // Take what else is queued without waiting, so a burst goes out in one flush.
        while let Ok(out) = outbox.try_recv() {
            put_on_link(&mut link, peer, out, &mut jitter);
        }
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

/// Bring the model's link to the setting the machine last gave it, if that changed.
fn follow(
    setting: &mut watch::Receiver<LinkState>,
    link: &mut Link<Instant, Message>,
    jitter: &mut ChaCha8Rng,
) {
    let state = *setting.borrow_and_update();
    if state != link.setting() {
        link.set(state, Instant::now(), jitter);
    }
}

/// Put a message from the outbox on the link, logging it if the link drops it.
fn put_on_link(
    link: &mut Link<Instant, Message>,
    peer: u32,
    out: Outgoing,
    jitter: &mut ChaCha8Rng,
) {
    if let Fate::Dropped { msg, reason } = link.send(out.msg, out.queued, jitter) {
        dropped(peer, &msg, reason);
    }
}

/// The connection to the peer's current process, if there is one, and what was fed to it but
/// not yet flushed.
struct Writer {
    conn: Option<Framed<TcpStream, MessageCodec>>,
    peer: u32,
    unflushed: Vec<Message>,
}

impl Writer {
    /// Take the supervisor's news of the peer: a new connection, or none.
    fn reconnect(&mut self, command: LinkCommand) {
        // What the old connection had not flushed never reached the old process.
        for msg in self.unflushed.drain(..) {
            dropped(self.peer, &msg, DropReason::PeerGone);
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
                dropped(self.peer, &msg, DropReason::PeerGone);
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
        emit(&Event::PeerGone {
            peer: self.peer,
            reason: format!("send failed: {e}"),
        });
        for msg in self.unflushed.drain(..) {
            dropped(self.peer, &msg, DropReason::PeerGone);
        }
        self.conn = None;
    }

    /// Flush and close the connection, bounded by [`CLOSE_TIMEOUT`].
    async fn close(self) {
        let (Some(mut framed), peer) = (self.conn, self.peer) else {
            return;
        };
        let close = async {
            framed.flush().await?;
            framed.close().await
        };
        match tokio::time::timeout(CLOSE_TIMEOUT, close).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => emit(&Event::Warning {
                message: format!("failed to close the connection to machine {peer}: {e}"),
            }),
            Err(_) => emit(&Event::Warning {
                message: format!("closing the connection to machine {peer} timed out"),
            }),
        }
    }
}

/// Log a model message to `peer` that will never arrive.
fn dropped(peer: u32, msg: &Message, reason: DropReason) {
    if let Message::Clock { lamport, .. } = msg {
        emit(&Event::Dropped {
            to: vec![peer],
            lamport: *lamport,
            reason,
        });
    }
}
