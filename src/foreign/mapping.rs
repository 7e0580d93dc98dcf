//! How a student's field names and event names map onto the log contract's: `--field` flags and
//! a small TOML mapping file.
//!
//! - `--field OURS=THEIRS` names the column or key that holds one of our fields:
//!   `--field lamport=clock`, `--field msg_clock=ts`, `--field event=type`.
//! - `--field event.KIND=VALUE` gives a value of the event field that means KIND (`send`,
//!   `recv`, `internal`): `--field event.send=SEND`. Repeat it for several values. Once a kind is
//!   given values, only those mean it (compared without regard to case); a kind not given keeps
//!   its own name.
//!
//! The mapping file says the same in two tables:
//!
//! ```toml
//! [fields]
//! lamport = "clock"
//! event = "type"
//! [events]
//! send = "snd"               # or several: ["snd", "SEND"]
//! recv = "rcv"
//! ```

use std::collections::BTreeMap;
use std::path::Path;

/// Our field names, the keys a mapping may rename.
pub(crate) const FIELDS: [&str; 9] = [
    "machine",
    "event",
    "lamport",
    "timestamp",
    "to",
    "from",
    "msg_clock",
    "queue",
    "vc",
];

/// Our event names, the kinds a mapping may give other values.
pub(crate) const KINDS: [&str; 3] = ["send", "recv", "internal"];

/// A clock event's kind, as the event field names it (before the peers are read).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KindName {
    Send,
    Recv,
    Internal,
}

/// Field and event names of a student's logs, ours where not given.
#[derive(Debug, Clone, Default)]
pub(crate) struct Mapping {
    /// Our field name -> theirs.
    fields: BTreeMap<String, String>,
    /// Our event kind -> the values that mean it, lowercased.
    events: BTreeMap<String, Vec<String>>,
}

impl Mapping {
    /// One `--field OURS=THEIRS` flag, e.g. "lamport=clock", "event=type", "msg_clock=ts";
    /// or an event value: `event.send=SEND`.
    pub(crate) fn add_flag(&mut self, flag: &str) -> Result<(), String> {
        let Some((ours, theirs)) = flag.split_once('=') else {
            return Err(format!(
                "--field {flag:?}: expected OURS=THEIRS, e.g. lamport=clock or event.send=SEND"
            ));
        };
        let (ours, theirs) = (ours.trim(), theirs.trim());
        if theirs.is_empty() {
            return Err(format!("--field {flag:?}: the name after `=` is empty"));
        }
        match ours.strip_prefix("event.") {
            Some(kind) => self
                .add_event(kind, theirs)
                .map_err(|e| format!("--field {flag:?}: {e}")),
            None => self
                .add_field(ours, theirs)
                .map_err(|e| format!("--field {flag:?}: {e}")),
        }
    }

    /// A small TOML mapping file ([fields] lamport = "clock" ... [events] send = "snd" ...).
    pub(crate) fn from_file(path: &Path) -> Result<Mapping, String> {
        let shown = path.display();
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read mapping file {shown}: {e}"))?;
        let table: toml::Table =
            toml::from_str(&text).map_err(|e| format!("mapping file {shown}: {e}"))?;
        let mut mapping = Mapping::default();
        for (section, value) in &table {
            let entries = value.as_table().ok_or_else(|| {
                format!("mapping file {shown}: `{section}` should be a table ([{section}])")
            })?;
            for (ours, theirs) in entries {
                let at = |e: String| format!("mapping file {shown}: [{section}] {ours}: {e}");
                match (section.as_str(), theirs) {
                    ("fields", toml::Value::String(theirs)) => {
                        mapping.add_field(ours, theirs).map_err(at)?
                    }
                    ("events", toml::Value::String(theirs)) => {
                        mapping.add_event(ours, theirs).map_err(at)?
                    }
                    ("events", toml::Value::Array(values)) => {
                        for value in values {
                            let theirs = value.as_str().ok_or_else(|| {
                                at(format!("expected strings, found {value}"))
                            })?;
                            mapping.add_event(ours, theirs).map_err(at)?;
                        }
                    }
                    ("fields" | "events", other) => {
                        return Err(at(format!("expected a string, found {other}")))
                    }
                    _ => {
                        return Err(format!(
                            "mapping file {shown}: unknown table [{section}]: expected [fields] or [events]"
                        ))
                    }
                }
            }
        }
        Ok(mapping)
    }

    fn add_field(&mut self, ours: &str, theirs: &str) -> Result<(), String> {
        if !FIELDS.contains(&ours) {
            return Err(format!(
                "unknown field {ours:?}: expected one of {} (or event.KIND for an event value)",
                FIELDS.join(", ")
            ));
        }
        self.fields.insert(ours.to_owned(), theirs.to_owned());
        Ok(())
    }

    fn add_event(&mut self, kind: &str, value: &str) -> Result<(), String> {
        if !KINDS.contains(&kind) {
            return Err(format!(
                "unknown event kind {kind:?}: expected one of {}",
                KINDS.join(", ")
            ));
        }
        self.events
            .entry(kind.to_owned())
            .or_default()
            .push(value.to_lowercase());
        Ok(())
    }

    /// Their name of our field `ours`.
    pub(crate) fn field<'a>(&'a self, ours: &'a str) -> &'a str {
        self.fields.get(ours).map_or(ours, String::as_str)
    }

    /// The clock event an event value means; `None` for any other event (skipped).
    pub(crate) fn kind(&self, value: &str) -> Option<KindName> {
        let value = value.trim().to_lowercase();
        KINDS
            .iter()
            .zip([KindName::Send, KindName::Recv, KindName::Internal])
            .find_map(|(&ours, kind)| {
                let means = match self.events.get(ours) {
                    Some(values) => values.contains(&value),
                    None => value == ours,
                };
                means.then_some(kind)
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_rename_fields_and_give_event_values() {
        let mut m = Mapping::default();
        m.add_flag("lamport=clock").unwrap();
        m.add_flag("event.send=SND").unwrap();
        m.add_flag("event.send=message_out").unwrap();
        assert_eq!(m.field("lamport"), "clock");
        assert_eq!(m.field("vc"), "vc");
        // Once send has values of its own, its own name no longer means it.
        assert_eq!(m.kind("send"), None);
        assert_eq!(m.kind("Snd"), Some(KindName::Send));
        assert_eq!(m.kind("Message_Out"), Some(KindName::Send));
        assert_eq!(m.kind("recv"), Some(KindName::Recv));
        assert_eq!(m.kind("start"), None);
    }

    #[test]
    fn bad_flags_say_what_was_expected() {
        let mut m = Mapping::default();
        let e = m.add_flag("lamport").unwrap_err();
        assert!(e.contains("OURS=THEIRS"), "{e}");
        let e = m.add_flag("clock=lamport").unwrap_err();
        assert!(
            e.contains("unknown field \"clock\"") && e.contains("msg_clock"),
            "{e}"
        );
        let e = m.add_flag("event.crash=x").unwrap_err();
        assert!(e.contains("unknown event kind \"crash\""), "{e}");
        assert!(m.add_flag("vc=").unwrap_err().contains("empty"));
    }

    #[test]
    fn a_mapping_file_reads_and_its_errors_name_the_file_and_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("map.toml");
        std::fs::write(
            &path,
            "[fields]\nlamport = \"clock\"\n[events]\nsend = [\"snd\", \"S\"]\nrecv = \"rcv\"\n",
        )
        .unwrap();
        let m = Mapping::from_file(&path).unwrap();
        assert_eq!(m.field("lamport"), "clock");
        assert_eq!(m.kind("s"), Some(KindName::Send));
        assert_eq!(m.kind("rcv"), Some(KindName::Recv));
        std::fs::write(&path, "[fields]\nclock = \"lamport\"\n").unwrap();
        let e = Mapping::from_file(&path).unwrap_err();
        assert!(
            e.contains("map.toml") && e.contains("[fields] clock"),
            "{e}"
        );
        std::fs::write(&path, "[colours]\nx = \"y\"\n").unwrap();
        assert!(Mapping::from_file(&path)
            .unwrap_err()
            .contains("unknown table [colours]"));
        let e = Mapping::from_file(&dir.path().join("none.toml")).unwrap_err();
        assert!(e.contains("none.toml"), "{e}");
    }
}
