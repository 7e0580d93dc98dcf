//! Strangers on a machine's port: refused, logged, and unnoticed by the model.

use std::io::Write;
use std::net::TcpStream;
use std::time::Duration;

use logiclock::log_format::Event;

use crate::cmd::Logiclock;
use crate::util::{self, RunFiles};

#[test]
fn connections_without_the_runs_handshake_are_refused_and_the_run_stays_clean() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("run");
    let child = Logiclock::run("configs/default.toml")
        .speedup(40.0)
        .duration(160.0)
        .seed(9)
        .quiet()
        .out(&out)
        .current_dir(tmp.path())
        .timeout(Duration::from_secs(30))
        .spawn();
    util::wait_for_manifest(&out);
    let manifest = logiclock::manifest::Manifest::read(&out).unwrap();
    let target = manifest.machines[0].addr.unwrap();

    // Someone typing text, as with `nc`.
    let mut text = TcpStream::connect(target).unwrap();
    text.write_all(b"hello there\n").unwrap();
    // A length prefix far beyond the maximum frame.
    let mut huge = TcpStream::connect(target).unwrap();
    huge.write_all(&[0xff, 0xff, 1, 2, 3]).unwrap();
    // A well-formed hello from "machine 1" with the wrong secret (a process from another run).
    let mut other_run = TcpStream::connect(target).unwrap();
    let version = logiclock::machine::wire::WIRE_VERSION;
    let mut hello = vec![0, 26, version, 1, 0, 0, 0, 1, 0, 0, 0, 0];
    hello.extend_from_slice(&[7u8; 16]);
    other_run.write_all(&hello).unwrap();
    // The same from an older logiclock (wire version 1).
    let mut old_build = TcpStream::connect(target).unwrap();
    hello[2] = 1;
    old_build.write_all(&hello).unwrap();
    // A connection that never says anything.
    let _silent = TcpStream::connect(target).unwrap();

    let done = child.finish().success();
    let files = RunFiles::read(&out);
    if let Err(why) = files.check() {
        panic!("{why}\n{}", done.describe());
    }
    files.assert_no_machine_left();
    let reasons: Vec<&str> = files.logs[0]
        .iter()
        .filter_map(|l| match &l.event {
            Event::Refused { reason, .. } => Some(reason.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(reasons.len(), 5, "{reasons:?}");
    for expected in [
        "frame size too big",
        "wrong run secret",
        "unsupported wire version 1",
        "no handshake within",
    ] {
        assert!(
            reasons.iter().any(|r| r.contains(expected)),
            "no refusal says {expected:?}: {reasons:?}"
        );
    }
    // The model did not notice: the peers machine 0 talks to are still exactly 1 and 2.
    let mut peers: Vec<u32> = files.logs[0]
        .iter()
        .filter_map(|l| match &l.event {
            Event::PeerConnected { peer, .. } => Some(*peer),
            _ => None,
        })
        .collect();
    // Peers dial in any order.
    peers.sort_unstable();
    assert_eq!(peers, vec![1, 2]);
}
