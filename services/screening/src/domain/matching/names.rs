//! Name similarity: how closely a query name matches an entry name, with the part-by-part
//! explanation a reviewer reads.

use super::align::{Side, align};
use super::parts::{Part, both_record_lineage, lineage_agrees, part_similarity};

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
    let slots = align(&query, query_weights, &entry, entry_weights, |i, j| {
        if lineage_agrees((query[i].lineage, entry[j].lineage), (i == 0, j == 0), both) {
            part_similarity(query[i], entry[j])
        } else {
            0.0
        }
    });
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
    let both = both_record_lineage(query.iter().copied(), entry.iter().copied());
    name_score_with(&query, query_weights, &entry, entry_weights, |i, j| {
        if lineage_agrees((query[i].lineage, entry[j].lineage), (i == 0, j == 0), both) {
            part_similarity(query[i], entry[j])
        } else {
            0.0
        }
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
    let slots = align(query, query_weights, entry, entry_weights, similarity);
    let total: f64 = slots.iter().map(|s| s.weight).sum();
    if total <= 0.0 {
        return 0.0;
    }
    (slots.iter().map(|s| s.similarity * s.weight).sum::<f64>() / total).clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::matching::parts::{PartStatistics, prepare};

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
        let names: Vec<Vec<crate::domain::matching::Part>> = (0..50)
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
}
