//! `waferwatt._native`: the Python package's link to the model. It runs a command of the
//! command line in this process ([`waferwatt_cli::api`]: the same parser, data, scenarios,
//! `--set` overrides and errors) and hands back its JSON, and with samples their columns as one
//! buffer that NumPy and pandas take whole. Everything else (keyword options, data frames,
//! sweeps) is the Python code beside it (`python/waferwatt`).
//!
//! Architecture invariant: no model arithmetic and no output format here; a command's answer
//! is the command line's own.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyDict, PyList};
use waferwatt_cli::api::{self, Named, Refusal};

/// The samples of a run, ready for a data frame: the column names (uncertain numbers first),
/// how many are numbers, the sample count, whether each sample was kept (one byte each), the
/// values column after column as native f64, each result's summary (name, p5, p50, p95,
/// mean), and each uncertain number (key, distribution, low, value, high, unit).
type Samples<'py> = (
    Vec<String>,
    usize,
    usize,
    Bound<'py, PyByteArray>,
    Bound<'py, PyByteArray>,
    Vec<(String, f64, f64, f64, f64)>,
    Vec<(String, &'static str, f64, f64, f64, String)>,
);

/// Runs `path` (`["train"]`, `["compare", "train"]`, `["data", "numbers"]`) with `options`
/// (name, values), answering `(json, failed, samples)`: the command's JSON text; what a check
/// that found faults said, or None; and the samples when `keep` and the command sampled.
#[pyfunction]
#[pyo3(signature = (path, options, keep = false))]
fn run<'py>(
    py: Python<'py>,
    path: Vec<String>,
    options: Vec<(String, Vec<String>)>,
    keep: bool,
) -> PyResult<(String, Option<String>, Option<Samples<'py>>)> {
    let named: Vec<Named> = options.into_iter().map(|(n, v)| Named::new(n, v)).collect();
    let words: Vec<&str> = path.iter().map(String::as_str).collect();
    // The model runs without the interpreter's lock, so Python threads run beside it; a panic
    // (a bug: bad input never panics) becomes an error here, not a crash of the interpreter.
    let answer = py
        .detach(|| std::panic::catch_unwind(|| api::run_json(&words, &named, keep)))
        .map_err(|_| {
            PyValueError::new_err(
                "internal error: the model panicked on this input (a bug: please report it with the call that caused it)",
            )
        })?
        .map_err(|r| refusal(py, r))?;
    let samples = answer.samples.map(|c| {
        let kept: Vec<u8> = c.kept.iter().map(|k| u8::from(*k)).collect();
        let summaries = c.summaries.into_iter().map(|(name, s)| (name, s.p5, s.p50, s.p95, s.mean)).collect();
        let keys = c.uncertain.len();
        let uncertain = c
            .uncertain
            .into_iter()
            .map(|u| (u.key, u.dist.shape.name(), u.dist.low, u.dist.value, u.dist.high, u.unit))
            .collect();
        (
            c.names,
            keys,
            c.samples,
            // Mutable buffers, so that the frames over them are as writable as any other.
            PyByteArray::new(py, &kept),
            PyByteArray::new(py, bytemuck::cast_slice(&c.values)),
            summaries,
            uncertain,
        )
    });
    Ok((answer.json, answer.failed, samples))
}

/// The scalars of a JSON answer by path, as sampled results are named (`total_usd`,
/// `ledger.electricity.usd`, `total_usd.p50`): numbers as floats, texts, switches, and None
/// where the answer lacks a figure.
#[pyfunction]
fn scalars<'py>(py: Python<'py>, json: &str) -> PyResult<Vec<(String, Bound<'py, PyAny>)>> {
    use serde_json::Value;
    let scalars = api::scalars(json).map_err(|r| refusal(py, r))?;
    scalars
        .into_iter()
        .map(|(name, v)| {
            let value = match v {
                Value::Number(n) => n.as_f64().into_pyobject(py)?.into_any(),
                Value::String(t) => t.into_pyobject(py)?.into_any(),
                Value::Bool(b) => b.into_pyobject(py)?.to_owned().into_any(),
                _ => py.None().into_bound(py),
            };
            Ok((name, value))
        })
        .collect()
}

/// A refusal as `waferwatt.WaferwattError` (defined in Python, `_errors.py`, so that it
/// pickles whole): its message as the command line prints it, and each diagnostic as a dict
/// of message, file, line, column, key, expected and hint.
fn refusal(py: Python<'_>, r: Refusal) -> PyErr {
    let text = r.to_string();
    let raise = || -> PyResult<PyErr> {
        let list = PyList::empty(py);
        if let Refusal::Input(diags) = &r {
            for d in &diags.0 {
                let item = PyDict::new(py);
                item.set_item("message", &d.message)?;
                item.set_item("file", d.location.as_ref().map(|l| l.file.to_string()))?;
                item.set_item("line", d.location.as_ref().map(|l| l.line))?;
                item.set_item("column", d.location.as_ref().map(|l| l.column))?;
                item.set_item("key", &d.key)?;
                item.set_item("expected", &d.expected)?;
                item.set_item("hint", &d.hint)?;
                list.append(item)?;
            }
        }
        let class = py.import("waferwatt._errors")?.getattr("WaferwattError")?;
        Ok(PyErr::from_value(class.call1((text.as_str(), list))?))
    };
    raise().unwrap_or_else(|e| e)
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(run, m)?)?;
    m.add_function(wrap_pyfunction!(scalars, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
