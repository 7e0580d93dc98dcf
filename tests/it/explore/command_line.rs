//! `logiclock explore` on the command line: errors as `analyze` gives them, the refusal of a run
//! too large, `--out -`, and the picture a browser draws.

use crate::browser;
use crate::cmd::Logiclock;

use super::harness::{explore, three_machines, twin, TIMEOUT};
use super::oracle::Oracle;

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
        .stderr_contains("--from/--to in model seconds")
        .stderr_contains("--machines");
    assert!(!run.join("explore.html").exists(), "{}", refused.describe());
    // The window it suggests fits.
    let to = refused.stderr.split("--from 0 --to ").nth(1).unwrap();
    let to = to.split(',').next().unwrap().trim().to_owned();
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
    if !crate::browser::available() {
        return;
    }
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
fn a_page_that_cannot_be_written_exits_1_as_in_analyze_export_and_diagram() {
    let tmp = tempfile::tempdir().unwrap();
    let run = twin(tmp.path(), "three", &three_machines(5));
    // A directory where the file is to go: no write can succeed there, even as root.
    std::fs::create_dir(run.join("explore.html")).unwrap();
    Logiclock::new()
        .arg("explore")
        .arg(&run)
        .timeout(TIMEOUT)
        .finish()
        .exit_code(1)
        .stderr_contains("failed to write")
        .stderr_contains("explore.html");
}

#[test]
fn an_unknown_machine_is_refused_with_the_run_s_machines() {
    let tmp = tempfile::tempdir().unwrap();
    let run = twin(tmp.path(), "three", &three_machines(5));
    Logiclock::new()
        .arg("explore")
        .arg(&run)
        .args(["--machines", "0,7"])
        .timeout(TIMEOUT)
        .finish()
        .exit_code(2)
        .stderr_contains("--machines: the run has no machine 7 (its machines: 0, 1, 2)");
    assert!(!run.join("explore.html").exists());
}
