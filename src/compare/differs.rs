//! "What differs", in one line per metric: each group's mean over all its machines beside the
//! first group's (the reference, the first given), by how much, and whether the two 95%
//! confidence intervals are apart (a difference the runs support) or overlap (one they do not
//! show at this number of runs).

use super::table::Comparison;
use crate::analyze::batch::interval::Interval;
use crate::analyze::batch::rates::RateClass;

/// One line per metric, in the order of the comparison's metrics.
pub(crate) fn lines(c: &Comparison) -> Vec<String> {
    let all: Vec<_> = c.rows_by(RateClass::All).collect();
    c.metrics
        .iter()
        .enumerate()
        .map(|(m, [_, label])| {
            let values: Vec<(&str, &Interval)> = all
                .iter()
                .map(|r| (r.group.as_str(), &r.values[m]))
                .collect();
            line(label, &values)
        })
        .collect()
}

/// The answer in one sentence: which metrics differ beyond their 95% CIs between the first
/// group and another, and which do not at this number of runs.
pub(crate) fn in_short(c: &Comparison) -> String {
    let all: Vec<_> = c.rows_by(RateClass::All).collect();
    let Some((base, rest)) = all.split_first() else {
        return "nothing compared".into();
    };
    if rest.is_empty() {
        return format!("one group ({}): nothing to compare it with", base.group);
    }
    let (mut apart, mut not) = (Vec::new(), Vec::new());
    for (m, [_, label]) in c.metrics.iter().enumerate() {
        let same = rest.iter().all(|r| r.values[m] == base.values[m]);
        if rest.iter().any(|r| base.values[m].apart(&r.values[m])) {
            apart.push(*label);
        } else if !same {
            not.push(*label);
        }
    }
    let runs: Vec<String> = all.iter().map(|r| r.runs.to_string()).collect();
    let list = |v: &[&str]| match v {
        [] => "none".to_string(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    };
    format!(
        "in short: {} differ beyond their 95% CIs; {} are not told apart by {} runs (their CIs \
         overlap)",
        list(&apart),
        list(&not),
        runs.join(" and ")
    )
}

/// The line of metric `label` over `(group, interval)`, the first the reference.
pub(crate) fn line(label: &str, values: &[(&str, &Interval)]) -> String {
    let Some(((base_name, base), rest)) = values.split_first() else {
        return format!("{label}: no runs");
    };
    if rest.is_empty() {
        return format!("{label}: {} in {base_name} (one group)", number(base.mean));
    }
    if values
        .iter()
        .all(|(_, v)| v.mean == base.mean && v.min == v.max)
    {
        return format!("{label}: the same in every group ({})", number(base.mean));
    }
    let parts: Vec<String> = rest
        .iter()
        .map(|(name, v)| {
            let change = if base.mean < 0.0 && v.mean <= 0.0 {
                // Drift is at most 0: say which way, not a signed percentage of a negative.
                let pct = 100.0 * (v.mean.abs() - base.mean.abs()) / base.mean.abs();
                let way = if pct <= 0.0 {
                    "nearer 0"
                } else {
                    "further from 0"
                };
                format!("{:.0}% {way}", pct.abs())
            } else if base.mean.abs() > 1e-12 {
                format!("{:+.0}%", 100.0 * (v.mean - base.mean) / base.mean.abs())
            } else {
                format!("{:+}", number(v.mean - base.mean))
            };
            let verdict = match (base.ci95, v.ci95) {
                (Some(_), Some(_)) if base.apart(v) => "CIs apart",
                (Some(_), Some(_)) => "CIs overlap",
                _ => "one run: no CI",
            };
            format!("{name} {} ({change}, {verdict})", number(v.mean))
        })
        .collect();
    format!(
        "{label}: {base_name} {} vs {}",
        number(base.mean),
        parts.join("; ")
    )
}

/// A figure with three significant digits or two decimals, whichever is shorter to read; a
/// value that rounds to zero has no sign (`0.00`, not `-0.00`).
pub(crate) fn number(x: f64) -> String {
    let s = if x == 0.0 || x.abs() >= 100.0 {
        format!("{x:.0}")
    } else if x.abs() >= 10.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.2}")
    };
    match s.strip_prefix('-') {
        Some(rest) if rest.chars().all(|c| c == '0' || c == '.') => rest.to_string(),
        _ => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iv(values: &[f64]) -> Interval {
        Interval::of(values).unwrap()
    }

    #[test]
    fn a_difference_names_both_means_the_change_and_whether_the_intervals_part() {
        let a = iv(&[2.0, 2.2, 2.4]);
        let b = iv(&[1.0, 1.1, 1.2]);
        assert_eq!(
            line("jump mean", &[("default", &a), ("low-variance", &b)]),
            "jump mean: default 2.20 vs low-variance 1.10 (-50%, CIs apart)"
        );
        let c = iv(&[1.0, 3.0, 2.0]);
        assert!(line("x", &[("a", &a), ("c", &c)]).ends_with("CIs overlap)"));
        let (d, e) = (iv(&[-40.0, -45.0, -50.0]), iv(&[-4.0, -4.5, -5.0]));
        assert_eq!(
            line("max drift", &[("a", &d), ("b", &e)]),
            "max drift: a -45.0 vs b -4.50 (90% nearer 0, CIs apart)"
        );
        assert_eq!(number(-0.001), "0.00");
        let zero = iv(&[0.0, 0.0]);
        assert_eq!(
            line("skipped slots", &[("a", &zero), ("b", &zero)]),
            "skipped slots: the same in every group (0)"
        );
    }
}
