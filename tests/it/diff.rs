//! `logiclock diff`: hand-made runs with known answers, refusals, and a twin against itself.

use std::path::Path;

use logiclock::log_format::Event;
use serde_json::Value;

use crate::analyze::{internal, recv, send, start, stop};
use crate::cmd::Logiclock;
use crate::fixture::Fixture;

/// Two machines at 1 tick/s. Machine 0 sends clock 1 to machine 1 on tick 1, then ticks
/// internally; machine 1 receives it on tick `recv_tick` (2 or 3) and is internal otherwise.
fn run(dir: &Path, recv_tick: u64, seed: u64) -> std::path::PathBuf {
    let m1: Vec<Event> = (1..=3)
        .map(|tick| match tick {
            t if t == recv_tick => recv(t, t, 0, 1),
            t => internal(t, t),
        })
        .collect();
    let mut fixture = Fixture::new(2)
        .seed(seed)
        .duration(3.0)
        .line(0, 0, start(1))
        .line(0, 0, send(1, 1, &[1]))
        .line(0, 1000, internal(2, 2))
        .line(0, 2000, internal(3, 3))
        .line(0, 2500, stop(3, 0, 3, 0))
        .line(1, 0, start(1));
    for (n, event) in m1.into_iter().enumerate() {
        fixture = fixture.line(1, 1000 * n as u64, event);
    }
    fixture.line(1, 2500, stop(3, 0, 3, 0)).write(dir)
}

fn json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn a_receive_one_tick_later_is_the_first_difference_and_counts_against_the_shares() {
    let tmp = tempfile::tempdir().unwrap();
    let a = run(&tmp.path().join("a"), 2, 7);
    let b = run(&tmp.path().join("b"), 3, 7);
    let done = Logiclock::new()
        .args(["diff"])
        .arg(&a)
        .arg(&b)
        .finish()
        .success()
        .stdout_contains("tick 2: A recv from 0 -> 2, B internal -> 2");
    let d = json(&b.join("diff.json"));
    let m = &d["machines"];
    assert_eq!(m[0]["same_action"], 3, "{}", done.describe());
    assert_eq!(m[0]["first_difference"], Value::Null);
    // Machine 1: tick 1 agrees; tick 2 (recv / internal) and tick 3 (internal / recv) do not,
    // although tick 3 ends on clock 3 in both.
    assert_eq!(
        (m[1]["ticks"].as_u64(), m[1]["same_action"].as_u64()),
        (Some(3), Some(1))
    );
    assert_eq!(m[1]["same_lamport"], 1);
    assert_eq!(m[1]["first_difference"]["tick"], 2);
    assert_eq!(m[1]["first_difference"]["a"]["action"], "recv");
    assert_eq!(m[1]["first_difference"]["b"]["action"], "internal");
    assert_eq!(d["same_action_share"].as_f64(), Some(4.0 / 6.0));
    let figure = |name: &str| {
        d["figures"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == name)
            .unwrap_or_else(|| panic!("no figure {name}: {d}"))
            .clone()
    };
    // Machine 1's jumps: 1, 1, 1 in A (1, max(1,1)+1 = 2, 3); 1, 1, 1 in B (1, 2, max(2,1)+1).
    assert_eq!(figure("machine 1 jump max")["a"], 1.0);
}

#[test]
fn runs_of_other_seeds_are_refused_naming_both() {
    let tmp = tempfile::tempdir().unwrap();
    let a = run(&tmp.path().join("a"), 2, 7);
    let b = run(&tmp.path().join("b"), 2, 8);
    Logiclock::new()
        .args(["diff"])
        .arg(&a)
        .arg(&b)
        .finish()
        .exit_code(2)
        .stderr_contains("are not runs of the same scenario and seed: seed 7 and seed 8");
    assert!(!b.join("diff.json").exists(), "nothing written");
}

#[test]
fn a_twin_agrees_with_itself_on_every_tick() {
    let tmp = tempfile::tempdir().unwrap();
    for name in ["one", "two"] {
        Logiclock::run("configs/default.toml")
            .args(["--engine", "sim", "--duration", "30", "--seed", "11"])
            .quiet()
            .out(tmp.path().join(name))
            .finish()
            .success();
    }
    let out = tmp.path().join("d.json");
    Logiclock::new()
        .args(["diff"])
        .arg(tmp.path().join("one"))
        .arg(tmp.path().join("two"))
        .args(["--out"])
        .arg(&out)
        .finish()
        .success();
    let d = json(&out);
    assert_eq!(d["same_action_share"], 1.0);
    assert_eq!(d["same_lamport_share"], 1.0);
    assert!(d["machines"][0]["ticks"].as_u64().unwrap() >= 30);
}
