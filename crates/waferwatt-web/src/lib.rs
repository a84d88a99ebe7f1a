//! The explorer page's engine: the command line's requests, run in the reader's browser.
//!
//! Compiled to `wasm32-unknown-unknown` without the command line's charts and threads, this
//! crate exports five functions and nothing else, so the page needs no generated glue:
//!
//! - `ww_input(len)` makes room for a request of `len` bytes and answers where to write it;
//! - `ww_call()` runs the request written there and answers the length of the answer;
//! - `ww_output()` answers where the answer is (UTF-8 JSON);
//! - `ww_panic()`, after a call that trapped (a bug), puts the panic's message where the answer
//!   goes and answers its length;
//! - `ww_version()` answers the interface's version, which the page checks.
//!
//! A request is JSON: `{"path": ["train"], "options": {"run": "llama-3.1-405b", "region":
//! ["us-va", "cn-nm"], "set": ["ownership.cost_of_capital=0.08"]}}` runs a command exactly as
//! [`waferwatt_cli::api::run_json`] does (the command line's parser, data, checks and JSON);
//! `{"maps": {"node": "n7-smic,n5", "die": "gh100"}}` answers the wafer maps `wafer --map`
//! draws. The answer is `{"ok": true, "answer": …}` or `{"ok": false, "error": "…", "keys":
//! […]}`, the error word for word as the command line prints it.
//!
//! Memory growth moves nothing the page holds but detaches its views of memory, so the page
//! makes a new view after every call.

use std::cell::RefCell;

use serde::de::IgnoredAny;
use serde_json::{Value, json};
use waferwatt_cli::api::{self, Named, Refusal};

/// The interface's version: the page refuses an engine of another.
pub const VERSION: u32 = 1;

/// The largest request taken (bytes): a page's request is a few hundred.
pub const MAX_REQUEST: usize = 1 << 20;

thread_local! {
    static INPUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    static OUTPUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    static PANIC: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Keeps a panic's message for [`ww_panic`]: in WebAssembly a panic aborts (a trap) and its
/// message would be lost.
#[cfg(target_arch = "wasm32")]
fn keep_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            let _ = PANIC.try_with(|p| p.try_borrow_mut().map(|mut p| *p = info.to_string()));
        }));
    });
}

/// Makes room for a request of `len` bytes (at most [`MAX_REQUEST`]) and answers where the
/// page is to write it; null where it is too long.
#[allow(unsafe_code)]
#[unsafe(no_mangle)]
pub extern "C" fn ww_input(len: usize) -> *mut u8 {
    if len > MAX_REQUEST {
        return std::ptr::null_mut();
    }
    INPUT.with_borrow_mut(|b| {
        b.clear();
        b.resize(len, 0);
        b.as_mut_ptr()
    })
}

/// Runs the request last written (see [`handle`]) and answers the length of its answer.
#[allow(unsafe_code)]
#[unsafe(no_mangle)]
pub extern "C" fn ww_call() -> usize {
    #[cfg(target_arch = "wasm32")]
    keep_panics();
    let request = INPUT.with_borrow(|b| String::from_utf8_lossy(b).into_owned());
    let answer = handle(&request);
    OUTPUT.with_borrow_mut(|o| {
        *o = answer.into_bytes();
        o.len()
    })
}

/// Where the last answer is.
#[allow(unsafe_code)]
#[unsafe(no_mangle)]
pub extern "C" fn ww_output() -> *const u8 {
    OUTPUT.with_borrow(|o| o.as_ptr())
}

/// Puts the last panic's message where the answer goes and answers its length.
#[allow(unsafe_code)]
#[unsafe(no_mangle)]
pub extern "C" fn ww_panic() -> usize {
    let message =
        PANIC.with_borrow(|p| if p.is_empty() { "no panic recorded".to_string() } else { p.clone() });
    OUTPUT.with_borrow_mut(|o| {
        *o = message.into_bytes();
        o.len()
    })
}

/// The interface's version ([`VERSION`]).
#[allow(unsafe_code)]
#[unsafe(no_mangle)]
pub extern "C" fn ww_version() -> u32 {
    VERSION
}

/// Answers one request (JSON text) with JSON text: see the crate's documentation.
pub fn handle(request: &str) -> String {
    match answer(request) {
        Ok(text) => answered(&text),
        Err(Refusal::Usage(text)) => json!({"ok": false, "error": text, "keys": []}).to_string(),
        Err(Refusal::Input(d)) => {
            let keys: Vec<&str> = d.0.iter().filter_map(|d| d.key.as_deref()).collect();
            json!({"ok": false, "error": d.to_string(), "keys": keys}).to_string()
        }
    }
}

/// The command's own JSON text as the answer, checked but not built again; text that is not
/// JSON is refused rather than passed on.
fn answered(text: &str) -> String {
    if serde_json::from_str::<IgnoredAny>(text).is_ok() {
        format!("{{\"ok\":true,\"answer\":{}}}", text.trim_end())
    } else {
        json!({"ok": false, "error": "the command answered with no JSON (it writes files or text)", "keys": []})
            .to_string()
    }
}

/// The answer's JSON text.
fn answer(request: &str) -> Result<String, Refusal> {
    let bad = |what: &str| Refusal::Usage(format!("a request the page should not send: {what}"));
    let v: Value = serde_json::from_str(request).map_err(|e| bad(&format!("not JSON ({e})")))?;
    if let Some(options) = v.get("maps") {
        return api::wafer_maps(&named(options).map_err(|e| bad(&e))?);
    }
    let path: Vec<&str> = v
        .get("path")
        .and_then(Value::as_array)
        .ok_or_else(|| bad("no \"path\" (the command's words) or \"maps\""))?
        .iter()
        .map(|w| w.as_str().ok_or_else(|| bad("a word of the path that is not text")))
        .collect::<Result<_, _>>()?;
    let options = named(v.get("options").unwrap_or(&Value::Null)).map_err(|e| bad(&e))?;
    let a = api::run_json(&path, &options, false)?;
    Ok(match a.failed {
        // A check that found faults: its answer, and what the command line says of them.
        Some(failed) => format!("{{\"answer\":{},\"failed\":{}}}", a.json.trim_end(), Value::from(failed)),
        None => a.json,
    })
}

/// The options of a request (`{"region": ["us-va"], "pue": 1.2, "explain": true}`) as the
/// command line's named options: a text, number or switch is one value, a list several.
fn named(options: &Value) -> Result<Vec<Named>, String> {
    let Some(map) = options.as_object() else {
        return if options.is_null() { Ok(vec![]) } else { Err("options that are not an object".into()) };
    };
    let one = |v: &Value| match v {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        _ => Err(format!("an option's value that is not text, a number or a switch: {v}")),
    };
    map.iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| {
            let values = match v {
                Value::Array(items) => items.iter().map(one).collect::<Result<_, _>>()?,
                _ => vec![one(v)?],
            };
            Ok(Named::new(k.clone(), values))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(request: &str) -> Value {
        serde_json::from_str(&handle(request)).unwrap()
    }

    #[test]
    fn a_request_answers_the_command_lines_json() {
        let options = json!({"run": "llama-3.1-405b", "region": ["us-va", "cn-nm"], "mfu": 0.45,
            "set": ["ownership.cost_of_capital=0.08"]});
        let got = call(&json!({"path": ["train"], "options": options}).to_string());
        assert_eq!(got["ok"], true, "{got}");
        let named = vec![
            Named::new("run", vec!["llama-3.1-405b".into()]),
            Named::new("region", vec!["us-va".into(), "cn-nm".into()]),
            Named::new("mfu", vec!["0.45".into()]),
            Named::new("set", vec!["ownership.cost_of_capital=0.08".into()]),
        ];
        let direct: Value =
            serde_json::from_str(&api::run_json(&["train"], &named, false).unwrap().json).unwrap();
        assert_eq!(got["answer"], direct);
        assert_eq!(direct.as_array().map(Vec::len), Some(2), "two regions side by side");
    }

    #[test]
    fn refusals_say_what_the_command_line_says_and_name_the_key() {
        let got = call(&json!({"path": ["train"], "options": {"pue": "0.5"}}).to_string());
        assert_eq!(got["ok"], false);
        let text = got["error"].as_str().unwrap();
        assert!(text.contains("--pue") && text.contains("expected"), "{text}");
        assert_eq!(got["keys"], json!(["--pue"]));
        let got = call(&json!({"path": ["train"], "options": {"accelerator": "h1000"}}).to_string());
        assert!(got["error"].as_str().unwrap().contains("h1000"), "{got}");
        for bad in ["", "[1]", "{\"path\": [1]}", "{\"path\": [\"train\"], \"options\": {\"mfu\": {}}}"] {
            let got = call(bad);
            assert_eq!(got["ok"], false, "{bad}");
            assert!(
                got["error"].as_str().unwrap().starts_with("a request the page should not send"),
                "{got}"
            );
        }
        let got = call(&json!({"path": ["train"], "options": {"no_such": 1}}).to_string());
        assert!(got["error"].as_str().unwrap().contains("no_such"), "{got}");
    }

    #[test]
    fn maps_place_the_dies_the_wafer_ledger_counts() {
        let got = call(&json!({"maps": {"node": "n7-smic,n5", "die": "gh100"}}).to_string());
        assert_eq!(got["ok"], true, "{got}");
        let maps = got["answer"].as_array().unwrap();
        assert_eq!(maps.len(), 2);
        let wafers =
            call(&json!({"path": ["wafer"], "options": {"node": "n7-smic,n5", "die": "gh100"}}).to_string());
        for (m, w) in maps.iter().zip(wafers["answer"].as_array().unwrap()) {
            let count = |kind: &str| m["dies"].as_array().unwrap().iter().filter(|d| d[2] == kind).count();
            let whole = w["gross_dies"].as_f64().unwrap();
            assert_eq!((count("good") + count("defective")) as f64, whole, "{}", m["title"]);
            let good = w["good_dies"].as_f64().unwrap();
            assert!((count("good") as f64 - good).abs() <= 0.5, "{} good against {good}", count("good"));
        }
        let got = call(&json!({"maps": {"die-area": "0.01"}}).to_string());
        assert_eq!(got["ok"], false, "a map of a million dies is refused up front: {got}");
    }

    #[test]
    fn the_exports_carry_a_request_and_its_answer() {
        let request = json!({"path": ["data", "show", "h100-sxm"], "options": {}}).to_string();
        let at = ww_input(request.len());
        assert!(!at.is_null());
        INPUT.with_borrow_mut(|b| b.copy_from_slice(request.as_bytes()));
        let n = ww_call();
        let text = OUTPUT.with_borrow(|o| String::from_utf8(o.clone()).unwrap());
        assert_eq!(text.len(), n);
        assert_eq!(ww_output(), OUTPUT.with_borrow(|o| o.as_ptr()));
        assert!(text.contains("\"ok\":true") && text.contains("h100"), "{text}");
        assert!(ww_input(MAX_REQUEST + 1).is_null());
        assert_eq!(ww_version(), VERSION);
        let n = ww_panic();
        assert_eq!(OUTPUT.with_borrow(|o| String::from_utf8(o.clone()).unwrap()).len(), n);
    }

    #[test]
    fn an_answer_that_is_not_json_is_refused_not_passed_on() {
        let got: Value = serde_json::from_str(&answered("chart written to x.svg\n")).unwrap();
        assert_eq!(got["ok"], false, "{got}");
        let got: Value = serde_json::from_str(&answered("{\"a\": [1, 2]}\n")).unwrap();
        assert_eq!(got["answer"]["a"][1], 2, "{got}");
        let got = call(&json!({"path": ["data", "list"], "options": {}}).to_string());
        assert!(got["answer"].is_array() || got["answer"].is_object(), "{got}");
    }
}
