//! The reproducers of a fuzzing pass (issue 17), each kept as a regression: hostile but
//! realistic input exits 2 with a located message, or 0 with a correct answer where it is
//! legitimate; never a panic, a hang, an abort, NaN or inf.

mod common;

use common::*;

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("waferwatt-hostile-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// No NaN or inf in anything a command prints.
fn clean(out: &str) {
    for bad in ["NaN", "inf"] {
        assert!(!out.split(|c: char| !c.is_alphanumeric()).any(|w| w == bad), "`{bad}` in:\n{out}");
    }
}

/// Where a JSON document holds null.
fn nulls(v: &serde_json::Value, at: String, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Null => out.push(at),
        serde_json::Value::Array(a) => {
            a.iter().enumerate().for_each(|(i, x)| nulls(x, format!("{at}[{i}]"), out))
        }
        serde_json::Value::Object(m) => m.iter().for_each(|(k, x)| nulls(x, format!("{at}.{k}"), out)),
        _ => {}
    }
}

#[test]
fn a_wafer_is_not_a_kilometre() {
    // These once panicked (1e25), hung (1e8; 1e6 with a 0.1 mm die) or printed inf (1e200).
    for args in [
        &["wafer", "--wafer-mm", "1e25"][..],
        &["wafer", "--wafer-mm", "1e8"],
        &["wafer", "--wafer-mm", "1e6", "--die", "0.1x0.1"],
        &["wafer", "--wafer-mm", "1e200", "--count", "analytic"],
        &["chip", "--set", "fab.wafer_mm=1e25"],
        &["report", "--set", "fab.wafer_mm=1e25"],
    ] {
        let e = bad_input(args);
        assert!(e.contains("25") && e.contains("450"), "{args:?}: {e}");
    }
    let e = bad_input(&["wafer", "--die", "0.01x0.01"]);
    assert!(e.contains("--die") && e.contains("0.1"), "{e}");
}

#[test]
fn a_map_draws_no_more_than_a_reader_can_see() {
    let dir = scratch("map");
    let file = dir.join("m.svg");
    let f = file.to_str().unwrap();
    for scribe in ["0.1", "0"] {
        let e = bad_input(&["wafer", "--die", "0.1x0.1", "--scribe", scribe, "--map", f]);
        assert!(e.contains("--map") && e.contains("dies"), "{e}");
        assert!(!file.exists(), "nothing is written");
    }
    ok(&["wafer", "--map", f]);
    assert!(std::fs::metadata(&file).unwrap().len() < 5_000_000);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn samples_that_would_not_fit_are_refused_up_front() {
    let e = bad_input(&["strategy", "--samples", "100000000"]);
    assert!(e.contains("GB of memory") && e.contains("--samples"), "{e}");
}

#[test]
fn the_smallest_numbers_print_as_numbers() {
    let out = ok(&["chip", "--set", "package.h100-sxm.module_usd=5e-324"]);
    clean(&out);
    // JSON's nulls are the ones the default answer has (no I/O node, say), and the published
    // estimate, which a changed bill of materials no longer compares with: none stands for a
    // number that is not finite.
    let (mut a, mut b) = (Vec::new(), Vec::new());
    nulls(&json(&["chip", "--format", "json"]), String::new(), &mut a);
    nulls(
        &json(&["chip", "--set", "package.h100-sxm.module_usd=5e-324", "--format", "json"]),
        String::new(),
        &mut b,
    );
    b.retain(|p| p != ".published_build_cost_usd");
    assert_eq!(a, b);
}

#[test]
fn outputs_are_checked_before_any_work() {
    let dir = scratch("outputs");
    let x = dir.join("x");
    let xs = x.to_str().unwrap();
    let e = bad_input(&["report", "--html", xs, "--markdown", xs]);
    assert!(e.contains("--html") && e.contains("--markdown") && e.contains("same file"), "{e}");
    assert!(!x.exists());
    let missing = dir.join("no-such-dir").join("r.md");
    let e = bad_input(&["report", "--markdown", missing.to_str().unwrap()]);
    assert!(e.contains("does not exist"), "{e}");
    let e = bad_input(&[
        "wafer",
        "--chart",
        &format!("{}/a.svg", dir.display()),
        "--map",
        &format!("{}/./a.svg", dir.display()),
    ]);
    assert!(e.contains("same file"), "{e}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn all_of_a_scenario_is_checked_by_every_command() {
    let dir = scratch("scenario");
    let typo = dir.join("typo.toml");
    std::fs::write(&typo, "extends = \"default\"\n[wafer]\nwafer_mmm = 300\n").unwrap();
    for cmd in ["train", "chip", "fleet", "strategy", "report", "data"] {
        let mut args = vec![cmd, "--scenario", typo.to_str().unwrap()];
        if cmd == "data" {
            args.push("check");
        }
        let e = bad_input(&args);
        assert!(e.contains("wafer_mmm") && e.contains("typo.toml:3"), "{cmd}: {e}");
    }
    // An override that names an id that does not exist is refused, not silently dropped.
    let e = bad_input(&["report", "--set", "layer.n7-duv.semi-global.node=nan"]);
    assert!(e.contains("unknown node `nan`"), "{e}");
    let e = bad_input(&["data", "check", "--set", "layer.n7-duv.semi-global.node=nan"]);
    assert!(e.contains("unknown node"), "{e}");
    // A source id the sources table lacks, for every command.
    let src = dir.join("src.toml");
    std::fs::write(
        &src,
        "extends = \"default\"\n[accelerator.h100-sxm]\ntdp_w = { value = 650, low = 600, high = 700, unit = \"W\", source = \"nosuch\", note = \"x\" }\n",
    )
    .unwrap();
    let e = bad_input(&["train", "--scenario", src.to_str().unwrap()]);
    assert!(e.contains("nosuch") && e.contains("src.toml:3"), "{e}");
    // The strategy ignores the sections that are not its own, so it takes the README's example.
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/example.toml");
    ok(&["strategy", "--scenario", root.to_str().unwrap()]);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn scenario_messages_are_located_and_short() {
    let dir = scratch("messages");
    let utf = dir.join("utf.toml");
    std::fs::write(
        &utf,
        b"extends = \"default\"\n[accelerator.h100-sxm]\ntdp_w = 650\nname = \"\xff\xfe\"\n",
    )
    .unwrap();
    let e = bad_input(&["train", "--scenario", utf.to_str().unwrap()]);
    assert!(e.contains("not UTF-8") && e.contains("utf.toml:4:9"), "{e}");
    let long = dir.join("long.toml");
    std::fs::write(
        &long,
        format!("extends = \"default\"\n[accelerator.{}]\nname = \"x\"\n", "a".repeat(5000)),
    )
    .unwrap();
    let e = bad_input(&["train", "--scenario", long.to_str().unwrap()]);
    assert!(e.len() < 6000, "{} bytes of message", e.len());
    let deep = dir.join("deep.toml");
    std::fs::write(
        &deep,
        format!("extends = \"default\"\nx = {}{}\n", "[".repeat(100_000), "]".repeat(100_000)),
    )
    .unwrap();
    let e = bad_input(&["train", "--scenario", deep.to_str().unwrap()]);
    assert!(e.contains("deep.toml:2"), "{e}");
    let new = dir.join("new.toml");
    std::fs::write(&new, "extends = \"default\"\n[region.my-site]\n").unwrap();
    let e = bad_input(&["train", "--scenario", new.to_str().unwrap()]);
    assert!(e.contains("missing required field") && e.contains("new.toml:2"), "{e}");
    std::fs::remove_dir_all(&dir).ok();
}

/// A reader that stops reading (`waferwatt report | head`) ends the answer quietly: no panic.
#[test]
fn a_closed_pipe_is_no_panic() {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_waferwatt"))
        .args(["report", "--format", "json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Read a little, then close the pipe before the answer is all written.
    let mut first = [0u8; 16];
    let mut out = child.stdout.take().unwrap();
    std::io::Read::read_exact(&mut out, &mut first).unwrap();
    drop(out);
    let o = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert!(o.status.success(), "{:?}: {err}", o.status);
}
