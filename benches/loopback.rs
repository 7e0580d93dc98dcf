//! Loopback benchmark: how long a model message takes from the sender's tick to the receiver's
//! inbox on this host, the figure behind the twin's `[network] latency_us` default.
//!
//! Two threads, each with its own single-threaded tokio runtime like a machine process, joined by
//! a TCP connection on 127.0.0.1. The sender's "tick" puts a clock frame in an outbox; a link task
//! writes it with the project's wire codec and flushes it (the path of `machine/link.rs`); the
//! receiver's reader task decodes it (the path of `machine/mesh.rs`). The delay is from the
//! moment the tick queued the message to the moment the receiver decoded it, on one clock.
//! Two spacings: 1 ms (a busy receiver, 1,000 ticks/s) and 100 ms (an idle one, as at the
//! default rates, where the receiver's core falls asleep between messages).
//!
//! Run: `cargo bench --bench loopback` (about 15 seconds).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::{SinkExt, StreamExt};
use logiclock::machine::wire::{Message, MessageCodec};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_util::codec::Framed;

/// Send `count` messages `every` apart; returns each one's delay, µs, sorted.
fn delays(count: u64, every: Duration) -> Vec<u64> {
    let sent = Arc::new(Mutex::new(vec![None; count as usize]));
    let got = Arc::new(Mutex::new(vec![None; count as usize]));
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    listener.set_nonblocking(true).unwrap();

    let got_by_receiver = Arc::clone(&got);
    let receiver = std::thread::spawn(move || {
        runtime().block_on(async move {
            let listener = TcpListener::from_std(listener).unwrap();
            let (stream, _) = listener.accept().await.unwrap();
            stream.set_nodelay(true).unwrap();
            let mut frames = Framed::new(stream, MessageCodec::default());
            while let Some(frame) = frames.next().await {
                let at = Instant::now();
                if let Ok(Message::Clock { lamport, .. }) = frame {
                    got_by_receiver.lock().unwrap()[lamport as usize] = Some(at);
                }
            }
        })
    });

    let sent_by_sender = Arc::clone(&sent);
    let sender = std::thread::spawn(move || {
        runtime().block_on(async move {
            let stream = TcpStream::connect(addr).await.unwrap();
            stream.set_nodelay(true).unwrap();
            let mut frames = Framed::new(stream, MessageCodec::default());
            let (outbox, mut queued) = mpsc::unbounded_channel::<Message>();
            let link = tokio::spawn(async move {
                while let Some(msg) = queued.recv().await {
                    frames.send(msg).await.unwrap();
                }
            });
            let mut ticks = tokio::time::interval(every);
            for lamport in 0..count {
                ticks.tick().await;
                sent_by_sender.lock().unwrap()[lamport as usize] = Some(Instant::now());
                let vc = vec![lamport, 0, 0];
                let from = 0;
                let hlc = logiclock::log_format::Hlc { l: lamport, c: 0 };
                outbox
                    .send(Message::Clock {
                        from,
                        lamport,
                        hlc,
                        vc,
                    })
                    .unwrap();
            }
            drop(outbox);
            link.await.unwrap();
        })
    });
    sender.join().unwrap();
    receiver.join().unwrap();

    let (sent, got) = (sent.lock().unwrap(), got.lock().unwrap());
    let mut delays: Vec<u64> = sent
        .iter()
        .zip(got.iter())
        .map(|(s, g)| {
            let (s, g) = (s.expect("sent"), g.expect("every message arrives"));
            g.duration_since(s).as_micros() as u64
        })
        .collect();
    delays.sort_unstable();
    delays
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn main() {
    for (count, every, what) in [
        (
            2_000,
            Duration::from_millis(1),
            "every 1 ms (busy receiver)",
        ),
        (
            100,
            Duration::from_millis(100),
            "every 100 ms (idle receiver)",
        ),
    ] {
        let d = delays(count, every);
        let at = |p: f64| d[((d.len() - 1) as f64 * p).round() as usize];
        println!(
            "{count} messages {what}: tick to inbox p1 {} us, p50 {} us, p99 {} us, max {} us",
            at(0.01),
            at(0.5),
            at(0.99),
            at(1.0)
        );
    }
}
