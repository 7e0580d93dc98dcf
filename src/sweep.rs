//! `--sweep KEY=V1,V2,...`: one scenario key and the values a batch runs it with.

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
        if key.is_empty()
            || !key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
        {
            return Err(error("the key must be a scenario key such as events.die"));
        }
        let values = values
            .split(',')
            .map(|v| {
                let v = v.trim();
                // A bare value is parsed as TOML (numbers, booleans); anything else is a string.
                format!("v = {v}")
                    .parse::<toml::Table>()
                    .ok()
                    .and_then(|mut t| t.remove("v"))
                    .unwrap_or_else(|| toml::Value::String(v.to_owned()))
            })
            .collect::<Vec<_>>();
        if values.is_empty() || values.iter().any(|v| v.as_str() == Some("")) {
            return Err(error("empty value"));
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
        assert!("die=4,,5".parse::<Sweep>().is_err());
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
}
