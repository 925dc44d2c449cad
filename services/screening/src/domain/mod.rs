//! Screening's domain: list entries, the catalogue of loaded lists and the matching logic.
//! No transport, no storage.

pub(crate) mod candidates;
pub mod catalog;
pub mod entry;
pub mod matching;
pub mod names;
pub(crate) mod parallel;
pub mod screen;
