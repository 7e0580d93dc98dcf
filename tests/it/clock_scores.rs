//! Every clock scored against the truth by `analyze` (issue 18): the table in the terminal,
//! `report.md` and `summary.json`, exact where the figures are counted and sampled (with the
//! sample's size) where they are not; the Lamport row alone for logs without the new clocks.

use std::path::Path;
use std::time::Duration;

use crate::cmd::Logiclock;
use crate::golden::write_golden;

const TIMEOUT: Duration = Duration::from_secs(60);

fn scores(run: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(run.join("summary.json")).unwrap();
    serde_json::from_str::<serde_json::Value>(&text).unwrap()["clock_scores"].clone()
}

fn row<'a>(scores: &'a serde_json::Value, clock: &str) -> &'a serde_json::Value {
    scores["clocks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["clock"] == clock)
        .unwrap_or_else(|| panic!("no {clock} row in {scores}"))
}

#[test]
fn the_skewed_clocks_config_scores_physical_time_inverting_and_lamport_and_hlc_not() {
    let tmp = tempfile::tempdir().unwrap();
    let out = crate::clocks::skewed_clocks_twin(tmp.path());
    let done = Logiclock::analyze(&out)
        .arg("--no-plots")
        .timeout(TIMEOUT)
        .finish()
        .success();
    assert!(
        done.stdout.contains("clocks against the truth"),
        "{}",
        done.describe()
    );
    let s = scores(&out);
    let events = s["events"].as_u64().unwrap();
    assert!(events > 2_000, "{s}");
    assert_eq!(s["sampled_events"], 2_000, "{s}");
    for clock in ["lamport", "hlc", "vector"] {
        let r = row(&s, clock);
        assert_eq!(r["inverted_messages"], 0, "{r}");
        assert_eq!(r["inverted_steps"], 0, "{r}");
        assert_eq!(r["inverted_pairs"]["part"], 0, "{r}");
        assert_eq!(r["inverted_pairs"]["exact"], true, "{r}");
    }
    let physical = row(&s, "physical");
    assert!(
        physical["inverted_messages"].as_u64().unwrap() > 0,
        "{physical}"
    );
    assert_eq!(physical["orders_concurrent"]["exact"], false, "{physical}");
    let bytes: Vec<u64> = s["clocks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["bytes_per_message"].as_u64().unwrap())
        .collect();
    assert_eq!(bytes, [0, 8, 16, 2 + 8 * 4]);
    // Lamport's exact share lies within the sample's interval for it.
    let exact = row(&s, "lamport")["orders_concurrent"]["share"]
        .as_f64()
        .unwrap();
    let sampled = &s["lamport_orders_concurrent_sampled"];
    let (low, high) = (
        sampled["low"].as_f64().unwrap(),
        sampled["high"].as_f64().unwrap(),
    );
    assert!(low <= exact && exact <= high, "{exact} not in {sampled}");
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(report.contains("## Clocks against the truth"), "{report}");
    assert!(
        report.contains(&format!("uniform sample of 2000 of the {events} events")),
        "{report}"
    );
    assert!(report.contains("| HLC (l, c) | 16 | 0/"), "{report}");
    // The sample is seeded: a second analysis gives the same figures.
    Logiclock::analyze(&out)
        .arg("--no-plots")
        .timeout(TIMEOUT)
        .finish()
        .success();
    assert_eq!(scores(&out), s);
}

#[test]
fn a_run_of_the_previous_format_is_scored_for_lamport_only_saying_why() {
    let tmp = tempfile::tempdir().unwrap();
    let run = write_golden(tmp.path());
    for id in 0..3 {
        let log = run.join(format!("machine-{id}.log"));
        let text = std::fs::read_to_string(&log).unwrap();
        let format = format!("\"format\":{}", logiclock::log_format::FORMAT_VERSION);
        std::fs::write(&log, text.replace(&format, "\"format\":5")).unwrap();
    }
    Logiclock::analyze(&run)
        .arg("--no-plots")
        .timeout(TIMEOUT)
        .finish();
    let s = scores(&run);
    let clocks: Vec<&str> = s["clocks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["clock"].as_str().unwrap())
        .collect();
    assert_eq!(clocks, ["lamport", "vector"], "{s}");
    assert!(s["missing"].as_str().unwrap().contains("no `pt_us`"), "{s}");
    // A run this small is sampled whole: every figure exact.
    assert_eq!(s["sampled_events"], s["events"]);
    assert_eq!(row(&s, "lamport")["against_true_time"]["exact"], true);
    let report = std::fs::read_to_string(run.join("report.md")).unwrap();
    assert!(
        report.contains("Only Lamport and the vector clock"),
        "{report}"
    );
}

#[test]
fn a_run_with_physical_clocks_gets_their_plots_named_after_it_and_an_older_run_none() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("twin");
    Logiclock::run(crate::cmd::repo().join("configs/skewed-clocks.toml"))
        .args(["--engine", "sim", "--duration", "12"])
        .seed(5)
        .quiet()
        .out(&out)
        .timeout(TIMEOUT)
        .finish()
        .success();
    Logiclock::analyze(&out).timeout(TIMEOUT).finish().success();
    for (file, title) in [
        (
            "physical-clock-error.svg",
            "Physical clock error (pt_us - true model time)",
        ),
        (
            "hlc-l-minus-pt.svg",
            "Hybrid clock ahead of the physical clock",
        ),
        ("hlc-c.svg", "Distribution of the hybrid clock&apos;s c"),
    ] {
        let svg = std::fs::read_to_string(out.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert!(svg.contains(title), "{file} has no title {title:?}");
        assert!(svg.contains("scenario skewed-clocks, seed 5"), "{file}");
        let report = std::fs::read_to_string(out.join("report.md")).unwrap();
        assert!(
            report.contains(&format!("]({file})")),
            "report.md embeds {file}"
        );
    }
    // The c distribution in summary.json counts every clock event once.
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let c = summary["clocks"]["c_histogram"].as_array().unwrap();
    assert_eq!(c[0][0], 0, "most events have c = 0: {c:?}");
    let counted: u64 = c.iter().map(|b| b[1].as_u64().unwrap()).sum();
    assert_eq!(counted, summary["clock_scores"]["events"].as_u64().unwrap());

    let golden = write_golden(tmp.path());
    for id in 0..3 {
        let log = golden.join(format!("machine-{id}.log"));
        let text = std::fs::read_to_string(&log).unwrap();
        let format = format!("\"format\":{}", logiclock::log_format::FORMAT_VERSION);
        std::fs::write(&log, text.replace(&format, "\"format\":5")).unwrap();
    }
    Logiclock::analyze(&golden).timeout(TIMEOUT).finish();
    assert!(golden.join("clock.svg").exists());
    assert!(!golden.join("physical-clock-error.svg").exists());
}
