//! Timing verdicts that help: a timing FAIL says what the host did and what to do, and `run`
//! warns before it starts a speedup beyond the range measured faithful, recording the warning
//! in the manifest.

use crate::analyze::{analyze, internal, stop, summary};
use crate::cmd::Logiclock;
use crate::fixture::Fixture;
use logiclock::log_format::Event;

/// Two machines at rate 1 for 10 s; machine 1 is stalled through slots 3 to 6 (40% skipped).
fn stalled_run() -> Fixture {
    let mut run = Fixture::new(2).duration(10.0);
    for m in 0..2u32 {
        run = run.line(m, 0, crate::analyze::start(1));
        let mut clock = 0;
        for s in 1..=10u64 {
            if m == 1 && (3..=6).contains(&s) {
                if s == 3 {
                    run = run.line(m, 6500, Event::Skipped { first: 3, count: 4 });
                }
                continue;
            }
            clock += 1;
            let at = if m == 1 && s == 7 { 6600 } else { s * 1000 };
            run = run.line(m, at, internal(s, clock));
        }
        let skipped = if m == 1 { 4 } else { 0 };
        run = run.line(m, 10_010, stop(clock, 0, 10, skipped));
    }
    run
}

#[test]
fn a_timing_fail_says_the_host_stalled_the_machine_and_what_to_do() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = stalled_run().write(tmp.path().join("run"));
    let out = analyze(&[&dir]);
    assert_eq!(out.code(), Some(1), "{}", out.describe());
    let needles = [
        "the host stalled machine 1: 4 slot(s) skipped in 1 stall(s), the longest 4 slot(s)",
        "not the model's",
        "a quieter host",
        "--engine sim",
        "[tolerance]",
        "chrt --fifo 10",
    ];
    // the terminal text is wrapped to its width: read it as one line
    let text = out.stdout.split_whitespace().collect::<Vec<_>>().join(" ");
    for needle in needles {
        assert!(text.contains(needle), "{needle:?}:\n{}", out.describe());
    }
    let s = summary(&dir);
    let skipped = s["verdict"]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "skipped")
        .unwrap();
    let advice = skipped["advice"]
        .as_str()
        .expect("summary.json has the advice");
    assert!(advice.contains("4 slot(s) skipped"), "{advice}");
    // a passing run has no advice
    let ok = Fixture::new(1)
        .duration(2.0)
        .line(0, 0, crate::analyze::start(1))
        .line(0, 1000, internal(1, 1))
        .line(0, 2000, internal(2, 2))
        .line(0, 2010, stop(2, 0, 2, 0))
        .write(tmp.path().join("ok"));
    let out = analyze(&[&ok]);
    assert_eq!(out.code(), Some(0), "{}", out.describe());
    assert!(!out.stdout.contains("what to do"), "{}", out.describe());
}

#[test]
fn a_speedup_beyond_the_faithful_range_is_warned_before_the_run_and_recorded() {
    let tmp = tempfile::tempdir().unwrap();
    let fast = tmp.path().join("fast");
    let done = Logiclock::run("configs/default.toml")
        .speedup(6000.0)
        .duration(6.0)
        .seed(41)
        .out(&fast)
        .finish();
    let warning = "warning: speedup 6000 is beyond 200";
    let at = done.stderr.find(warning).unwrap_or_else(|| {
        panic!("no warning:\n{}", done.describe());
    });
    let started = done.stderr.find("running").expect("the run starts");
    assert!(at < started, "warned after the start:\n{}", done.describe());
    assert!(done.stderr.contains("--engine sim"), "{}", done.describe());
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fast.join("manifest.json")).unwrap())
            .unwrap();
    let recorded = &manifest["speedup_warning"];
    assert_eq!(recorded["speedup"], 6000.0, "{manifest}");
    assert_eq!(recorded["faithful_up_to"], 200.0, "{manifest}");
    // within the range, and the twin at any speedup: not a word, nothing recorded
    for (name, engine, speedup) in [("slow", "real", 60.0), ("twin", "sim", 6000.0)] {
        let out = tmp.path().join(name);
        let done = Logiclock::run("configs/default.toml")
            .args(["--engine", engine])
            .speedup(speedup)
            .duration(6.0)
            .seed(41)
            .out(&out)
            .finish()
            .success();
        assert!(
            !done.stderr.contains("beyond"),
            "{name}: {}",
            done.describe()
        );
        let text = std::fs::read_to_string(out.join("manifest.json")).unwrap();
        assert!(!text.contains("speedup_warning"), "{name}: {text}");
    }
}
