//! Plan once, derive per sample (REDESIGN.md): binding a ledger does four jobs — choosing
//! which data applies, checking the request, recording provenance, and arithmetic. A ledger's
//! `plan` does the first three once, and names every number its arithmetic reads by a
//! [`Num`]: a slot of a [`Slots`] table (a number of the data) or a constant (a user's flag).
//! Its `derive` does the arithmetic from a row of values, per sample, with no string, lookup
//! or allocation. `bind` is plan + derive at the central values, so the two cannot drift: the
//! oracle tests hold derive on one plan equal to re-binding the data with the same draws.
//!
//! **Architecture Invariant:** a plan reads every number that may vary through a slot; a
//! number that sizes the model (the strategy's horizon) is recorded as structural, and a
//! sampler refuses to vary it rather than fix it silently; a choice the plan makes from a
//! number at the centre is made or checked again in `derive`, so that a draw that changes it
//! is followed or refused, as re-binding would.

use std::collections::HashMap;

use crate::data::Dataset;
use crate::diag::Diagnostic;
use crate::provenance::{Binder, Binding, Given};
use crate::uncertainty::{Model, Uncertain};

/// Where a number a plan reads comes from.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Num {
    /// A number of the data: its place in the values.
    Slot(u32),
    /// A number fixed at planning: a user's flag, or one the plan worked out.
    Const(f64),
}

impl Num {
    #[inline(always)]
    pub fn get(self, v: &[f64]) -> f64 {
        match self {
            Num::Slot(i) => v[i as usize],
            Num::Const(c) => c,
        }
    }
}

/// The numbers of the data a plan reads, each once, in the order first read: a key several
/// ledgers read has one slot, so that a draw moves them together (as re-binding does).
#[derive(Clone, Debug, Default)]
pub struct Slots {
    keys: Vec<String>,
    index: HashMap<String, u32>,
    /// Each slot's value in the data planned on.
    pub central: Vec<f64>,
    /// Keys whose numbers decided the plan's structure, with the value they had.
    pub structural: Vec<(String, f64)>,
}

impl Slots {
    /// The slot of `key`, added with `value` on first sight.
    pub fn slot(&mut self, key: &str, value: f64) -> u32 {
        if let Some(i) = self.index.get(key) {
            return *i;
        }
        let i = self.keys.len() as u32;
        self.keys.push(key.to_string());
        self.index.insert(key.to_string(), i);
        self.central.push(value);
        i
    }
    /// Whether `key` decided a plan's structure.
    pub fn is_structural(&self, key: &str) -> bool {
        self.structural.iter().any(|(k, _)| k == key)
    }
    /// The slot of `key`, if a plan read it.
    pub fn get(&self, key: &str) -> Option<u32> {
        self.index.get(key).copied()
    }
    pub fn keys(&self) -> &[String] {
        &self.keys
    }
    pub fn len(&self) -> usize {
        self.keys.len()
    }
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

/// Why a derive refused its values: a check that depends on the numbers (a die that no longer
/// fits the reticle, an edge exclusion that leaves no wafer). The central path turns it into
/// a [`Diagnostic`]; a sampler refuses the sample.
#[derive(Clone, Debug, PartialEq)]
pub struct Refused {
    pub message: String,
    pub key: Option<String>,
    pub expected: &'static str,
}

impl Refused {
    pub fn new(message: impl Into<String>, key: Option<&str>, expected: &'static str) -> Refused {
        Refused { message: message.into(), key: key.map(str::to_string), expected }
    }
}

impl From<Refused> for Diagnostic {
    fn from(r: Refused) -> Diagnostic {
        let d = Diagnostic::new(r.message).expected(r.expected);
        match r.key {
            Some(k) => d.key(k),
            None => d,
        }
    }
}

/// Plans a ledger: reads the data through a [`Binder`] (which records provenance) and gives
/// each number a [`Num`].
pub(crate) struct Planner<'a, 's> {
    pub b: Binder<'a>,
    pub slots: &'s mut Slots,
}

impl<'a, 's> Planner<'a, 's> {
    pub fn new(ds: &'a Dataset, slots: &'s mut Slots) -> Planner<'a, 's> {
        Planner { b: Binder::new(ds), slots }
    }
    pub fn ds(&self) -> &'a Dataset {
        self.b.ds
    }
    /// A number of the data, by key.
    pub fn num(&mut self, name: &'static str, key: &str) -> Result<Num, Diagnostic> {
        let v = self.b.data(name, key)?;
        Ok(Num::Slot(self.slots.slot(key, v)))
    }
    /// A number of the data if it is there.
    pub fn num_opt(&mut self, name: &'static str, key: &str) -> Option<Num> {
        self.ds().param(key).is_some().then(|| self.num(name, key).ok()).flatten()
    }
    /// A number the user gave.
    pub fn given(&mut self, name: &'static str, unit: &'static str, g: &Given<f64>) -> Num {
        Num::Const(self.b.given(name, unit, g))
    }
    /// The user's number if given, else the data's.
    pub fn either(
        &mut self,
        name: &'static str,
        given: &Option<Given<f64>>,
        key: &str,
    ) -> Result<Num, Diagnostic> {
        match given {
            Some(g) => {
                let unit = self.ds().param(key).map_or("", |p| p.unit);
                Ok(self.given(name, unit, g))
            }
            None => self.num(name, key),
        }
    }
    /// A number read to decide the plan's structure: recorded, and never varied by a sampler.
    pub fn structural(&mut self, name: &'static str, key: &str) -> Result<f64, Diagnostic> {
        let v = self.b.data(name, key)?;
        if !self.slots.structural.iter().any(|(k, _)| k == key) {
            self.slots.structural.push((key.to_string(), v));
        }
        Ok(v)
    }
    /// The central value of `n`, for checks and notes made at planning.
    pub fn central(&self, n: Num) -> f64 {
        n.get(&self.slots.central)
    }
    pub fn derived(&mut self, name: &'static str, value: f64, unit: &'static str, how: String) {
        self.b.derived(name, value, unit, how);
    }
    pub fn bindings(self) -> Vec<Binding> {
        self.b.bindings
    }
}

/// The one sampler over plans: each uncertain number of a row is written into its slot of a
/// thread's copy of the central values, and `eval` derives the ledgers' inputs from those
/// values and writes the results. No binding, lookup or allocation per sample.
pub struct Planned<F> {
    central: Vec<f64>,
    /// The slot of each uncertain number, in the order of a row.
    at: Vec<u32>,
    eval: F,
}

impl<F> Planned<F>
where
    F: Fn(&[f64], &mut [f64]) -> bool + Sync,
{
    /// The model of plans that read `slots`, under the uncertain numbers `keys`. Refuses a
    /// number that decided a plan's structure (which a draw could not move without planning
    /// again), and a number the plans used without a slot.
    pub fn new(slots: &Slots, keys: &[Uncertain], eval: F) -> Result<Planned<F>, Diagnostic> {
        let at = keys
            .iter()
            .map(|k| {
                if let Some((_, v)) = slots.structural.iter().find(|(s, _)| s == &k.key) {
                    return Err(Diagnostic::new(format!(
                        "`{}` decides the shape of the model (it is read once, at {v}), so it cannot be sampled",
                        k.key
                    ))
                    .key(&k.key)
                    .expected("a fixed value for it: --set KEY=VALUE, or a scenario entry without low and high"));
                }
                slots.get(&k.key).ok_or_else(|| {
                    Diagnostic::new(format!("`{}` is used but no plan reads it, so it cannot be sampled", k.key))
                        .key(&k.key)
                        .expected("every uncertain number read through a plan (a defect of waferwatt: please report it)")
                })
            })
            .collect::<Result<Vec<u32>, Diagnostic>>()?;
        Ok(Planned { central: slots.central.clone(), at, eval })
    }

    /// The values of a row of uncertain numbers `x`, written over `v` (a copy of the central
    /// values).
    #[inline]
    pub fn values(&self, v: &mut [f64], x: &[f64]) {
        for (slot, value) in self.at.iter().zip(x) {
            v[*slot as usize] = *value;
        }
    }
}

impl<F> Model for Planned<F>
where
    F: Fn(&[f64], &mut [f64]) -> bool + Sync,
{
    type Scratch = Vec<f64>;
    fn scratch(&self) -> Vec<f64> {
        self.central.clone()
    }
    #[inline]
    fn eval(&self, v: &mut Vec<f64>, x: &[f64], out: &mut [f64]) -> bool {
        self.values(v, x);
        (self.eval)(v, out)
    }
}

/// Where a ledger writes its sampled results: each result by name and value, in a fixed
/// order. A name is asked for only when names are collected (once, to lay out a row); per
/// sample only the values are written, with no allocation.
pub trait Sink {
    fn put(&mut self, name: &dyn Fn() -> String, value: f64);
    /// A result the ledger may lack in some samples (a break-even that does not come): it
    /// keeps its place, as not a number where it is lacking.
    fn opt(&mut self, name: &dyn Fn() -> String, value: Option<f64>) {
        self.put(name, value.unwrap_or(f64::NAN));
    }
}

/// Collects the names of a ledger's results.
#[derive(Default)]
pub struct Names(pub Vec<String>);

impl Sink for Names {
    fn put(&mut self, name: &dyn Fn() -> String, _: f64) {
        self.0.push(name());
    }
}

/// Writes a ledger's results into a row laid out by [`Names`]; counts any it could not place,
/// so that a sample whose results do not match the layout is refused.
pub struct Row<'a> {
    pub values: &'a mut [f64],
    pub at: usize,
}

impl Sink for Row<'_> {
    #[inline]
    fn put(&mut self, _: &dyn Fn() -> String, value: f64) {
        if let Some(v) = self.values.get_mut(self.at) {
            *v = value;
        }
        self.at += 1;
    }
}

impl Row<'_> {
    /// Whether the results filled the row exactly.
    pub fn full(&self) -> bool {
        self.at == self.values.len()
    }
}

/// A name that is a fixed string.
pub fn name(s: &'static str) -> impl Fn() -> String {
    move || s.to_string()
}

/// A name that is `prefix.part` (or `part` with no prefix).
pub fn path(prefix: &str, part: &str) -> String {
    if prefix.is_empty() { part.to_string() } else { format!("{prefix}.{part}") }
}

/// The oracle of a plan (tests): for `n` draws of the uncertain numbers of `bindings`, the
/// plan's derive on those values equals re-binding the data with them, exactly (both
/// refusing counts as equal). It catches any number a plan uses structurally or reads around
/// its slots.
#[cfg(test)]
pub(crate) fn oracle<I: PartialEq + std::fmt::Debug>(
    ds: &Dataset,
    slots: &Slots,
    bindings: &[Binding],
    n: usize,
    derive: impl Fn(&[f64]) -> Option<I>,
    rebind: impl Fn(&Dataset) -> Option<I>,
) {
    use crate::uncertainty::{Plan, Sampling, uncertain_keys};
    let keys = uncertain_keys(ds, bindings).expect("valid distributions");
    assert!(!keys.is_empty(), "nothing uncertain to test");
    let at: Vec<u32> = keys
        .iter()
        .map(|k| slots.get(&k.key).unwrap_or_else(|| panic!("{} is read but has no slot", k.key)))
        .collect();
    let plan = Plan::keyed(&keys, n, 7, Sampling::MonteCarlo);
    let mut x = vec![0.0; keys.len()];
    let mut data = ds.clone();
    for i in 0..n {
        plan.draw(i, &mut x);
        let mut v = slots.central.clone();
        for ((k, slot), value) in keys.iter().zip(&at).zip(&x) {
            v[*slot as usize] = *value;
            data.params.get_mut(&k.key).expect("a data number").value = *value;
        }
        assert_eq!(
            derive(&v),
            rebind(&data),
            "sample {i}: {:?}",
            keys.iter().map(|k| &k.key).zip(&x).collect::<Vec<_>>()
        );
    }
}
