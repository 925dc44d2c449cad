//! Name similarity: align the parts of two names regardless of order and score the pairs.

use strsim::jaro_winkler;

/// Pairs less similar than this are treated as unrelated parts, not as weak agreement.
const MIN_PART_SIMILARITY: f64 = 0.75;
/// An unpaired part counts half: a name written with fewer parts (no patronymic, no middle
/// name) is common and weaker evidence against a match than a part that disagrees.
const UNPAIRED_WEIGHT_FACTOR: f64 = 0.5;
/// Similarity of an initial to a full part that starts with it.
const INITIAL_SIMILARITY: f64 = 0.85;

#[derive(Debug, Clone, PartialEq)]
pub struct PartMatch {
    /// Empty when an entry part found no partner.
    pub query_part: String,
    /// Empty when a query part found no partner.
    pub entry_part: String,
    pub similarity: f64,
    /// Share of the name score this pair carries (sums to 1 over all parts).
    pub weight: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NameComparison {
    pub score: f64,
    pub parts: Vec<PartMatch>,
}

/// Longer parts carry more evidence than short ones ("al", "bin"), up to a cap.
fn part_weight(part: &str) -> f64 {
    part.len().clamp(1, 10) as f64
}

fn part_similarity(a: &str, b: &str) -> f64 {
    if a == b {
        return 1.0;
    }
    let is_initial_of = |short: &str, long: &str| short.len() == 1 && long.starts_with(short);
    if is_initial_of(a, b) || is_initial_of(b, a) {
        return INITIAL_SIMILARITY;
    }
    jaro_winkler(a, b)
}

/// Compares two tokenised names. Both must be non-empty for a non-zero score.
pub fn compare_names(query: &[String], entry: &[String]) -> NameComparison {
    if query.is_empty() || entry.is_empty() {
        return NameComparison {
            score: 0.0,
            parts: Vec::new(),
        };
    }

    let mut candidates: Vec<(usize, usize, f64)> = Vec::with_capacity(query.len() * entry.len());
    for (i, q) in query.iter().enumerate() {
        for (j, e) in entry.iter().enumerate() {
            let similarity = part_similarity(q, e);
            if similarity >= MIN_PART_SIMILARITY {
                candidates.push((i, j, similarity));
            }
        }
    }
    // Best pairs first; ties broken by position so that results are deterministic.
    candidates.sort_by(|a, b| b.2.total_cmp(&a.2).then(a.0.cmp(&b.0)).then(a.1.cmp(&b.1)));

    let mut query_used = vec![false; query.len()];
    let mut entry_used = vec![false; entry.len()];
    let mut pairs = Vec::new();
    for (i, j, similarity) in candidates {
        if !query_used[i] && !entry_used[j] {
            query_used[i] = true;
            entry_used[j] = true;
            pairs.push((i, j, similarity));
        }
    }

    let mut weighted = Vec::new();
    for &(i, j, similarity) in &pairs {
        let weight = part_weight(&query[i]) + part_weight(&entry[j]);
        weighted.push((query[i].clone(), entry[j].clone(), similarity, weight));
    }
    for (_, q) in query.iter().enumerate().filter(|(i, _)| !query_used[*i]) {
        weighted.push((
            q.clone(),
            String::new(),
            0.0,
            part_weight(q) * UNPAIRED_WEIGHT_FACTOR,
        ));
    }
    for (_, e) in entry.iter().enumerate().filter(|(j, _)| !entry_used[*j]) {
        weighted.push((
            String::new(),
            e.clone(),
            0.0,
            part_weight(e) * UNPAIRED_WEIGHT_FACTOR,
        ));
    }

    let total_weight: f64 = weighted.iter().map(|w| w.3).sum();
    let score = weighted.iter().map(|w| w.2 * w.3).sum::<f64>() / total_weight;
    let parts = weighted
        .into_iter()
        .map(|(query_part, entry_part, similarity, weight)| PartMatch {
            query_part,
            entry_part,
            similarity,
            weight: weight / total_weight,
        })
        .collect();
    NameComparison {
        score: score.clamp(0.0, 1.0),
        parts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::matching::normalize::name_tokens;

    fn score(a: &str, b: &str) -> f64 {
        compare_names(&name_tokens(a), &name_tokens(b)).score
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
    }

    #[test]
    fn a_missing_part_costs_less_than_a_contradicting_one() {
        let missing = score("Ivan Sidorov", "Ivan Petrovich Sidorov");
        let contradicting = score("Ivan Kuznetsov Sidorov", "Ivan Petrovich Sidorov");
        assert!(missing > contradicting, "{missing} vs {contradicting}");
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
    fn explanation_weights_sum_to_one() {
        let comparison = compare_names(&name_tokens("A B C"), &name_tokens("A D"));
        let total: f64 = comparison.parts.iter().map(|p| p.weight).sum();
        assert!((total - 1.0).abs() < 1e-9);
    }
}
