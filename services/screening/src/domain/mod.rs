//! Screening's domain: the catalogue of loaded lists and the rules for list names. The
//! records lists hold, the index over a list, the work budget, the evidence of fields other
//! than the name and screening itself are the `name_matching` library's, re-exported here
//! under the paths the service and its callers use. No transport, no storage.

pub mod catalog;
pub mod names;

pub use name_matching::record as entry;
pub use name_matching::{budget, evidence, screen};
