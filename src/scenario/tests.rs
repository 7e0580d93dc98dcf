//! The scenario module's tests: text in, a validated scenario or an error naming its key out.

use std::path::Path;

use super::*;

fn parse(text: &str) -> Result<Scenario, ScenarioError> {
    Scenario::parse(text, Path::new("configs/test.toml"), &Overrides::default())
}

fn error(text: &str) -> String {
    parse(text).unwrap_err().to_string()
}

#[test]
fn an_empty_file_gives_the_assignment_defaults() {
    let s = parse("seed = 1").unwrap();
    assert_eq!(s.name, "test");
    assert_eq!(s.machines, 3);
    assert_eq!(s.duration_s, 60.0);
    assert_eq!(s.speedup, 1.0);
    assert_eq!(s.rates, RateSpec::Range { min: 1, max: 6 });
    assert_eq!(s.die, 10);
    assert_eq!(s.ports, vec![0, 0, 0]);
}

#[test]
fn the_same_seed_draws_the_same_rates() {
    let a = parse("seed = 7\nmachines = 10").unwrap();
    let b = parse("seed = 7\nmachines = 10").unwrap();
    assert_eq!(a.machine_rates(), b.machine_rates());
    assert!(a.machine_rates().iter().all(|r| (1..=6).contains(r)));
}

#[test]
fn overrides_replace_file_values() {
    let o = Overrides {
        seed: Some(9),
        duration_s: Some(5.0),
        speedup: Some(30.0),
        set: vec![],
    };
    let s = Scenario::parse("seed = 1\nduration_s = 60", Path::new("x.toml"), &o).unwrap();
    assert_eq!((s.seed, s.duration_s, s.speedup), (9, 5.0, 30.0));
}

#[test]
fn set_keys_replace_nested_values_and_are_validated() {
    let o = Overrides {
        set: vec![
            ("events.die".into(), toml::Value::Integer(4)),
            ("clock.max_rate".into(), toml::Value::Integer(2)),
        ],
        ..Overrides::default()
    };
    let s = Scenario::parse("seed = 1\n[events]\ndie = 10\n", Path::new("x.toml"), &o).unwrap();
    assert_eq!(s.die, 4);
    assert_eq!(s.rates, RateSpec::Range { min: 1, max: 2 });

    let o = Overrides {
        set: vec![("events.sides".into(), toml::Value::Integer(4))],
        ..Overrides::default()
    };
    let e = Scenario::parse("", Path::new("x.toml"), &o)
        .unwrap_err()
        .to_string();
    assert!(e.contains("events.sides") && e.contains("sides"), "{e}");
}

#[test]
fn unknown_keys_are_named_with_their_position() {
    let e = error("machines = 3\ncolor = 1\n");
    assert!(e.contains("configs/test.toml"), "{e}");
    assert!(e.contains("color"), "{e}");
    assert!(e.contains("line 2"), "{e}");
}

#[test]
fn wrong_types_are_rejected() {
    let e = error("machines = \"three\"");
    assert!(e.contains("machines") || e.contains("invalid type"), "{e}");
}

#[test]
fn impossible_values_name_key_and_allowed_range() {
    for (text, key) in [
        ("machines = 1", "`machines`"),
        ("machines = 100000", "`machines`"),
        ("duration_s = 0", "`duration_s`"),
        ("duration_s = -3.0", "`duration_s`"),
        ("speedup = 0", "`speedup`"),
        ("speedup = 1e-20", "`speedup`"),
        ("[clock]\nmin_rate = 0", "`clock.min_rate`"),
        ("[clock]\nmax_rate = 100000", "`clock.max_rate`"),
        ("[clock]\nmin_rate = 5\nmax_rate = 2", "`clock.min_rate`"),
        ("[clock]\nrates = [1, 2]", "`clock.rates`"),
        ("[clock]\nrates = [1, 0, 2]", "`clock.rates`"),
        ("[events]\ndie = 2", "`events.die`"),
        ("machines = 5\n[events]\ndie = 4", "`events.die`"),
        ("[network]\nhost = \"8.8.8.8\"", "`network.host`"),
        ("[network]\nhost = \"nonsense\"", "`network.host`"),
        ("[network]\nports = [1, 1, 0]", "`network.ports`"),
        ("[network]\nports = [70000, 0, 0]", "`network.ports`"),
        ("[network]\nports = [1, 2]", "`network.ports`"),
        ("name = \"a/b\"", "`name`"),
        ("speedup = 2000\n[clock]\nmax_rate = 1000", "`speedup`"),
        ("stop_grace_s = 0", "`stop_grace_s`"),
        ("stop_grace_s = 601", "`stop_grace_s`"),
        (
            "[[fault]]\nkind = \"kill\"\nat_s = 1\nmachine = 9",
            "`fault[0].machine`",
        ),
    ] {
        let e = error(text);
        assert!(e.contains(key), "{text:?} gave {e}");
        assert!(e.contains("allowed"), "{text:?} gave {e}");
    }
}

#[test]
fn duration_and_interval_scale_with_speedup() {
    let s = parse("seed = 1\nspeedup = 60").unwrap();
    assert_eq!(s.real_duration(), std::time::Duration::from_secs(1));
    assert_eq!(s.tick_interval(6).as_micros(), 2777);
}

#[test]
fn a_random_seed_is_below_2_to_the_53() {
    for _ in 0..1000 {
        let seed = parse("").unwrap().seed;
        assert!(seed <= MAX_SEED && seed as f64 as u64 == seed, "{seed}");
    }
}

#[test]
fn the_largest_seed_json_and_toml_both_carry_is_accepted() {
    assert_eq!(parse(&format!("seed = {MAX_SEED}")).unwrap().seed, MAX_SEED);
}

#[test]
fn a_seed_above_2_to_the_53_is_refused_naming_seed_and_the_range() {
    for text in [
        format!("seed = {}", MAX_SEED + 1),
        format!("seed = {}", i64::MAX),
        "seed = 10524496216266557282".to_owned(),
    ] {
        let e = parse(&text).unwrap_err().to_string();
        assert!(
            e.contains("seed") && e.contains("0 to 9007199254740991"),
            "{text}: {e}"
        );
    }
    let o = Overrides {
        seed: Some(MAX_SEED + 1),
        ..Overrides::default()
    };
    let e = Scenario::parse("", Path::new("x.toml"), &o).unwrap_err();
    assert!(e.to_string().contains("0 to 9007199254740991"), "{e}");
}

#[test]
fn a_name_too_long_for_a_directory_is_refused_as_name() {
    let err = error(&format!("seed = 1\nname = \"{}\"", "n".repeat(300)));
    assert!(err.contains("`name` is 300 characters long"), "{err}");
    assert!(parse(&format!("seed = 1\nname = \"{}\"", "n".repeat(128))).is_ok());
}

#[test]
fn only_a_regular_file_of_at_most_1_mib_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (dir.path().to_owned(), "it is a directory"),
        ("/dev/zero".into(), "it is a device"),
    ];
    for (path, expected) in cases {
        let err = Scenario::load(&path, &Overrides::default()).unwrap_err();
        let text = err.to_string();
        assert!(text.contains(expected), "{text}");
        assert!(text.contains(&path.display().to_string()), "{text}");
    }
    let big = dir.path().join("big.toml");
    std::fs::write(&big, "#".repeat(1024 * 1024 + 1)).unwrap();
    let err = Scenario::load(&big, &Overrides::default()).unwrap_err();
    assert!(
        err.to_string().contains("1048577 bytes; at most 1048576"),
        "{err}"
    );
}
