//! Headless Chromium for the tests that look at a page or a picture: found once, run with the
//! same flags (no sandbox, no network of its own, a fresh profile) through [`Logiclock::program`].

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::cmd::Logiclock;

/// Overrides where the tests look for Chromium.
pub const CHROMIUM_ENV: &str = "LOGICLOCK_CHROMIUM";

/// The Chromium to run: `$LOGICLOCK_CHROMIUM`, else the first of `chromium`, `chromium-browser`,
/// `google-chrome` on `PATH`; a test fails with how to install it when there is none.
pub fn chromium() -> PathBuf {
    if let Some(path) = std::env::var_os(CHROMIUM_ENV) {
        return PathBuf::from(path);
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        for dir in std::env::split_paths(&path) {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return candidate;
            }
        }
    }
    panic!(
        "no Chromium on PATH (chromium, chromium-browser, google-chrome) and {CHROMIUM_ENV} unset: \
         these tests render pages in headless Chromium; install it with \
         `apt-get update && apt-get install -y chromium`"
    )
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
