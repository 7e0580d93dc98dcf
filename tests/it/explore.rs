//! `logiclock explore`: the page's self-test (`#selftest`) run in headless Chromium on twin runs,
//! its answers compared with the same questions answered here from the logs' vector clocks
//! ([`oracle`]); the command line in [`command_line`].

mod command_line;
mod harness;
mod hlc_axis;
mod oracle;
mod two_runs;

use std::path::Path;

use rand::{Rng, SeedableRng};

use harness::{explore, selftest, selftest_hash, three_machines, twin};
use oracle::{pick, Clocked, Oracle};

/// The page's answers for `events`, checked against the logs.
fn check_selection(page: &Path, oracle: &Oracle, events: &[&Clocked]) -> serde_json::Value {
    let arg: Vec<String> = events
        .iter()
        .map(|e| format!("{}:{}", e.machine, e.line))
        .collect();
    let out = selftest(page, &arg.join(","));
    assert_eq!(out["ok"], true, "{out}");
    // Each event was selected by a click on its mark; the wheel zoomed and `c` placed a cut.
    assert_eq!(
        (&out["wheel_zooms"], &out["key_cuts"]),
        (&true.into(), &true.into()),
        "{out}"
    );
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
    if !crate::browser::available() {
        return;
    }
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
    if !crate::browser::available() {
        return;
    }
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
    if !crate::browser::available() {
        return;
    }
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
fn a_real_run_on_loopback_opens_with_the_logs_causality() {
    if !crate::browser::available() {
        return;
    }
    // Real processes: timestamps from four clocks of one host, receives that may share a
    // microsecond with their send; the page's clocks must still be the logs'.
    let tmp = tempfile::tempdir().unwrap();
    let run = crate::golden::real_run(tmp.path());
    let page = explore(&run, &[]);
    let oracle = Oracle::read(&run);
    check_selection(&page, &oracle, &pick(&oracle, 300, 5));
}

#[test]
fn some_machines_alone_keep_their_colours_and_the_causality_among_them() {
    if !crate::browser::available() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let text = "name = \"five\"\nmachines = 5\nduration_s = 30\nseed = 6\n[clock]\nmin_rate = 1\nmax_rate = 6\n[events]\ndie = 8\n";
    let run = twin(tmp.path(), "five", text);
    let page = explore(&run, &["--machines", "4,0,2"]);
    let html = std::fs::read_to_string(&page).unwrap();
    for id in [0usize, 2, 4] {
        let lane = format!("\"id\":{id},\"rate\"");
        let at = html.find(&lane).unwrap_or_else(|| panic!("no lane {id}"));
        let colour = format!("\"colour\":\"{}\"", logiclock::palette::hex(id));
        assert!(
            html[at..at + 120].contains(&colour),
            "machine {id} keeps its colour"
        );
    }
    assert!(!html.contains("\"id\":1,\"rate\"") && !html.contains("\"id\":3,\"rate\""));
    // The past of an event among the kept machines: what its full vector clock says of them.
    let mut oracle = Oracle::read(&run);
    for (id, lane) in oracle.lanes.iter_mut().enumerate() {
        if ![0, 2, 4].contains(&id) {
            lane.clear();
        }
    }
    let events = pick(&oracle, 200, 6);
    let arg: Vec<String> = events
        .iter()
        .map(|e| format!("{}:{}", e.machine, e.line))
        .collect();
    let out = selftest(&page, &arg.join(","));
    assert_eq!(out["ok"], true, "{out}");
    assert_eq!(out["events"].as_u64(), Some(oracle.all().count() as u64));
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
        assert_eq!(got["lamport"].as_u64(), Some(e.lamport), "{got}");
    }
}

#[test]
fn a_window_holds_only_its_events_and_their_causality_inside_it() {
    if !crate::browser::available() {
        return;
    }
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
fn a_deep_link_reopens_its_axis_window_selection_filters_and_cut() {
    if !crate::browser::available() {
        return;
    }
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
