//! What a user sees of a run outside its files: the machines' names in `ps`, the live view on a
//! real terminal of a given size, and the summary `logiclock run` prints at the end.

use std::path::Path;
use std::time::Duration;

use logiclock::manifest::Manifest;

use crate::cmd::Logiclock;
use crate::pty::TerminalRun;
use crate::util;

/// The summary's header, which must start a line of its own.
const SUMMARY_HEADER: &str = "machine  rate  ticks  skipped  lamport    sent    recv  queue  exit";

/// The command line of process `pid`, its arguments split on the NULs that end them.
fn cmdline(pid: u32) -> Vec<String> {
    let bytes = std::fs::read(format!("/proc/{pid}/cmdline"))
        .unwrap_or_else(|e| panic!("failed to read /proc/{pid}/cmdline: {e}"));
    String::from_utf8_lossy(&bytes)
        .split_terminator('\0')
        .map(str::to_owned)
        .collect()
}

/// The process name of `pid` (what `ps -o comm` and `top` show).
fn comm(pid: u32) -> String {
    std::fs::read_to_string(format!("/proc/{pid}/comm"))
        .unwrap_or_else(|e| panic!("failed to read /proc/{pid}/comm: {e}"))
        .trim_end()
        .to_owned()
}

#[test]
fn ps_shows_each_machine_as_logiclock_with_its_id_and_run() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("named");
    let running = Logiclock::run("configs/default.toml")
        .duration(4.0)
        .seed(5)
        .quiet()
        .out(&out)
        .current_dir(tmp.path())
        .spawn();
    util::wait_for_manifest(&out);
    let manifest = Manifest::read(&out).expect("the run has a manifest");

    let mut seen = Vec::new();
    for m in &manifest.machines {
        let argv = cmdline(m.pid.unwrap());
        let name = comm(m.pid.unwrap());
        seen.push(format!(
            "machine {} (pid {}): {argv:?}, comm {name:?}",
            m.id,
            m.pid.unwrap()
        ));
        assert_eq!(
            argv.first().map(String::as_str),
            Some(format!("logiclock machine {} (run named)", m.id).as_str()),
            "argv[0] of machine {}: {argv:?}",
            m.id
        );
        assert_eq!(
            name,
            format!("logiclock m{}", m.id),
            "comm of machine {}",
            m.id
        );
    }
    let done = running.finish().success();
    assert!(
        seen.len() == 3,
        "three machines, each named\n{}\n{}",
        seen.join("\n"),
        done.describe()
    );
}

/// Run `machines` machines for a short while with `--quiet`, into `dir`.
fn quiet_run(dir: &Path, machines: u32) -> crate::cmd::Finished {
    Logiclock::run(many(dir, machines))
        .duration(2.0)
        .speedup(2.0)
        .seed(3)
        .quiet()
        .out(dir.join("run"))
        .current_dir(dir)
        .timeout(Duration::from_secs(120))
        .finish()
        .success()
}

#[test]
fn the_final_summary_of_64_machines_has_a_row_for_every_machine() {
    let tmp = tempfile::tempdir().unwrap();
    let done = quiet_run(tmp.path(), 64);
    let lines: Vec<&str> = done.stdout.lines().collect();
    assert!(
        lines
            .first()
            .is_some_and(|l| l.starts_with("machine  rate")),
        "the summary starts with its header on a line of its own\n{}",
        done.describe()
    );
    let ids: Vec<u32> = lines
        .iter()
        .skip(1)
        .filter_map(|l| l.split_whitespace().next()?.parse().ok())
        .collect();
    assert_eq!(
        ids,
        (0..64).collect::<Vec<u32>>(),
        "one row per machine, in order\n{}",
        done.describe()
    );
}

/// A scenario of `machines` machines that each send to any peer about as often as they tick.
fn many(dir: &Path, machines: u32) -> std::path::PathBuf {
    util::scenario(
        dir,
        "many.toml",
        &format!("name = \"many\"\nmachines = {machines}\n[events]\ndie = {machines}\n"),
    )
}

/// The lines of `screen` after `SUMMARY_HEADER`'s line, and the ones before it.
fn split_at_summary(lines: &[String]) -> (&[String], &[String]) {
    let at = lines
        .iter()
        .position(|l| l == SUMMARY_HEADER)
        .unwrap_or_else(|| panic!("no line is the summary header:\n{}", lines.join("\n")));
    (&lines[..at], &lines[at + 1..])
}

/// More machines than a 100 x 20 terminal has rows (the view needs rows of cells), yet few
/// enough to spare the other tests' CPU: the layout at 64 machines and 160 x 40 is unit-tested.
const MANY: u32 = 24;

#[test]
fn on_a_terminal_with_fewer_rows_than_machines_the_live_view_fits_and_the_summary_follows_on_its_own_line(
) {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = many(tmp.path(), MANY);
    let out = tmp.path().join("run");
    let args = [
        "run",
        scenario.to_str().unwrap(),
        "--duration",
        "2",
        "--seed",
        "9",
    ];
    let args = [&args[..], &["--out", out.to_str().unwrap()]].concat();
    let run = TerminalRun::run(tmp.path(), &args, 20, 100, Duration::from_secs(120));

    // While the machines ticked, the screen held the progress line, the summary line and every
    // machine's cell at once.
    let mut seen_whole = false;
    let screen = run.replay(|screen| {
        let lines = screen.lines();
        let progress = lines.iter().any(|l| l.contains(" s real, "));
        let header = lines
            .iter()
            .any(|l| l.starts_with(&format!("{MANY} machines: {MANY} ticking")));
        // A ticking machine's cell: its id, then `t` and its tick right after the letter.
        let ticking = |l: &String, id: u32| {
            l.match_indices(&format!("{id:>2} t"))
                .any(|(at, m)| l[at + m.len()..].starts_with(|c: char| c.is_ascii_digit()))
        };
        let cells = (0..MANY).all(|id| lines.iter().any(|l| ticking(l, id)));
        seen_whole |= progress && header && cells;
    });
    let transcript = screen.transcript();
    let text = transcript.join("\n");
    assert!(run.status.success(), "exit {}:\n{text}", run.status);
    assert!(
        seen_whole,
        "no screen showed progress, summary and all {MANY} machines:\n{text}"
    );

    let (before, summary) = split_at_summary(&transcript);
    // The live view's last state stays above the summary: progress, counts, every machine.
    let view = &before[before.len().saturating_sub(19)..];
    assert!(view.iter().any(|l| l.contains("2.0/2.0 s real")), "{text}");
    let stopped = format!("{MANY} machines: {MANY} stopped");
    assert!(view.iter().any(|l| l.starts_with(&stopped)), "{text}");
    for id in 0..MANY {
        let cell = format!("{id:>2} stopped");
        assert!(
            view.iter().any(|l| l.contains(&cell)),
            "no cell {cell:?}:\n{text}"
        );
    }
    let ids: Vec<u32> = summary
        .iter()
        .filter_map(|l| l.split_whitespace().next()?.parse().ok())
        .collect();
    assert_eq!(ids, (0..MANY).collect::<Vec<u32>>(), "{text}");
}

#[test]
fn a_paused_machine_says_so_on_the_terminal_and_faults_carry_their_model_time() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = util::scenario(
        tmp.path(),
        "pause.toml",
        "name = \"pause\"\nmachines = 3\nduration_s = 4\n[clock]\nrates = [2, 4, 6]\n\n\
         [[fault]]\nkind = \"pause\"\nat_s = 1\nmachine = 1\nduration_s = 2\n",
    );
    let out = tmp.path().join("run");
    let args = [
        "run",
        scenario.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    let run = TerminalRun::run(tmp.path(), &args, 24, 100, Duration::from_secs(60));

    let mut paused = false;
    let screen = run.replay(|screen| {
        paused |= screen
            .lines()
            .iter()
            .any(|l| l.starts_with("machine  1  paused    rate    4/s"));
    });
    let transcript = screen.transcript();
    let text = transcript.join("\n");
    assert!(run.status.success(), "exit {}:\n{text}", run.status);
    assert!(paused, "machine 1's line never said paused:\n{text}");
    for note in [
        "fault at 1.0 s model: machine 1 paused (SIGSTOP)",
        "fault at 3.0 s model: machine 1 resumed (SIGCONT)",
    ] {
        assert!(
            transcript.iter().any(|l| l == note),
            "no line {note:?}:\n{text}"
        );
    }
    let (before, summary) = split_at_summary(&transcript);
    for id in 0..3 {
        let line = format!("machine  {id}  stopped");
        assert!(
            before.iter().any(|l| l.starts_with(&line)),
            "no {line:?}:\n{text}"
        );
    }
    assert_eq!(
        summary.len(),
        3 + 3,
        "three rows, the verdict, the directory, the checks:\n{text}"
    );
    assert!(summary[5].starts_with("checks: "), "{text}");
}
