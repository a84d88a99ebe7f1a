//! The accounts of `waferwatt report`: each one answers a question of the source
//! commentary with the ledgers and the data, as plain results that a face renders.

pub mod capacity;
pub mod electricity;
pub mod packaging;
pub mod tools;
