//! ShiViz/GoVector logs: a twin run written as GoVector's merged log and read back (kinds and
//! peers worked out from the vectors), logiclock's own export read back, hosts without numbers.

use std::collections::BTreeSet;

use super::{expected, twin};
use crate::foreign::{
    read_file, read_submission, shiviz, ForeignEvent, ForeignKind, Format, Mapping,
};

/// What the reader can know of `events` from vectors alone: a send's recipients are those that
/// received it (a message still queued at the end names nobody), no Lamport clock, no time.
fn knowable(all: &[Vec<ForeignEvent>], events: &[ForeignEvent]) -> Vec<(ForeignKind, Vec<u64>)> {
    events
        .iter()
        .map(|e| {
            let vc = e.vc.clone().unwrap();
            let kind = match &e.kind {
                ForeignKind::Send { .. } => {
                    let own = vc[e.machine as usize];
                    let to: BTreeSet<u32> = all
                        .iter()
                        .flatten()
                        .filter(|r| matches!(r.kind, ForeignKind::Recv { from, .. } if from == e.machine))
                        .filter(|r| r.vc.as_ref().unwrap()[e.machine as usize] == own)
                        .map(|r| r.machine)
                        .collect();
                    ForeignKind::Send { to: to.into_iter().collect() }
                }
                ForeignKind::Recv { from, .. } => ForeignKind::Recv {
                    from: *from,
                    msg_clock: None,
                    queue: None,
                },
                ForeignKind::Internal => ForeignKind::Internal,
            };
            (kind, vc)
        })
        .collect()
}

fn read_back(logs: &[crate::foreign::ForeignLog]) -> Vec<Vec<(ForeignKind, Vec<u64>)>> {
    logs.iter()
        .map(|l| {
            assert_eq!(l.problems, [], "{}", l.file.display());
            assert!(l
                .events
                .iter()
                .all(|e| e.lamport.is_none() && e.timestamp_us.is_none()));
            l.events
                .iter()
                .map(|e| (e.kind.clone(), e.vc.clone().unwrap()))
                .collect()
        })
        .collect()
}

#[test]
fn a_govector_log_of_a_twin_run_reads_back_with_kinds_vectors_and_peers() {
    let tmp = tempfile::tempdir().unwrap();
    let run = twin(tmp.path(), 21, 30);
    let all: Vec<Vec<ForeignEvent>> = (0..3).map(|id| expected(&run, id)).collect();
    let slices: Vec<&[ForeignEvent]> = all.iter().map(Vec::as_slice).collect();
    let text = shiviz(&slices);
    assert!(text
        .starts_with("(?<host>\\S*) (?<clock>{.*})\\n(?<event>.*)\n\nmachine-0 {\"machine-0\":1"));
    let dir = tmp.path().join("govector");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("Shiviz.log"), &text).unwrap();
    let sub = read_submission(&dir, &Mapping::default());
    assert_eq!(sub.format, Some(Format::ShiViz));
    assert_eq!(sub.problems, []);
    let want: Vec<_> = all.iter().map(|e| knowable(&all, e)).collect();
    assert_eq!(read_back(&sub.logs), want);
    let received = |k: &ForeignKind| matches!(k, ForeignKind::Send { to } if !to.is_empty());
    assert!(
        want.iter().flatten().any(|(k, _)| received(k)),
        "the run has received sends"
    );

    // Text that says nothing: receives and received sends from the vectors alone; a send nobody
    // received is then an internal event.
    let neutral = text
        .replace("INFO Sending message", "INFO tick")
        .replace("INFO Received message", "INFO tick")
        .replace("INFO Local event", "INFO tick");
    std::fs::write(dir.join("Shiviz.log"), neutral).unwrap();
    let blind = read_back(&read_file(&dir.join("Shiviz.log"), &Mapping::default()));
    let want_blind: Vec<Vec<_>> = want
        .iter()
        .map(|events| {
            events
                .iter()
                .map(|(k, vc)| match k {
                    ForeignKind::Send { to } if to.is_empty() => {
                        (ForeignKind::Internal, vc.clone())
                    }
                    _ => (k.clone(), vc.clone()),
                })
                .collect()
        })
        .collect();
    assert_eq!(blind, want_blind);
}

#[test]
fn logiclocks_own_shiviz_export_reads_back_with_lamport_clocks_and_peers_from_its_text() {
    let tmp = tempfile::tempdir().unwrap();
    let run = twin(tmp.path(), 22, 20);
    let out = tmp.path().join("export").join("shiviz.log");
    std::fs::create_dir(out.parent().unwrap()).unwrap();
    crate::export::export(&crate::export::Request {
        format: crate::export::Format::Shiviz,
        run_dirs: vec![run.clone()],
        out: Some(out.clone()),
    })
    .unwrap();
    let logs = read_file(&out, &Mapping::default());
    assert_eq!(logs.len(), 3);
    for (id, log) in logs.iter().enumerate() {
        assert_eq!(log.problems, []);
        assert_eq!(log.machine, Some(id as u32));
        let want: Vec<ForeignEvent> = expected(&run, id as u32)
            .into_iter()
            .map(|e| ForeignEvent {
                timestamp_us: None,
                ..e
            })
            .collect();
        let got: Vec<ForeignEvent> = log
            .events
            .iter()
            .zip(&want)
            .map(|(g, w)| ForeignEvent {
                line: w.line,
                ..g.clone()
            })
            .collect();
        assert_eq!(got, want, "machine {id}");
    }
}

#[test]
fn hosts_without_numbers_are_numbered_in_name_order_and_timestamps_are_read() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("bob-Log.txt");
    // GoVector with timestamps (TSViz form), two processes' files concatenated, appended runs.
    let text = " \n=== Execution #1 ===\n\
        1700000000000001000 bob {\"bob\":1}\nInitialization Complete\n\
        1700000000000002000 bob {\"bob\":2}\nINFO ping\n\
        1700000000000003000 alice {\"alice\":1}\nInitialization Complete\n\
        1700000000000004000 alice {\"alice\":2, \"bob\":2}\nINFO pong\n\
        === Execution #2 ===\nbob {\"bob\":1}\nInitialization Complete\n";
    std::fs::write(&path, text).unwrap();
    let logs = read_file(&path, &Mapping::default());
    let (alice, bob) = (&logs[0], &logs[1]);
    assert_eq!((alice.machine, bob.machine), (Some(0), Some(1)));
    assert_eq!(
        bob.events[0].kind,
        ForeignKind::Internal,
        "Initialization Complete"
    );
    assert_eq!(bob.events[1].kind, ForeignKind::Send { to: vec![0] });
    assert_eq!(bob.events[1].timestamp_us, Some(1_700_000_000_000_002));
    assert_eq!(bob.events[1].vc, Some(vec![0, 2]));
    assert_eq!(
        alice.events[1].kind,
        ForeignKind::Recv {
            from: 1,
            msg_clock: None,
            queue: None
        }
    );
    assert_eq!(alice.events[1].line, 9);
    let second = bob
        .problems
        .iter()
        .chain(&alice.problems)
        .find(|p| p.line == Some(11));
    assert!(
        second.is_some_and(|p| p.message.contains("second execution")),
        "{logs:?}"
    );
}
