//! `logiclock analyze` on runs with faults: a hand-made run whose faults went as planned (or
//! not), a machine restarted in the middle, and the real faults scenario.

use std::path::Path;

use logiclock::log_format::{DropReason, Event, FaultKind};
use logiclock::manifest::Manifest;
use serde_json::Value;

use crate::analyze::{analyze, internal, recv, send, start, stop, summary, TIMEOUT};
use crate::cmd::Logiclock;
use crate::fixture::{at, Fixture};

/// A hand-made fault run (speedup 1, rates 2, 1, 1, 3.5 s). Planned: a partition of 0 and 2 in
/// drop mode from 0.4 s, machine 1 killed at 1.2 s, machine 2 paused from 1.5 s to 2.5 s.
/// Machine 0 sends clock 1 to 1 and 2 at 0.5 s (the copy to 2 dropped by the partition; the
/// drop line comes first in the file, same timestamp), clock 2 to 1 at 1.0 s (never received:
/// 1 dies first), ticks internally at 1.5 s, sends clock 4 to 1 and 2 at 2.0 s (the copy to 1
/// dropped: peer gone). Machine 1 receives clock 1 at 1.0 s and dies. Machine 2 ticks at 1.0 s,
/// is frozen over its 2.0 s slot (one skipped tick), and receives clock 4 at 3.0 s.
fn fault_run() -> Fixture {
    let partition = Event::Fault {
        kind: FaultKind::Partition,
        phase: logiclock::log_format::FaultPhase::Begin,
        peer: Some(2),
        detail: "partition (drop) from machine 2 begins".into(),
    };
    let dropped = |to, lamport, reason| Event::Dropped {
        to: vec![to],
        lamport,
        reason,
    };
    Fixture::new(3)
        .rates([2, 1, 1])
        .duration(2.5)
        .line(0, 0, start(2))
        .line(0, 400, partition)
        .line(0, 500, dropped(2, 1, DropReason::Partition))
        .line(0, 500, send(1, 1, &[1, 2]))
        .line(0, 1000, send(2, 2, &[1]))
        .line(0, 1500, internal(3, 3))
        .line(0, 2000, send(4, 4, &[1, 2]))
        .line(0, 2000, dropped(1, 4, DropReason::PeerGone))
        .line(0, 3500, stop(4, 0, 4, 0))
        .line(1, 0, start(1))
        .line(1, 1000, recv(1, 2, 0, 1))
        .line(2, 0, start(1))
        .line(2, 1000, internal(1, 1))
        .line(2, 2500, Event::Skipped { first: 2, count: 1 })
        .line(2, 3000, recv(3, 5, 0, 4))
        .line(2, 3500, stop(5, 0, 3, 1))
}

/// A fault record of the manifest: `(ms, kind, machines)`.
type Planned = (u64, &'static str, &'static [u32]);

/// Write `run` with a manifest whose outcome holds these fault records and says machine
/// `killed` (if any) was killed.
fn write_fault_run(dir: &Path, run: Fixture, faults: &[Planned], killed: Option<u32>) {
    use logiclock::manifest::{FaultCause, FaultRecord, MachineExit, RunOutcome};
    let faults = faults.to_vec();
    run.manifest_edit(move |manifest: &mut Manifest| {
        manifest.outcome = Some(RunOutcome {
            ended_at: at(3600),
            clean: true,
            reason: "completed".into(),
            faults: faults
                .iter()
                .map(|&(ms, kind, machines)| FaultRecord {
                    at: at(ms),
                    kind: kind.parse().expect("a fault kind of the contract"),
                    // An older manifest's record: the reader infers its phase.
                    phase: None,
                    machines: machines.to_vec(),
                    // link faults say where they begin and end, as the supervisor writes them
                    detail: format!("{kind} of {machines:?} begins"),
                    cause: FaultCause::Planned,
                    outcome: Default::default(),
                })
                .collect(),
            exits: (0..3)
                .map(|id| MachineExit {
                    id,
                    status: if Some(id) == killed {
                        "killed by signal 9 (SIGKILL) (kill fault)".into()
                    } else {
                        "exit 0".into()
                    },
                    clean: true,
                    report: None,
                })
                .collect(),
        })
    })
    .write(dir);
}

const PLANNED: [Planned; 5] = [
    (400, "partition", &[0, 2]),
    (400, "partition", &[2, 0]),
    (1200, "kill", &[1]),
    (1500, "pause", &[2]),
    (2500, "resume", &[2]),
];

/// `(from, to, sent, received, left_in_queue, dropped, lost_at_death, lost)` per link.
fn link_counts(s: &Value) -> Vec<[u64; 8]> {
    s["links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            [
                "from",
                "to",
                "sent",
                "received",
                "left_in_queue",
                "dropped",
                "lost_at_death",
                "lost",
            ]
            .map(|k| l[k].as_u64().unwrap())
        })
        .collect()
}

fn check<'a>(s: &'a Value, name: &str) -> &'a Value {
    s["verdict"]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap()
}

#[test]
fn a_fault_run_that_went_as_planned_passes_with_its_faults_explained() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("run");
    write_fault_run(&dir, fault_run(), &PLANNED, Some(1));
    let out = analyze(&[&dir]);
    assert_eq!(out.code(), Some(0));
    let text = out.stdout.clone();
    assert!(text.contains("checks: PASS"), "{text}");
    assert!(text.contains("expected (fault)"), "{text}");
    let s = summary(&dir);
    assert_eq!(
        link_counts(&s),
        vec![[0, 1, 3, 1, 0, 1, 1, 0], [0, 2, 2, 1, 0, 1, 0, 0]]
    );
    assert_eq!(check(&s, "skipped")["expected"], 1);
    assert_eq!(check(&s, "skipped")["expected_first"][0]["line"], 3);
    // Machine 2's clock kept its rate through the pause: ticks 1 and 3 are 2.0 s apart (the
    // frozen slot is the `skipped` check's business, explained by the fault).
    assert_eq!(s["machines"][2]["achieved_rate"], 1.0);
    assert_eq!(check(&s, "rate")["offences"], 0);
    assert!(check(&s, "lost")["expected"].as_u64().unwrap() >= 1);
    let faults = s["faults"].as_array().unwrap();
    assert_eq!(faults.len(), 5);
    assert_eq!(faults[2]["kind"], "kill");
    assert_eq!(faults[2]["at_model_s"], 1.2);
    assert_eq!(faults[2]["at_real_s"], 1.2, "speedup 1");
    assert_eq!(faults[2]["machines"], serde_json::json!([1]));
    let report = std::fs::read_to_string(dir.join("report.md")).unwrap();
    assert!(
        report.contains("## Faults on purpose") && report.contains("| 1.200 | 1.200 | kill | 1 |")
    );
    let svg = std::fs::read_to_string(dir.join("queue.svg")).unwrap();
    assert!(svg.contains("pause m2") && svg.contains("kill m1") && svg.contains("partition m0|m2"));
}

#[test]
fn without_the_plan_the_same_faults_are_offences() {
    // No kill record and a clean exit: machine 1's missing stop line is unexplained.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("run");
    write_fault_run(&dir, fault_run(), &PLANNED[..2], None);
    let out = analyze(&[&dir]);
    assert_eq!(out.code(), Some(1));
    let s = summary(&dir);
    assert!(check(&s, "lost")["first"][0]["message"]
        .as_str()
        .unwrap()
        .contains("no stop line"));
    // One skipped slot of machine 2's three, beyond any tolerance; its rate is still right.
    assert_eq!(check(&s, "skipped")["offences"], 1);
    assert_eq!(check(&s, "rate")["offences"], 0);

    // Planned, but the partition's drop line is missing: clock 1 to 2 is lost, and named.
    let dir = tmp.path().join("no-drop-line");
    let mut run = fault_run();
    run.log_mut(0).remove(2);
    write_fault_run(&dir, run, &PLANNED, Some(1));
    let out = analyze(&[&dir]);
    assert_eq!(out.code(), Some(1));
    assert!(
        out.stdout
            .contains("machine-0.log line 3: message 0->2 with clock 1 was never received"),
        "{}",
        out.stdout
    );
    let s = summary(&dir);
    assert_eq!(check(&s, "lost")["offences"], 1);
    assert_eq!(link_counts(&s)[1], [0, 2, 2, 1, 0, 0, 0, 1]);
}

/// `configs/faults.toml` for real at speedup 20 (3 s), then `analyze`: it passes, lists the
/// faults, and every message of every link is accounted for.
#[test]
fn end_to_end_the_faults_scenario_passes_and_accounts_for_every_message() {
    let tmp = tempfile::tempdir().unwrap();
    let run = tmp.path().join("run");
    Logiclock::run("configs/faults.toml")
        .speedup(20.0)
        .quiet()
        .out(&run)
        .timeout(TIMEOUT)
        .finish()
        .success();
    let out = analyze(&[&run]);
    let s = summary(&run);
    // Every fault is explained; only timing on a loaded 2-core machine (other tests running) may
    // add a real one-tick stall, which `skipped` or `rate` rightly reports.
    for c in s["verdict"]["checks"].as_array().unwrap() {
        if !["skipped", "rate"].contains(&c["name"].as_str().unwrap()) {
            assert_eq!(c["passed"], true, "{}", out.stdout);
        }
    }
    let stalls = |c: &Value| {
        c["first"].as_array().unwrap().iter().all(|o| {
            o["message"]
                .as_str()
                .unwrap()
                .contains(" tick(s) skipped from tick")
                || o["message"].as_str().unwrap().contains("achieved")
        })
    };
    assert!(
        out.code() == Some(0) || (stalls(check(&s, "skipped")) && stalls(check(&s, "rate"))),
        "{}",
        out.stdout
    );
    let kinds: Vec<&str> = s["faults"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["kind"].as_str().unwrap())
        .collect();
    for kind in ["pause", "resume", "delay", "partition", "kill"] {
        assert!(kinds.contains(&kind), "{kind} missing from {kinds:?}");
    }
    for l in link_counts(&s) {
        let [from, to, sent, received, left, dropped, at_death, lost] = l;
        assert_eq!(lost, 0, "link {from}->{to}");
        assert_eq!(
            sent,
            received + left + dropped + at_death,
            "link {from}->{to}: {l:?}"
        );
    }
    // machine 1 is killed: what was sent to it and never arrived is dropped or lost with it
    let to_dead: u64 = link_counts(&s)
        .iter()
        .filter(|l| l[1] == 1)
        .map(|l| l[5] + l[6])
        .sum();
    assert!(to_dead > 0, "{:?}", link_counts(&s));
    assert!(check(&s, "skipped")["expected"].as_u64().unwrap() >= 1);
}

/// Machine 1 of the fault run comes back at 2.2 s (a restart appends to its log: a new start
/// line with an incarnation, its clock and tick numbers continued, the downtime one skipped
/// line). Machine 0 sends it clock 5 at 2.5 s, received at 3.0 s: the clock-2 message sent
/// before the death is skipped over, and lost with the first incarnation, not lost.
#[test]
fn a_restarted_machine_is_read_across_its_two_lives() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("run");
    let mut run = fault_run();
    run.log_mut(0).pop();
    let restarted = Event::Start {
        format: 1,
        rate: 1,
        interval_us: 1_000_000,
        machines: 3,
        incarnation: 1,
    };
    let run = run
        .line(0, 2500, send(5, 5, &[1]))
        .line(0, 3500, stop(5, 0, 5, 0))
        .line(1, 2200, restarted)
        .line(1, 2200, Event::Skipped { first: 2, count: 1 })
        .line(1, 3000, recv(3, 6, 0, 5))
        .line(1, 3500, stop(6, 0, 3, 1));
    let mut planned = PLANNED.to_vec();
    planned.insert(3, (2200, "restart", &[1]));
    write_fault_run(&dir, run, &planned, None);
    let out = analyze(&[&dir]);
    assert_eq!(out.code(), Some(0));
    let s = summary(&dir);
    assert_eq!(link_counts(&s)[0], [0, 1, 4, 2, 0, 1, 1, 0]);
    assert_eq!(s["machines"][1]["events"]["start"], 2);
    assert_eq!(s["machines"][1]["final_clock"], 6);
    // ticks at 1.0 s and 3.0 s, dead from 1.2 s to 2.2 s: 1 tick per second while up
    assert_eq!(s["machines"][1]["achieved_rate"], 1.0);
    assert_eq!(check(&s, "skipped")["expected"], 2);
    assert!(out.stdout.contains("restart"), "the restart is listed");
}

#[test]
fn a_machine_killed_from_outside_is_reported_by_analyze_as_unplanned_not_as_a_fault() {
    use nix::sys::signal::{kill, Signal};
    use nix::unistd::Pid;
    let tmp = tempfile::tempdir().unwrap();
    let scenario = crate::util::scenario(
        tmp.path(),
        "outside.toml",
        "duration_s = 120\nspeedup = 40\nseed = 21\n",
    );
    let out = tmp.path().join("run");
    let run = Logiclock::run(scenario)
        .quiet()
        .out(&out)
        .timeout(std::time::Duration::from_secs(40))
        .spawn();
    crate::util::wait_for_manifest(&out);
    crate::util::wait_for_ticks(&out, 10);
    let victim = Manifest::read(&out).unwrap().machines[1].pid.unwrap();
    kill(Pid::from_raw(victim as i32), Signal::SIGKILL).unwrap();
    run.finish().exit_code(1);

    let done = Logiclock::analyze(&out).finish();
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    for text in [&done.stdout, &report] {
        assert!(
            !text.contains("machine 1 was killed (fault)")
                && !text.contains("died (fault)")
                && !text.contains("expected (fault)"),
            "a death nobody planned is called a fault:\n{text}"
        );
    }
    assert!(
        report.contains("machine 1 was killed from outside (killed by signal 9 (SIGKILL)), not by a planned fault")
            && report.contains("expected, no planned fault)"),
        "{report}"
    );
}
