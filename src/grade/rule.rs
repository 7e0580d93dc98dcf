//! What `logiclock grade` judges: the rules (each with the short stable id that heads its report
//! column), the options a class is graded with, and a finding against a rule.

use serde::Serialize;

/// One rule of the assignment, checked over a submission's logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Rule {
    LamportInternal,
    LamportSend,
    LamportRecv,
    Broadcast,
    Carried,
    Matched,
    Fifo,
    Vector,
    Monotonic,
    Timestamps,
    Ids,
    Shape,
    Readable,
}

/// Every rule, in report order, with its id and what it asks.
pub(crate) const RULES: [(Rule, &str, &str); 13] = [
    (Rule::LamportInternal, "lamport-internal", "an internal event sets the clock to previous + 1 (the first event of a log gives 1)"),
    (Rule::LamportSend, "lamport-send", "a send to one peer sets the clock to previous + 1, the value its message carries"),
    (Rule::LamportRecv, "lamport-recv", "a receive sets the clock to max(previous, msg_clock) + 1"),
    (Rule::Broadcast, "broadcast", "a send to several peers: previous + 1 once (`--send-rule once`), or previous + k for k recipients whose messages carry previous + 1 ... previous + k in the order of `to` (`per-message`)"),
    (Rule::Carried, "carried", "a receive's msg_clock is the clock its message was sent with"),
    (Rule::Matched, "matched", "every receive is of a message sent to it, once: no receive without a send, no message received twice"),
    (Rule::Fifo, "fifo", "the messages of one link (from -> to) are received in the order they were sent"),
    (Rule::Vector, "vector", "vector clocks: internal/send = previous with the own entry + 1; receive = max(previous, the send's vector) entry by entry, then own + 1"),
    (Rule::Monotonic, "monotonic", "no clock goes backwards (a restart must not reset the clock)"),
    (Rule::Timestamps, "timestamps", "timestamps never decrease within a file"),
    (Rule::Ids, "ids", "each line names its file's machine; no send to itself or to an unknown id; a receive is from a known other machine"),
    (Rule::Shape, "shape", "the assignment's set-up: N machines, tick rates in 1..=6 per second, about (die - N)/die internal events"),
    (Rule::Readable, "readable", "every file and line of the submission could be read as a log"),
];

impl Rule {
    /// The rule's stable id, as in the reports.
    pub(crate) fn id(self) -> &'static str {
        RULES[self as usize].1
    }
}

/// How a send to several peers moves the Lamport clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum SendRule {
    /// One increment per send line, every message carries the new value (logiclock's rule).
    #[default]
    Once,
    /// One increment per recipient: `to = [a, b]` after clock c logs c + 2, and the message to
    /// `a` carries c + 1, the one to `b` c + 2.
    PerMessage,
}

/// What a class is graded against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub(crate) struct Options {
    pub send_rule: SendRule,
    /// Machines each submission should have.
    pub machines: u32,
    /// Sides of the die.
    pub die: u32,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            send_rule: SendRule::Once,
            machines: 3,
            die: 10,
        }
    }
}

/// A line of a submission: `machine-2.log:18`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Place {
    pub file: String,
    pub line: Option<u64>,
}

impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}", self.file),
            None => f.write_str(&self.file),
        }
    }
}

/// One departure from a rule, where it is, and the lines that show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Finding {
    pub rule: Rule,
    pub at: Place,
    pub expected: String,
    pub found: String,
    /// The smallest set of lines that shows the departure (a receive's send, a swapped pair).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub witness: Vec<Place>,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {}: expected {}, found {}",
            self.at,
            self.rule.id(),
            self.expected,
            self.found
        )?;
        if !self.witness.is_empty() {
            let lines: Vec<String> = self.witness.iter().map(Place::to_string).collect();
            write!(f, " (witness: {})", lines.join(", "))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_has_its_own_row_and_id() {
        for (i, (rule, id, _)) in RULES.iter().enumerate() {
            assert_eq!(*rule as usize, i, "{id}");
            assert_eq!(rule.id(), *id);
            let json = serde_json::to_string(rule).unwrap();
            assert_eq!(
                json,
                format!("\"{id}\""),
                "the JSON names the rule by its id"
            );
        }
    }
}
