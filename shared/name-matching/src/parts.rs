//! A name's parts with their comparison keys, how much each weighs, and how similar two
//! parts are.
//!
//! Each part carries its normalised text, a phonetic key and a consonant skeleton
//! (`keys.rs`), computed once: list names at load time, a query once per screening. A part's
//! weight comes from how often its skeleton occurs on the loaded list, so that Mohammed,
//! Ali and Khan weigh less than a rare family name.

use std::collections::HashMap;

use super::given_names::{GivenName, MUHAMMAD, gendered_forms, given_name_of_key};
use super::keys::{key_similarity_at_least, phonetic_key, skeleton};
use super::normalize::{self, Word, words};
use super::particles::{arabic_order, canonical_parts};
use super::patronymics::mark_patronymics;
use super::syllables::{SyllableId, share_a_syllable, syllable_count, syllables};

/// Pairs less similar than this are unrelated parts, not weak agreement.
pub(super) const MIN_PART_SIMILARITY: f64 = 0.7;
/// Similarity of an initial to a full part that starts with it.
const INITIAL_SIMILARITY: f64 = 0.9;
/// An initial says little about who someone is, however rare the name it stands for.
pub const INITIAL_WEIGHT: f64 = 0.25;
/// The weight of the commonest part, against 1.0 for a part seen once.
const COMMON_PART_WEIGHT: f64 = 0.3;
/// The least a full part (not an initial) can weigh.
pub const LIGHTEST_PART: f64 = COMMON_PART_WEIGHT;

/// One part of a name, with its comparison keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// Normalised Latin text, as explanations show it.
    pub text: String,
    pub(super) key: Box<[u8]>,
    skeleton: Box<str>,
    /// Written in an abjad, so short vowels are unknown.
    pub(super) abjad: bool,
    /// Names a father or forebear (follows bin, ibn, ould): see `lineage_agrees`. Not part
    /// of how the part compares.
    pub lineage: bool,
    /// A patronymic (`patronymics.rs`): weighs less. Not part of how the part compares.
    pub patronymic: bool,
    /// Its name is in the Arabic order (`particles::arabic_order`): own name first, then
    /// the father's. Set on every part of such a name; not part of how the part compares.
    pub arabic_order: bool,
    /// The grammatical gender its ending gives a Slavic surname, found once.
    gender: Option<GrammaticalGender>,
    /// The East Asian syllables it can stand for (`syllables.rs`); empty for other parts.
    syllables: Box<[SyllableId]>,
    /// How many such syllables it reads as when written joined (`syllable_count`).
    syllable_count: u8,
    /// The common given name it spells, when it is one of those `given_names.rs` tells
    /// apart (from the key, so parts with one key agree).
    given_name: Option<GivenName>,
}

impl Part {
    fn new(text: String, abjad: bool) -> Self {
        let key = phonetic_key(&text);
        let skeleton = skeleton(&key).into_boxed_str();
        let gender = grammatical_gender(&text);
        // Syllables are read from Latin spellings; an abjad reading has lost its vowels.
        let (syllables, syllable_count) = if abjad {
            (Box::default(), 0)
        } else {
            (syllables(&text), syllable_count(&text))
        };
        // An abjad spelling leaves the vowels that tell these names apart unwritten (عمر is
        // Umar, read "amr").
        let given_name = if abjad { None } else { given_name_of_key(&key) };
        Self {
            given_name,
            syllables,
            syllable_count,
            text,
            key: key.into_boxed_slice(),
            skeleton,
            abjad,
            lineage: false,
            patronymic: false,
            arabic_order: false,
            gender,
        }
    }

    /// What comparison looks at — the key, the script kind, whether the part is an initial
    /// and its first letter, which initials are compared with: two parts with the same
    /// identity compare alike with any part.
    pub(super) fn comparison_identity(&self) -> ComparisonIdentity {
        let first = self.text.as_bytes().first().copied().unwrap_or(0);
        (
            self.key.clone(),
            self.abjad,
            self.is_initial(),
            first,
            self.syllables.clone(),
        )
    }

    /// Muhammad, which many Muslim families give every son before his own name (Egypt,
    /// Pakistan, Bangladesh) and which the son often leaves out.
    pub fn is_devotional_prefix(&self) -> bool {
        self.given_name == Some(MUHAMMAD)
    }

    pub fn is_initial(&self) -> bool {
        !self.abjad && self.text.len() == 1
    }

    pub(super) fn skeleton(&self) -> &str {
        &self.skeleton
    }

    /// `a` and `b` written together, as `align` compares a part with two parts of the other
    /// name ("Ma Yshu" against "Maychou").
    pub fn joined(a: &Part, b: &Part) -> Part {
        Part::new(format!("{}{}", a.text, b.text), a.abjad || b.abjad)
    }

    /// The piece of this part's text in `range` (ASCII byte offsets) as a part of its own,
    /// for cutting a part written joined ("ramimakhlouf" → "rami", "makhlouf"). `None`
    /// when the range is not within the text.
    pub fn piece(&self, range: std::ops::Range<usize>) -> Option<Part> {
        let text = self.text.get(range)?;
        Some(Part {
            lineage: self.lineage,
            patronymic: false,
            arabic_order: self.arabic_order,
            ..Part::new(text.to_owned(), self.abjad)
        })
    }

    /// At most one consonant: a part too short for blocking to find all its spellings
    /// (Jo/Choe, Yu/Iu), so bounds must not count it unpaired.
    pub fn is_short(&self) -> bool {
        self.skeleton.len() <= 1
    }

    /// Length of the phonetic key, which bounds what two parts written together can spell.
    pub(super) fn key_len(&self) -> usize {
        self.key.len()
    }
}

pub(super) type ComparisonIdentity = (Box<[u8]>, bool, bool, u8, Box<[SyllableId]>);

/// How a name is written, as far as East Asian syllables go (`syllables.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syllabic {
    /// A syllable to a part, in two parts or more (Kim Yong Chol, Zhang Xin).
    Spaced,
    /// In syllables, some parts of several written joined (Kim Sang-ho, Mao Zedong).
    Joined,
    /// Not (only) in such syllables.
    No,
}

pub fn syllabic<'a>(parts: impl ExactSizeIterator<Item = &'a Part> + Clone) -> Syllabic {
    if parts.len() < 2 || parts.clone().any(|p| p.syllable_count == 0) {
        Syllabic::No
    } else if parts.into_iter().all(|p| p.syllable_count == 1) {
        Syllabic::Spaced
    } else {
        Syllabic::Joined
    }
}

/// Whether two parts of names written in East Asian syllables (both at least `Joined`) may
/// pair: as many syllables each, and for single syllables, one syllable in two spellings.
/// Parts written joined are compared by their spelling.
pub fn syllables_agree(a: &Part, b: &Part) -> bool {
    a.syllable_count == b.syllable_count
        && (a.syllable_count > 1 || share_a_syllable(&a.syllables, &b.syllables))
}

/// The parts of a name as written. Empty when the name has no letters or digits.
pub fn prepare(name: &str) -> Vec<Part> {
    parts_of(words(name))
}

/// The parts of each reading of a name (`normalize::readings`): one for most names, more
/// when single letters may be initials or one word spelt out ("N.A.S.S.E.R") or the name
/// is written in a system with a second reading (German transcription, Wade–Giles,
/// customary Korean family names). Readings without parts are left out, so a name without
/// letters has none.
pub fn readings(name: &str) -> Vec<Vec<Part>> {
    normalize::readings(name)
        .into_iter()
        .map(parts_of)
        .filter(|parts| !parts.is_empty())
        .collect()
}

/// Parts of one name beyond this many are not compared: no person's name has so many, and
/// an alignment's cost grows with the square of the parts.
pub const MAX_PARTS: usize = 32;

fn parts_of(mut words: Vec<Word>) -> Vec<Part> {
    words.truncate(MAX_PARTS);
    let arabic_order = arabic_order(&words);
    let mut words = canonical_parts(words);
    mark_patronymics(&mut words);
    words
        .into_iter()
        .map(|w| Part {
            lineage: w.lineage,
            patronymic: w.patronymic,
            arabic_order,
            ..Part::new(w.text, w.abjad)
        })
        .collect()
}

/// How often each part (by skeleton) occurs among the names of a list, so that a common
/// part (Mohammed, Ali, Khan) weighs less than a rare one.
#[derive(Debug, Clone, Default)]
pub struct PartStatistics {
    counts: HashMap<Box<str>, u32>,
    /// Number of entries counted.
    names: u32,
}

impl PartStatistics {
    /// Counts each skeleton once per entry: an entry with many aliases spelling Mohammed is
    /// still one Mohammed.
    /// `entries` yields, per entry, the parts of all its names.
    pub fn from_entries<'a, E, N>(entries: E) -> Self
    where
        E: IntoIterator<Item = N>,
        N: IntoIterator<Item = &'a Part>,
    {
        let mut statistics = Self::default();
        let mut seen: Vec<&str> = Vec::new();
        for parts in entries {
            statistics.names += 1;
            seen.clear();
            for part in parts {
                if !seen.contains(&&*part.skeleton) {
                    seen.push(&part.skeleton);
                    *statistics.counts.entry(part.skeleton.clone()).or_default() += 1;
                }
            }
        }
        statistics
    }

    /// A part's weight: 1.0 for a part the list has never or once seen, falling towards
    /// `COMMON_PART_WEIGHT` with its share of names (inverse document frequency).
    pub fn weight(&self, part: &Part) -> f64 {
        let weight = self.weight_as_written(part);
        if part.patronymic {
            patronymic_weight(weight)
        } else {
            weight
        }
    }

    /// The weight of a part by its frequency alone, patronymic or not.
    fn weight_as_written(&self, part: &Part) -> f64 {
        if part.is_initial() {
            return INITIAL_WEIGHT;
        }
        if self.names < 2 {
            return 1.0;
        }
        let count = self.counts.get(&*part.skeleton).copied().unwrap_or(0);
        let total = f64::from(self.names) + 1.0;
        let rarity = ((total / (f64::from(count) + 1.0)).ln() / total.ln()).clamp(0.0, 1.0);
        COMMON_PART_WEIGHT + (1.0 - COMMON_PART_WEIGHT) * rarity
    }

    pub fn weights(&self, parts: &[Part]) -> Vec<f64> {
        parts.iter().map(|p| self.weight(p)).collect()
    }
}

/// Share of its frequency weight a patronymic keeps: it is left out of most documents, and
/// it repeats a common given name. Never below `LIGHTEST_PART`, which the candidate
/// bounds assume of any full part.
const PATRONYMIC_SHARE: f64 = 0.4;

pub fn patronymic_weight(weight: f64) -> f64 {
    (weight * PATRONYMIC_SHARE).max(LIGHTEST_PART.min(weight))
}

/// Whether two parts may pair as far as lineage goes. When both names say whose son each
/// part is ("Salman bin Muhammad", "Muhammad bin Salman"), a person's own name (the first
/// part) does not pair with a forebear's (a part after bin, ibn, ould): the same names in
/// swapped roles are father and son, two people. Other parts pair freely, so that a
/// misspelt connector ("Tarek Been Habib") costs nothing. `first`: per side, whether the
/// part opens its name; `lineage`: per side, whether the part is marked as a forebear's
/// (`Part::lineage`); `both_record_lineage`: each name has a part so marked.
pub fn lineage_agrees(
    lineage: (bool, bool),
    first: (bool, bool),
    both_record_lineage: bool,
) -> bool {
    let own = |lineage: bool, first: bool| first && !lineage;
    !both_record_lineage
        || !((own(lineage.0, first.0) && lineage.1) || (lineage.0 && own(lineage.1, first.1)))
}

/// Whether each of the names marks a part as a forebear's.
pub fn both_record_lineage<'a>(
    query: impl IntoIterator<Item = &'a Part>,
    entry: impl IntoIterator<Item = &'a Part>,
) -> bool {
    query.into_iter().any(|p| p.lineage) && entry.into_iter().any(|p| p.lineage)
}

/// Similarity of two parts, or 0.0 below `MIN_PART_SIMILARITY` (such parts never pair).
pub fn part_similarity(a: &Part, b: &Part) -> f64 {
    part_similarity_at_least(a, b, MIN_PART_SIMILARITY)
}

/// `part_similarity`, or 0.0 as soon as it is certain to fall below `min` (at least
/// `MIN_PART_SIMILARITY`): looking for close parts only (two parts written together, at
/// `MIN_JOINED_SIMILARITY`), most comparisons are abandoned after a row or two.
pub fn part_similarity_at_least(a: &Part, b: &Part, min: f64) -> f64 {
    let min = min.max(MIN_PART_SIMILARITY);
    if a.is_initial() || b.is_initial() {
        return match (a.is_initial(), b.is_initial()) {
            (true, true) if a.text == b.text => 1.0,
            (true, false) if b.text.starts_with(&a.text) => INITIAL_SIMILARITY,
            (false, true) if a.text.starts_with(&b.text) => INITIAL_SIMILARITY,
            _ => 0.0,
        };
    }
    if distinct_given_names(a, b) {
        return 0.0;
    }
    // The gender penalty only lowers a similarity, so one below `min` stays below it.
    let similarity = key_similarity_at_least(&a.key, &b.key, a.abjad || b.abjad, min);
    if similarity > 0.0 && gendered(a, b) {
        let penalised = similarity * GENDER_MISMATCH_FACTOR;
        if penalised >= min { penalised } else { 0.0 }
    } else {
        similarity
    }
}

/// Whether one part is a woman's form and the other a man's: of a Slavic surname
/// (`grammatical_gender`) or of a given name (`given_names::gendered_forms`).
pub fn gendered(a: &Part, b: &Part) -> bool {
    matches!((a.gender, b.gender), (Some(x), Some(y)) if x != y) || gendered_forms(&a.key, &b.key)
}

/// Whether the two parts spell different common given names (`given_names.rs`).
pub fn distinct_given_names(a: &Part, b: &Part) -> bool {
    matches!((a.given_name, b.given_name), (Some(x), Some(y)) if x != y)
}

/// Share of its similarity a pair keeps when one part is a woman's form of a Slavic surname
/// and the other a man's (Baranova/Baranov, Dambrovskaya/Dambrovski), or of a given name
/// (Ivana/Ivan, `given_names::gendered_forms`): wife and husband, daughter and father, are
/// two people.
const GENDER_MISMATCH_FACTOR: f64 = 0.8;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum GrammaticalGender {
    Feminine,
    Masculine,
}

/// The grammatical gender a part's ending gives it, for Slavic surnames: -ova, -eva, -yova
/// and -skaya (Russian, with -skaia/-skaja in ICAO 2013 and ISO 9), -ska (Polish, Czech,
/// Ukrainian -ska) against -ov, -ev, -yov and -sky/-skiy/-skii/-skij/-ski. The -in/-ina pair
/// is left out: -ina ends women's given names in many languages (Marina, Christina).
fn grammatical_gender(text: &str) -> Option<GrammaticalGender> {
    const FEMININE: &[&str] = &["ova", "eva", "skaya", "skaia", "skaja", "ska"];
    const MASCULINE: &[&str] = &[
        "ov", "ev", "sky", "skiy", "skii", "skij", "skyi", "skyy", "ski",
    ];
    if text.len() < 5 {
        return None;
    }
    if FEMININE.iter().any(|e| text.ends_with(e)) {
        Some(GrammaticalGender::Feminine)
    } else if MASCULINE.iter().any(|e| text.ends_with(e)) {
        Some(GrammaticalGender::Masculine)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(text: &str) -> Part {
        prepare(text).remove(0)
    }

    #[test]
    fn a_womans_surname_pairs_less_closely_with_the_mans() {
        let same = part_similarity(&part("Baranova"), &part("Baranova"));
        let across = part_similarity(&part("Baranova"), &part("Baranov"));
        let spelling = part_similarity(&part("Baranova"), &part("Baranowa"));
        assert!(across < 0.8, "{across}");
        assert!(spelling > across && same > spelling);
    }

    #[test]
    fn a_part_seen_on_many_entries_weighs_less_than_one_seen_once() {
        let names: Vec<Vec<Part>> = (0..20)
            .map(|i| prepare(&format!("Mohammed Rare{i}")))
            .collect();
        let statistics = PartStatistics::from_entries(names.iter().map(|n| n.iter()));
        assert!(statistics.weight(&part("Muhammad")) < statistics.weight(&part("Rare1")));
        assert_eq!(statistics.weight(&part("Unseen")), 1.0);
    }

    #[test]
    fn an_entry_counts_a_part_once_however_many_aliases_repeat_it() {
        let aliases = [prepare("Mohammed Ali"), prepare("Muhammad Ali")];
        let other = prepare("Someone Else");
        let statistics = PartStatistics::from_entries([
            aliases.iter().flatten().collect::<Vec<_>>(),
            other.iter().collect(),
        ]);
        assert_eq!(
            statistics.weight(&part("Mohammed")),
            statistics.weight(&part("Ali"))
        );
    }

    #[test]
    fn an_initial_weighs_little() {
        let statistics = PartStatistics::default();
        assert!(statistics.weight(&part("J.")) < statistics.weight(&part("John")));
    }

    #[test]
    fn an_initial_is_similar_to_parts_it_begins() {
        assert_eq!(
            part_similarity(&part("J"), &part("John")),
            INITIAL_SIMILARITY
        );
        assert_eq!(part_similarity(&part("J"), &part("Mary")), 0.0);
        assert_eq!(part_similarity(&part("J"), &part("J")), 1.0);
    }

    #[test]
    fn parts_too_different_to_pair_have_no_similarity() {
        assert_eq!(part_similarity(&part("Daniel"), &part("Donald")), 0.0);
    }

    #[test]
    fn a_name_of_more_parts_than_any_person_has_is_cut() {
        let endless: String = (0..200).map(|i| format!("w{i}x ")).collect();
        assert_eq!(prepare(&endless).len(), MAX_PARTS);
    }
}
