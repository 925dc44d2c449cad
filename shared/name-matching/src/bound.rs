//! An upper bound on a name score from which parts of the two names pair at all, cheap
//! enough to compute for every name a query part leads to, so that only names that could
//! reach a useful score are aligned in full.
//!
//! `align` scores a name as the weighted mean similarity of its slots. Paired parts bring
//! at most their similarity; parts left over on both sides contradict (heaviest first, at
//! `CONTRADICTION_FACTOR`), others are missing (at `MISSING_FACTOR`). Counting every part
//! that pairs with anything as paired, and every initial as paired, overstates the
//! numerator and understates the penalties, so the result is never below the real score.
//! Parts that `align` could join (two parts written together spelling a third) count as
//! paired too.

use super::align::{CONTRADICTION_FACTOR, MIN_JOINED_SIMILARITY, MISSING_FACTOR, as_evidence};
use smallvec::SmallVec;

use super::keys::key_similarity_at_least;
use super::parts::Part;

/// One name's side of the comparison: its parts, their weights and, per part, the best
/// similarity it has to any part of the other name (0.0 when it pairs with none).
pub struct BoundSide<'a> {
    pub parts: &'a [&'a Part],
    pub weights: &'a [f64],
    pub best: &'a [f64],
}

/// How closely to check which leftover parts `align` could join.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Joins {
    /// Not at all: parts pair only by their similarity. Joining parts only ever raises the
    /// bound (a joined part moves from the penalties to the paired), so a bound at or above
    /// a floor without joins is at or above it with them: the cheapest figure to try first.
    Ignored,
    /// By key length alone: quick, and a looser bound.
    ByLength,
    /// By length, then by comparing the joined keys as `align` does.
    Compared,
}

/// At least `name_score` of the two names.
pub fn score_bound(query: &BoundSide<'_>, entry: &BoundSide<'_>, joins: Joins) -> f64 {
    let mut paired = [pairs_or_initial(query), pairs_or_initial(entry)];
    let [query_paired, entry_paired] = &mut paired;
    if joins != Joins::Ignored {
        absorb_joined(query, query_paired, entry, entry_paired, joins);
        absorb_joined(entry, entry_paired, query, query_paired, joins);
    }
    let mut paired_similarity = 0.0;
    let mut paired_weight = 0.0;
    let mut leftovers: [SmallVec<[f64; 8]>; 2] = [SmallVec::new(), SmallVec::new()];
    for (side, flags, left) in [(query, &paired[0], 0), (entry, &paired[1], 1)] {
        for (index, &is_paired) in flags.iter().enumerate() {
            let weight = side.weights[index];
            if is_paired {
                let best = side.best[index];
                paired_similarity +=
                    weight / 2.0 * if best > 0.0 { as_evidence(best) } else { 1.0 };
                paired_weight += weight / 2.0;
            } else {
                leftovers[left].push(weight);
            }
        }
    }
    if paired_similarity <= 0.0 {
        return 0.0;
    }
    for left in &mut leftovers {
        left.sort_unstable_by(|a, b| b.total_cmp(a));
    }
    let contradicting = leftovers[0].len().min(leftovers[1].len());
    let penalty: f64 = leftovers
        .iter()
        .flat_map(|left| {
            left.iter().enumerate().map(move |(rank, weight)| {
                if rank < contradicting {
                    weight / 2.0 * CONTRADICTION_FACTOR
                } else {
                    weight * MISSING_FACTOR
                }
            })
        })
        .sum();
    (paired_similarity / (paired_weight + penalty)).clamp(0.0, 1.0)
}

fn pairs_or_initial(side: &BoundSide<'_>) -> SmallVec<[bool; 8]> {
    side.parts
        .iter()
        .zip(side.best)
        .map(|(part, &best)| best > 0.0 || part.is_initial())
        .collect()
}

/// Marks as paired the leftover parts of `side` that `align` could join: a part that two
/// leftover parts of `other` spell when written together (all three then count as paired), and a
/// part that written together with a paired part of its own spells that part's partner.
fn absorb_joined(
    side: &BoundSide<'_>,
    side_paired: &mut [bool],
    other: &BoundSide<'_>,
    other_paired: &mut [bool],
    joins: Joins,
) {
    // Parts that pair by similarity (`best`), on each side: fixed while joins are found.
    let side_similar: SmallVec<[usize; 8]> = (0..side.parts.len())
        .filter(|&k| side.best[k] > 0.0)
        .collect();
    let other_similar: SmallVec<[usize; 8]> = (0..other.parts.len())
        .filter(|&k| other.best[k] > 0.0)
        .collect();
    // `align` joins only parts left over on the other side too; refreshed after a join.
    let free_of = |paired: &[bool]| -> SmallVec<[usize; 8]> {
        (0..paired.len()).filter(|&k| !paired[k]).collect()
    };
    let mut free = free_of(other_paired);
    for (single, &part) in side.parts.iter().enumerate() {
        if side_paired[single] {
            continue;
        }
        let spelled_by_two = free.iter().enumerate().find_map(|(n, &a)| {
            free[n + 1..]
                .iter()
                .find(|&&b| spells(part, other.parts[a], other.parts[b], joins))
                .map(|&b| (a, b))
        });
        if let Some((a, b)) = spelled_by_two {
            side_paired[single] = true;
            other_paired[a] = true;
            other_paired[b] = true;
            free = free_of(other_paired);
            continue;
        }
        let completes_a_pair = side_similar.iter().any(|&mine| {
            mine != single
                && other_similar
                    .iter()
                    .any(|&theirs| spells(other.parts[theirs], side.parts[mine], part, joins))
        });
        if completes_a_pair {
            side_paired[single] = true;
        }
    }
}

/// Whether `a` and `b` written together, in either order, come close enough to `target`
/// for `align` to join them.
fn spells(target: &Part, a: &Part, b: &Part, joins: Joins) -> bool {
    let abjad = target.abjad || a.abjad || b.abjad;
    let joined_len = a.key_len() + b.key_len();
    // Cheap test first: most triples differ in length far more than a join allows.
    let slack = if abjad {
        joined_len.max(target.key_len()) / 2
    } else {
        2
    };
    if joined_len.abs_diff(target.key_len()) > slack {
        return false;
    }
    let mut buffer = [0u8; 64];
    if joins == Joins::ByLength || joined_len > buffer.len() {
        return true;
    }
    [[a, b], [b, a]].iter().any(|[x, y]| {
        buffer[..x.key.len()].copy_from_slice(&x.key);
        buffer[x.key.len()..joined_len].copy_from_slice(&y.key);
        key_similarity_at_least(
            &target.key,
            &buffer[..joined_len],
            abjad,
            MIN_JOINED_SIMILARITY,
        ) >= MIN_JOINED_SIMILARITY
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::names::name_score_with;
    use crate::parts::{PartStatistics, part_similarity, prepare};

    fn bound_and_score(a: &str, b: &str) -> (f64, f64) {
        let ([_, compared, _], score) = bounds_and_score(a, b);
        (compared, score)
    }

    /// The bound ignoring joins, comparing them, and by length alone; and the score.
    fn bounds_and_score(a: &str, b: &str) -> ([f64; 3], f64) {
        let (a, b) = (prepare(a), prepare(b));
        let statistics = PartStatistics::default();
        let (aw, bw) = (statistics.weights(&a), statistics.weights(&b));
        let a: Vec<&Part> = a.iter().collect();
        let b: Vec<&Part> = b.iter().collect();
        let best = |x: &[&Part], y: &[&Part]| -> Vec<f64> {
            x.iter()
                .map(|p| y.iter().map(|q| part_similarity(p, q)).fold(0.0, f64::max))
                .collect()
        };
        let (abest, bbest) = (best(&a, &b), best(&b, &a));
        let bound = |joins| {
            score_bound(
                &BoundSide {
                    parts: &a,
                    weights: &aw,
                    best: &abest,
                },
                &BoundSide {
                    parts: &b,
                    weights: &bw,
                    best: &bbest,
                },
                joins,
            )
        };
        let bounds = [Joins::Ignored, Joins::Compared, Joins::ByLength].map(bound);
        let score = name_score_with(&a, &aw, &b, &bw, |i, j| part_similarity(a[i], b[j]));
        (bounds, score)
    }

    #[test]
    fn joins_only_raise_the_bound_and_length_alone_raises_it_most() {
        for (a, b) in [
            ("Pol Pot", "Polpot"),
            ("Abdul Rahman Khan", "Abdulrahman Khan"),
            ("Rami Makhlouf", "Ramimakhlouf"),
            ("Mohammed Ali Hassan", "Muhammad Alihasan"),
            ("John Smith", "John Peter Taylor"),
            ("Kim Jong Un", "Kim Jongun"),
        ] {
            let ([ignored, compared, by_length], _) = bounds_and_score(a, b);
            assert!(
                ignored <= compared && compared <= by_length,
                "{a} / {b}: {ignored} {compared} {by_length}"
            );
        }
        let ([ignored, compared, _], score) = bounds_and_score("Pol Pot", "Polpot");
        assert!(
            ignored < score && score <= compared,
            "{ignored} {score} {compared}"
        );
    }

    #[test]
    fn the_bound_is_never_below_the_score() {
        for (a, b) in [
            ("Ayman al-Zawahiri", "Ayman Zawahiri"),
            ("Ivan Sidorov", "Ivan Petrovich Sidorov"),
            ("John Smith", "John Peter Taylor"),
            ("JanDaniel Kowalski", "Jan Daniel Kowalski"),
            ("Ali Ma Yshu", "Ali Maychou"),
            ("J. T. Salazar", "John Jairo Mendez Salazar"),
            ("Mohammed", "Muhammad Ali"),
            ("Patr ushev Nikolai", "Nikolai Patrushev"),
        ] {
            let (bound, score) = bound_and_score(a, b);
            assert!(
                bound >= score - 1e-12,
                "{a} / {b}: bound {bound} < score {score}"
            );
        }
    }

    #[test]
    fn names_sharing_one_part_among_several_are_bounded_low() {
        let (bound, _) = bound_and_score("John Smith", "John Peter Taylor");
        assert!(bound < 0.55, "{bound}");
        let (bound, _) = bound_and_score("Ivan Petrov", "Ivan Kuznetsov");
        assert!(bound < 0.55, "{bound}");
    }
}
