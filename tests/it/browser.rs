//! Headless Chromium for the tests that look at a page or a picture: found once, run with the
//! same flags (no sandbox, no network of its own, a fresh profile) through [`Logiclock::program`].

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::cmd::Logiclock;

/// Overrides where the tests look for Chromium.
pub const CHROMIUM_ENV: &str = "LOGICLOCK_CHROMIUM";

/// Set (to anything) where a missing browser must fail the tests rather than skip them: `.ci/run`
/// sets it, so CI never passes without having looked.
pub const REQUIRE_ENV: &str = "LOGICLOCK_REQUIRE_BROWSER";

/// The Chromium to run: `$LOGICLOCK_CHROMIUM`, else the first of `chromium`, `chromium-browser`,
/// `google-chrome` on `PATH`.
fn find() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os(CHROMIUM_ENV).filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
        .find(|candidate| candidate.is_file())
}

/// Why the browser tests cannot run here, with how to make them run.
fn missing() -> String {
    format!(
        "no Chromium on PATH (chromium, chromium-browser, google-chrome) and {CHROMIUM_ENV} unset: \
         these tests render pages in headless Chromium; install it (Debian/Ubuntu: \
         `apt-get install chromium`, macOS: `brew install --cask chromium`) or point \
         {CHROMIUM_ENV} at one"
    )
}

/// Whether a browser test can run here. Without a browser it prints why and the test returns
/// early (skipped, on a laptop without Chromium), unless `$LOGICLOCK_REQUIRE_BROWSER` is set, as
/// in CI, where it fails.
pub fn available() -> bool {
    if find().is_some() {
        return true;
    }
    // The test harness names each test's thread after the test.
    let thread = std::thread::current();
    let test = thread.name().unwrap_or("a browser test");
    if std::env::var_os(REQUIRE_ENV).is_some() {
        panic!("{test}: {}", missing());
    }
    eprintln!("skipped {test}: {}", missing());
    false
}

/// The Chromium to run; a test calls [`available`] first.
pub fn chromium() -> PathBuf {
    find().unwrap_or_else(|| panic!("{}", missing()))
}

/// Headless Chromium with a fresh profile in `scratch`, and `args` after the common flags.
pub fn headless(scratch: &Path, args: &[String]) -> Logiclock {
    let profile = scratch.join(format!("chromium-profile-{}", std::process::id()));
    Logiclock::program(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            &format!("--user-data-dir={}", profile.display()),
        ])
        .args(args)
        .timeout(Duration::from_secs(120))
}

/// The DOM of `url` once its scripts ran (given up to ten seconds of virtual time).
pub fn dump_dom(scratch: &Path, url: &str) -> String {
    let args = [
        "--virtual-time-budget=10000".to_string(),
        "--dump-dom".to_string(),
        url.to_string(),
    ];
    let done = headless(scratch, &args).finish();
    assert!(done.status.success(), "{}", done.describe());
    done.stdout
}

/// A PNG screenshot of `url` at `width` x `height` into `png`.
pub fn screenshot(scratch: &Path, url: &str, png: &Path, (width, height): (u32, u32)) {
    let args = [
        "--virtual-time-budget=10000".to_string(),
        format!("--screenshot={}", png.display()),
        format!("--window-size={width},{height}"),
        url.to_string(),
    ];
    let done = headless(scratch, &args).finish();
    assert!(
        png.exists(),
        "chromium wrote no screenshot:\n{}",
        done.describe()
    );
}
