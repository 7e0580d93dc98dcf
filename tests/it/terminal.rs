//! What a user sees of a run outside its files: the machines' names in `ps`, and the summary
//! `logiclock run` prints at the end.

use std::path::Path;
use std::time::Duration;

use logiclock::manifest::Manifest;

use crate::cmd::Logiclock;
use crate::util;

/// The command line of process `pid`, its arguments split on the NULs that end them.
fn cmdline(pid: u32) -> Vec<String> {
    let bytes = std::fs::read(format!("/proc/{pid}/cmdline"))
        .unwrap_or_else(|e| panic!("failed to read /proc/{pid}/cmdline: {e}"));
    String::from_utf8_lossy(&bytes)
        .split_terminator('\0')
        .map(str::to_owned)
        .collect()
}

/// The process name of `pid` (what `ps -o comm` and `top` show).
fn comm(pid: u32) -> String {
    std::fs::read_to_string(format!("/proc/{pid}/comm"))
        .unwrap_or_else(|e| panic!("failed to read /proc/{pid}/comm: {e}"))
        .trim_end()
        .to_owned()
}

#[test]
fn ps_shows_each_machine_as_logiclock_with_its_id_and_run() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("named");
    let running = Logiclock::run("configs/default.toml")
        .duration(4.0)
        .seed(5)
        .quiet()
        .out(&out)
        .current_dir(tmp.path())
        .spawn();
    util::wait_for_manifest(&out);
    let manifest = Manifest::read(&out).expect("the run has a manifest");

    let mut seen = Vec::new();
    for m in &manifest.machines {
        let argv = cmdline(m.pid);
        let name = comm(m.pid);
        seen.push(format!(
            "machine {} (pid {}): {argv:?}, comm {name:?}",
            m.id, m.pid
        ));
        assert_eq!(
            argv.first().map(String::as_str),
            Some(format!("logiclock machine {} (run named)", m.id).as_str()),
            "argv[0] of machine {}: {argv:?}",
            m.id
        );
        assert_eq!(
            name,
            format!("logiclock m{}", m.id),
            "comm of machine {}",
            m.id
        );
    }
    let done = running.finish().success();
    assert!(
        seen.len() == 3,
        "three machines, each named\n{}\n{}",
        seen.join("\n"),
        done.describe()
    );
}

/// Run `machines` machines for a short while with `--quiet`, into `dir`.
fn quiet_run(dir: &Path, machines: u32) -> crate::cmd::Finished {
    let scenario = util::scenario(
        dir,
        "many.toml",
        &format!("name = \"many\"\nmachines = {machines}\n[events]\ndie = {machines}\n"),
    );
    Logiclock::run(&scenario)
        .duration(2.0)
        .speedup(2.0)
        .seed(3)
        .quiet()
        .out(dir.join("run"))
        .current_dir(dir)
        .timeout(Duration::from_secs(120))
        .finish()
        .success()
}

#[test]
fn the_final_summary_of_64_machines_has_a_row_for_every_machine() {
    let tmp = tempfile::tempdir().unwrap();
    let done = quiet_run(tmp.path(), 64);
    let lines: Vec<&str> = done.stdout.lines().collect();
    assert!(
        lines
            .first()
            .is_some_and(|l| l.starts_with("machine  rate")),
        "the summary starts with its header on a line of its own\n{}",
        done.describe()
    );
    let ids: Vec<u32> = lines
        .iter()
        .skip(1)
        .filter_map(|l| l.split_whitespace().next()?.parse().ok())
        .collect();
    assert_eq!(
        ids,
        (0..64).collect::<Vec<u32>>(),
        "one row per machine, in order\n{}",
        done.describe()
    );
}
