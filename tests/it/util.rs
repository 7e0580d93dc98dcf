//! Reading what a run wrote: its manifest and logs, checked against the log contract. (The
//! binary is run by [`crate::cmd::Logiclock`].)

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use logiclock::log_format::{log_file_name, Event};
use logiclock::manifest::Manifest;
use logiclock::runlog::{read_log_lines, Line};

/// Every line of machine `machine`'s log at `path`, read through the one log reader; a line
/// that does not parse, or a last line cut short, fails the test.
pub fn read_log(path: &Path, machine: u32) -> Vec<Line> {
    let (lines, cut) = read_log_lines(path, machine).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(cut, None, "a test run's log ends with a whole line");
    lines
}

/// A message as its `send` line shows it: Lamport clock, timestamp, vector clock.
type SentMessage = (u64, i64, Vec<u64>);

/// A run directory, read back.
pub struct RunFiles {
    pub manifest: Manifest,
    /// Each machine's log lines, by id.
    pub logs: Vec<Vec<Line>>,
}

impl RunFiles {
    pub fn read(dir: &Path) -> RunFiles {
        let manifest = Manifest::read(dir).expect("the run has a manifest");
        let logs = manifest
            .machines
            .iter()
            .map(|m| read_log(&dir.join(log_file_name(m.id)), m.id))
            .collect();
        RunFiles { manifest, logs }
    }

    /// Each machine's drawn rate, in manifest order.
    pub fn rates(&self) -> Vec<u32> {
        self.manifest
            .machines
            .iter()
            .map(|m| m.rate.unwrap())
            .collect()
    }

    /// The last line of machine `id`'s log, which must be its `stop` line: (lamport, queue).
    pub fn stop_line(&self, id: usize) -> (u64, u64) {
        match self.logs[id].last().map(|l| &l.event) {
            Some(Event::Stop { lamport, queue, .. }) => (*lamport, *queue),
            other => panic!("machine {id}'s log does not end with a stop line: {other:?}"),
        }
    }

    /// No process of the run's machines (first processes and restarts) is still there.
    pub fn assert_no_machine_left(&self) {
        for m in &self.manifest.machines {
            let pids = std::iter::once(m.pid.unwrap()).chain(m.restarts.iter().map(|r| r.pid));
            for pid in pids {
                assert!(!alive(pid), "machine {} (pid {pid}) outlived the run", m.id);
            }
        }
    }

    /// Check everything the log contract promises; returns a description of the first violation.
    pub fn check(&self) -> Result<(), String> {
        self.check_except(&[])
    }

    /// Like [`RunFiles::check`], for a run in which the machines `died` were killed: their logs
    /// stop early (no `stop` line), and messages sent to them are not accounted for.
    pub fn check_except(&self, died: &[u32]) -> Result<(), String> {
        let n = self.logs.len() as u32;
        // (from, to) -> clocks sent, in order; and how many each machine dropped per recipient.
        let mut sent: HashMap<(u32, u32), Vec<SentMessage>> = HashMap::new();
        let mut dropped: HashMap<(u32, u32), Vec<u64>> = HashMap::new();
        for (id, lines) in self.logs.iter().enumerate() {
            for line in lines {
                if let Event::Dropped { to, lamport, .. } = &line.event {
                    for &to in to {
                        dropped.entry((id as u32, to)).or_default().push(*lamport);
                    }
                }
                if let Event::Send {
                    lamport, to, vc, ..
                } = &line.event
                {
                    for &dest in to {
                        if dest >= n || dest == id as u32 {
                            return Err(format!("machine {id} sent to {dest}: {line:?}"));
                        }
                        sent.entry((id as u32, dest)).or_default().push((
                            *lamport,
                            line.timestamp,
                            vc.clone(),
                        ));
                    }
                }
            }
        }
        for (id, lines) in self.logs.iter().enumerate() {
            let id = id as u32;
            let mut clock = 0u64;
            let mut vclock = vec![0u64; n as usize];
            let mut last_tick = 0u64;
            let mut next_on_link: HashMap<u32, usize> = HashMap::new();
            let mut received = 0u64;
            for line in lines {
                if line.machine != id {
                    return Err(format!(
                        "machine {id}'s log has a line of another machine: {line:?}"
                    ));
                }
                if let Some(tick) = line.event.tick() {
                    if tick != last_tick + 1 {
                        return Err(format!(
                            "machine {id}: tick {tick} after {last_tick}: {line:?}"
                        ));
                    }
                    last_tick = tick;
                }
                match &line.event {
                    Event::Skipped { first, count } => {
                        if *first != last_tick + 1 {
                            return Err(format!(
                                "machine {id}: skip from {first} after tick {last_tick}"
                            ));
                        }
                        last_tick += count;
                    }
                    Event::Internal { lamport, vc, .. } | Event::Send { lamport, vc, .. } => {
                        if *lamport != clock + 1 {
                            return Err(format!("machine {id}: {lamport} after {clock}: {line:?}"));
                        }
                        clock = *lamport;
                        vclock[id as usize] += 1;
                        if *vc != vclock {
                            return Err(format!(
                                "machine {id}: vector {vc:?}, expected {vclock:?}: {line:?}"
                            ));
                        }
                    }
                    Event::Recv {
                        lamport,
                        from,
                        msg_clock,
                        ..
                    } => {
                        if *lamport != clock.max(*msg_clock) + 1 {
                            return Err(format!(
                                "machine {id}: receive rule broken after {clock}: {line:?}"
                            ));
                        }
                        clock = *lamport;
                        let index = next_on_link.entry(*from).or_default();
                        let link = sent.get(&(*from, id)).map(Vec::as_slice).unwrap_or(&[]);
                        let lost = dropped.get(&(*from, id)).map(Vec::as_slice).unwrap_or(&[]);
                        // Messages dropped on the link never arrive: skip them; so do those
                        // in a dead machine's inbox when it died.
                        while link.get(*index).is_some_and(|(stamp, _, _)| {
                            lost.contains(stamp) || (died.contains(&id) && stamp < msg_clock)
                        }) {
                            *index += 1;
                        }
                        match link.get(*index) {
                            Some((stamp, at, sent_vc)) if stamp == msg_clock && at <= &line.timestamp => {
                                *index += 1;
                                // The receive rule for vectors: max with the message's, then own + 1.
                                for (mine, theirs) in vclock.iter_mut().zip(sent_vc) {
                                    *mine = (*mine).max(*theirs);
                                }
                                vclock[id as usize] += 1;
                                if line.event.vc() != Some(&vclock[..]) {
                                    return Err(format!("machine {id}: receive vector, expected {vclock:?}: {line:?}"));
                                }
                            }
                            other => {
                                return Err(format!(
                                    "machine {id}: receive matches no send (next on link {from}->{id}: {other:?}): {line:?}"
                                ))
                            }
                        }
                        received += 1;
                    }
                    Event::Stop { lamport, queue, .. } => {
                        if *lamport != clock {
                            return Err(format!(
                                "machine {id}: stop clock {lamport}, last clock {clock}"
                            ));
                        }
                        if died.contains(&id) {
                            // Restarted: what was in its inbox at its death is gone with it.
                            continue;
                        }
                        let total: u64 = (0..n)
                            .filter(|&p| p != id)
                            .map(|p| sent.get(&(p, id)).map_or(0, Vec::len) as u64)
                            .sum();
                        let lost: u64 = (0..n)
                            .map(|p| dropped.get(&(p, id)).map_or(0, Vec::len) as u64)
                            .sum();
                        if total != received + queue + lost {
                            return Err(format!(
                                "machine {id}: {total} messages sent to it, {received} received, {queue} left in the queue, {lost} dropped"
                            ));
                        }
                    }
                    _ => {}
                }
            }
            if !died.contains(&id) {
                self.stop_line(id as usize);
            }
        }
        Ok(())
    }
}

/// Wait (at most 20 s) until `dir` holds a manifest: the run's machines are about to tick.
pub fn wait_for_manifest(dir: &Path) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !dir.join("manifest.json").exists() {
        assert!(
            Instant::now() < deadline,
            "the run in {} never started",
            dir.display()
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Once the run in `dir` has started, stop the process `run` (a `logiclock run`) with SIGSTOP
/// from `from_s` to `to_s` real seconds after the run's start: a host stalling the supervisor.
pub fn stall_between(run: &crate::cmd::Running, dir: &Path, from_s: f64, to_s: f64) {
    stall_and_signal(run, dir, from_s, to_s, None);
}

/// [`stall_between`], with `signal` sent to the stopped process just before it is resumed: it
/// finds the signal waiting as it wakes, with whatever else fell due meanwhile.
pub fn stall_and_signal(
    run: &crate::cmd::Running,
    dir: &Path,
    from_s: f64,
    to_s: f64,
    signal: Option<nix::sys::signal::Signal>,
) {
    use nix::sys::signal::Signal;
    wait_for_manifest(dir);
    let started = Manifest::read(dir).unwrap().started_at;
    let started = humantime::parse_rfc3339(&started).unwrap();
    let at = |real_s: f64| {
        let when = started + Duration::from_secs_f64(real_s);
        if let Ok(wait) = when.duration_since(std::time::SystemTime::now()) {
            // The stall's length is what is under test, not a wait for something to happen.
            std::thread::sleep(wait);
        }
    };
    at(from_s);
    run.signal(Signal::SIGSTOP);
    at(to_s);
    if let Some(signal) = signal {
        run.signal(signal);
    }
    run.signal(Signal::SIGCONT);
}

/// Poll `ready` every 10 ms until it holds; after `bound`, fail the test saying what it waited for.
#[track_caller]
pub fn wait_until(what: &str, bound: Duration, mut ready: impl FnMut() -> bool) {
    let deadline = Instant::now() + bound;
    while !ready() {
        assert!(Instant::now() < deadline, "waited {bound:?} for {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Wait (at most 10 s) until every machine's log in run directory `dir` has `lines` lines: the
/// machines tick, and have a history.
pub fn wait_for_ticks(dir: &Path, lines: usize) {
    let logs = log_paths(dir);
    wait_until(
        &format!("every machine to log {lines} lines"),
        Duration::from_secs(10),
        || line_counts(&logs).iter().all(|&n| n >= lines),
    );
}

/// Each machine's log file in run directory `dir`, by id, as its manifest lists them.
pub fn log_paths(dir: &Path) -> Vec<PathBuf> {
    let manifest = Manifest::read(dir).expect("the run has a manifest");
    let ids = manifest.machines.iter().map(|m| m.id);
    ids.map(|id| dir.join(log_file_name(id))).collect()
}

/// The number of whole lines in each file of `paths` now (0 for one not written yet).
pub fn line_counts(paths: &[PathBuf]) -> Vec<usize> {
    let count =
        |p: &PathBuf| std::fs::read(p).map_or(0, |b| b.iter().filter(|&&c| c == b'\n').count());
    paths.iter().map(count).collect()
}

/// The state letter `ps` shows for process `pid` (`R`, `S`, `T` for stopped, ...), if it exists.
pub fn process_state(pid: u32) -> Option<char> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    stat.rsplit(')').next()?.trim_start().chars().next()
}

/// Write `text` as a scenario file in `dir`.
pub fn scenario(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("failed to write the scenario");
    path
}

/// Whether a process with this pid still exists (and is not a zombie).
pub fn alive(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => !stat
            .rsplit(')')
            .next()
            .is_some_and(|rest| rest.trim_start().starts_with('Z')),
        Err(_) => false,
    }
}

/// The text of every `<text>` element of an SVG, trimmed (plotters writes it on its own line).
pub fn svg_texts(svg: &str) -> Vec<String> {
    svg.split("</text>")
        .filter_map(|part| {
            let start = part.rfind("<text")?;
            let open = part[start..].find('>')?;
            Some(part[start + open + 1..].trim().to_string())
        })
        .collect()
}

/// `logiclock run SCENARIO --engine sim ARGS... -q --out OUT` in `dir`, which must succeed: a
/// run (or a batch, with `--repeat`) of the twin, done in well under a second.
pub fn twin(dir: &Path, scenario: impl AsRef<Path>, out: &Path, args: &[&str]) {
    crate::cmd::Logiclock::run(scenario)
        .args(["--engine", "sim"])
        .args(args)
        .quiet()
        .out(out)
        .current_dir(dir)
        .timeout(std::time::Duration::from_secs(60))
        .finish()
        .success();
}
