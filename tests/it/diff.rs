//! `logiclock diff`: hand-made runs with known answers, refusals, and a twin against itself.

use std::path::Path;

use logiclock::log_format::Event;
use serde_json::Value;

use crate::analyze::{internal, recv, send, start, stop};
use crate::cmd::Logiclock;
use crate::fixture::Fixture;

/// Two machines at 1 tick/s. Machine 0 sends clock 1 to machine 1 on tick 1, then ticks
/// internally; machine 1 receives it on tick `recv_tick` (2 or 3) and is internal otherwise.
pub(crate) fn run(dir: &Path, recv_tick: u64, seed: u64) -> std::path::PathBuf {
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

/// A run of three machines at 1 tick/s for 40 s, made by the model machines themselves (their
/// own dice, no message delivered), in which machine 0 skipped the slots in `skipped`.
fn model_run(dir: &Path, skipped: &[u64]) -> std::path::PathBuf {
    use logiclock::model::{Machine, MachineSpec};
    let mut fixture = Fixture::new(3).duration(40.0).seed(7);
    for id in 0..3u32 {
        let mut m = Machine::new(MachineSpec {
            id,
            machines: 3,
            rate: 1,
            period_ns: 1_000_000_000,
            die: 10,
            seed: 7,
            incarnation: 0,
            physical: logiclock::model::physical::PhysicalClock::perfect(),
        });
        fixture = fixture.line(id, 0, m.start_line());
        for slot in (1..=40).filter(|k| id != 0 || !skipped.contains(k)) {
            let tick = m.tick(slot, 0, None);
            let ms = (slot - 1) * 1000;
            if let Some(line) = tick.skipped {
                fixture = fixture.line(id, ms, line);
            }
            fixture = fixture.line(id, ms, tick.event);
        }
        fixture = fixture.line(
            id,
            40_000,
            logiclock::model::machine::stop_line(&m.report(0, 1, 1)),
        );
    }
    fixture.write(dir)
}

#[test]
fn a_run_that_skipped_a_slot_agrees_on_every_other_slot() {
    let tmp = tempfile::tempdir().unwrap();
    let a = model_run(&tmp.path().join("a"), &[]);
    let b = model_run(&tmp.path().join("b"), &[5]);
    let done = Logiclock::new()
        .args(["diff"])
        .arg(&a)
        .arg(&b)
        .finish()
        .success();
    let d = json(&b.join("diff.json"));
    let m = &d["machines"];
    // The roll of a slot is the seed's, the machine's and the slot's alone: skipping slot 5
    // moves no later roll, so every slot but 5 does the same thing (rolls drawn in sequence
    // would shift every later action by one slot).
    assert_eq!(m[0]["ticks"], 40, "{}", done.describe());
    assert_eq!(m[0]["same_action"], 39, "{}", done.describe());
    assert_eq!(m[0]["first_difference"]["tick"], 5);
    assert_eq!(m[0]["first_difference"]["b"], Value::Null);
    // The clock is one event behind after the skip.
    assert_eq!(m[0]["same_lamport"], 4);
    for other in [1, 2] {
        assert_eq!(m[other]["same_action"], 40, "machine {other}");
        assert_eq!(m[other]["same_lamport"], 40, "machine {other}");
    }
}

/// Two runs of the known answer above, A receiving on tick 2 and B on tick 3.
fn pair(tmp: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    (run(&tmp.join("a"), 2, 7), run(&tmp.join("b"), 3, 7))
}

#[test]
fn diff_into_a_pipe_closed_early_ends_quietly_with_exit_0() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = pair(tmp.path());
    let done = Logiclock::new()
        .args(["diff"])
        .arg(&a)
        .arg(&b)
        .stdout_closed()
        .finish();
    assert_eq!(done.code(), Some(0), "{}", done.describe());
    assert!(!done.stderr.contains("panicked"), "{}", done.describe());
    assert!(b.join("diff.json").exists(), "the work is still done");
}

#[test]
fn diff_onto_a_full_device_says_it_failed_to_write_and_exits_1() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = pair(tmp.path());
    let done = Logiclock::new()
        .args(["diff"])
        .arg(&a)
        .arg(&b)
        .stdout_to("/dev/full")
        .finish()
        .exit_code(1)
        .stderr_contains("failed to write standard output");
    assert!(!done.stderr.contains("panicked"), "{}", done.describe());
}

#[test]
fn diff_out_dash_writes_the_json_to_standard_output_and_no_file_named_dash() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = pair(tmp.path());
    let done = Logiclock::new()
        .args(["diff"])
        .arg(&a)
        .arg(&b)
        .args(["--out", "-"])
        .current_dir(tmp.path())
        .finish()
        .success();
    let d: Value = serde_json::from_str(&done.stdout)
        .unwrap_or_else(|e| panic!("stdout is not the JSON alone ({e}): {}", done.describe()));
    assert_eq!(d["machines"][1]["first_difference"]["tick"], 2);
    assert!(!tmp.path().join("-").exists(), "no file named -");
    assert!(!b.join("diff.json").exists(), "nor the default file");
    assert!(
        done.stderr.contains("tick 2: A recv"),
        "the table on stderr"
    );
}

#[test]
fn an_emptied_log_is_refused_naming_it_never_scored_as_agreement() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = pair(tmp.path());
    std::fs::write(b.join("machine-1.log"), "").unwrap();
    let done = Logiclock::new()
        .args(["diff"])
        .arg(&a)
        .arg(&b)
        .finish()
        .exit_code(2)
        .stderr_contains("machine-1.log")
        .stderr_contains("no whole line");
    assert!(!done.stdout.contains("100.0%"), "{}", done.describe());
    assert!(!b.join("diff.json").exists(), "nothing written");
}

#[test]
fn a_machine_with_no_tick_in_one_run_is_marked_not_scored_as_agreement() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = pair(tmp.path());
    // Machine 1 of B died at its start: a whole log with only its start line.
    std::fs::write(
        b.join("machine-1.log"),
        std::fs::read_to_string(b.join("machine-1.log"))
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .to_owned()
            + "\n",
    )
    .unwrap();
    let done = Logiclock::new()
        .args(["diff"])
        .arg(&a)
        .arg(&b)
        .finish()
        .success()
        .stdout_contains("no tick to compare");
    let d = json(&b.join("diff.json"));
    assert_eq!(d["machines"][1]["ticks"], 0, "{}", done.describe());
    // Machine 0 alone is compared: 3 of 3 ticks, and the headline is its figure alone.
    assert_eq!(d["same_action_share"], 1.0);
    assert_eq!(d["uncompared"], serde_json::json!([1]));
}

#[test]
fn a_log_whose_last_line_was_cut_is_compared_with_the_cut_short_warning() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = pair(tmp.path());
    let path = b.join("machine-0.log");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, &text[..text.len() - 20]).unwrap();
    let done = Logiclock::new()
        .args(["diff"])
        .arg(&a)
        .arg(&b)
        .finish()
        .success()
        .stderr_contains("machine-0.log line 5: last line cut short");
    assert_eq!(
        done.stderr.matches("last line cut short").count(),
        1,
        "said once: {}",
        done.describe()
    );
}

#[test]
fn runs_of_scenarios_that_differ_in_one_key_are_refused_naming_the_key() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, _) = pair(tmp.path());
    let b = Fixture::new(2)
        .seed(7)
        .duration(3.0)
        .manifest_edit(|m| m.scenario.as_mut().unwrap().die = 20)
        .line(0, 0, start(1))
        .line(1, 0, start(1))
        .write(tmp.path().join("c"));
    Logiclock::new()
        .args(["diff"])
        .arg(&a)
        .arg(&b)
        .finish()
        .exit_code(2)
        .stderr_contains("events.die (10 and 20)");
}
