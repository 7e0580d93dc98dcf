//! Running the explorer for the tests: twin runs, the page written, its self-test read back.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::browser;
use crate::cmd::Logiclock;
use crate::util::scenario;

pub const TIMEOUT: Duration = Duration::from_secs(60);

/// A twin run of `text` (a scenario) in `dir`/`name`.
pub fn twin(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = scenario(dir, &format!("{name}.toml"), text);
    let out = dir.join(name);
    Logiclock::new()
        .arg("run")
        .arg(&path)
        .args(["--engine", "sim", "--quiet", "--out"])
        .arg(&out)
        .timeout(TIMEOUT)
        .logs_in(&out)
        .finish()
        .success();
    out
}

pub fn three_machines(duration_s: u32) -> String {
    format!("name = \"x\"\nmachines = 3\nduration_s = {duration_s}\nseed = 7\n[clock]\nmin_rate = 1\nmax_rate = 6\n[events]\ndie = 6\n")
}

/// `logiclock explore RUN` (with `extra`), the page written.
pub fn explore(run: &Path, extra: &[&str]) -> PathBuf {
    Logiclock::new()
        .arg("explore")
        .arg(run)
        .args(extra)
        .timeout(TIMEOUT)
        .logs_in(run)
        .finish()
        .success()
        .stderr_contains("explore.html");
    run.join("explore.html")
}

/// The self-test's JSON for `page` opened with the hash `#selftest=arg`.
pub fn selftest(page: &Path, arg: &str) -> serde_json::Value {
    selftest_hash(page, &format!("selftest={arg}"))
}

/// The self-test's JSON for `page` opened with the hash `#hash` (which holds `selftest`).
pub fn selftest_hash(page: &Path, hash: &str) -> serde_json::Value {
    let scratch = page.parent().unwrap();
    let dom = browser::dump_dom(scratch, &format!("file://{}#{hash}", page.display()));
    let json = dom
        .split("<pre id=\"selftest\">")
        .nth(1)
        .and_then(|rest| rest.split("</pre>").next())
        .unwrap_or_else(|| panic!("no self-test output in the page:\n{dom}"));
    let json = json
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"");
    let value: serde_json::Value =
        serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {json}"));
    assert_eq!(value["requests"], 0, "the page made requests: {value}");
    assert_eq!(value["blocked"], 0, "the page tried requests: {value}");
    value
}
