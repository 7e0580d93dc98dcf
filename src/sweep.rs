//! `--sweep KEY=V1,V2,...`: one scenario key and the values a batch runs it with. A value may
//! be a list (`clock.rates=[1,2,3],[1,1,6]`); every value is checked against the key's type
//! before any run starts, and a key that is not a scenario key gets a suggestion.

use crate::scenario::schema;

/// One parameter swept over several values.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Sweep {
    /// A scenario key path, e.g. `events.die` or `clock.max_rate`.
    pub key: String,
    pub values: Vec<toml::Value>,
}

/// Why a `--sweep` argument cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("invalid --sweep {arg:?}: {why} (expected KEY=V1,V2,..., e.g. events.die=4,6,10)")]
pub(crate) struct SweepError {
    arg: String,
    why: String,
}

impl std::str::FromStr for Sweep {
    type Err = SweepError;

    fn from_str(arg: &str) -> Result<Sweep, SweepError> {
        let error = |why: &str| SweepError {
            arg: arg.to_owned(),
            why: why.to_owned(),
        };
        let (key, values) = arg.split_once('=').ok_or_else(|| error("no '='"))?;
        let key = key.trim();
        if key.is_empty() {
            return Err(error("no key before '='"));
        }
        let Some(kind) = schema::kind_of(key) else {
            return Err(error(&unknown_key(key)));
        };
        let values = split_values(values)
            .ok_or_else(|| error("a '[' without its ']' (or the other way round)"))?
            .into_iter()
            .map(value)
            .collect::<Vec<_>>();
        if values.is_empty() || values.iter().any(|v| v.as_str() == Some("")) {
            return Err(error("empty value"));
        }
        for v in &values {
            kind.check(v)
                .map_err(|why| error(&format!("`{key}` {why}")))?;
        }
        // Two runs of one value would share a directory name: refused before any run starts.
        for (i, value) in values.iter().enumerate() {
            if values[..i].iter().any(|v| label(v) == label(value)) {
                return Err(error(&format!("the value {} is given twice", label(value))));
            }
        }
        Ok(Sweep {
            key: key.to_owned(),
            values,
        })
    }
}

/// Why `key` cannot be swept: not a scenario key (and which one it may have meant), or the
/// `[[fault]]` tables, which are a list of tables, not one value.
fn unknown_key(key: &str) -> String {
    if key == "fault" || key.starts_with("fault.") || key.starts_with("fault[") {
        return "the [[fault]] tables cannot be swept; write one scenario file per fault plan"
            .into();
    }
    match schema::suggest(key) {
        Some(meant) => format!("`{key}` is not a scenario key; did you mean `{meant}`?"),
        None => {
            let keys: Vec<&str> = schema::KEYS.iter().map(|(k, _)| *k).collect();
            format!(
                "`{key}` is not a scenario key; the keys are {}",
                keys.join(", ")
            )
        }
    }
}

/// The values of `V1,V2,...`, split at the commas outside brackets, so that a value may be a
/// list: `[1,2,3],[1,1,6]` is two values. `None` when the brackets do not pair up.
fn split_values(values: &str) -> Option<Vec<&str>> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (i, c) in values.char_indices() {
        match c {
            '[' => depth += 1,
            ']' => depth = depth.checked_sub(1)?,
            ',' if depth == 0 => {
                parts.push(values[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    (depth == 0).then(|| {
        parts.push(values[start..].trim());
        parts
    })
}

/// One value as typed: parsed as TOML (numbers, booleans, lists, quoted strings); anything
/// else, such as a bare word, is a string.
fn value(text: &str) -> toml::Value {
    format!("v = {text}")
        .parse::<toml::Table>()
        .ok()
        .and_then(|mut t| t.remove("v"))
        .unwrap_or_else(|| toml::Value::String(text.to_owned()))
}

/// A value as it appears in a run's directory name: `6`, `0.5`, `[1,2,3]`.
pub(crate) fn label(value: &toml::Value) -> String {
    match value {
        toml::Value::String(s) => s.clone(),
        other => other.to_string().replace([' ', '"'], ""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sweep_parses_numbers_and_lists() {
        let s: Sweep = "events.die=4, 6,10".parse().unwrap();
        assert_eq!(s.key, "events.die");
        assert_eq!(
            s.values,
            vec![
                toml::Value::Integer(4),
                toml::Value::Integer(6),
                toml::Value::Integer(10)
            ]
        );
        let s: Sweep = "speedup=0.5".parse().unwrap();
        assert_eq!(s.values, vec![toml::Value::Float(0.5)]);
        assert!("die".parse::<Sweep>().is_err());
        assert!("=4".parse::<Sweep>().is_err());
        assert!("events.die=4,,5".parse::<Sweep>().is_err());
        let twice = "events.die=10,10".parse::<Sweep>().unwrap_err().to_string();
        assert!(
            twice.contains("--sweep") && twice.contains("10 is given twice"),
            "{twice}"
        );
        assert!(
            "speedup=1.0,1.00".parse::<Sweep>().is_err(),
            "one directory name"
        );
    }

    #[test]
    fn a_sweep_value_may_be_a_list_of_rates() {
        let s: Sweep = "clock.rates=[1,2,3], [1, 1, 6]".parse().unwrap();
        let list = |v: &[i64]| toml::Value::Array(v.iter().map(|&i| i.into()).collect());
        assert_eq!(s.values, vec![list(&[1, 2, 3]), list(&[1, 1, 6])]);
        assert_eq!(label(&s.values[1]), "[1,1,6]");
        let open = "clock.rates=[1,2".parse::<Sweep>().unwrap_err().to_string();
        assert!(open.contains("without its ']'"), "{open}");
    }

    #[test]
    fn a_sweep_of_an_unknown_key_suggests_the_key_meant() {
        let die = "die=4,6".parse::<Sweep>().unwrap_err().to_string();
        assert!(
            die.contains("`die` is not a scenario key; did you mean `events.die`?"),
            "{die}"
        );
        let nothing = "colour=1".parse::<Sweep>().unwrap_err().to_string();
        assert!(nothing.contains("the keys are name, machines"), "{nothing}");
    }

    #[test]
    fn a_sweep_value_of_the_wrong_type_is_said_in_plain_words() {
        let error = "machines=3,four".parse::<Sweep>().unwrap_err().to_string();
        assert!(
            error.contains("`machines` must be a whole number, got the string \"four\""),
            "{error}"
        );
        let rates = "clock.rates=4,6".parse::<Sweep>().unwrap_err().to_string();
        assert!(rates.contains("must be a list of whole numbers"), "{rates}");
    }
}
