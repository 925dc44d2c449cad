//! Screening's domain: list entries, the catalogue of loaded lists, what fields other than
//! the name add to a score, and screening itself; name matching is the `name_matching`
//! crate. No transport, no storage.

pub mod budget;
pub(crate) mod candidates;
pub mod catalog;
pub mod entry;
pub mod evidence;
pub mod names;
pub mod screen;
