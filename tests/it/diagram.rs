//! `logiclock diagram`: the elements of a hand-made run's diagram, the window and its clipped
//! arrows, and the picture of a real run as headless Chromium renders it.

use std::path::Path;
use std::time::Duration;

use crate::cmd::Logiclock;
use crate::golden::{real_run, write_golden};

const TIMEOUT: Duration = Duration::from_secs(30);

fn diagram(run: &Path, out: &Path, extra: &[&str]) -> String {
    Logiclock::diagram(run)
        .arg("--out")
        .arg(out)
        .args(extra)
        .timeout(TIMEOUT)
        .finish()
        .success();
    std::fs::read_to_string(out).unwrap()
}

fn count(svg: &str, needle: &str) -> usize {
    svg.matches(needle).count()
}

/// The number in the first `name="..."` of `text`.
fn attr(text: &str, name: &str) -> f64 {
    let value = text.split(&format!("{name}=\"")).nth(1).unwrap();
    value.split('"').next().unwrap().parse().unwrap()
}

/// The height of every lane line of a diagram, top to bottom (a machine's line is cut where it
/// was dead, so it may have more than one).
fn lane_ys(svg: &str) -> Vec<f64> {
    svg.lines()
        .filter(|l| l.starts_with("<line class=\"lane\""))
        .map(|l| attr(l, "y1"))
        .collect()
}

#[test]
fn a_hand_made_run_has_its_dots_arrows_and_clocks() {
    let tmp = tempfile::tempdir().unwrap();
    let run = write_golden(&tmp.path().join("golden"));
    let svg = diagram(&run, &tmp.path().join("d.svg"), &[]);
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert_eq!(count(&svg, "<circle class=\"send\""), 2);
    assert_eq!(count(&svg, "<rect class=\"recv\""), 3);
    assert_eq!(count(&svg, "<circle class=\"internal\""), 2);
    assert_eq!(
        count(&svg, "marker-end=\"url(#head"),
        3 + 1,
        "3 messages and the legend"
    );
    assert_eq!(count(&svg, "stroke-dasharray"), 0, "nothing clipped");
    assert!(svg.contains(">machine 1</text>") && svg.contains(">rate 2/s</text>"));
    assert!(svg.contains(
        "<title>machine 1 · recv · lamport 5 · vc [2,3,2] · from 2 (msg clock 4) · queue 0 · t=0.400000 model s (0.400000 real s)</title>"
    ));
    assert!(svg.contains("<title>message machine 0 → machine 2 · lamport 2"));
    // Few events: the Lamport values are written beside the dots.
    assert!(svg.contains(">5</text>"));
    assert!(svg.contains(">0.4</text>"), "an axis label in seconds");
}

#[test]
fn arrows_whose_other_end_is_outside_the_window_reach_its_edge() {
    let tmp = tempfile::tempdir().unwrap();
    let run = write_golden(&tmp.path().join("golden"));
    let svg = diagram(
        &run,
        &tmp.path().join("d.svg"),
        &["--from", "0.22", "--to", "0.32"],
    );
    // In the window: the receives @250 and @300; their send @200 is before it, the send @350
    // after it (its message is not drawn).
    assert_eq!(count(&svg, "<rect class=\"recv\""), 2);
    assert_eq!(count(&svg, "<circle class=\"send\""), 0);
    assert_eq!(count(&svg, "stroke-dasharray"), 2);
    let from_edge = svg
        .lines()
        .filter(|l| l.starts_with("<line x1=\"170.0\"") && l.contains("stroke-dasharray"))
        .count();
    assert_eq!(from_edge, 2, "both start at the left edge");

    Logiclock::diagram(&run)
        .args(["--from", "2", "--to", "1"])
        .timeout(TIMEOUT)
        .finish()
        .exit_code(2)
        .stderr_contains("window is empty");
}

#[test]
fn a_missing_run_is_exit_2_naming_it() {
    Logiclock::diagram("/nonexistent/run")
        .timeout(TIMEOUT)
        .finish()
        .exit_code(2)
        .stderr_contains("/nonexistent/run");
}

/// Pixels of `png` within 12 of `rgb` in each channel.
fn pixels_near(image: &[u8], channels: usize, rgb: [u8; 3]) -> usize {
    image
        .chunks(channels)
        .filter(|p| (0..3).all(|c| p[c].abs_diff(rgb[c]) <= 12))
        .count()
}

fn hex(colour: &str) -> [u8; 3] {
    let v = u32::from_str_radix(&colour[1..], 16).unwrap();
    [(v >> 16) as u8, (v >> 8) as u8, v as u8]
}

#[test]
fn a_real_run_diagram_renders_in_headless_chromium() {
    if !crate::browser::available() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let run = real_run(tmp.path());
    let svg_path = tmp.path().join("diagram.svg");
    diagram(&run, &svg_path, &[]);
    let png_path = tmp.path().join("shot.png");
    let profile = tmp.path().join("chromium-profile");
    let out = Logiclock::program(crate::browser::chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            &format!("--user-data-dir={}", profile.display()),
            &format!("--screenshot={}", png_path.display()),
            "--window-size=1200,800",
            &format!("file://{}", svg_path.display()),
        ])
        .timeout(Duration::from_secs(90))
        .finish();
    assert!(
        png_path.exists(),
        "chromium wrote no screenshot:\n{}",
        out.describe()
    );
    let decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(&png_path).unwrap(),
    ));
    let mut reader = decoder.read_info().unwrap();
    let mut image = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut image).unwrap();
    let image = &image[..info.buffer_size()];
    assert_eq!((info.width, info.height), (1200, 800));
    let channels = info.color_type.samples();
    assert!(channels >= 3, "{:?}", info.color_type);
    let total = (info.width * info.height) as usize;
    let white = pixels_near(image, channels, [255, 255, 255]);
    assert!(white < total * 98 / 100, "the picture is (nearly) blank");
    let lanes = pixels_near(image, channels, hex(logiclock::diagram::svg::LANE_COLOUR));
    assert!(lanes > 1_000, "machine lines: {lanes} pixels");
    for (i, colour) in (0..3).map(logiclock::palette::hex).enumerate() {
        let dots = pixels_near(image, channels, hex(&colour));
        assert!(dots > 300, "machine {i}'s dots ({colour}): {dots} pixels");
    }
}

/// The hand-made run with machine 1 killed at 320 ms and restarted at 350 ms, a partition of
/// machine 0 from 110 to 190 ms and a message of machine 0 to machine 2 dropped at 210 ms.
fn fault_run(dir: &Path) -> std::path::PathBuf {
    use crate::fixture::line;
    use logiclock::log_format::{DropReason, Event, FaultKind};
    let mut lines = crate::golden::golden_lines();
    // Each line with the phase its writer sets for that prose.
    let fault = |kind, peer, detail: &str| Event::Fault {
        kind,
        phase: logiclock::runlog::compat::phase_from_prose(kind, detail),
        peer,
        detail: detail.into(),
    };
    let m0 = &mut lines[0];
    m0.insert(
        2,
        line(
            110,
            0,
            fault(
                FaultKind::Partition,
                Some(2),
                "partition (drop) from machine 2 begins",
            ),
        ),
    );
    m0.insert(
        3,
        line(
            190,
            0,
            fault(
                FaultKind::Partition,
                Some(2),
                "partition (drop) from machine 2 heals",
            ),
        ),
    );
    m0.insert(
        5,
        line(
            210,
            0,
            Event::Dropped {
                to: vec![2],
                lamport: 2,
                reason: DropReason::Partition,
            },
        ),
    );
    m0.insert(
        6,
        line(
            320,
            0,
            fault(FaultKind::Kill, Some(1), "machine 1 killed (SIGKILL)"),
        ),
    );
    let restart = lines[1][0].clone();
    lines[1].insert(3, line(350, 1, restart.event));
    crate::golden::fixture(lines).write(dir)
}

#[test]
fn a_fault_run_marks_the_death_the_restart_the_partition_and_the_drop() {
    let tmp = tempfile::tempdir().unwrap();
    let run = fault_run(&tmp.path().join("faults"));
    let svg = diagram(&run, &tmp.path().join("d.svg"), &[]);
    assert_eq!(count(&svg, "class=\"death\""), 1, "machine 1 killed once");
    assert_eq!(count(&svg, "class=\"restart\""), 1);
    assert_eq!(count(&svg, "class=\"fault-span partition\""), 1);
    assert_eq!(count(&svg, "<g class=\"drop\">"), 1);
    // Machine 1's line ends at its death and resumes at its restart: two stretches.
    let y1 = lane_ys(&svg);
    let lane_1 = y1[1];
    assert_eq!(y1.iter().filter(|&&y| y == lane_1).count(), 2, "{y1:?}");
}

#[test]
fn a_pause_is_shaded_from_when_the_supervisor_paused_the_machine_to_its_resume() {
    use crate::fixture::{at, line};
    use logiclock::log_format::{Event, FaultKind};
    use logiclock::manifest::{FaultCause, FaultRecord, RunOutcome};
    let tmp = tempfile::tempdir().unwrap();
    // Machine 2 is paused at 260 ms, after its receive @250, and resumed at 330 ms; its tick @350
    // runs before it reads the news and logs the pause @360. The shade was 0.350 to 0.360 s.
    let mut lines = crate::golden::golden_lines();
    lines[2].insert(
        3,
        line(
            360,
            2,
            Event::Fault {
                kind: FaultKind::Pause,
                phase: logiclock::log_format::FaultPhase::End,
                peer: None,
                detail: "this machine was paused and is now resumed".into(),
            },
        ),
    );
    let record = |ms, kind, detail: &str| FaultRecord {
        at: at(ms),
        kind,
        // An older manifest's record: the reader infers its phase.
        phase: None,
        machines: vec![2],
        detail: detail.into(),
        cause: FaultCause::Planned,
        outcome: Default::default(),
    };
    let faults = vec![
        record(260, FaultKind::Pause, "machine 2 paused (SIGSTOP)"),
        record(330, FaultKind::Resume, "machine 2 resumed (SIGCONT)"),
    ];
    let run = crate::golden::fixture(lines)
        .manifest_edit(move |m| {
            m.outcome = Some(RunOutcome {
                ended_at: at(500),
                clean: true,
                reason: "completed".into(),
                faults: faults.clone(),
                exits: Vec::new(),
            })
        })
        .write(tmp.path().join("paused"));
    let svg = diagram(&run, &tmp.path().join("d.svg"), &[]);
    assert_eq!(count(&svg, "class=\"fault-span pause\""), 1, "{svg}");
    assert!(
        svg.contains(
            "machine 2: this machine was paused and is now resumed · model second 0.260 to 0.330"
        ),
        "{svg}"
    );
}

#[test]
fn an_empty_window_is_an_error_and_writes_no_picture() {
    let tmp = tempfile::tempdir().unwrap();
    let run = write_golden(&tmp.path().join("golden"));
    let out = tmp.path().join("d.svg");
    Logiclock::diagram(&run)
        .args(["--from", "30", "--to", "40", "--out"])
        .arg(&out)
        .timeout(TIMEOUT)
        .finish()
        .exit_code(2)
        .stderr_contains("holds no clock event");
    assert!(!out.exists(), "no empty picture written");
}

/// (x, y, text) of every Lamport label of `svg`.
fn labels(svg: &str) -> Vec<(f64, f64, String)> {
    svg.lines()
        .filter(|l| l.starts_with("<text") && l.contains("font-size=\"10\""))
        .map(|l| {
            let attr = |name: &str| -> f64 {
                l.split(&format!("{name}=\""))
                    .nth(1)
                    .unwrap()
                    .split('"')
                    .next()
                    .unwrap()
                    .parse()
                    .unwrap()
            };
            let text = l
                .split('>')
                .nth(1)
                .unwrap()
                .split('<')
                .next()
                .unwrap()
                .to_string();
            (attr("x"), attr("y"), text)
        })
        .collect()
}

#[test]
fn dense_labels_are_skipped_rather_than_overlapped() {
    let tmp = tempfile::tempdir().unwrap();
    let mut fixture = crate::fixture::Fixture::new(1).line(0, 0, crate::analyze::start(1));
    for k in 1..=60 {
        fixture = fixture.line(0, 100 + k * 2, crate::analyze::internal(k, k));
    }
    let run = fixture.write(tmp.path().join("dense"));
    let svg = diagram(&run, &tmp.path().join("d.svg"), &[]);
    let labels = labels(&svg);
    assert!(!labels.is_empty() && labels.len() < 60, "{}", labels.len());
    for pair in labels.windows(2) {
        let gap = pair[1].0 - pair[0].0;
        let room = 3.2 * (pair[0].2.len() + pair[1].2.len()) as f64;
        assert!(gap >= room, "labels {pair:?} overlap");
    }
}

#[test]
fn sixty_four_machines_fit_in_a_usable_picture() {
    let tmp = tempfile::tempdir().unwrap();
    let mut fixture = crate::fixture::Fixture::new(64);
    for m in 0..64 {
        fixture = fixture.line(m, 0, crate::analyze::start(1)).line(
            m,
            100 + u64::from(m),
            crate::analyze::internal(1, 1),
        );
    }
    let run = fixture.write(tmp.path().join("many"));
    let svg = diagram(&run, &tmp.path().join("d.svg"), &[]);
    let height = attr(&svg, "height");
    assert!(height <= 1_400.0, "height {height}");
    let lanes = lane_ys(&svg);
    assert_eq!(lanes.len(), 64);
    assert!(
        lanes.windows(2).all(|w| w[1] - w[0] >= 16.0),
        "lanes at least 16 px apart"
    );
}
