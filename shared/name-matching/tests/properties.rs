//! Properties every name comparison keeps, whatever the names: scores stay in 0..1, a name
//! matches itself fully, and neither the order of its parts, nor case, nor diacritics that
//! only mark a vowel change a score; a letter with a caron scores as its digraph.

use name_matching::{PartStatistics, compare_names, prepare};
use proptest::prelude::*;

fn score(a: &str, b: &str) -> f64 {
    let statistics = PartStatistics::default();
    let (a, b) = (prepare(a), prepare(b));
    compare_names(&a, &statistics.weights(&a), &b, &statistics.weights(&b)).score
}

/// Words whose reading depends on the word after them: connectors and family particles
/// are dropped only before another word.
const CONNECTORS: &[&str] = &[
    "bin", "ben", "bint", "binti", "wad", "van", "von", "der", "den", "del", "das", "dos", "ter",
    "ten",
];

/// A word that is a name part and nothing else: no connector or particle, and no compound
/// ending (-uddin, -ullah) that joins it to its neighbour.
fn plain_word() -> impl Strategy<Value = String> {
    "[bcdfghjklmnprstvz][aeiou][bcdfghklmnprstvz][aeiou]?[bcdfgklmnrst]?[aeiou]?".prop_filter(
        "not a connector, particle or compound",
        |w| {
            !(CONNECTORS.contains(&w.as_str())
                || ["din", "deen", "dine", "dyn", "lah", "lla"]
                    .iter()
                    .any(|end| w.ends_with(end)))
        },
    )
}

fn plain_name() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(plain_word(), 1..5)
}

/// Letters of several scripts and some punctuation.
fn any_name() -> impl Strategy<Value = String> {
    "[a-zA-Zéüñçøß' .,-]{0,30}|[а-яёғқҳӯҷӣөүңәі ]{0,30}|[\u{0621}-\u{064A}\u{067E}\u{06A9}\u{06CC} ]{0,30}"
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The same letters with diacritics that only mark a vowel's quality or a letter's accent:
/// á for a, ñ for n and so on.
fn with_diacritics(word: &str) -> String {
    word.chars()
        .map(|c| match c {
            'a' => 'á',
            'e' => 'ë',
            'i' => 'î',
            'n' => 'ñ',
            'o' => 'ô',
            'u' => 'ü',
            other => other,
        })
        .collect()
}

/// The letters romanisation standards write with a caron for a digraph (ISO 9, the
/// scientific system, Czech): š for sh, č for ch, ž for zh.
fn with_carons(word: &str) -> (String, String) {
    let carons = word.replace('s', "š").replace('z', "ž");
    let digraphs = word.replace('s', "sh").replace('z', "zh");
    (carons, digraphs)
}

proptest! {
    #[test]
    fn a_score_is_always_between_zero_and_one(a in any_name(), b in any_name()) {
        let score = score(&a, &b);
        prop_assert!((0.0..=1.0).contains(&score), "{score}");
    }

    #[test]
    fn a_name_with_letters_matches_itself_fully(name in any_name()) {
        prop_assume!(!prepare(&name).is_empty());
        prop_assert_eq!(score(&name, &name), 1.0);
    }

    #[test]
    fn the_order_of_the_parts_does_not_change_a_score(
        query in plain_name(),
        entry in plain_name(),
        rotation in 0usize..5,
    ) {
        let mut reordered = query.clone();
        let by = rotation % reordered.len();
        reordered.rotate_left(by);
        reordered.reverse();
        let original = score(&query.join(" "), &entry.join(" "));
        prop_assert!((original - score(&reordered.join(" "), &entry.join(" "))).abs() < 1e-9);
        // As lists write it: the family name first, then a comma.
        if let Some((family, given)) = query.split_last() {
            let listed = format!("{family}, {}", given.join(" "));
            prop_assert!((original - score(&listed, &entry.join(" "))).abs() < 1e-9);
        }
    }

    #[test]
    fn case_does_not_change_a_score(query in plain_name(), entry in plain_name()) {
        let (query, entry) = (query.join(" "), entry.join(" "));
        let shouted = query.to_uppercase();
        let capitals: Vec<String> = entry.split(' ').map(capitalised).collect();
        prop_assert_eq!(score(&query, &entry), score(&shouted, &capitals.join(" ")));
    }

    #[test]
    fn diacritics_do_not_change_a_score(query in plain_name(), entry in plain_name()) {
        let (query, entry) = (query.join(" "), entry.join(" "));
        prop_assert_eq!(score(&query, &entry), score(&with_diacritics(&query), &entry));
    }

    #[test]
    fn a_letter_with_a_caron_scores_as_the_digraph_it_stands_for(
        query in plain_name(),
        entry in plain_name(),
    ) {
        let (carons, digraphs) = with_carons(&query.join(" "));
        let entry = entry.join(" ");
        prop_assert_eq!(score(&carons, &entry), score(&digraphs, &entry));
    }
}
