//! Scoring a person against a list entry, with an explanation a reviewer can check.

pub mod evidence;
pub mod names;
pub mod normalize;

pub use evidence::Adjustment;
pub use names::{NameComparison, PartMatch, compare_names};
pub use normalize::name_tokens;
