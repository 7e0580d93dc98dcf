//! `logiclock analyze` on a short real run: every clock check passes and the summary agrees with
//! the logs themselves (final clocks, line counts, messages sent and received, causality).

use logiclock::log_format::{log_file_name, Event};

use crate::analyze::{analyze, assert_correct, summary, TIMEOUT};
use crate::cmd::Logiclock;
use crate::util::read_log;

/// A short real run, then `analyze`: the summary must agree with the logs themselves.
#[test]
fn end_to_end_a_real_run_analyzed() {
    let tmp = tempfile::tempdir().unwrap();
    let run = tmp.path().join("run");
    Logiclock::run("configs/default.toml")
        .speedup(100.0)
        .duration(30.0)
        .seed(3)
        .quiet()
        .out(&run)
        .timeout(TIMEOUT)
        .finish()
        .success();
    let out = analyze(&[&run]);
    assert!(matches!(out.code(), Some(0 | 1)), "{}", out.stderr);
    let s = summary(&run);
    assert_correct(&s, &out.stdout);
    // Causality from the vector clocks: per-machine counts add up to twice the run's (each
    // concurrent pair has an event on two machines), and pairs never exceed all cross pairs.
    let c = &s["causality"];
    let run_pairs = c["concurrent_pairs"].as_u64().unwrap();
    let per_machine: u64 = c["machines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["concurrent_pairs"].as_u64().unwrap())
        .sum();
    assert!(run_pairs > 0, "{c}");
    assert_eq!(per_machine, 2 * run_pairs, "{c}");
    assert!(run_pairs <= c["cross_pairs"].as_u64().unwrap());
    assert!(c["lamport_orders_concurrent"].as_u64().unwrap() <= run_pairs);
    let (mut sends, mut recvs) = (0u64, 0u64);
    for m in s["machines"].as_array().unwrap() {
        let id = m["id"].as_u64().unwrap();
        let lines = read_log(&run.join(log_file_name(id as u32)), id as u32);
        // The clock events are the ones on a tick: internal, send, recv.
        let last = lines
            .iter()
            .rev()
            .find(|l| l.event.tick().is_some())
            .unwrap();
        assert_eq!(
            m["final_clock"],
            last.event.lamport().unwrap(),
            "machine {id}"
        );
        assert_eq!(m["lines"], lines.len() as u64);
        sends += lines
            .iter()
            .map(|l| match &l.event {
                Event::Send { to, .. } => to.len() as u64,
                _ => 0,
            })
            .sum::<u64>();
        recvs += lines
            .iter()
            .filter(|l| matches!(l.event, Event::Recv { .. }))
            .count() as u64;
    }
    let links = s["links"].as_array().unwrap();
    let sum = |k: &str| links.iter().map(|l| l[k].as_u64().unwrap()).sum::<u64>();
    assert_eq!(sum("sent"), sends);
    assert_eq!(sum("received"), recvs);
    assert_eq!(sum("sent"), sum("received") + sum("left_in_queue"));
}
