//! The link task: one peer's outbox written to its connection, through the link's faults (a
//! delay with jitter, a partition that holds or drops), with every message it cannot deliver
//! logged as `dropped`.

use std::time::Duration;

use futures::SinkExt;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tokio::net::TcpStream;
use tokio::sync::{mpsc, watch};
use tokio_util::codec::Framed;

use super::log_writer::MachineLog;
use super::mesh::{LinkCommand, Outgoing, CLOSE_TIMEOUT};
use super::wire::{Message, MessageCodec};
use crate::fault::{LinkState, PartitionMode};
use crate::log_format::{DropReason, Event};

/// Write the messages queued for `peer` until the queue closes, then flush and close the
/// connection, so the peer reads it to its end.
///
/// `link` says how to treat messages on the way (a delay, a partition); any change of it
/// releases a message being delayed, and the machine resets it to normal when it stops, so held
/// messages are delivered before the connection closes. When the connection fails the peer is
/// gone: messages are dropped (and logged) until a [`LinkCommand::Connect`] brings a connection
/// to the peer's next process. [`LinkCommand::Gone`] says the same when the supervisor learns of a
/// death before a write fails.
pub async fn link_loop(
    framed: Option<Framed<TcpStream, MessageCodec>>,
    peer: u32,
    mut outbox: mpsc::UnboundedReceiver<Outgoing>,
    mut link: watch::Receiver<LinkState>,
    mut commands: mpsc::UnboundedReceiver<LinkCommand>,
    log: MachineLog,
) {
    let mut conn = framed;
    let mut jitter_rng = ChaCha8Rng::seed_from_u64(rand::random());
    let mut last_release = tokio::time::Instant::now();
    let mut unflushed = Vec::new();
    loop {
        let out = tokio::select! {
            out = outbox.recv() => match out {
                Some(out) => out,
                None => break,
            },
            Some(command) = commands.recv() => {
                // What the old connection had not flushed never reached the old process.
                for msg in unflushed.drain(..) {
                    dropped(&log, peer, &msg, DropReason::PeerGone);
                }
                conn = match command {
                    LinkCommand::Connect(new) => Some(new),
                    LinkCommand::Gone => None,
                };
                continue;
            }
        };
        let state = *link.borrow_and_update();
        if state.delay_us > 0 {
            let jitter = match state.jitter_us {
                0 => 0,
                j => jitter_rng.random_range(0..=j),
            };
            // Never before the previous message: a link stays first in, first out.
            let release =
                (out.queued + Duration::from_micros(state.delay_us + jitter)).max(last_release);
            last_release = release;
            tokio::select! {
                _ = tokio::time::sleep_until(release) => {}
                _ = link.changed() => {}
            }
        }
        if !pass_partition(&mut link, &log, peer, &out.msg).await {
            continue;
        }
        let Some(framed) = conn.as_mut() else {
            dropped(&log, peer, &out.msg, DropReason::PeerGone);
            continue;
        };
        unflushed.push(out.msg.clone());
        let mut result = framed.feed(out.msg).await;
        if result.is_ok() && outbox.is_empty() {
            result = framed.flush().await;
            if result.is_ok() {
                unflushed.clear();
            }
        }
        if let Err(e) = result {
            // Everything not yet handed to the socket is lost: say so, message by message.
            log.write(Event::PeerGone {
                peer,
                reason: format!("send failed: {e}"),
            });
            for msg in unflushed.drain(..) {
                dropped(&log, peer, &msg, DropReason::PeerGone);
            }
            conn = None;
        }
    }
    let Some(mut framed) = conn else {
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

/// Log a model message to `peer` that will never arrive.
fn dropped(log: &MachineLog, peer: u32, msg: &Message, reason: DropReason) {
    if let Message::Clock { lamport, .. } = msg {
        log.write(Event::Dropped {
            to: vec![peer],
            lamport: *lamport,
            reason,
        });
    }
}

/// Wait while a partition holds the link; `false` when a partition in drop mode discarded `msg`.
async fn pass_partition(
    link: &mut watch::Receiver<LinkState>,
    log: &MachineLog,
    peer: u32,
    msg: &Message,
) -> bool {
    loop {
        let block = link.borrow_and_update().block;
        match block {
            None => return true,
            Some(PartitionMode::Drop) => {
                dropped(log, peer, msg, DropReason::Partition);
                return false;
            }
            Some(PartitionMode::Hold) => {
                if link.changed().await.is_err() {
                    return true;
                }
            }
        }
    }
}
