//! What `manifest.json` says of an imported run (`logiclock import`): where its logs came from,
//! and what of the run is unknown or was derived rather than logged.

use serde::{Deserialize, Serialize};

/// What `logiclock import` records about the logs it turned into a run directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Imported {
    /// The directory the foreign logs were read from, as given.
    pub source: String,
    /// Their format: `json_lines`, `csv` or `shiviz`.
    pub format: String,
    /// System time of the import, RFC 3339.
    pub at: String,
    /// Where each event's `timestamp` comes from.
    pub timestamps: ImportedTimestamps,
    /// Each machine's source file, in manifest order.
    pub files: Vec<ImportedFile>,
    /// What logiclock cannot know of such a run and left `null` or out, said for people.
    pub unknown: Vec<String>,
    /// What the imported lines hold that the foreign log did not say, said for people.
    pub derived: Vec<String>,
}

/// Where the timestamps of an imported run's lines come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportedTimestamps {
    /// The foreign log's own, one per event.
    Logged,
    /// The foreign log had none: made up from the Lamport clocks (see `import`'s docs), so they
    /// order the events but say nothing of real time.
    Synthetic,
}

/// One machine's foreign log, as imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportedFile {
    pub machine: u32,
    /// The file read, as its path was given.
    pub source: String,
    /// The source lines the imported log's lines came from, in order, as ranges `[first,
    /// last]` of consecutive lines: line k of `machine-N.log` is the k-th line they cover.
    pub lines: Vec<[u64; 2]>,
}

/// `lines` in order as ranges `[first, last]` of consecutive numbers (for [`ImportedFile`]).
pub fn line_ranges(lines: &[u64]) -> Vec<[u64; 2]> {
    let mut ranges: Vec<[u64; 2]> = Vec::new();
    for &line in lines {
        match ranges.last_mut() {
            Some(last) if last[1].checked_add(1) == Some(line) => last[1] = line,
            _ => ranges.push([line, line]),
        }
    }
    ranges
}
