//! waferwatt: an open, sourced model of AI-compute economics, from the lithography
//! scanner to the electricity bill.
//!
//! The crate is a library of pure functions over plain data. It does no I/O, prints
//! nothing, reads no clock and holds no global state: the `waferwatt` command line is a
//! thin face over it.
//!
//! ```
//! use waferwatt::data::Dataset;
//! use waferwatt::train::{self, Given, TrainRequest};
//!
//! let ds = Dataset::builtin().expect("the built-in data is valid");
//! let req = TrainRequest { run: Some(Given::flag("deepseek-v3".to_string(), "--run")), ..Default::default() };
//! let bound = train::bind(&ds, &req).expect("a published run binds");
//! let out = train::evaluate(&bound[0].inputs);
//! // DeepSeek-V3 reports 2.788 M H800-hours at 2 USD per hour: 5.576 M USD.
//! assert!((out.rental_usd.unwrap() - 5.576e6).abs() < 1.0);
//! ```
//!
//! Layout, following the ledgers of DESIGN.md:
//! - [`data`]: the embedded data files, their schema, scenario and `--set` overrides, the check;
//! - [`power`]: what a kWh costs in a region (flat or two-part tariffs);
//! - [`fab`]: the lithography and fab ledger (a wafer's exposures, cost and yield);
//! - [`chip`]: the chip ledger (an accelerator's build cost, chiplets, porting);
//! - [`fleet`]: the capacity ledger (from scanners to accelerators and gigawatts);
//! - [`train`]: the training-run ledger;
//! - [`uncertainty`], [`sensitivity`]: sampling the data's ranges, percentiles, tornadoes
//!   and Sobol' indices;
//! - [`accounts`]: the report's accounts, which test the source commentary's claims;
//! - [`finance`], [`units`], [`diag`]: capital recovery, unit conversions, diagnostics.
//!
//! The strategy ledger still to come gets a folder too.

pub mod accounts;
pub mod chip;
pub mod data;
pub mod diag;
pub mod fab;
pub mod finance;
pub mod fleet;
mod par;
pub mod plan;
pub mod power;
pub mod provenance;
pub mod sensitivity;
pub mod strategy;
pub mod train;
pub mod uncertainty;
pub mod units;
pub mod validate;
