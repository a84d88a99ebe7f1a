//! Headless Chromium on the built explorer page, for its test and its benchmark: the page named
//! by `WAFERWATT_EXPLORER` (relative to the workspace, or absolute), and what its self-test
//! reports.

use std::path::{Path, PathBuf};

use serde_json::Value;

/// The page, or a skip (a failure where CI asked for the page).
pub fn page() -> Option<PathBuf> {
    let required = std::env::var_os("WAFERWATT_REQUIRE_EXPLORER").is_some();
    let Some(dir) = std::env::var_os("WAFERWATT_EXPLORER") else {
        assert!(!required, "WAFERWATT_REQUIRE_EXPLORER is set but WAFERWATT_EXPLORER names no page");
        eprintln!(
            "skipped: no explorer built (crates/waferwatt-web/build-explorer DIR, then WAFERWATT_EXPLORER=DIR)"
        );
        return None;
    };
    // A relative folder is the workspace's (cargo runs tests in the crate's folder).
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let page = std::fs::canonicalize(root.join(&dir).join("index.html"))
        .unwrap_or_else(|e| panic!("WAFERWATT_EXPLORER={}: no index.html ({e})", Path::new(&dir).display()));
    if chromium().is_none() {
        assert!(!required, "WAFERWATT_REQUIRE_EXPLORER is set but no Chromium is on the PATH");
        eprintln!("skipped: no Chromium here (Debian's chromium package; .ci/run installs it where it can)");
        return None;
    }
    Some(page)
}

/// The Chromium that `WAFERWATT_CHROMIUM` names, or the first on the PATH.
fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("WAFERWATT_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    std::env::split_paths(&std::env::var_os("PATH")?)
        .flat_map(|d| ["chromium", "chromium-browser", "google-chrome", "chrome"].map(|n| d.join(n)))
        .find(|p| p.is_file())
}

/// How long the browser may take before the test gives up on it.
const BROWSER_SECONDS: u64 = 120;

/// Opens `url` in headless Chromium and answers what the page's self-test wrote. No virtual
/// time: the page does its work as it loads, so its clock is the real one.
pub fn selftest(url: &str) -> Value {
    // A folder (and browser profile) for each run, so that tests in parallel never share one.
    static RUNS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let run = RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let scratch = std::env::temp_dir().join(format!("waferwatt-explorer-{}-{run}", std::process::id()));
    std::fs::create_dir_all(&scratch).unwrap();
    let out = scratch.join("dom.html");
    let mut child = std::process::Command::new(chromium().unwrap())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--window-size=1280,1000",
        ])
        .arg(format!("--user-data-dir={}", scratch.join("profile").display()))
        .args(["--dump-dom", url])
        .stdout(std::fs::File::create(&out).unwrap())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("Chromium starts");
    let started = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed().as_secs() > BROWSER_SECONDS {
            child.kill().ok();
            panic!("Chromium took over {BROWSER_SECONDS} s on {url}");
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let dom = std::fs::read_to_string(&out).unwrap();
    std::fs::remove_dir_all(&scratch).ok();
    // The last such element: the page's script names it too.
    let text = dom
        .rsplit("<pre id=\"selftest\">")
        .next()
        .filter(|_| dom.contains("<pre id=\"selftest\">{"))
        .and_then(|r| r.split("</pre>").next())
        .unwrap_or_else(|| {
            panic!("the page's self-test did not run on {url}; it dumped {} bytes", dom.len())
        });
    let text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("the self-test's report is not JSON ({e})"))
}
