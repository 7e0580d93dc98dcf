//! The hybrid logical clock in the explorer: an axis of its own where the run carries one, each
//! event's `[l, c]` as its log says.

use super::harness::{explore, selftest_hash, twin};
use super::oracle::{pick, Oracle};

/// Four machines with skewed, drifting, stepped physical clocks (as `configs/skewed-clocks.toml`).
const SKEWED: &str = "name = \"skewed\"\nmachines = 4\nduration_s = 20\nseed = 3\n\
    [clock]\nmin_rate = 5\nmax_rate = 20\n[network]\nlatency_us = 2000\n\
    [physical_clock]\nmax_skew_ms = 40\nmax_drift_ppm = 200\ngranularity_us = 1000\n\
    sync_interval_s = 10\nsync_error_ms = 5\nmax_offset_ms = 20\n";

#[test]
fn a_run_with_hybrid_clocks_opens_on_its_hlc_axis_with_each_events_logged_hlc() {
    if !crate::browser::available() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let run = twin(tmp.path(), "skewed", SKEWED);
    let page = explore(&run, &[]);
    let oracle = Oracle::read(&run);
    let events = pick(&oracle, 12, 5);
    let sel: Vec<String> = events
        .iter()
        .map(|e| format!("{}:{}", e.machine, e.line))
        .collect();
    let out = selftest_hash(&page, &format!("axis=hlc&selftest={}", sel.join(",")));
    assert_eq!(out["ok"], true, "{out}");
    assert_eq!(out["view"]["axis"], "hlc", "{out}");
    assert_eq!(out["view"]["axis_menu"], "hlc", "{out}");
    for (e, got) in events.iter().zip(out["selected"].as_array().unwrap()) {
        let logged = e.hlc.expect("format 6 logs carry the hlc");
        assert_eq!(
            got["hlc"],
            serde_json::json!(logged),
            "{}:{} {got}",
            e.machine,
            e.line
        );
    }
}
