//! Faults are done or recorded, never dropped, and the real engine and the twin record the same:
//! a restart due just before the end is carried out in both; a fault that no longer applies (a
//! second kill, a pause of a dead machine) is recorded as not applicable with its reason; and
//! over every fault scenario of the suite the two engines give the same fault records.
//!
//! Records are compared by kind, machines and outcome, never by time (real timing differs).

use std::path::Path;
use std::time::Duration;

use logiclock::log_format::{Event, FaultKind};
use logiclock::manifest::{FaultCause, FaultOutcome, Manifest};

use crate::cmd::Logiclock;
use crate::finished::Finished;
use crate::util::{self, RunFiles};

/// One fault record as both engines must agree on it: kind, machines, outcome.
type Record = (FaultKind, Vec<u32>, FaultOutcome);

/// The planned fault records of the run in `dir`, in order, without their times.
fn records(dir: &Path) -> Vec<Record> {
    let manifest = Manifest::read(dir).expect("the run has a manifest");
    let outcome = manifest.outcome.expect("the run ended");
    outcome
        .faults
        .into_iter()
        .filter(|f| f.cause == FaultCause::Planned)
        .map(|f| (f.kind, f.machines, f.outcome))
        .collect()
}

/// Run `scenario` (the text of a scenario file) on `engine` into `dir/name-engine`, with
/// `extra` arguments; the run must succeed.
fn run(
    dir: &Path,
    name: &str,
    scenario: &str,
    engine: &str,
    extra: &[&str],
) -> (Finished, Vec<Record>) {
    let path = util::scenario(dir, &format!("{name}.toml"), scenario);
    let out = dir.join(format!("{name}-{engine}"));
    let done = Logiclock::run(path)
        .args(["--engine", engine])
        .args(extra)
        .out(&out)
        .timeout(Duration::from_secs(60))
        .finish()
        .success();
    let records = records(&out);
    (done, records)
}

fn done(kind: FaultKind, id: u32) -> Record {
    (kind, vec![id], FaultOutcome::Done)
}

fn not_applicable(kind: FaultKind, id: u32, why: &str) -> Record {
    (kind, vec![id], FaultOutcome::NotApplicable(why.into()))
}

/// A kill at 9.99 s of a 10 s run with a restart 1 ms later (model time; 2 s real at speedup 5,
/// the restart 0.2 ms after the kill and 2 ms before the end).
const KILL_AT_THE_END: &str = "machines = 3\nduration_s = 10\nspeedup = 5\nseed = 3\n\
    [clock]\nrates = [2, 4, 6]\n\
    [[fault]]\nkind = \"kill\"\nat_s = 9.99\nmachine = 1\nrestart_after_s = 0.001\n";

#[test]
fn a_restart_due_a_millisecond_before_the_end_is_carried_out_in_both_engines_with_the_same_records()
{
    let tmp = tempfile::tempdir().unwrap();
    let expected = vec![done(FaultKind::Kill, 1), done(FaultKind::Restart, 1)];
    for engine in ["sim", "real"] {
        let (finished, records) = run(tmp.path(), "end", KILL_AT_THE_END, engine, &["--quiet"]);
        assert_eq!(records, expected, "{engine}\n{}", finished.describe());
        let files = RunFiles::read(&tmp.path().join(format!("end-{engine}")));
        let starts: Vec<u32> = files.logs[1]
            .iter()
            .filter_map(|l| match l.event {
                Event::Start { incarnation, .. } => Some(incarnation),
                _ => None,
            })
            .collect();
        assert_eq!(
            starts,
            [0, 1],
            "{engine}: the restart's start line is in the log"
        );
    }
}

/// A kill at 5 s and its restart due at 19 s of a 20 s run (2 s real at speedup 10).
const LATE_RESTART_IN_A_STALL: &str = "machines = 3\nduration_s = 20\nspeedup = 10\nseed = 6\n\
    [clock]\nrates = [2, 3, 4]\n\
    [[fault]]\nkind = \"kill\"\nat_s = 5\nmachine = 0\nrestart_after_s = 14\n";

#[test]
fn a_restart_due_while_the_supervisor_is_stalled_across_the_end_is_carried_out_when_it_resumes() {
    let tmp = tempfile::tempdir().unwrap();
    let path = util::scenario(tmp.path(), "stall.toml", LATE_RESTART_IN_A_STALL);
    let out = tmp.path().join("run");
    let run = Logiclock::run(path)
        .quiet()
        .out(&out)
        .timeout(Duration::from_secs(40))
        .spawn();
    // The host stalls the supervisor from 1.2 s to 2.6 s: the restart (due at 1.9 s) and the
    // end (2 s) both fall due while it cannot act.
    util::stall_between(&run, &out, 1.2, 2.6);
    let finished = run.finish().success();
    assert_eq!(
        records(&out),
        [done(FaultKind::Kill, 0), done(FaultKind::Restart, 0)],
        "{}",
        finished.describe()
    );
}

/// A kill 0.2 ms (model time) before the end of a 10 s run, at speedup 5: 40 µs real.
const KILL_JUST_BEFORE_THE_END: &str = "machines = 3\nduration_s = 10\nspeedup = 5\nseed = 4\n\
    [clock]\nrates = [2, 4, 6]\n[[fault]]\nkind = \"kill\"\nat_s = 9.9998\nmachine = 2\n";

/// Machine 1 killed at 2 s, killed again at 3 s, paused at 4 s for 1 s (8 s at speedup 4).
const FAULTS_ON_A_DEAD_MACHINE: &str = "machines = 3\nduration_s = 8\nspeedup = 4\nseed = 9\n\
    [clock]\nrates = [2, 3, 4]\n\
    [[fault]]\nkind = \"kill\"\nat_s = 2\nmachine = 1\n\
    [[fault]]\nkind = \"kill\"\nat_s = 3\nmachine = 1\n\
    [[fault]]\nkind = \"pause\"\nat_s = 4\nmachine = 1\nduration_s = 1\n";

#[test]
fn a_second_kill_and_a_pause_of_a_dead_machine_are_recorded_not_applicable_in_both_engines() {
    let tmp = tempfile::tempdir().unwrap();
    let dead = "machine 1 is dead";
    let expected = vec![
        done(FaultKind::Kill, 1),
        not_applicable(FaultKind::Kill, 1, dead),
        not_applicable(FaultKind::Pause, 1, dead),
        not_applicable(FaultKind::Resume, 1, dead),
    ];
    for engine in ["sim", "real"] {
        let (finished, records) = run(tmp.path(), "dead", FAULTS_ON_A_DEAD_MACHINE, engine, &[]);
        assert_eq!(records, expected, "{engine}\n{}", finished.describe());
        // Both engines' summaries say so.
        let line = "fault not applicable: pause of machine 1 planned: machine 1 is dead";
        assert!(
            finished.stdout.contains(line),
            "{engine}\n{}",
            finished.describe()
        );
    }
    // The supervisor says so where it notes the faults it carried out.
    let (finished, _) = run(
        tmp.path(),
        "dead-again",
        FAULTS_ON_A_DEAD_MACHINE,
        "real",
        &[],
    );
    for note in [
        "fault at 3.0 s model: kill of machine 1 planned: not applicable, machine 1 is dead",
        "fault at 4.0 s model: pause of machine 1 planned: not applicable, machine 1 is dead",
    ] {
        assert!(
            finished.stderr.contains(note),
            "{note}\n{}",
            finished.describe()
        );
    }
}

#[test]
fn the_real_engine_and_the_twin_give_the_same_fault_records_on_every_fault_scenario_of_the_suite() {
    let faults_toml = std::fs::read_to_string(crate::cmd::repo().join("configs/faults.toml"))
        .expect("configs/faults.toml is readable");
    // (name, scenario, speedup to run it at: each real run lasts 2 s or less). The two
    // scenarios above are compared by their own tests.
    let table: [(&str, &str, Option<&str>); 7] = [
        ("configs-faults", &faults_toml, Some("30")),
        ("scheduled", crate::faults::SCHEDULED_FAULTS, None),
        ("restart", crate::faults::RESTART, None),
        (
            "late-restart",
            crate::pipes_seeds_strangers::LATE_RESTART,
            None,
        ),
        (
            "restart-and-partition",
            crate::sim::RESTART_AND_PARTITION,
            Some("15"),
        ),
        ("kill-just-before-the-end", KILL_JUST_BEFORE_THE_END, None),
        (
            "killed-during-delay",
            crate::link_agreement::KILLED_DURING_DELAY,
            None,
        ),
    ];
    let tmp = tempfile::tempdir().unwrap();
    for (name, scenario, speedup) in table {
        let extra: Vec<&str> = ["--quiet"]
            .into_iter()
            .chain(speedup.map(|s| ["--speedup", s]).into_iter().flatten())
            .collect();
        let (_, twin) = run(tmp.path(), name, scenario, "sim", &extra);
        let (finished, real) = run(tmp.path(), name, scenario, "real", &extra);
        assert!(!twin.is_empty(), "{name}: the scenario has faults");
        assert_eq!(
            real,
            twin,
            "{name}: real (left) and twin (right)\n{}",
            finished.describe()
        );
    }
}

/// Machine 1 killed at 2 s, restarted at 3 s, and paused 1 ms (model) later for 1 s: 0.25 ms
/// real at speedup 4, while the new process is still rejoining the mesh (6 s model, 1.5 s real).
pub const PAUSE_WHILE_REJOINING: &str = "machines = 3\nduration_s = 6\nspeedup = 4\nseed = 5\n\
    [clock]\nrates = [2, 3, 4]\n\
    [[fault]]\nkind = \"kill\"\nat_s = 2\nmachine = 1\nrestart_after_s = 1\n\
    [[fault]]\nkind = \"pause\"\nat_s = 3.001\nmachine = 1\nduration_s = 1\n";

#[test]
fn a_pause_of_a_restarted_machine_still_rejoining_is_carried_out_in_both_engines() {
    let tmp = tempfile::tempdir().unwrap();
    let expected = vec![
        done(FaultKind::Kill, 1),
        done(FaultKind::Restart, 1),
        done(FaultKind::Pause, 1),
        done(FaultKind::Resume, 1),
    ];
    for engine in ["sim", "real"] {
        let (finished, records) = run(
            tmp.path(),
            "rejoining",
            PAUSE_WHILE_REJOINING,
            engine,
            &["--quiet"],
        );
        assert_eq!(records, expected, "{engine}\n{}", finished.describe());
        // The pause shows in the machine's log, and no tick runs while it holds.
        let files = RunFiles::read(&tmp.path().join(format!("rejoining-{engine}")));
        let paused = files.logs[1].iter().any(|l| {
            matches!(
                l.event,
                Event::Fault {
                    kind: FaultKind::Pause,
                    ..
                }
            )
        });
        assert!(paused, "{engine}: machine 1's log has no pause line");
        let analyze = Logiclock::analyze(tmp.path().join(format!("rejoining-{engine}"))).finish();
        assert_eq!(analyze.code(), Some(0), "{engine}\n{}", analyze.describe());
    }
}

/// A kill at 5 s with its restart at 6 s of a 20 s run (0.5 s and 0.6 s real at speedup 10).
const KILL_AND_RESTART_EARLY: &str = "machines = 3\nduration_s = 20\nspeedup = 10\nseed = 2\n\
    [clock]\nrates = [2, 3, 4]\n\
    [[fault]]\nkind = \"kill\"\nat_s = 5\nmachine = 0\nrestart_after_s = 1\n";

#[test]
fn a_restart_due_when_ctrl_c_stops_the_run_is_recorded_not_done_with_why() {
    let tmp = tempfile::tempdir().unwrap();
    let path = util::scenario(tmp.path(), "ctrl-c.toml", KILL_AND_RESTART_EARLY);
    let out = tmp.path().join("run");
    let run = Logiclock::run(path)
        .quiet()
        .out(&out)
        .timeout(Duration::from_secs(40))
        .spawn();
    // The supervisor is stalled from 0.3 s to 0.9 s real, across the kill and the restart, and
    // finds Ctrl-C waiting as it wakes: whichever it takes first, the restart (whose kill's exit
    // cannot be reported before the stop) is never carried out.
    util::stall_and_signal(&run, &out, 0.3, 0.9, Some(nix::sys::signal::Signal::SIGINT));
    let finished = run.finish();
    assert_eq!(finished.code(), Some(130), "{}", finished.describe());
    let records = records(&out);
    let restart = records
        .iter()
        .find(|(kind, _, _)| *kind == FaultKind::Restart)
        .unwrap_or_else(|| panic!("no restart record: {records:?}\n{}", finished.describe()));
    match &restart.2 {
        FaultOutcome::NotApplicable(why) => assert!(
            why.contains("interrupted by SIGINT"),
            "the record says why: {why}"
        ),
        other => panic!("the restart was {other:?}: {records:?}"),
    }
    assert!(
        records.iter().any(|(kind, _, _)| *kind == FaultKind::Kill),
        "the kill, due before the stop, is recorded: {records:?}"
    );
}
