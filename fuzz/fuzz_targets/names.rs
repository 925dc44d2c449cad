//! Name normalisation and matching on arbitrary text: `readings`, `prepare`, `compare_names`
//! and the vocabulary a list's names are filed in.
//!
//! The input is UTF-8 (lossily), one name per line: the first is the query, the second the
//! entry it is compared with, and every line after the first is interned in a vocabulary in
//! which the query's parts are then looked up, as a screening does.

#![no_main]

use libfuzzer_sys::fuzz_target;
use name_matching::{
    MIN_JOINED_SIMILARITY, NameComparison, Part, PartStatistics, Vocabulary, compare_names,
    prepare, readings,
};

/// Names beyond this many add nothing the first ones do not reach, and slow every run.
const MAX_NAMES: usize = 8;

/// Slack for sums of floating-point weights.
const EPSILON: f64 = 1e-9;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let names: Vec<&str> = text.lines().take(MAX_NAMES).collect();
    let Some(&query) = names.first() else {
        return;
    };
    let entry = names.get(1).copied().unwrap_or(query);

    for reading in readings(query) {
        assert!(
            !reading.is_empty(),
            "readings leaves out readings without parts"
        );
    }
    let query_parts = prepare(query);
    let entry_parts = prepare(entry);
    let list: Vec<Vec<Part>> = names.iter().skip(1).map(|name| prepare(name)).collect();
    let statistics = PartStatistics::from_entries(list.iter().map(|parts| parts.iter()));
    let query_weights = statistics.weights(&query_parts);
    let entry_weights = statistics.weights(&entry_parts);
    for weight in query_weights.iter().chain(&entry_weights) {
        assert!(
            weight.is_finite() && *weight > 0.0 && *weight <= 1.0,
            "weight {weight}"
        );
    }

    let comparison = compare_names(&query_parts, &query_weights, &entry_parts, &entry_weights);
    check_comparison(&comparison);

    let mut vocabulary = Vocabulary::default();
    for part in list.iter().flatten() {
        let id = vocabulary.intern(part);
        assert!(vocabulary.contains(part));
        assert!((id as usize) < vocabulary.len());
    }
    vocabulary.finish(&statistics);
    for part in &query_parts {
        for &(id, similarity) in vocabulary.similar(part).iter() {
            assert!((id as usize) < vocabulary.len());
            assert!(
                similarity > 0.0 && similarity <= 1.0,
                "similarity {similarity}"
            );
        }
        for (id, similarity) in vocabulary.closely_similar(part, MIN_JOINED_SIMILARITY) {
            assert!((id as usize) < vocabulary.len());
            assert!(
                (MIN_JOINED_SIMILARITY..=1.0).contains(&similarity),
                "close similarity {similarity}"
            );
        }
    }
});

/// What every comparison must satisfy, whatever the names: a score in 0..=1 and, when there
/// are parts, an explanation whose weights share out the whole score.
fn check_comparison(comparison: &NameComparison) {
    let score = comparison.score;
    assert!((0.0..=1.0).contains(&score), "score {score}");
    if comparison.parts.is_empty() {
        return;
    }
    let total: f64 = comparison.parts.iter().map(|p| p.weight).sum();
    assert!((total - 1.0).abs() < EPSILON, "weights sum to {total}");
    let explained: f64 = comparison
        .parts
        .iter()
        .map(|p| p.similarity * p.weight)
        .sum();
    for part in &comparison.parts {
        assert!(
            (0.0..=1.0).contains(&part.similarity),
            "similarity {}",
            part.similarity
        );
        assert!(part.weight >= 0.0, "weight {}", part.weight);
    }
    assert!(
        (explained.clamp(0.0, 1.0) - score).abs() < EPSILON,
        "score {score}, parts explain {explained}"
    );
}
