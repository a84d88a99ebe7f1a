//! The accounts of `waferwatt report`: each one answers a question of the source
//! commentary with the ledgers and the data, as plain results that a face renders.

pub mod capacity;
pub mod electricity;
pub mod packaging;
pub mod strategy;
pub mod tools;

use crate::data::{Dataset, key};
use crate::diag::Diagnostic;

/// What a claim of the data says, in words.
pub(crate) fn claim_text(ds: &Dataset, id: &str) -> Result<String, Diagnostic> {
    let k = key("claim", Some(id), "says");
    ds.text(&k).map(str::to_string).ok_or_else(|| Diagnostic::new(format!("the data has no `{k}`")).key(k))
}
