//! Fidelity benchmark: how faithful is a compressed run to the ideal-time twin of its scenario?
//!
//! For each seed of the lab notebook's E1 (the default scenario, 60 model seconds), it runs the
//! `--engine sim` twin, then real runs at speedups 1 (twice: two real-time runs agreeing with
//! each other are the floor), 10, 60, 100, 200, 300, 600 and 6,000, and compares each with the twin through
//! `logiclock diff`: the share of ticks that did the same action, and the share that also had
//! the same Lamport value. The last line names the highest speedup at which every seed's run
//! agrees with the twin at least as well as the least agreeing pair of real-time runs agree with
//! each other.
//!
//! Run: `cargo bench --bench fidelity` (about 12 minutes: five minutes of real-time runs),
//! or `cargo bench --bench fidelity -- --quick` (20 model seconds, two seeds).

use std::path::{Path, PathBuf};
use std::process::Command;

use logiclock::diff::{report, runs};

const SPEEDUPS: [f64; 8] = [1.0, 10.0, 60.0, 100.0, 200.0, 300.0, 600.0, 6000.0];

fn run(out: &Path, seed: u64, duration: f64, engine: &str, speedup: f64) -> PathBuf {
    let status = Command::new(env!("CARGO_BIN_EXE_logiclock"))
        .args(["run", "configs/default.toml", "--quiet", "--engine", engine])
        .args([
            "--seed",
            &seed.to_string(),
            "--duration",
            &duration.to_string(),
        ])
        .args(["--speedup", &speedup.to_string(), "--out"])
        .arg(out)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(std::process::Stdio::null())
        .status()
        .expect("failed to run logiclock");
    assert!(
        status.success(),
        "{}: logiclock failed: {status}",
        out.display()
    );
    out.to_owned()
}

/// (same action, same action and clock) shares of `b` against `a`.
fn agreement(a: &Path, b: &Path) -> (f64, f64) {
    let (a, b) = (runs::read(a).unwrap(), runs::read(b).unwrap());
    runs::same_model(&a, &b).unwrap();
    let d = report::diff(&a, &b);
    let none = "a run of the benchmark has ticks to compare";
    (
        d.same_action_share.expect(none),
        d.same_lamport_share.expect(none),
    )
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let (seeds, duration): (Vec<u64>, f64) = if quick {
        (vec![101, 102], 20.0)
    } else {
        ((101..=105).collect(), 60.0)
    };
    let tmp = tempfile::tempdir().unwrap();
    // rows[k]: per seed, the agreement of real speedup SPEEDUPS[k] with the twin; floor: the
    // second real-time run against the first.
    let mut rows: Vec<Vec<(f64, f64)>> = vec![Vec::new(); SPEEDUPS.len()];
    let mut floor = Vec::new();
    for &seed in &seeds {
        let dir = tmp.path().join(seed.to_string());
        let twin = run(&dir.join("sim"), seed, duration, "sim", 1.0);
        let mut first_real = None;
        for (k, &speedup) in SPEEDUPS.iter().enumerate() {
            let real = run(
                &dir.join(format!("x{speedup}")),
                seed,
                duration,
                "real",
                speedup,
            );
            rows[k].push(agreement(&twin, &real));
            first_real.get_or_insert(real);
        }
        let again = run(&dir.join("x1-again"), seed, duration, "real", 1.0);
        floor.push(agreement(first_real.as_ref().unwrap(), &again));
        println!(
            "seed {seed}: same action against the twin {}; two real-time runs {:.1}%",
            rows.iter()
                .zip(SPEEDUPS)
                .map(|(r, s)| format!("x{s} {:.1}%", r.last().unwrap().0 * 100.0))
                .collect::<Vec<_>>()
                .join(", "),
            floor.last().unwrap().0 * 100.0
        );
    }
    let range = |v: &[(f64, f64)], pick: fn(&(f64, f64)) -> f64| {
        let (lo, hi) = v
            .iter()
            .map(pick)
            .fold((f64::MAX, f64::MIN), |(lo, hi), x| (lo.min(x), hi.max(x)));
        let mean = v.iter().map(pick).sum::<f64>() / v.len() as f64;
        (lo * 100.0, mean * 100.0, hi * 100.0)
    };
    println!(
        "\n{:<28} {:>26} {:>26}",
        "runs compared", "same action min/mean/max", "and same clock min/mean/max"
    );
    let line = |label: &str, v: &[(f64, f64)]| {
        let (a, b, c) = range(v, |x| x.0);
        let (d, e, f) = range(v, |x| x.1);
        println!("{label:<28} {a:>7.1}% {b:>7.1}% {c:>7.1}% {d:>7.1}% {e:>7.1}% {f:>7.1}%");
    };
    line("two real-time runs (floor)", &floor);
    for (k, s) in SPEEDUPS.iter().enumerate() {
        line(&format!("twin vs real, speedup {s}"), &rows[k]);
    }
    let floor_min = range(&floor, |x| x.0).0;
    let best = SPEEDUPS
        .iter()
        .zip(&rows)
        .take_while(|(_, r)| range(r, |x| x.0).0 >= floor_min)
        .map(|(s, _)| *s)
        .fold(0.0, f64::max);
    println!(
        "highest speedup at which every seed agrees with the twin as well as two real-time runs agree with each other (same action, min): {best}"
    );
}
