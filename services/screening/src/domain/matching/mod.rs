//! Scoring a person against a list entry, with an explanation a reviewer can check.

mod align;
mod arabic;
mod blocking;
pub mod bound;
mod cleaning;
mod compounds;
pub mod evidence;
mod given_names;
mod greek;
mod keys;
mod korean;
pub mod names;
pub mod normalize;
mod particles;
mod parts;
mod patronymics;
mod romanisation;
mod syllables;
mod vocabulary;
mod wade_giles;

pub use align::{CONTRADICTION_FACTOR, MIN_JOINED_SIMILARITY, MISSING_FACTOR};
pub use bound::{BoundSide, Joins, score_bound};
pub use evidence::Adjustment;
pub use names::{
    NameComparison, PartMatch, PartOutcome, PartRule, compare_names, name_score, name_score_with,
};
pub use parts::{
    INITIAL_WEIGHT, LIGHTEST_PART, lineage_agrees, part_similarity, patronymic_weight,
};
pub use parts::{Part, PartStatistics, prepare, readings};
pub use vocabulary::{Similar, Vocabulary};
