//! Person-name matching across scripts, romanisations and naming customs, and screening a
//! person against lists of such names.
//!
//! Names are cleaned of disguises and read in every romanisation they may stand for
//! (`normalize`), cut into parts with phonetic keys (`Part`), weighed by how common each part
//! is on a list (`PartStatistics`), filed under blocking keys so a query meets only the parts
//! it could pair with (`Vocabulary`), and compared part by part regardless of order, with
//! naming customs deciding what a part left over or a weak pair means (`compare_names`). Every
//! score comes with the part-by-part explanation a reviewer reads. Where each rule comes from
//! (the standard or the custom) is written beside it.
//!
//! On top of the names: the record a list holds (`record`), a list indexed once for every
//! query (`index`), what fields other than the name add to a score (`evidence`), the work
//! one screening may do (`budget`), and screening a person against indexed lists
//! (`screen`). Reading list files, serving lists and storing screenings are the screening
//! service's; nothing here knows of transport or storage.

mod align;
mod arabic;
mod armenian;
mod blocking;
pub mod bound;
pub mod budget;
mod cleaning;
mod compounds;
pub mod evidence;
mod georgian;
mod given_names;
mod greek;
mod hebrew;
pub mod index;
mod keys;
mod korean;
pub mod names;
pub mod normalize;
pub mod parallel;
mod particles;
mod parts;
mod patronymics;
pub mod record;
mod romanisation;
pub mod screen;
mod syllables;
mod vocabulary;
mod wade_giles;

pub use align::{CONTRADICTION_FACTOR, MIN_JOINED_SIMILARITY, MISSING_FACTOR};
pub use bound::{BoundSide, Joins, score_bound};
pub use names::{
    NameComparison, PartMatch, PartOutcome, PartRule, compare_names, name_score, name_score_with,
};
pub use parts::{
    INITIAL_WEIGHT, LIGHTEST_PART, lineage_agrees, part_similarity, patronymic_weight,
};
pub use parts::{Part, PartStatistics, prepare, readings};
pub use vocabulary::{Similar, Vocabulary};
