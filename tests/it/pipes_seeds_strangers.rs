//! Real life (issue 10): standard output as a pipe (`--out -`, a reader that goes away), seeds
//! that round-trip through jq, a flood of strangers on a machine's port, and a restart just
//! before the end of a run.

use std::collections::BTreeMap;
use std::ffi::{OsStr, OsString};
use std::net::TcpStream;
use std::path::Path;
use std::time::{Duration, Instant};

use logiclock::log_format::Event;
use logiclock::scenario::MAX_SEED;
use serde_json::Value;

use crate::analyze::{assert_correct, summary};
use crate::cmd::Logiclock;
use crate::golden::write_golden;
use crate::util::{self, RunFiles};

/// Run `logiclock ARGS` with its standard output a pipe whose reader is gone before anything is
/// written (`| true`); returns its exit code and standard error.
fn into_a_closed_pipe(args: &[OsString]) -> (Option<i32>, String) {
    let done = Logiclock::new().args(args).stdout_closed().finish();
    (done.code(), done.stderr)
}

#[test]
fn export_to_dev_stdout_is_exactly_the_csv_and_the_status_line_goes_to_stderr() {
    let tmp = tempfile::tempdir().unwrap();
    let run = write_golden(tmp.path());
    Logiclock::export("csv", &run).finish().success();
    let file = std::fs::read_to_string(run.join("events.csv")).unwrap();

    let piped = Logiclock::export("csv", &run)
        .args(["--out", "/dev/stdout"])
        .finish()
        .success()
        .stderr_contains("wrote /dev/stdout");
    assert_eq!(piped.stdout, file, "{}", piped.describe());

    let dash = Logiclock::export("csv", &run)
        .args(["--out", "-"])
        .current_dir(tmp.path())
        .finish()
        .success();
    assert_eq!(dash.stdout, file, "{}", dash.describe());
    assert!(
        !tmp.path().join("-").exists(),
        "`--out -` wrote a file named -"
    );
}

#[test]
fn diagram_with_out_dash_writes_the_svg_to_stdout_and_no_file() {
    let tmp = tempfile::tempdir().unwrap();
    let run = write_golden(tmp.path());
    let out = Logiclock::diagram(&run)
        .args(["--out", "-"])
        .current_dir(tmp.path())
        .finish()
        .success();
    assert!(out.stdout.starts_with("<svg") || out.stdout.starts_with("<?xml"));
    assert!(
        out.stdout.trim_end().ends_with("</svg>"),
        "{}",
        out.describe()
    );
    assert!(!tmp.path().join("-").exists() && !run.join("diagram.svg").exists());
}

#[test]
fn every_command_into_a_pipe_closed_early_ends_quietly_with_its_usual_status() {
    let tmp = tempfile::tempdir().unwrap();
    let run = write_golden(tmp.path());
    let expected = Logiclock::analyze(&run).finish().code();
    let sim = tmp.path().join("sim");
    let args = |list: &[&dyn AsRef<OsStr>]| -> Vec<OsString> {
        list.iter().map(|a| a.as_ref().to_owned()).collect()
    };
    let cases = [
        (args(&[&"analyze", &run]), expected),
        (
            args(&[&"export", &"--format", &"csv", &run, &"--out", &"-"]),
            Some(0),
        ),
        (args(&[&"diagram", &run, &"--out", &"-"]), Some(0)),
        (
            args(&[
                &"run",
                &"configs/default.toml",
                &"--engine",
                &"sim",
                &"--quiet",
                &"--out",
                &sim,
            ]),
            Some(0),
        ),
    ];
    for (args, code) in cases {
        let (got, stderr) = into_a_closed_pipe(&args);
        assert_eq!(got, code, "logiclock {args:?}: {stderr}");
        for noise in ["panicked", "Broken pipe", "backtrace", "error"] {
            assert!(!stderr.contains(noise), "logiclock {args:?}: {stderr}");
        }
    }
    // `analyze` still wrote its report.
    assert!(run.join("summary.json").exists());
}

/// The seed of the run in `dir` as `jq .scenario.seed` prints it: JSON numbers are doubles.
fn seed_as_jq_reads_it(dir: &Path) -> String {
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    let seed = manifest["scenario"]["seed"]
        .as_f64()
        .expect("a numeric seed");
    format!("{seed:.0}")
}

/// Each machine's die-roll actions (`internal`, or `send` with its recipients) by tick slot: what
/// the seed decides for that slot (per-slot dice, `model/dice.rs`), whatever the timing of the
/// receives that took other slots.
fn die_rolls(files: &RunFiles) -> Vec<BTreeMap<u64, String>> {
    files
        .logs
        .iter()
        .map(|lines| {
            lines
                .iter()
                .filter_map(|l| match &l.event {
                    Event::Internal { tick, .. } => Some((*tick, "internal".to_owned())),
                    Event::Send { tick, to, .. } => Some((*tick, format!("send {to:?}"))),
                    _ => None,
                })
                .collect()
        })
        .collect()
}

#[test]
fn the_readmes_rerun_recipe_with_a_seed_read_by_jq_gives_the_same_rates_and_die_rolls() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = util::scenario(
        tmp.path(),
        "random.toml",
        "duration_s = 40\nspeedup = 60\n[events]\ndie = 100\n",
    );
    let first = tmp.path().join("first");
    Logiclock::run(&scenario)
        .quiet()
        .out(&first)
        .finish()
        .success();
    let seed = seed_as_jq_reads_it(&first);
    let again = tmp.path().join("again");
    Logiclock::run(&scenario)
        .args(["--seed", &seed])
        .quiet()
        .out(&again)
        .finish()
        .success();

    let (a, b) = (RunFiles::read(&first), RunFiles::read(&again));
    assert_eq!(
        b.manifest.scenario.as_ref().unwrap().seed,
        a.manifest.scenario.as_ref().unwrap().seed
    );
    assert_eq!(a.rates(), b.rates());
    for (id, (x, y)) in die_rolls(&a).iter().zip(die_rolls(&b)).enumerate() {
        // The slots both runs rolled in (a receive takes a slot in one run and not the other).
        let both: Vec<(u64, &String, &String)> = x
            .iter()
            .filter_map(|(tick, roll)| y.get(tick).map(|again| (*tick, roll, again)))
            .collect();
        assert!(
            both.len() >= 10,
            "machine {id} rolled the die in only {} common slots",
            both.len()
        );
        let differ: Vec<_> = both.iter().filter(|(_, p, q)| p != q).collect();
        assert!(
            differ.is_empty(),
            "machine {id}'s die rolls differ: {differ:?}"
        );
    }
}

#[test]
fn the_largest_seed_round_trips_and_one_above_it_is_refused_by_flag_and_by_file() {
    let tmp = tempfile::tempdir().unwrap();
    let run = tmp.path().join("max");
    Logiclock::run("configs/default.toml")
        .args(["--engine", "sim"])
        .seed(MAX_SEED)
        .quiet()
        .out(&run)
        .finish()
        .success();
    assert_eq!(seed_as_jq_reads_it(&run), MAX_SEED.to_string());

    Logiclock::run("configs/default.toml")
        .seed(MAX_SEED + 1)
        .current_dir(tmp.path())
        .finish()
        .exit_code(2)
        .stderr_contains("--seed")
        .stderr_contains("9007199254740991");
    for seed in [MAX_SEED + 1, 10524496216266557282] {
        let file = util::scenario(tmp.path(), "big.toml", &format!("seed = {seed}\n"));
        Logiclock::run(&file)
            .current_dir(tmp.path())
            .finish()
            .exit_code(2)
            .stderr_contains("`seed`")
            .stderr_contains("0 to 9007199254740991");
    }
    assert!(
        !tmp.path().join("runs").exists(),
        "a refused seed created runs/"
    );
}

#[test]
fn a_flood_of_strangers_costs_a_few_log_lines_no_memory_and_no_ticks() {
    const FLOOD: usize = 2_000;
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("run");
    let child = Logiclock::run("configs/default.toml")
        .speedup(20.0)
        .duration(80.0)
        .seed(5)
        .quiet()
        .out(&out)
        .current_dir(tmp.path())
        .timeout(Duration::from_secs(40))
        .spawn();
    util::wait_for_manifest(&out);
    let target = logiclock::manifest::Manifest::read(&out).unwrap().machines[0]
        .addr
        .unwrap();

    // 2,000 connections held open at once, then all dropped: none says a word.
    let started = Instant::now();
    let mut held = Vec::with_capacity(FLOOD);
    while held.len() < FLOOD && started.elapsed() < Duration::from_secs(10) {
        if let Ok(stream) = TcpStream::connect_timeout(&target, Duration::from_secs(1)) {
            held.push(stream);
        }
    }
    let made = held.len();
    assert!(made >= FLOOD / 2, "only {made} connections in 10 s");
    drop(held);

    let done = child.finish().success();
    let files = RunFiles::read(&out);
    if let Err(why) = files.check() {
        panic!("{why}\n{}", done.describe());
    }
    let refused: Vec<u64> = files.logs[0]
        .iter()
        .filter_map(|l| match &l.event {
            Event::Refused { count, .. } => Some(*count),
            _ => None,
        })
        .collect();
    let detailed = logiclock::machine::refusals::DETAILED_PER_PERIOD as usize;
    // A 4 s run: one period's detailed lines, and a summary or two.
    assert!(
        refused.len() <= detailed + 2,
        "{} refused lines",
        refused.len()
    );
    assert_eq!(refused.iter().sum::<u64>(), made as u64, "{refused:?}");
    for (id, lines) in files.logs.iter().enumerate() {
        match lines.last().map(|l| &l.event) {
            Some(Event::Stop { max_rss_kb, .. }) => {
                assert!(*max_rss_kb < 32 * 1024, "machine {id}: {max_rss_kb} KiB")
            }
            other => panic!("machine {id} ends with {other:?}"),
        }
    }
    let analyzed = Logiclock::analyze(&out).finish();
    let s = summary(&out);
    assert_correct(&s, &analyzed.stdout);
}

/// A restart 0.1 model seconds (1.7 ms) before the end of a 1 s run (also in the real-vs-twin
/// agreement of `fault_records`).
pub const LATE_RESTART: &str = "machines = 3\nduration_s = 60\nspeedup = 60\n[clock]\n\
    rates = [2, 4, 6]\n[[fault]]\nkind = \"kill\"\nat_s = 50\nmachine = 1\nrestart_after_s = 9.9\n";

#[test]
fn a_restart_just_before_the_end_is_in_the_log_and_its_inbox_is_lost_at_death_not_silently() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = util::scenario(tmp.path(), "late.toml", LATE_RESTART);
    for seed in [100, 106] {
        let run = tmp.path().join(format!("seed{seed}"));
        Logiclock::run(&scenario)
            .seed(seed)
            .quiet()
            .out(&run)
            .finish()
            .success();
        let files = RunFiles::read(&run);
        let restarted = files.manifest.machines[1].restarts.len();
        let starts: Vec<u32> = files.logs[1]
            .iter()
            .filter_map(|l| match &l.event {
                Event::Start { incarnation, .. } => Some(*incarnation),
                _ => None,
            })
            .collect();
        // Whatever the timing: one start per process, the restart's after the old lines.
        let expected: Vec<u32> = (0..=restarted as u32).collect();
        assert_eq!(starts, expected, "seed {seed}: machine 1's start lines");
        if restarted == 1 {
            let tail: Vec<&str> = files.logs[1]
                .iter()
                .rev()
                .take(2)
                .map(|l| l.event.name())
                .collect();
            assert!(
                tail[0] == "stop" && files.logs[1].iter().any(|l| l.event.name() == "start"),
                "seed {seed}: {tail:?}"
            );
        }
        let analyzed = Logiclock::analyze(&run).finish();
        let s = summary(&run);
        assert_correct(&s, &format!("seed {seed}: {}", analyzed.stdout));
    }
}

#[test]
fn a_refused_line_without_a_count_from_an_older_log_reads_as_one_connection() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("machine-0.log");
    std::fs::write(
        &path,
        concat!(
            r#"{"timestamp":"2026-01-01T00:00:00.000001Z","machine":0,"event":"refused","addr":"127.0.0.1:5","reason":"wrong run secret"}"#,
            "\n",
            r#"{"timestamp":"2026-01-01T00:00:00.000002Z","machine":0,"event":"refused","addr":"127.0.0.1:6","reason":"closed before the handshake","count":1990}"#,
            "\n",
        ),
    )
    .unwrap();
    let (lines, _) = logiclock::runlog::read_log_lines(&path, 0).unwrap();
    let counts: Vec<u64> = lines
        .iter()
        .filter_map(|l| match &l.event {
            Event::Refused { count, .. } => Some(*count),
            _ => None,
        })
        .collect();
    assert_eq!(counts, [1, 1990]);
}
