//! The end of a run is the machines' own: one end rule (the tick due at the end does not run)
//! kept by each real machine even when its supervisor is late, and by the twin alike.

use std::path::Path;
use std::time::Duration;

use logiclock::log_format::Event;

use crate::cmd::Logiclock;
use crate::util::{self, RunFiles};

/// Three machines at 1, 2 and 5 ticks per model second for 20 model seconds, 10 times faster
/// than real time: 2 real seconds, and by the end rule 20, 40 and 100 ticks.
const SCENARIO: &str = "machines = 3\nduration_s = 20\nspeedup = 10\nseed = 5\n\
                        [clock]\nrates = [1, 2, 5]\n";
const LAST_TICKS: [u64; 3] = [20, 40, 100];

/// Each machine's highest tick in the run directory `dir`.
fn last_ticks(dir: &Path) -> Vec<u64> {
    let files = RunFiles::read(dir);
    files
        .logs
        .iter()
        .map(|lines| {
            lines
                .iter()
                .filter_map(|l| match &l.event {
                    Event::Skipped { first, count } => Some(first + count - 1),
                    e => e.tick(),
                })
                .max()
                .unwrap_or(0)
        })
        .collect()
}

#[test]
fn the_machines_stop_ticking_at_their_end_slot_while_the_supervisor_is_stopped_across_the_end() {
    let tmp = tempfile::tempdir().unwrap();
    let path = util::scenario(tmp.path(), "end.toml", SCENARIO);
    let out = tmp.path().join("run");
    let run = Logiclock::run(path)
        .quiet()
        .out(&out)
        .timeout(Duration::from_secs(40))
        .spawn();
    // Stop the supervisor 1.5 s into the 2 s run and keep it stopped until 1.5 s after the end:
    // its stop comes 1.5 s late (15 model seconds: 15, 30 and 75 ticks more, if the machines
    // had no end of their own).
    util::stall_between(&run, &out, 1.5, 3.5);
    let done = run.finish().success();
    assert_eq!(
        last_ticks(&out),
        LAST_TICKS,
        "each machine's last tick is the end rule's slot\n{}",
        done.describe()
    );
}

#[test]
fn real_and_twin_runs_of_one_scenario_have_the_same_tick_count_per_machine() {
    let tmp = tempfile::tempdir().unwrap();
    let path = util::scenario(tmp.path(), "end.toml", SCENARIO);
    for engine in ["real", "sim"] {
        let out = tmp.path().join(engine);
        Logiclock::run(&path)
            .quiet()
            .args(["--engine", engine])
            .out(&out)
            .timeout(Duration::from_secs(40))
            .finish()
            .success();
        let files = RunFiles::read(&out);
        let ticks: Vec<u64> = (0..3)
            .map(|id| match files.logs[id].last().map(|l| &l.event) {
                Some(Event::Stop { ticks, .. }) => *ticks,
                other => panic!("{engine}: machine {id} has no stop line: {other:?}"),
            })
            .collect();
        assert_eq!(ticks, LAST_TICKS, "{engine}: ticks per machine");
        assert_eq!(
            last_ticks(&out),
            LAST_TICKS,
            "{engine}: last tick per machine"
        );
    }
}
