//! Helpers shared by the tests of the real binary.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Output;

use serde_json::Value;

pub fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Runs the binary in the fixtures folder, so that file names in messages stay short.
pub fn waferwatt(args: &[&str]) -> Output {
    waferwatt_in(&fixtures(), args)
}

/// The date the tests' reports are made on (2025-12-03), so that a report's citation line is
/// the same on every run.
pub const SOURCE_DATE_EPOCH: &str = "1764720000";

pub fn waferwatt_in(dir: &std::path::Path, args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_waferwatt"))
        .args(args)
        .env("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
        .current_dir(dir)
        .output()
        .expect("the waferwatt binary runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Succeeds, and prints no NaN or infinity anywhere.
pub fn ok(args: &[&str]) -> String {
    ok_in(&fixtures(), args)
}

pub fn ok_in(dir: &std::path::Path, args: &[&str]) -> String {
    let o = waferwatt_in(dir, args);
    assert!(o.status.success(), "waferwatt {args:?} failed: {}", stderr(&o));
    let out = stdout(&o);
    for bad in ["NaN", "nan", "inf", "Infinity"] {
        assert!(!out.split(|c: char| !c.is_alphanumeric()).any(|w| w == bad), "{bad} in output of {args:?}");
    }
    out
}

/// Fails with exit code 2 and a message on standard error; returns the message.
pub fn bad_input(args: &[&str]) -> String {
    let o = waferwatt(args);
    assert_eq!(o.status.code(), Some(2), "waferwatt {args:?} should exit 2; stdout: {}", stdout(&o));
    assert!(stdout(&o).is_empty(), "nothing on stdout for bad input");
    let err = stderr(&o);
    assert!(err.contains("error"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    err
}

pub fn json(args: &[&str]) -> Value {
    serde_json::from_str(&ok(args)).expect("valid JSON")
}

/// Runs the binary with `RAYON_NUM_THREADS` set; it must succeed.
pub fn with_threads(threads: &str, args: &[&str]) -> String {
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_waferwatt"))
        .args(args)
        .env("RAYON_NUM_THREADS", threads)
        .current_dir(fixtures())
        .output()
        .expect("the waferwatt binary runs");
    assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    stdout(&o)
}

/// The Chromium that `WAFERWATT_CHROMIUM` names, or the first on the PATH.
pub fn chromium() -> Option<PathBuf> {
    if let Ok(p) = std::env::var("WAFERWATT_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|d| ["chromium", "chromium-browser", "google-chrome", "chrome"].map(|n| d.join(n)))
        .find(|p| p.is_file())
}

/// How many fields a CSV line holds (RFC 4180 quoting: a comma inside quotes is no separator).
pub fn csv_fields(line: &str) -> usize {
    let mut quoted = false;
    1 + line
        .chars()
        .filter(|c| {
            if *c == '"' {
                quoted = !quoted;
            }
            *c == ',' && !quoted
        })
        .count()
}
