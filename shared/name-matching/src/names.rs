//! Name similarity: how closely a query name matches an entry name, with the part-by-part
//! explanation a reviewer reads.

use super::align::{Customs, SURE_SIMILARITY, Side, Slot, align};
use super::parts::{
    Part, Syllabic, both_record_lineage, distinct_given_names, gendered, lineage_agrees,
    part_similarity, syllabic, syllables_agree,
};

/// What became of a part in the comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartOutcome {
    /// Paired with a part of the other name (`similarity` says how closely).
    Matched,
    /// Left over while the other name also had parts left over: evidence against.
    Contradicted,
    /// Left over while the other name had none: one name is longer, weaker evidence.
    Missing,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PartMatch {
    /// Empty when an entry part found no partner. Two parts written together are shown
    /// with a space between them.
    pub query_part: String,
    /// Empty when a query part found no partner.
    pub entry_part: String,
    pub similarity: f64,
    /// Share of the name score this pair carries (sums to 1 over all parts); the name score
    /// is the sum of similarity × weight.
    pub weight: f64,
    pub outcome: PartOutcome,
    /// The naming rule that decided how this pair scores or weighs, when one did.
    pub rule: Option<PartRule>,
}

/// Naming rules that change how a pair of parts scores or weighs, shown to reviewers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartRule {
    /// A patronymic (Vladimirovich, o'g'li, bin …): weighs less, since passports and many
    /// intake forms leave it out.
    Patronymic,
    /// A woman's form against a man's: Ivanova/Ivanov, Ivana/Ivan.
    GenderedForms,
    /// Two common given names of one root, not spellings of one name: Ahmad/Hamid.
    DistinctGivenNames,
    /// Names written in East Asian syllables: parts pair only as one syllable, and a
    /// syllable one name lacks makes a different given name.
    Syllables,
    /// A person's own name, in the Arabic order, missing from a name whose own name is this
    /// one's father's: father and son.
    OwnName,
}

impl PartRule {
    /// The rule in words, as explanations give it.
    pub fn description(self) -> &'static str {
        match self {
            Self::Patronymic => "a patronymic, which many documents leave out: weighs less",
            Self::GenderedForms => "a woman's form of the name against a man's",
            Self::DistinctGivenNames => "a different given name, not a spelling of the same one",
            Self::OwnName => {
                "an own name the other lacks, whose own name is this one's father's: father and son"
            }
            Self::Syllables => {
                "names written in syllables: each part must be the same syllable, and a missing syllable changes the name"
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct NameComparison {
    pub score: f64,
    pub parts: Vec<PartMatch>,
}

/// Compares two prepared names; `query_weights` and `entry_weights` come from
/// `PartStatistics::weights`. Both names must have parts for a non-zero score.
pub fn compare_names(
    query: &[Part],
    query_weights: &[f64],
    entry: &[Part],
    entry_weights: &[f64],
) -> NameComparison {
    let query: Vec<&Part> = query.iter().collect();
    let entry: Vec<&Part> = entry.iter().collect();
    let both = both_record_lineage(query.iter().copied(), entry.iter().copied());
    let syllabic = both_syllabic(&query, &entry);
    let slots = align(
        &query,
        query_weights,
        &entry,
        entry_weights,
        customs(&query, &entry, syllabic),
        |i, j| {
            if may_pair(&query, &entry, i, j, both) {
                syllable_gate(
                    part_similarity(query[i], entry[j]),
                    query[i],
                    entry[j],
                    syllabic,
                )
            } else {
                0.0
            }
        },
    );
    let total: f64 = slots.iter().map(|s| s.weight).sum();
    if slots.is_empty() || total <= 0.0 {
        return NameComparison {
            score: 0.0,
            parts: Vec::new(),
        };
    }
    let score = slots.iter().map(|s| s.similarity * s.weight).sum::<f64>() / total;
    let text = |parts: &[&Part], side: Side| match side {
        Side::None => String::new(),
        Side::One(i) => parts[i].text.clone(),
        Side::Two(i, j) => format!("{} {}", parts[i].text, parts[j].text),
    };
    let parts = slots
        .iter()
        .map(|slot| PartMatch {
            query_part: text(&query, slot.query),
            entry_part: text(&entry, slot.entry),
            similarity: slot.similarity,
            weight: slot.weight / total,
            outcome: slot.outcome,
            rule: rule_of(slot, &query, &entry, syllabic),
        })
        .collect();
    NameComparison {
        score: score.clamp(0.0, 1.0),
        parts,
    }
}

/// The name score alone, for ranking candidates before any explanation is built.
pub fn name_score(
    query: &[Part],
    query_weights: &[f64],
    entry: &[Part],
    entry_weights: &[f64],
) -> f64 {
    let query: Vec<&Part> = query.iter().collect();
    let entry: Vec<&Part> = entry.iter().collect();
    name_score_with(&query, query_weights, &entry, entry_weights, |i, j| {
        part_similarity(query[i], entry[j])
    })
}

/// `name_score` with part similarities looked up rather than computed: `similarity(i, j)`
/// must equal `part_similarity(&query[i], &entry[j])`.
pub fn name_score_with(
    query: &[&Part],
    query_weights: &[f64],
    entry: &[&Part],
    entry_weights: &[f64],
    similarity: impl Fn(usize, usize) -> f64,
) -> f64 {
    let both = both_record_lineage(query.iter().copied(), entry.iter().copied());
    let syllabic = both_syllabic(query, entry);
    let slots = align(
        query,
        query_weights,
        entry,
        entry_weights,
        customs(query, entry, syllabic),
        |i, j| {
            if may_pair(query, entry, i, j, both) {
                syllable_gate(similarity(i, j), query[i], entry[j], syllabic)
            } else {
                0.0
            }
        },
    );
    let total: f64 = slots.iter().map(|s| s.weight).sum();
    if total <= 0.0 {
        return 0.0;
    }
    (slots.iter().map(|s| s.similarity * s.weight).sum::<f64>() / total).clamp(0.0, 1.0)
}

/// How far the rules of names written in East Asian syllables apply to this comparison:
/// `Spaced` when both names are written a syllable to a part, `Joined` when both are in
/// syllables, `No` otherwise.
fn both_syllabic(query: &[&Part], entry: &[&Part]) -> Syllabic {
    match (
        syllabic(query.iter().copied()),
        syllabic(entry.iter().copied()),
    ) {
        (Syllabic::No, _) | (_, Syllabic::No) => Syllabic::No,
        (Syllabic::Spaced, Syllabic::Spaced) => Syllabic::Spaced,
        _ => Syllabic::Joined,
    }
}

fn customs(query: &[&Part], entry: &[&Part], syllabic: Syllabic) -> Customs {
    Customs {
        syllabic: syllabic == Syllabic::Spaced,
        own_name_first: query.iter().chain(entry).any(|p| p.arabic_order),
    }
}

/// The rule that decided a slot of the alignment, for the explanation.
fn rule_of(slot: &Slot, query: &[&Part], entry: &[&Part], syllabic: Syllabic) -> Option<PartRule> {
    fn one<'a>(side: Side, parts: &[&'a Part]) -> Option<&'a Part> {
        match side {
            Side::One(i) => Some(parts[i]),
            _ => None,
        }
    }
    match (one(slot.query, query), one(slot.entry, entry)) {
        (Some(q), Some(e)) if gendered(q, e) => Some(PartRule::GenderedForms),
        (Some(_), Some(_)) if syllabic != Syllabic::No => Some(PartRule::Syllables),
        (Some(q), Some(e)) if q.patronymic || e.patronymic => Some(PartRule::Patronymic),
        (Some(part), None) | (None, Some(part)) => {
            let others = if matches!(slot.query, Side::One(_)) {
                entry
            } else {
                query
            };
            let first = matches!(
                (slot.query, slot.entry),
                (Side::One(0), _) | (_, Side::One(0))
            );
            if syllabic == Syllabic::Spaced {
                Some(PartRule::Syllables)
            } else if first && part.arabic_order && slot.outcome == PartOutcome::Contradicted {
                Some(PartRule::OwnName)
            } else if part.patronymic {
                Some(PartRule::Patronymic)
            } else if others.iter().any(|o| distinct_given_names(part, o)) {
                Some(PartRule::DistinctGivenNames)
            } else {
                None
            }
        }
        _ => None,
    }
}

/// Whether lineage allows query part `i` and entry part `j` to pair at all, however alike
/// they are spelt (`lineage_agrees`). `both_lineage`: both names record lineage.
fn may_pair(query: &[&Part], entry: &[&Part], i: usize, j: usize, both_lineage: bool) -> bool {
    lineage_agrees(
        (query[i].lineage, entry[j].lineage),
        (i == 0, j == 0),
        both_lineage,
    )
}

/// The similarity two parts of names written in East Asian syllables keep (`syllables.rs`):
/// none unless they can be the same syllables, or, when one of the names writes a given name
/// joined (where a typo may make a word read as two syllables: Chooe), unless their spellings
/// are sure to be one name.
fn syllable_gate(similarity: f64, query: &Part, entry: &Part, syllabic: Syllabic) -> f64 {
    match syllabic {
        Syllabic::No => similarity,
        _ if syllables_agree(query, entry) => similarity,
        Syllabic::Joined if similarity >= SURE_SIMILARITY => similarity,
        _ => 0.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parts::{PartStatistics, prepare};

    fn compare(a: &str, b: &str) -> NameComparison {
        let statistics = PartStatistics::default();
        let (a, b) = (prepare(a), prepare(b));
        compare_names(&a, &statistics.weights(&a), &b, &statistics.weights(&b))
    }

    fn score(a: &str, b: &str) -> f64 {
        compare(a, b).score
    }

    #[test]
    fn father_and_son_with_swapped_names_are_two_people() {
        assert!(score("Salman bin Muhammad al-Rawi", "Muhammad bin Salman al-Rawi") < 0.7);
        assert_eq!(
            score("Salman bin Muhammad al-Rawi", "Salman bin Muhammad al-Rawi"),
            1.0
        );
    }

    #[test]
    fn a_misspelt_connector_or_a_missing_one_still_matches() {
        assert!(score("Tarek Been Habib ben Toumi", "Tarek ben Habib ben Toumi") > 0.9);
        assert_eq!(
            score("Salman Muhammad al-Rawi", "Salman bin Muhammad al-Rawi"),
            1.0
        );
    }

    #[test]
    fn a_name_matches_itself_fully() {
        assert_eq!(score("Ayman al-Zawahiri", "Ayman al-Zawahiri"), 1.0);
    }

    #[test]
    fn order_does_not_matter() {
        assert_eq!(score("ZAWAHIRI, Ayman", "Ayman Zawahiri"), 1.0);
    }

    #[test]
    fn small_misspellings_still_score_high() {
        assert!(score("Usama bin Laden", "Usama bin Ladin") > 0.9);
        assert!(score("Sergi Lavrov", "Sergei Lavrov") > 0.9);
    }

    #[test]
    fn a_missing_part_costs_less_than_a_contradicting_one() {
        let missing = score("Ivan Sidorov", "Ivan Petrovich Sidorov");
        let contradicting = score("Ivan Kuznetsov Sidorov", "Ivan Petrovich Sidorov");
        assert!(missing > contradicting, "{missing} vs {contradicting}");
        assert!(missing > 0.85, "{missing}");
    }

    #[test]
    fn one_disagreeing_family_name_outweighs_agreeing_given_names() {
        assert!(
            score(
                "Barzan Ibrahim Hassan al-Mosuli",
                "Barzan Ibrahim Hassan al-Tikriti"
            ) < 0.8
        );
    }

    #[test]
    fn a_lone_shared_part_is_weak_evidence() {
        assert!(score("Shamsuddin", "Shamsuddin Mohammed Haqqani") < 0.8);
    }

    #[test]
    fn unrelated_names_score_low() {
        assert!(score("John Smith", "Ayman al-Zawahiri") < 0.3);
    }

    #[test]
    fn initials_pair_with_full_parts() {
        assert!(score("J. Smith", "John Smith") > 0.85);
    }

    #[test]
    fn an_initial_does_not_absorb_a_contradicting_family_name() {
        let comparison = compare("David G. Valadao", "GOTMAN, David");
        assert!(comparison.score < 0.7, "{comparison:?}");
        assert!(
            comparison
                .parts
                .iter()
                .any(|p| p.query_part == "valadao" && p.outcome == PartOutcome::Contradicted)
        );
    }

    #[test]
    fn different_initials_contradict() {
        assert!(
            score("Frost, William G.", "William W Frost")
                < score("William Frost", "William W Frost")
        );
    }

    #[test]
    fn parts_written_together_meet_parts_written_apart() {
        let comparison = compare("Jan Daniel Bothma", "JanDaniel Bothma");
        assert!(comparison.score > 0.95, "{comparison:?}");
        assert!(
            comparison
                .parts
                .iter()
                .any(|p| p.query_part == "jan daniel" && p.entry_part == "jandaniel")
        );
    }

    #[test]
    fn a_weak_pair_gives_way_to_parts_written_together() {
        let comparison = compare("Ali Ma Ychou", "Ali Maychou");
        assert!(comparison.score > 0.9, "{comparison:?}");
    }

    #[test]
    fn spellings_of_one_arabic_name_meet() {
        for spelling in ["Mohammed", "Mohamed", "Muhamad", "Mukhammad", "محمد"] {
            assert!(score(spelling, "Muhammad") > 0.85, "{spelling}");
        }
        assert!(score("Abdurrahman", "Abd al-Rahman") == 1.0);
        assert!(score("Yousef", "Yusuf") > 0.85);
        assert!(score("Iusuf", "Yusuf") > 0.85);
    }

    #[test]
    fn a_womans_surname_does_not_meet_a_mans() {
        assert!(score("Gulnara Ivanova", "Gulnara Ivanov") < 0.85);
        assert!(score("Olga Baranova", "Olga Baranova") == 1.0);
    }

    #[test]
    fn central_asian_and_russian_forms_meet() {
        assert!(score("Shamsiddin Rahmonov", "Shamsidin Rakhmonov") > 0.95);
        assert!(score("Sergei Petrovich", "Sergei Petrovitch") > 0.9);
        assert!(score("Rustam Nazarzoda", "Rustam Nazarzade") > 0.9);
    }

    #[test]
    fn a_name_in_arabic_script_meets_its_latin_spelling() {
        assert!(score("قصي صدام حسين التكريتي", "Qusay Saddam Hussein al-Tikriti") > 0.85);
        assert!(score("عبد الله", "Abdullah") == 1.0);
    }

    #[test]
    fn a_name_in_cyrillic_meets_its_latin_spelling() {
        assert!(score("Умаров Доку Хаматович", "DOKU KHAMATOVICH UMAROV") > 0.95);
        assert!(score("Раҳмонов Шамсиддин", "Shamsiddin Rahmonov") == 1.0);
    }

    #[test]
    fn the_explanation_adds_up_to_the_score() {
        let comparison = compare("Ivan Kuznetsov Sidorov", "Ivan Petrovich Sidorova Ivanova");
        let total: f64 = comparison.parts.iter().map(|p| p.weight).sum();
        let score: f64 = comparison
            .parts
            .iter()
            .map(|p| p.similarity * p.weight)
            .sum();
        assert!((total - 1.0).abs() < 1e-9);
        assert!((score - comparison.score).abs() < 1e-9);
        let outcomes: Vec<PartOutcome> = comparison.parts.iter().map(|p| p.outcome).collect();
        assert!(outcomes.contains(&PartOutcome::Matched));
        assert!(outcomes.contains(&PartOutcome::Contradicted));
        assert!(outcomes.contains(&PartOutcome::Missing));
    }

    #[test]
    fn a_rare_part_agreeing_weighs_more_than_a_common_one() {
        let names: Vec<Vec<crate::Part>> = (0..50)
            .map(|i| prepare(&format!("Mohammed Person{i}")))
            .chain([prepare("Mohammed Tikriti")])
            .collect();
        let statistics = PartStatistics::from_entries(names.iter().map(|n| n.iter()));
        let compare = |a: &str, b: &str| {
            let (a, b) = (prepare(a), prepare(b));
            compare_names(&a, &statistics.weights(&a), &b, &statistics.weights(&b)).score
        };
        let rare_agrees = compare("Ahmed Tikriti", "Mohammed Tikriti");
        let common_agrees = compare("Mohammed Rawi", "Mohammed Tikriti");
        assert!(
            rare_agrees > common_agrees,
            "{rare_agrees} vs {common_agrees}"
        );
    }

    fn rules(a: &str, b: &str) -> Vec<PartRule> {
        compare(a, b).parts.iter().filter_map(|p| p.rule).collect()
    }

    #[test]
    fn common_given_names_of_one_root_are_different_names() {
        let comparison = compare("Abdullah Ahmed", "ABDOLLAHI, Hamed");
        assert!(comparison.score < 0.7, "{comparison:?}");
        assert!(
            rules("Abdullah Ahmed", "ABDOLLAHI, Hamed").contains(&PartRule::DistinctGivenNames)
        );
        assert!(score("Mohammad Rahimi", "Mahmoud Rahimi") < 0.8);
        assert!(score("Mohammed Rahimi", "Muhammad Rahimi") > 0.95);
    }

    #[test]
    fn a_woman_does_not_match_a_man_of_the_same_names() {
        assert!(score("Olga Barynova", "Oleg BARANOV") < 0.6);
        assert!(score("Ivana Petrovic", "Ivan Petrovic") < score("Ivan Petrovic", "Ivan Petrovic"));
        assert!(rules("Ivana Petrovic", "Ivan Petrovic").contains(&PartRule::GenderedForms));
    }

    #[test]
    fn east_asian_syllables_pair_only_as_one_syllable() {
        assert!(score("Zhang Xin", "CHOU, Hsien Cheng") < 0.5);
        assert!(score("Cheng Zhu", "CHEN, Zhu") < 0.7);
        assert!(score("Kim Yong Chol", "KIM, Yong Chol") == 1.0);
        assert!(score("Kim Young Chol", "KIM Yong Chol") > 0.9);
        assert!(rules("Cheng Zhu", "CHEN, Zhu").contains(&PartRule::Syllables));
    }

    #[test]
    fn a_syllable_one_east_asian_name_lacks_makes_another_given_name() {
        let shorter = score("Young Kim", "KIM YONG CHOL");
        assert!(shorter < 0.8, "{shorter}");
        assert!(score("Kim Il Sung", "KIM, Sang-ho") < 0.6);
        // Every syllable is a part, however much it looks like an article: Il is no al-.
        assert!(score("Kim Il Sung", "Kim Sung") < 0.85);
    }

    #[test]
    fn a_son_is_not_his_father_in_the_arabic_order() {
        let comparison = compare(
            "Qusay Saddam Hussein al-Tikriti",
            "SADDAM HUSSEIN AL-TIKRITI",
        );
        assert!(comparison.score < 0.85, "{comparison:?}");
        assert!(
            rules(
                "Qusay Saddam Hussein al-Tikriti",
                "SADDAM HUSSEIN AL-TIKRITI"
            )
            .contains(&PartRule::OwnName)
        );
        // Without a father's name in second place, a left-out first name only goes missing.
        assert!(score("Ayman Muhammad al-Zawahiri", "Ayman al-Zawahiri") > 0.9);
    }
}
