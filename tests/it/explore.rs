//! `logiclock explore`: the page's self-test (`#selftest`) run in headless Chromium on twin runs,
//! its answers compared with the same questions answered here from the logs' vector clocks;
//! the refusals and errors on the command line.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use logiclock::log_format::Event;
use rand::{Rng, SeedableRng};

use crate::browser;
use crate::cmd::Logiclock;
use crate::util::{scenario, RunFiles};

const TIMEOUT: Duration = Duration::from_secs(60);

/// A twin run of `text` (a scenario) in `dir`/`name`.
fn twin(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = scenario(dir, &format!("{name}.toml"), text);
    let out = dir.join(name);
    Logiclock::new()
        .arg("run")
        .arg(&path)
        .args(["--engine", "sim", "--quiet", "--out"])
        .arg(&out)
        .timeout(TIMEOUT)
        .logs_in(&out)
        .finish()
        .success();
    out
}

fn three_machines(duration_s: u32) -> String {
    format!("name = \"x\"\nmachines = 3\nduration_s = {duration_s}\nseed = 7\n[clock]\nmin_rate = 1\nmax_rate = 6\n[events]\ndie = 6\n")
}

/// `logiclock explore RUN` (with `extra`), the page written.
fn explore(run: &Path, extra: &[&str]) -> PathBuf {
    Logiclock::new()
        .arg("explore")
        .arg(run)
        .args(extra)
        .timeout(TIMEOUT)
        .logs_in(run)
        .finish()
        .success()
        .stderr_contains("explore.html");
    run.join("explore.html")
}

/// The self-test's JSON for `page` opened with the hash `#selftest=arg`.
fn selftest(page: &Path, arg: &str) -> serde_json::Value {
    selftest_hash(page, &format!("selftest={arg}"))
}

/// The self-test's JSON for `page` opened with the hash `#hash` (which holds `selftest`).
fn selftest_hash(page: &Path, hash: &str) -> serde_json::Value {
    let scratch = page.parent().unwrap();
    let dom = browser::dump_dom(scratch, &format!("file://{}#{hash}", page.display()));
    let json = dom
        .split("<pre id=\"selftest\">")
        .nth(1)
        .and_then(|rest| rest.split("</pre>").next())
        .unwrap_or_else(|| panic!("no self-test output in the page:\n{dom}"));
    let json = json
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"");
    let value: serde_json::Value =
        serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {json}"));
    assert_eq!(value["requests"], 0, "the page made requests: {value}");
    assert_eq!(value["blocked"], 0, "the page tried requests: {value}");
    value
}

/// One clock event as its log shows it.
#[derive(Debug, Clone)]
struct Clocked {
    machine: u32,
    line: u64,
    timestamp: i64,
    lamport: u64,
    vc: Vec<u64>,
    /// For a receive: the sender and the message's clock.
    from: Option<(u32, u64)>,
}

/// The clock events of a run, per machine in log order, read from its logs.
struct Oracle {
    lanes: Vec<Vec<Clocked>>,
}

impl Oracle {
    fn read(run: &Path) -> Oracle {
        let files = RunFiles::read(run);
        let lanes = files
            .logs
            .iter()
            .map(|log| {
                log.iter()
                    .filter_map(|l| {
                        let vc = l.event.vc()?.to_vec();
                        let from = match &l.event {
                            Event::Recv {
                                from, msg_clock, ..
                            } => Some((*from, *msg_clock)),
                            _ => None,
                        };
                        Some(Clocked {
                            machine: l.machine,
                            line: l.line,
                            timestamp: l.timestamp,
                            lamport: l.event.lamport()?,
                            vc,
                            from,
                        })
                    })
                    .collect()
            })
            .collect();
        Oracle { lanes }
    }

    fn all(&self) -> impl Iterator<Item = &Clocked> {
        self.lanes.iter().flatten()
    }

    /// Past, future and concurrent counts of `x` by the definition: e happened before x when
    /// its vector clock is at most x's, entry by entry.
    fn counts(&self, x: &Clocked) -> (u64, u64, u64) {
        let le = |a: &[u64], b: &[u64]| a.iter().zip(b).all(|(a, b)| a <= b);
        let (mut past, mut future, mut concurrent) = (0, 0, 0);
        for e in self.all() {
            if (e.machine, e.line) == (x.machine, x.line) {
                continue;
            }
            if le(&e.vc, &x.vc) {
                past += 1;
            } else if le(&x.vc, &e.vc) {
                future += 1;
            } else {
                concurrent += 1;
            }
        }
        (past, future, concurrent)
    }

    /// Whether cut `c` (events per lane) is consistent: every receive in it has its send in it,
    /// the send found by its sender and clock in the logs.
    fn consistent(&self, c: &[usize]) -> bool {
        let sends: HashMap<(u32, u64), usize> = self
            .lanes
            .iter()
            .flat_map(|lane| {
                lane.iter()
                    .enumerate()
                    .map(|(p, e)| ((e.machine, e.lamport), p))
            })
            .collect();
        self.lanes.iter().enumerate().all(|(j, lane)| {
            lane[..c[j]].iter().all(|e| match e.from {
                Some((from, clock)) => sends
                    .get(&(from, clock))
                    .is_none_or(|&p| p < c[from as usize]),
                None => true,
            })
        })
    }
}

/// `count` random clock events of `oracle`, as `machine:line`.
fn pick(oracle: &Oracle, count: usize, seed: u64) -> Vec<&Clocked> {
    let all: Vec<&Clocked> = oracle.all().collect();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    (0..count)
        .map(|_| all[rng.random_range(0..all.len())])
        .collect()
}

/// The page's answers for `events`, checked against the logs.
fn check_selection(page: &Path, oracle: &Oracle, events: &[&Clocked]) -> serde_json::Value {
    let arg: Vec<String> = events
        .iter()
        .map(|e| format!("{}:{}", e.machine, e.line))
        .collect();
    let out = selftest(page, &arg.join(","));
    assert_eq!(out["ok"], true, "{out}");
    let selected = out["selected"].as_array().unwrap();
    assert_eq!(selected.len(), events.len());
    for (e, got) in events.iter().zip(selected) {
        let (past, future, concurrent) = oracle.counts(e);
        let counts = (
            got["past"].as_u64(),
            got["future"].as_u64(),
            got["concurrent"].as_u64(),
        );
        assert_eq!(
            counts,
            (Some(past), Some(future), Some(concurrent)),
            "m{}:{} {got}",
            e.machine,
            e.line
        );
        // The "why": the clock value and the vector the log holds, from the rule's operands.
        assert_eq!(got["lamport"].as_u64(), Some(e.lamport), "{got}");
        assert_eq!(got["vc"], serde_json::json!(e.vc), "{got}");
        let lane = &oracle.lanes[e.machine as usize];
        let p = lane.iter().position(|x| x.line == e.line).unwrap();
        let local = if p == 0 { 0 } else { lane[p - 1].lamport };
        assert_eq!(got["local"].as_u64(), Some(local), "{got}");
        match e.from {
            Some((_, clock)) => {
                assert_eq!(got["msg"].as_u64(), Some(clock), "{got}");
                assert_eq!(e.lamport, local.max(clock) + 1);
                assert_eq!(
                    got["why"],
                    format!("recv: max({local}, {clock}) + 1 = {}", e.lamport)
                );
            }
            None => assert_eq!(
                got["why"],
                format!(
                    "{}: {local} + 1 = {}",
                    got["kind"].as_str().unwrap(),
                    e.lamport
                )
            ),
        }
    }
    out
}

#[test]
fn a_thousand_random_events_have_the_causal_past_future_and_why_of_the_logs() {
    let tmp = tempfile::tempdir().unwrap();
    let run = twin(tmp.path(), "three", &three_machines(120));
    let page = explore(&run, &[]);
    let oracle = Oracle::read(&run);
    let events = pick(&oracle, 1000, 1);
    let out = check_selection(&page, &oracle, &events);
    assert_eq!(out["events"].as_u64(), Some(oracle.all().count() as u64));
    // One event alone: its counts at the top level too, as the self-test names them.
    let one = selftest(&page, &format!("{}:{}", events[0].machine, events[0].line));
    let (past, future, concurrent) = oracle.counts(events[0]);
    assert_eq!(
        (
            one["past"].as_u64(),
            one["future"].as_u64(),
            one["concurrent"].as_u64()
        ),
        (Some(past), Some(future), Some(concurrent))
    );
}

#[test]
fn a_thousand_random_cuts_are_consistent_exactly_when_the_logs_say_so() {
    let tmp = tempfile::tempdir().unwrap();
    let run = twin(tmp.path(), "three", &three_machines(60));
    let page = explore(&run, &[]);
    let oracle = Oracle::read(&run);
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(2);
    let end = oracle.all().map(|e| e.timestamp).max().unwrap();
    let start = oracle.all().map(|e| e.timestamp).min().unwrap();
    // Half cut at one time on every lane (nearly always consistent), moved a little; half at
    // random: both answers come up.
    let cuts: Vec<Vec<usize>> = (0..1000)
        .map(|k| {
            let t = rng.random_range(start..=end);
            oracle
                .lanes
                .iter()
                .map(|lane| {
                    if k % 2 == 0 {
                        let at = lane.iter().filter(|e| e.timestamp <= t).count() as i64;
                        (at + rng.random_range(-1..=1)).clamp(0, lane.len() as i64) as usize
                    } else {
                        rng.random_range(0..=lane.len())
                    }
                })
                .collect()
        })
        .collect();
    let arg: Vec<String> = cuts
        .iter()
        .map(|c| {
            c.iter()
                .map(|v| v.to_string())
                .collect::<Vec<_>>()
                .join(".")
        })
        .collect();
    let out = selftest(&page, &format!("cuts:{}", arg.join("_")));
    assert_eq!(
        out["snaps_ok"], true,
        "a snapped cut is not consistent: {out}"
    );
    let judged = out["cuts"].as_array().unwrap();
    assert_eq!(judged.len(), cuts.len());
    let mut both = [0, 0];
    for (cut, got) in cuts.iter().zip(judged) {
        let want = oracle.consistent(cut);
        both[usize::from(want)] += 1;
        assert_eq!(got.as_bool(), Some(want), "cut {cut:?}");
    }
    assert!(
        both[0] > 50 && both[1] > 50,
        "too few of one answer: {both:?}"
    );
}

#[test]
fn fault_runs_a_restart_and_a_64_machine_run_open_with_the_logs_causality() {
    let tmp = tempfile::tempdir().unwrap();
    let faults = std::fs::read_to_string(crate::cmd::repo().join("configs/faults.toml")).unwrap();
    let many = "name = \"many\"\nmachines = 64\nduration_s = 4\nseed = 3\n[clock]\nmin_rate = 1\nmax_rate = 6\n[events]\ndie = 80\n";
    let runs = [
        ("faults", faults.as_str(), 300),
        ("restart", crate::sim::RESTART_AND_PARTITION, 300),
        ("many", many, 200),
    ];
    for (name, text, events) in runs {
        let run = twin(tmp.path(), name, text);
        let page = explore(&run, &[]);
        let oracle = Oracle::read(&run);
        check_selection(&page, &oracle, &pick(&oracle, events, 3));
    }
}

#[test]
fn a_window_holds_only_its_events_and_their_causality_inside_it() {
    let tmp = tempfile::tempdir().unwrap();
    let run = twin(tmp.path(), "three", &three_machines(60));
    let page = explore(&run, &["--from", "20", "--to", "30"]);
    let mut oracle = Oracle::read(&run);
    let origin = oracle.all().map(|e| e.timestamp).min().unwrap();
    let inside = |e: &Clocked| (20_000_000..=30_000_000).contains(&(e.timestamp - origin));
    for lane in &mut oracle.lanes {
        lane.retain(inside);
    }
    let all = oracle.all().count() as u64;
    assert!(all > 20, "{all}");
    let out = check_selection_in_window(&page, &oracle);
    assert_eq!(out["events"].as_u64(), Some(all));
}

/// The counts of some events of a window (the "why" is not checked: its first events' local
/// clocks come from before the window).
fn check_selection_in_window(page: &Path, oracle: &Oracle) -> serde_json::Value {
    let events = pick(oracle, 100, 4);
    let arg: Vec<String> = events
        .iter()
        .map(|e| format!("{}:{}", e.machine, e.line))
        .collect();
    let out = selftest(page, &arg.join(","));
    assert_eq!(out["ok"], true, "{out}");
    for (e, got) in events.iter().zip(out["selected"].as_array().unwrap()) {
        let (past, future, concurrent) = oracle.counts(e);
        let counts = (
            got["past"].as_u64(),
            got["future"].as_u64(),
            got["concurrent"].as_u64(),
        );
        assert_eq!(
            counts,
            (Some(past), Some(future), Some(concurrent)),
            "{got}"
        );
        assert_eq!(got["vc"], serde_json::json!(e.vc), "{got}");
    }
    out
}

#[test]
fn a_run_explore_cannot_read_gets_the_error_analyze_gives() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("no-such-run");
    let run = twin(tmp.path(), "three", &three_machines(5));
    let log = run.join("machine-1.log");
    let text = std::fs::read_to_string(&log).unwrap();
    std::fs::write(
        &log,
        text.replacen("\"lamport\":", "\"lamport\":\"x\",\"y\":", 1),
    )
    .unwrap();
    for dir in [&missing, &run] {
        let analyze = Logiclock::analyze(dir)
            .arg("--no-plots")
            .timeout(TIMEOUT)
            .finish()
            .exit_code(2);
        let explore = Logiclock::new()
            .arg("explore")
            .arg(dir)
            .timeout(TIMEOUT)
            .finish()
            .exit_code(2);
        let error = |stderr: &str| {
            stderr
                .lines()
                .find(|l| l.starts_with("error:"))
                .map(str::to_owned)
        };
        assert!(error(&analyze.stderr).is_some(), "{}", analyze.describe());
        assert_eq!(
            error(&explore.stderr),
            error(&analyze.stderr),
            "{}",
            explore.describe()
        );
        assert!(!dir.join("explore.html").exists());
    }
}

#[test]
fn a_run_too_large_for_a_page_is_refused_with_its_size_and_a_window_that_fits() {
    let tmp = tempfile::tempdir().unwrap();
    let run = twin(tmp.path(), "three", &three_machines(60));
    let events = Oracle::read(&run).all().count();
    let refused = Logiclock::new()
        .arg("explore")
        .arg(&run)
        .env("LOGICLOCK_EXPLORE_MAX_EVENTS", "100")
        .timeout(TIMEOUT)
        .finish()
        .exit_code(2)
        .stderr_contains(&format!("the run has {events} clock events"))
        .stderr_contains("more than the 100")
        .stderr_contains("--from/--to in model seconds");
    assert!(!run.join("explore.html").exists(), "{}", refused.describe());
    // The window it suggests fits.
    let to = refused
        .stderr
        .split("--to ")
        .last()
        .unwrap()
        .trim()
        .to_owned();
    Logiclock::new()
        .arg("explore")
        .arg(&run)
        .args(["--from", "0", "--to", &to])
        .env("LOGICLOCK_EXPLORE_MAX_EVENTS", "100")
        .timeout(TIMEOUT)
        .finish()
        .success();
}

#[test]
fn the_page_goes_to_standard_output_with_dash() {
    let tmp = tempfile::tempdir().unwrap();
    let run = twin(tmp.path(), "three", &three_machines(5));
    let done = Logiclock::new()
        .arg("explore")
        .arg(&run)
        .args(["--out", "-"])
        .timeout(TIMEOUT)
        .finish()
        .success();
    assert!(
        done.stdout.starts_with("<!DOCTYPE html>"),
        "{}",
        done.describe()
    );
    assert!(done.stdout.contains("default-src 'none'"));
    assert!(!run.join("explore.html").exists());
}

#[test]
fn the_page_draws_every_lane_in_the_machine_colours_of_the_other_outputs() {
    let tmp = tempfile::tempdir().unwrap();
    let text = "name = \"five\"\nmachines = 5\nduration_s = 20\nseed = 5\n[clock]\nmin_rate = 1\nmax_rate = 6\n[events]\ndie = 6\n";
    let run = twin(tmp.path(), "five", text);
    let page = explore(&run, &[]);
    let png_path = tmp.path().join("shot.png");
    browser::screenshot(
        tmp.path(),
        &format!("file://{}", page.display()),
        &png_path,
        (1200, 800),
    );
    let decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(&png_path).unwrap(),
    ));
    let mut reader = decoder.read_info().unwrap();
    let mut image = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut image).unwrap();
    let channels = info.color_type.samples();
    let pixels: std::collections::HashSet<(u8, u8, u8)> = image[..info.buffer_size()]
        .chunks(channels)
        .map(|p| (p[0], p[1], p[2]))
        .collect();
    for machine in 0..5 {
        let colour = logiclock::palette::rgb(machine);
        assert!(
            pixels.contains(&colour),
            "no pixel of machine {machine}'s colour {colour:?}"
        );
    }
}

#[test]
fn a_deep_link_reopens_its_axis_window_selection_filters_and_cut() {
    let tmp = tempfile::tempdir().unwrap();
    let run = twin(tmp.path(), "three", &three_machines(30));
    let page = explore(&run, &[]);
    let oracle = Oracle::read(&run);
    let e = &oracle.lanes[2][20];
    let cut = [10, 12, 14];
    let link = format!(
        "axis=lamport&v=10,50&sel=2:{}&hide=1&kinds=02&link=0-2&cut={}&selftest",
        e.line,
        cut.map(|c| c.to_string()).join(".")
    );
    let plain = selftest(&page, "");
    assert_eq!(plain["view"]["axis"], "model", "{plain}");
    let out = selftest_hash(&page, &link);
    let view = &out["view"];
    assert_eq!(view["axis"], "lamport", "{out}");
    assert_eq!(view["axis_menu"], "lamport", "{out}");
    assert_eq!(
        (view["x0"].as_f64(), view["x1"].as_f64()),
        (Some(10.0), Some(50.0))
    );
    assert_eq!(view["sel"], format!("2:{}", e.line));
    assert_eq!(view["past"].as_u64(), Some(oracle.counts(e).0));
    assert_eq!(view["hidden"], serde_json::json!([1]));
    assert_eq!(view["kinds"], serde_json::json!([true, false, true]));
    assert_eq!(view["link"], "0-2");
    assert_eq!(view["cut"], serde_json::json!(cut));
    assert_eq!(
        view["cut_consistent"].as_bool(),
        Some(oracle.consistent(&cut))
    );
}
