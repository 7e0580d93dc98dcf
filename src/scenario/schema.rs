//! The type of every scenario key, checked on the TOML table before serde reads it, so that a
//! value of the wrong type is said in plain words ("`machines` must be a whole number, got the
//! string "3"") where serde would say "invalid type: string "3", expected i64". The same table
//! tells `--sweep` which keys exist (and which one a misspelt key meant) and what their values
//! must be.

/// What a scenario key's value must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// An integer (`3`, not `3.0` or `"3"`).
    Whole,
    /// An integer or a float.
    Number,
    Text,
    /// An array of integers, e.g. the rates `[1, 2, 6]`.
    WholeList,
    /// An array of numbers, e.g. the skews `[30, -20, 0.5]`.
    NumberList,
    /// One of a few strings.
    Choice(&'static [&'static str]),
}

/// Every key of a scenario file (but the `[[fault]]` tables), as a dotted path, with its kind.
/// It mirrors [`super::raw::RawScenario`]; a test checks that every key here parses there.
pub(crate) const KEYS: &[(&str, Kind)] = &[
    ("name", Kind::Text),
    ("machines", Kind::Whole),
    ("duration_s", Kind::Number),
    ("seed", Kind::Whole),
    ("speedup", Kind::Number),
    ("clock.min_rate", Kind::Whole),
    ("clock.max_rate", Kind::Whole),
    ("clock.rates", Kind::WholeList),
    ("events.die", Kind::Whole),
    ("network.host", Kind::Text),
    ("network.ports", Kind::WholeList),
    ("network.latency_us", Kind::Whole),
    ("network.jitter_us", Kind::Whole),
    ("tolerance.skipped", Kind::Number),
    ("tolerance.rate", Kind::Number),
    ("on_machine_exit", Kind::Choice(&["continue", "stop"])),
    ("stop_grace_s", Kind::Number),
    ("physical_clock.skew_ms", Kind::NumberList),
    ("physical_clock.max_skew_ms", Kind::Number),
    ("physical_clock.drift_ppm", Kind::NumberList),
    ("physical_clock.max_drift_ppm", Kind::Number),
    ("physical_clock.granularity_us", Kind::Whole),
    ("physical_clock.sync_interval_s", Kind::Number),
    ("physical_clock.sync_error_ms", Kind::Number),
    ("physical_clock.max_offset_ms", Kind::Number),
];

/// The fields of a `[[fault]]` table, whatever its kind, with their kinds.
const FAULT_FIELDS: &[(&str, Kind)] = &[
    (
        "kind",
        Kind::Choice(&["kill", "pause", "delay", "partition"]),
    ),
    ("at_s", Kind::Number),
    ("machine", Kind::Whole),
    ("restart_after_s", Kind::Number),
    ("duration_s", Kind::Number),
    ("from", Kind::Whole),
    ("to", Kind::Whole),
    ("delay_ms", Kind::Number),
    ("jitter_ms", Kind::Number),
    ("machines", Kind::WholeList),
    ("mode", Kind::Text),
];

/// The kind of the scenario key `key` (a dotted path), if there is one.
pub(crate) fn kind_of(key: &str) -> Option<Kind> {
    KEYS.iter().find(|(k, _)| *k == key).map(|&(_, kind)| kind)
}

impl Kind {
    /// What a value of this kind is, in words: "a whole number".
    fn expected(self) -> String {
        match self {
            Kind::Whole => "a whole number".into(),
            Kind::Number => "a number".into(),
            Kind::Text => "a string".into(),
            Kind::WholeList => "a list of whole numbers, e.g. [1, 2, 6]".into(),
            Kind::NumberList => "a list of numbers, e.g. [30, -20, 0.5]".into(),
            Kind::Choice(words) => {
                let quoted: Vec<String> = words.iter().map(|w| format!("\"{w}\"")).collect();
                format!("one of {}", quoted.join(", "))
            }
        }
    }

    /// Whether `value` is of this kind; `Err` says what it must be and what it is instead:
    /// `must be a whole number, got the string "3"`.
    pub(crate) fn check(self, value: &toml::Value) -> Result<(), String> {
        use toml::Value as V;
        let fits = match (self, value) {
            (Kind::Whole, V::Integer(_)) => true,
            (Kind::Number, V::Integer(_) | V::Float(_)) => true,
            (Kind::Text, V::String(_)) => true,
            (Kind::WholeList | Kind::NumberList, V::Array(items)) => {
                let fits = |v: &V| v.is_integer() || (self == Kind::NumberList && v.is_float());
                return match items.iter().position(|v| !fits(v)) {
                    None => Ok(()),
                    Some(i) => Err(format!(
                        "must be {}, got {} at position {}",
                        self.expected(),
                        described(&items[i]),
                        i + 1
                    )),
                };
            }
            (Kind::Choice(words), V::String(s)) => words.contains(&s.as_str()),
            _ => false,
        };
        if fits {
            Ok(())
        } else {
            Err(format!(
                "must be {}, got {}",
                self.expected(),
                described(value)
            ))
        }
    }
}

/// A TOML value in words, with its type: `the string "3"`, `the number 3.5`.
fn described(value: &toml::Value) -> String {
    use toml::Value as V;
    match value {
        V::String(s) => format!("the string {s:?}"),
        V::Integer(i) => format!("the whole number {i}"),
        V::Float(f) => format!("the number {f:?}"),
        V::Boolean(b) => format!("the boolean {b}"),
        V::Datetime(d) => format!("the date {d}"),
        V::Array(_) => format!("the list {value}"),
        V::Table(_) => "a table".into(),
    }
}

/// The first key of `table` (a whole scenario file) whose value has the wrong type, and why:
/// `("machines", "must be a whole number, got the string \"3\"")`. Keys the schema does not
/// know are left to serde, which names the keys allowed.
pub(crate) fn check(table: &toml::Table) -> Result<(), (String, String)> {
    let mut sections: Vec<&str> = KEYS
        .iter()
        .filter_map(|(k, _)| Some(k.split_once('.')?.0))
        .collect();
    sections.sort_unstable();
    sections.dedup();
    for section in sections {
        match table.get(section) {
            None | Some(toml::Value::Table(_)) => {}
            Some(other) => {
                let why = format!(
                    "must be a section ([{section}] with its keys under it), got {}",
                    described(other)
                );
                return Err((section.to_owned(), why));
            }
        }
    }
    match table.get("fault") {
        None => {}
        Some(toml::Value::Array(items)) if items.iter().all(toml::Value::is_table) => {}
        Some(other) => {
            let why = format!(
                "must be [[fault]] tables, one per fault, got {}",
                described(other)
            );
            return Err(("fault".to_owned(), why));
        }
    }
    for &(key, kind) in KEYS {
        let (section, name) = key.rsplit_once('.').unwrap_or(("", key));
        let parent = if section.is_empty() {
            Some(table)
        } else {
            section
                .split('.')
                .try_fold(table, |t, name| t.get(name)?.as_table())
        };
        if let Some(v) = parent.and_then(|t| t.get(name)) {
            kind.check(v).map_err(|why| (key.to_owned(), why))?;
        }
    }
    if let Some(toml::Value::Array(faults)) = table.get("fault") {
        for (i, fault) in faults.iter().enumerate() {
            let Some(fault) = fault.as_table() else {
                continue;
            };
            for &(field, kind) in FAULT_FIELDS {
                if let Some(v) = fault.get(field) {
                    let key = format!("fault[{}].{field}", i + 1);
                    kind.check(v).map_err(|why| (key, why))?;
                }
            }
        }
    }
    Ok(())
}

/// The scenario key a user most likely meant by `given`: the key whose last part is `given`
/// (`die` -> `events.die`), else the nearest by edit distance, if it is near.
pub(crate) fn suggest(given: &str) -> Option<&'static str> {
    let last = |k: &str| k.rsplit('.').next().unwrap_or(k).to_owned();
    let given_last = last(given);
    if let Some(&(key, _)) = KEYS.iter().find(|(k, _)| last(k) == given_last) {
        return Some(key);
    }
    KEYS.iter()
        .map(|&(k, _)| (distance(k, given).min(distance(&last(k), &given_last)), k))
        .filter(|&(d, _)| d <= 2)
        .min_by_key(|&(d, _)| d)
        .map(|(_, k)| k)
}

/// Levenshtein distance between `a` and `b`, in characters.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let here = row[j + 1];
            row[j + 1] = (previous + usize::from(ca != cb))
                .min(row[j] + 1)
                .min(row[j + 1] + 1);
            previous = here;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> toml::Table {
        text.parse().unwrap()
    }

    #[test]
    fn a_value_of_the_wrong_type_is_said_in_plain_words() {
        let cases = [
            (
                "machines = \"3\"",
                "machines",
                "must be a whole number, got the string \"3\"",
            ),
            (
                "[events]\ndie = 6.5",
                "events.die",
                "must be a whole number, got the number 6.5",
            ),
            (
                "speedup = \"fast\"",
                "speedup",
                "must be a number, got the string \"fast\"",
            ),
            (
                "[clock]\nrates = [1, \"2\"]",
                "clock.rates",
                "must be a list of whole numbers, e.g. [1, 2, 6], got the string \"2\" at position 2",
            ),
            (
                "on_machine_exit = \"halt\"",
                "on_machine_exit",
                "must be one of \"continue\", \"stop\", got the string \"halt\"",
            ),
            (
                "clock = 3",
                "clock",
                "must be a section ([clock] with its keys under it), got the whole number 3",
            ),
            (
                "fault = 1",
                "fault",
                "must be [[fault]] tables, one per fault, got the whole number 1",
            ),
            (
                "[[fault]]\nkind = \"kill\"\nat_s = \"x\"\nmachine = 1",
                "fault[1].at_s",
                "must be a number, got the string \"x\"",
            ),
        ];
        for (text, key, why) in cases {
            assert_eq!(
                check(&table(text)),
                Err((key.to_owned(), why.to_owned())),
                "{text}"
            );
        }
        assert_eq!(
            check(&table("machines = 3\nspeedup = 2\n[clock]\nrates = [1]")),
            Ok(())
        );
    }

    #[test]
    fn every_schema_key_is_a_key_of_the_scenario_file() {
        for &(key, _) in KEYS {
            let (section, name) = key.rsplit_once('.').unwrap_or(("", key));
            let value = match kind_of(key).unwrap() {
                Kind::Whole => "1".to_owned(),
                Kind::Number => "1.5".to_owned(),
                Kind::Text => "\"x\"".to_owned(),
                Kind::WholeList => "[1]".to_owned(),
                Kind::NumberList => "[1.5]".to_owned(),
                Kind::Choice(words) => format!("\"{}\"", words[0]),
            };
            let text = if section.is_empty() {
                format!("{name} = {value}")
            } else {
                format!("[{section}]\n{name} = {value}")
            };
            let parsed: Result<super::super::raw::RawScenario, _> = toml::from_str(&text);
            assert!(parsed.is_ok(), "{key}: {parsed:?}");
        }
    }

    #[test]
    fn a_misspelt_or_unqualified_key_gets_a_suggestion() {
        assert_eq!(suggest("die"), Some("events.die"));
        assert_eq!(suggest("rates"), Some("clock.rates"));
        assert_eq!(suggest("machnes"), Some("machines"));
        assert_eq!(suggest("event.die"), Some("events.die"));
        assert_eq!(suggest("colour"), None);
    }

    #[test]
    fn the_physical_clock_section_and_its_lists_are_checked_in_words() {
        let table = |text: &str| toml::from_str::<toml::Table>(text).unwrap();
        let (key, why) = check(&table("physical_clock = 3")).unwrap_err();
        assert_eq!(key, "physical_clock");
        assert!(why.contains("must be a section"), "{why}");
        let (key, why) = check(&table("[physical_clock]\nskew_ms = [1, \"a\"]")).unwrap_err();
        assert_eq!(key, "physical_clock.skew_ms");
        assert!(
            why.contains("a list of numbers") && why.contains("position 2"),
            "{why}"
        );
        assert!(check(&table("[physical_clock]\ndrift_ppm = [100, -2.5]")).is_ok());
    }
}
