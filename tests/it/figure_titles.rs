//! Every figure names the run it shows: scenario, seed, rates and engine in the title or the
//! line under it, on analyze's plots and on the diagram; a twin's figures say "ideal time" and
//! claim no real seconds.

use std::path::Path;

use crate::cmd::Logiclock;

/// The texts of the `<text>` elements of `svg`, entities left as they are.
fn texts(svg: &str) -> Vec<String> {
    svg.match_indices("<text")
        .filter_map(|(i, _)| {
            let open = svg[i..].find('>')? + i + 1;
            let close = svg[open..].find("</text>")? + open;
            Some(svg[open..close].trim().to_string())
        })
        .collect()
}

/// The first lines of `svg` (its title and subtitle are drawn before the data), as one text.
fn heading(svg: &str) -> String {
    texts(svg)
        .into_iter()
        .take(2)
        .collect::<Vec<_>>()
        .join(" | ")
}

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// A twin run of the low-variance scenario, seed 23, 20 model seconds at speedup 60, analyzed
/// and drawn.
fn twin_run(dir: &Path) {
    Logiclock::run("configs/low-variance.toml")
        .args(["--engine", "sim"])
        .seed(23)
        .duration(20.0)
        .speedup(60.0)
        .quiet()
        .out(dir)
        .finish()
        .success();
    Logiclock::analyze(dir).finish().success();
    Logiclock::diagram(dir).finish().success();
}

#[test]
fn analyze_plots_and_the_diagram_name_scenario_seed_rates_and_engine() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("run");
    twin_run(&dir);
    let manifest: serde_json::Value = serde_json::from_str(&read(&dir, "manifest.json")).unwrap();
    let scenario = manifest["scenario"]["name"].as_str().unwrap().to_owned();
    let rates: Vec<String> = manifest["machines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["rate"].to_string())
        .collect();
    let rates = format!("rates {} ticks/s", rates.join(", "));
    for file in [
        "clock.svg",
        "queue.svg",
        "drift.svg",
        "jumps.svg",
        "jumps-machine-0.svg",
        "diagram.svg",
    ] {
        let head = heading(&read(&dir, file));
        for needle in [
            format!("scenario {scenario}"),
            "seed 23".to_owned(),
            rates.clone(),
            "twin (--engine sim) in ideal time".to_owned(),
        ] {
            assert!(head.contains(&needle), "{file}: {needle:?} not in {head:?}");
        }
        assert!(
            !head.contains("real s"),
            "{file}: a twin claims real seconds: {head:?}"
        );
    }
}

#[test]
fn a_real_run_figure_gives_its_speedup_and_real_seconds() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("run");
    Logiclock::run("configs/default.toml")
        .seed(29)
        .duration(6.0)
        .speedup(60.0)
        .quiet()
        .out(&dir)
        .finish()
        .success();
    Logiclock::analyze(&dir).finish();
    let head = heading(&read(&dir, "clock.svg"));
    for needle in [
        "scenario default",
        "seed 29",
        "real processes at speedup 60 (",
        " real s)",
    ] {
        assert!(head.contains(needle), "{needle:?} not in {head:?}");
    }
}
