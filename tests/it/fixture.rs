//! Hand-made run directories built from the log contract's own types: a manifest and one log
//! per machine, with `.raw_line(..)` as the only way to write a line that breaks the contract.

use std::path::{Path, PathBuf};
use std::rc::Rc;

use logiclock::log_format::{log_file_name, Event, LogLine, FORMAT_VERSION};
use logiclock::manifest::{MachineEntry, Manifest, RunOutcome, MANIFEST_VERSION};
use logiclock::scenario::{RateSpec, Scenario};

/// When every hand-made run starts.
pub const T0: &str = "2026-01-01T00:00:00.000000Z";

/// The timestamp `ms` milliseconds after [`T0`].
pub fn at(ms: u64) -> String {
    format!(
        "2026-01-01T00:00:{:02}.{:06}Z",
        ms / 1000,
        (ms % 1000) * 1000
    )
}

/// Line of machine `machine` at `ms` after [`T0`].
pub fn line(ms: u64, machine: u32, event: Event) -> LogLine {
    LogLine {
        timestamp: at(ms),
        machine,
        event,
    }
}

/// One line of a hand-made log: a typed line, or raw text (with its newline, if any) for
/// deliberately corrupt input.
#[derive(Debug, Clone, PartialEq)]
pub enum Entry {
    Line(LogLine),
    Raw(String),
}

impl Entry {
    fn text(&self) -> String {
        match self {
            Entry::Line(line) => {
                let text = serde_json::to_string(line).expect("a log line serializes");
                // An empty vector clock is a format 1 line: written without one, as format 1
                // was. (Through the text: a `serde_json::Value` would sort the fields.)
                text.replacen(r#","vc":[]"#, "", 1) + "\n"
            }
            Entry::Raw(text) => text.clone(),
        }
    }
}

/// A change to the manifest, applied when the fixture is written.
type ManifestEdit = Rc<dyn Fn(&mut Manifest)>;

/// A hand-made run: machines with rates, their log lines, and the manifest (speedup 1).
#[derive(Clone)]
#[must_use = "a fixture does nothing until .write(dir)"]
pub struct Fixture {
    rates: Vec<u32>,
    logs: Vec<Vec<Entry>>,
    name: String,
    duration_s: f64,
    seed: u64,
    edits: Vec<ManifestEdit>,
}

impl Fixture {
    /// `machines` machines at rate 1, with empty logs.
    pub fn new(machines: u32) -> Fixture {
        Fixture {
            rates: vec![1; machines as usize],
            logs: vec![Vec::new(); machines as usize],
            name: "hand".into(),
            duration_s: 10.0,
            seed: 7,
            edits: Vec::new(),
        }
    }

    /// Each machine's rate, in ticks per model second.
    pub fn rates(mut self, rates: impl IntoIterator<Item = u32>) -> Fixture {
        self.rates = rates.into_iter().collect();
        assert_eq!(self.rates.len(), self.logs.len(), "one rate per machine");
        self
    }

    /// The scenario's name in the manifest.
    pub fn name(mut self, name: &str) -> Fixture {
        self.name = name.into();
        self
    }

    /// The scenario's duration in the manifest, model seconds.
    pub fn duration(mut self, seconds: f64) -> Fixture {
        self.duration_s = seconds;
        self
    }

    /// The scenario's seed (7 unless set).
    pub fn seed(mut self, seed: u64) -> Fixture {
        self.seed = seed;
        self
    }

    /// Append `event` at `ms` after [`T0`] to `machine`'s log.
    pub fn line(self, machine: u32, ms: u64, event: Event) -> Fixture {
        self.entry(machine, Entry::Line(line(ms, machine, event)))
    }

    /// Append a complete line (any machine field) to `machine`'s log.
    pub fn log_line(self, machine: u32, line: LogLine) -> Fixture {
        self.entry(machine, Entry::Line(line))
    }

    /// Append `text` and a newline to `machine`'s log: a line that breaks the contract.
    pub fn raw_line(self, machine: u32, text: &str) -> Fixture {
        self.entry(machine, Entry::Raw(format!("{text}\n")))
    }

    /// Append `text` with no newline to `machine`'s log: a last line cut by a crash.
    pub fn raw_text(self, machine: u32, text: &str) -> Fixture {
        self.entry(machine, Entry::Raw(text.into()))
    }

    fn entry(mut self, machine: u32, entry: Entry) -> Fixture {
        self.logs[machine as usize].push(entry);
        self
    }

    /// `machine`'s log so far, to edit a line of a known run.
    pub fn log_mut(&mut self, machine: u32) -> &mut Vec<Entry> {
        &mut self.logs[machine as usize]
    }

    /// Change the manifest before it is written (an outcome, faults, exits).
    pub fn manifest_edit(mut self, edit: impl Fn(&mut Manifest) + 'static) -> Fixture {
        self.edits.push(Rc::new(edit));
        self
    }

    /// The manifest this fixture writes.
    pub fn manifest(&self) -> Manifest {
        let n = self.rates.len();
        let mut manifest = Manifest {
            manifest_version: MANIFEST_VERSION,
            log_format: FORMAT_VERSION,
            engine: logiclock::manifest::Engine::Real,
            logiclock_version: "test".into(),
            batch: None,
            estimate: None,
            speedup_warning: None,
            scenario: Some(Scenario {
                name: self.name.clone(),
                machines: n as u32,
                duration_s: self.duration_s,
                seed: self.seed,
                speedup: 1.0,
                rates: RateSpec::Fixed(self.rates.clone()),
                die: 10,
                host: [127, 0, 0, 1].into(),
                ports: vec![0; n],
                ..Scenario::default()
            }),
            imported: None,
            started_at: T0.into(),
            machines: self
                .rates
                .iter()
                .enumerate()
                .map(|(id, &rate)| {
                    MachineEntry::new(
                        id as u32,
                        rate,
                        1e6 / f64::from(rate),
                        ([127, 0, 0, 1], 0).into(),
                        1,
                    )
                })
                .collect(),
            // A hand-made run ran to its end, as the supervisor records it; a run cut short
            // (no outcome, or interrupted) says so with `.manifest_edit(..)`.
            outcome: Some(RunOutcome {
                ended_at: at((self.duration_s * 1000.0) as u64),
                clean: true,
                reason: "completed".into(),
                faults: Vec::new(),
                exits: Vec::new(),
            }),
        };
        for edit in &self.edits {
            edit(&mut manifest);
        }
        manifest
    }

    /// Write the run into `dir` (created if needed) and return `dir`.
    pub fn write(&self, dir: impl AsRef<Path>) -> PathBuf {
        let dir = dir.as_ref();
        std::fs::create_dir_all(dir).expect("failed to create the run directory");
        self.manifest()
            .write(dir)
            .expect("failed to write the manifest");
        for (id, log) in self.logs.iter().enumerate() {
            let text: String = log.iter().map(Entry::text).collect();
            std::fs::write(dir.join(log_file_name(id as u32)), text)
                .expect("failed to write a log");
        }
        dir.to_owned()
    }
}

#[test]
fn a_fixture_writes_lines_that_read_back_equal() {
    let tmp = tempfile::tempdir().expect("a temporary directory");
    let send = Event::Send {
        tick: 1,
        lamport: 1,
        to: vec![1],
        vc: vec![1, 0],
        late_us: 0,
        pt_us: None,
        hlc: None,
    };
    let old_send = Event::Send {
        tick: 2,
        lamport: 2,
        to: vec![1],
        vc: Vec::new(),
        late_us: 0,
        pt_us: None,
        hlc: None,
    };
    let dir = Fixture::new(2)
        .rates([2, 3])
        .line(0, 500, send.clone())
        .line(0, 1500, old_send.clone())
        .raw_line(1, "not json")
        .write(tmp.path().join("run"));
    let read: Vec<(i64, u32, Event)> = crate::util::read_log(&dir.join(log_file_name(0)), 0)
        .into_iter()
        .map(|l| (l.timestamp, l.machine, l.event))
        .collect();
    let written: Vec<(i64, u32, Event)> = [line(500, 0, send), line(1500, 0, old_send)]
        .into_iter()
        .map(|l| {
            (
                logiclock::log_format::timestamp::parse_micros(&l.timestamp).unwrap(),
                l.machine,
                l.event,
            )
        })
        .collect();
    assert_eq!(read, written);
    let text = std::fs::read_to_string(dir.join(log_file_name(0))).unwrap();
    assert!(
        !text.contains("\"vc\":[]"),
        "a format 1 line has no vc: {text}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join(log_file_name(1))).unwrap(),
        "not json\n"
    );
    let manifest = Manifest::read(&dir).expect("the fixture's manifest reads back");
    assert_eq!(manifest.machines.len(), 2);
    assert_eq!(manifest.machines[1].rate.unwrap(), 3);
}
