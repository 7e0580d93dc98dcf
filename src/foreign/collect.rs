//! One file's events and problems gathered into a [`ForeignLog`]: the machine it is about, and
//! the rule that one file holds one machine's lines.

use std::path::Path;

use std::collections::BTreeSet;

use super::record::Read;
use super::{ForeignLog, Problem};

/// The number a file's name ends in before its extensions (`machine-2.log`, `node2.jsonl`,
/// `p2-Log.txt` has none); machine ids of files whose lines do not say.
pub(crate) fn number_in_name(path: &Path) -> Option<u32> {
    let name = path.file_name()?.to_str()?;
    let stem = name.split('.').next().unwrap_or(name);
    let digits = stem.len() - stem.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    stem[stem.len() - digits..].parse().ok()
}

/// Builds one file's log line by line.
#[derive(Debug)]
pub(crate) struct Collector {
    log: ForeignLog,
    /// Lines naming another machine than the first event's: (first such line, its machine, count).
    strays: Option<(u64, u32, usize)>,
    /// The first few names of the other events skipped, said when no clock event was found.
    others: BTreeSet<String>,
}

impl Collector {
    pub(crate) fn new(path: &Path) -> Collector {
        Collector {
            log: ForeignLog {
                file: path.to_owned(),
                ..ForeignLog::default()
            },
            strays: None,
            others: BTreeSet::new(),
        }
    }

    /// The machine id the file's name gives.
    pub(crate) fn file_machine(&self) -> Option<u32> {
        number_in_name(&self.log.file)
    }

    /// A line read: an event, another event (skipped), or a problem with the line.
    pub(crate) fn line(&mut self, line: u64, read: Result<Read, String>) {
        match read {
            Ok(Read::Other(name)) => {
                if self.others.len() < 8 {
                    self.others.insert(name);
                }
            }
            Ok(Read::Event(event)) => match self.log.events.first() {
                Some(first) if first.machine != event.machine => {
                    let strays = self.strays.get_or_insert((line, event.machine, 0));
                    strays.2 += 1;
                }
                _ => self.log.events.push(event),
            },
            Err(message) => self.problem(Some(line), message),
        }
    }

    /// A problem with a line, or with the whole file (`line` `None`).
    pub(crate) fn problem(&mut self, line: Option<u64>, message: String) {
        self.log.problems.push(Problem {
            file: self.log.file.clone(),
            line,
            message,
        });
    }

    /// The log: its machine from its events, or from the file's name when it has none.
    pub(crate) fn finish(mut self) -> ForeignLog {
        self.log.machine = match self.log.events.first() {
            Some(first) => Some(first.machine),
            None => self.file_machine(),
        };
        if let (Some((line, other, count)), Some(machine)) = (self.strays, self.log.machine) {
            let message = format!(
                "this line names machine {other}, the lines before machine {machine}: one file \
                 per machine ({count} line(s) of machine {other} skipped)"
            );
            self.problem(Some(line), message);
            self.log.problems.sort_by_key(|p| p.line);
        }
        if self.log.events.is_empty() && self.log.problems.is_empty() {
            let seen: Vec<String> = self.others.iter().map(|n| format!("{n:?}")).collect();
            let message = if seen.is_empty() {
                "no clock event (send, recv, internal) in this log".to_owned()
            } else {
                format!(
                    "no clock event (send, recv, internal) in this log; its events are named {}: \
                     map them with --field event.send=NAME",
                    seen.join(", ")
                )
            };
            self.problem(None, message);
        }
        self.log
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_number_a_file_name_ends_in_is_its_machine() {
        let n = |name: &str| number_in_name(Path::new(name));
        assert_eq!(n("run/machine-2.log"), Some(2));
        assert_eq!(n("node12.jsonl"), Some(12));
        assert_eq!(n("p3.csv.txt"), Some(3));
        assert_eq!(n("alice-Log.txt"), None);
        assert_eq!(n("log"), None);
    }
}
