//! Aligning the parts of two names regardless of order.
//!
//! Full parts pair up greedily by similarity; a part may also meet two parts of the other
//! name written together ("JanDaniel", "Patr ushev", "Ma Yshu" against "Maychou"). Parts
//! left over on both sides contradict each other; initials then stand for what remains of
//! the longer name; anything else left over is missing. Each slot of the alignment carries
//! a weight from its parts' weights, and the name score is the weighted mean similarity.

use super::keys::key_similarity_at_least;
use super::names::PartOutcome;
use super::parts::{MIN_PART_SIMILARITY, Part};

/// Two parts written together must meet the part they stand for this closely.
pub const MIN_JOINED_SIMILARITY: f64 = 0.85;
/// Share of its weight an unpaired part costs when the other name has no part left over.
pub const MISSING_FACTOR: f64 = 0.15;
/// When a single part is all two names share, the parts only one of them has count
/// this many times more: "Shamsuddin" says little about "Shamsuddin Mohammed Haqqani".
const LONE_MATCH_MISSING_FACTOR: f64 = 3.0;
/// A contradicting couple costs this many times the weight a pair of them would carry:
/// one disagreeing family name outweighs an agreeing given name.
pub const CONTRADICTION_FACTOR: f64 = 1.5;
/// Parts of one side: one part, or two written apart that the other side writes together.
#[derive(Debug, Clone, Copy)]
pub(super) enum Side {
    None,
    One(usize),
    Two(usize, usize),
}

#[derive(Debug, Clone, Copy)]
pub(super) struct Slot {
    pub query: Side,
    pub entry: Side,
    pub similarity: f64,
    pub weight: f64,
    pub outcome: PartOutcome,
}

/// Naming customs that change what a part left over means.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Customs {
    /// Both names are written a syllable to a part (`syllables.rs`): a syllable one name
    /// lacks makes a different given name, so contradicts rather than goes missing.
    pub syllabic: bool,
    /// A name is in the Arabic order (`particles::arabic_order`): see `own_name_left_over`.
    pub own_name_first: bool,
}

/// The alignment of two names; `qw` and `ew` are their parts' weights and
/// `part_similarity(i, j)` the similarity of query part `i` to entry part `j`.
pub(super) fn align(
    query: &[&Part],
    qw: &[f64],
    entry: &[&Part],
    ew: &[f64],
    customs: Customs,
    part_similarity: impl Fn(usize, usize) -> f64,
) -> Vec<Slot> {
    if query.is_empty() || entry.is_empty() {
        return Vec::new();
    }
    // Full parts pair first. An initial ("G.") may stand only for a part nothing else
    // claims: otherwise "David G. Valadao" would spend its G on the Gotman of "GOTMAN,
    // David" instead of seeing Valadao contradict it.
    let mut candidates: Vec<(usize, usize, f64)> = Vec::with_capacity(query.len() * entry.len());
    for (i, q) in query.iter().enumerate() {
        for (j, e) in entry.iter().enumerate() {
            if q.is_initial() != e.is_initial() {
                continue;
            }
            let similarity = part_similarity(i, j);
            if similarity >= MIN_PART_SIMILARITY {
                candidates.push((i, j, similarity));
            }
        }
    }
    // Best pairs first; ties go to the heavier pair, then to text order, never to position,
    // so that reordering a name cannot change its score.
    candidates.sort_by(|a, b| {
        b.2.total_cmp(&a.2)
            .then((qw[b.0] + ew[b.1]).total_cmp(&(qw[a.0] + ew[a.1])))
            .then_with(|| query[a.0].text.cmp(&query[b.0].text))
            .then_with(|| entry[a.1].text.cmp(&entry[b.1].text))
    });
    let mut query_used = vec![false; query.len()];
    let mut entry_used = vec![false; entry.len()];
    let mut slots = Vec::with_capacity(query.len() + entry.len());
    for (i, j, similarity) in candidates {
        if !query_used[i] && !entry_used[j] {
            query_used[i] = true;
            entry_used[j] = true;
            slots.push(matched(i, j, similarity, qw, ew));
        }
    }
    join_leftovers(
        query,
        qw,
        &mut query_used,
        entry,
        ew,
        &mut entry_used,
        &mut slots,
    );
    if customs.own_name_first {
        for (side, used) in [(0, &mut query_used), (1, &mut entry_used)] {
            // A Muhammad left out before the own name is custom, not a son.
            let parts = [query, entry][side];
            if parts.first().is_some_and(|p| p.is_devotional_prefix()) {
                continue;
            }
            if let Some(slot) = own_name_left_over(side, &slots, used, [qw, ew][side]) {
                slots.push(slot);
            }
        }
    }
    let lone = slots
        .iter()
        .filter(|s| s.outcome == PartOutcome::Matched)
        .count()
        == 1;

    // Full parts left on both sides contradict each other, heaviest first.
    let query_full = leftover(query, &query_used, qw, false);
    let entry_full = leftover(entry, &entry_used, ew, false);
    let contradicting = query_full.len().min(entry_full.len());
    for (&i, &j) in query_full.iter().zip(&entry_full) {
        query_used[i] = true;
        entry_used[j] = true;
        slots.push(unpaired(Side::One(i), Side::None, qw[i], true));
        slots.push(unpaired(Side::None, Side::One(j), ew[j], true));
    }
    // What is left of the longer name may be what the other's initials stand for.
    let sides = [
        (&query_full[contradicting..], query),
        (&entry_full[contradicting..], entry),
    ];
    for (i, j) in initial_pairs(sides, [&query_used, &entry_used]) {
        query_used[i] = true;
        entry_used[j] = true;
        slots.push(matched(i, j, part_similarity(i, j), qw, ew));
    }
    // An initial left over while the other side has full parts left that it does not stand
    // for contradicts one of them ("John T. Salazar" against "John Jairo Mendez Salazar").
    let query_full = leftover(query, &query_used, qw, false);
    let entry_full = leftover(entry, &entry_used, ew, false);
    for (initials, full, query_has_initials) in [
        (leftover(query, &query_used, qw, true), &entry_full, true),
        (leftover(entry, &entry_used, ew, true), &query_full, false),
    ] {
        for (&initial, &part) in initials.iter().zip(full.iter()) {
            if query_has_initials {
                query_used[initial] = true;
                entry_used[part] = true;
                slots.push(unpaired(Side::One(initial), Side::None, qw[initial], true));
                slots.push(unpaired(Side::None, Side::One(part), ew[part], true));
            } else {
                entry_used[initial] = true;
                query_used[part] = true;
                slots.push(unpaired(Side::None, Side::One(initial), ew[initial], true));
                slots.push(unpaired(Side::One(part), Side::None, qw[part], true));
            }
        }
    }
    // Initials left on both sides contradict; anything else left is missing.
    let query_initials = leftover(query, &query_used, qw, true);
    let entry_initials = leftover(entry, &entry_used, ew, true);
    let contradicting = query_initials.len().min(entry_initials.len());
    let first_missing = slots.len();
    for (n, &i) in query_initials.iter().enumerate() {
        slots.push(unpaired(Side::One(i), Side::None, qw[i], n < contradicting));
    }
    for (n, &j) in entry_initials.iter().enumerate() {
        slots.push(unpaired(Side::None, Side::One(j), ew[j], n < contradicting));
    }
    for i in leftover(query, &query_used, qw, false) {
        slots.push(unpaired(Side::One(i), Side::None, qw[i], customs.syllabic));
    }
    for j in leftover(entry, &entry_used, ew, false) {
        slots.push(unpaired(Side::None, Side::One(j), ew[j], customs.syllabic));
    }
    if lone {
        for slot in &mut slots[first_missing..] {
            if slot.outcome == PartOutcome::Missing {
                slot.weight *= LONE_MATCH_MISSING_FACTOR;
            }
        }
    }
    for slot in &mut slots {
        if slot.outcome == PartOutcome::Matched {
            slot.similarity = as_evidence(slot.similarity);
        }
    }
    slots
}

/// In the Arabic order the first given name is the person's own and the second the
/// father's (the nasab). When one name's own name is left over while the other name's own
/// name pairs with its second part, the two are father and son ("Qusay Saddam Hussein
/// al-Tikriti" against "Saddam Hussein al-Tikriti"): the own name left over contradicts the
/// other instead of going missing. `side`: 0 for the query, 1 for the entry; `used`: that
/// side's parts taken; `weights`: that side's.
fn own_name_left_over(
    side: usize,
    slots: &[Slot],
    used: &mut [bool],
    weights: &[f64],
) -> Option<Slot> {
    if used.len() < 2 || used[0] {
        return None;
    }
    let ones = |slot: &Slot| match (slot.query, slot.entry) {
        (Side::One(i), Side::One(j)) => Some(if side == 0 { (i, j) } else { (j, i) }),
        _ => None,
    };
    let fathers_name = slots
        .iter()
        .filter(|s| s.outcome == PartOutcome::Matched)
        .filter_map(ones)
        .any(|(mine, theirs)| mine == 1 && theirs == 0);
    if !fathers_name {
        return None;
    }
    used[0] = true;
    let place = Side::One(0);
    Some(if side == 0 {
        unpaired(place, Side::None, weights[0], true)
    } else {
        unpaired(Side::None, place, weights[0], true)
    })
}

/// Pairs at least this similar are spellings of one name; below it, a pair is as likely to
/// be two different names that look alike (Kotov/Zotov 0.81, Levin/Savin 0.77, Denisov/
/// Danilov 0.79) as one name misspelt.
pub(super) const SURE_SIMILARITY: f64 = 0.9;
/// How much of a doubtful pair's shortfall below `SURE_SIMILARITY` counts again against it.
const DOUBT_PENALTY: f64 = 0.5;

/// What a paired part's similarity says for the name: itself when sure, less when in doubt.
/// Monotone, so that bounds on similarities remain bounds on evidence.
pub fn as_evidence(similarity: f64) -> f64 {
    if similarity >= SURE_SIMILARITY {
        similarity
    } else {
        (similarity - DOUBT_PENALTY * (SURE_SIMILARITY - similarity)).max(0.0)
    }
}

fn matched(i: usize, j: usize, similarity: f64, qw: &[f64], ew: &[f64]) -> Slot {
    Slot {
        query: Side::One(i),
        entry: Side::One(j),
        similarity,
        weight: (qw[i] + ew[j]) / 2.0,
        outcome: PartOutcome::Matched,
    }
}

/// Unused parts that are (or are not) initials, heaviest first.
fn leftover(parts: &[&Part], used: &[bool], weights: &[f64], initials: bool) -> Vec<usize> {
    let mut left: Vec<usize> = (0..parts.len())
        .filter(|&i| !used[i] && parts[i].is_initial() == initials)
        .collect();
    left.sort_by(|&a, &b| weights[b].total_cmp(&weights[a]));
    left
}

/// Unused initials of one side paired with the leftover full parts of the other that
/// start with them, as (query index, entry index). `sides`: per side, its leftover full
/// parts and all its parts; `used`: per side, which parts are taken.
fn initial_pairs(sides: [(&[usize], &[&Part]); 2], used: [&[bool]; 2]) -> Vec<(usize, usize)> {
    let mut pairs = Vec::new();
    for (side, other) in [(0, 1), (1, 0)] {
        let (full, parts) = sides[side];
        let initials = sides[other].1;
        let mut taken = used[other].to_vec();
        for &f in full {
            let found = (0..initials.len()).find(|&k| {
                !taken[k]
                    && initials[k].is_initial()
                    && parts[f].text.starts_with(&initials[k].text)
            });
            if let Some(k) = found {
                taken[k] = true;
                pairs.push(if side == 0 { (f, k) } else { (k, f) });
            }
        }
    }
    pairs
}

fn unpaired(query: Side, entry: Side, weight: f64, contradicted: bool) -> Slot {
    // Each part of a contradicting couple brings half its weight, as in a pair.
    let (weight, outcome) = if contradicted {
        (
            weight / 2.0 * CONTRADICTION_FACTOR,
            PartOutcome::Contradicted,
        )
    } else {
        (weight * MISSING_FACTOR, PartOutcome::Missing)
    };
    Slot {
        query,
        entry,
        similarity: 0.0,
        weight,
        outcome,
    }
}

/// Pairs leftover parts with two leftover parts of the other name written together
/// ("JanDaniel" against "Jan Daniel", "Patr ushev" against "Patrushev").
fn join_leftovers(
    query: &[&Part],
    qw: &[f64],
    query_used: &mut [bool],
    entry: &[&Part],
    ew: &[f64],
    entry_used: &mut [bool],
    slots: &mut Vec<Slot>,
) {
    regroup_pairs(query, query_used, entry, slots, true);
    regroup_pairs(entry, entry_used, query, slots, false);
    for (s, (a, b), similarity) in joined_pairs(query, query_used, entry, entry_used) {
        slots.push(Slot {
            query: Side::One(s),
            entry: Side::Two(a, b),
            similarity,
            weight: (qw[s] + ew[a].max(ew[b])) / 2.0,
            outcome: PartOutcome::Matched,
        });
    }
    for (s, (a, b), similarity) in joined_pairs(entry, entry_used, query, query_used) {
        slots.push(Slot {
            query: Side::Two(a, b),
            entry: Side::One(s),
            similarity,
            weight: (ew[s] + qw[a].max(qw[b])) / 2.0,
            outcome: PartOutcome::Matched,
        });
    }
}

/// A leftover part that, written together with a part already paired, spells that pair's
/// partner better than the paired part alone ("Ali Ma Yshu" against "Ali Maychou": ma
/// pairs weakly with maychou, ma+yshu well). `side_is_query`: `parts` is the query's.
fn regroup_pairs(
    parts: &[&Part],
    used: &mut [bool],
    others: &[&Part],
    slots: &mut [Slot],
    side_is_query: bool,
) {
    for leftover in 0..parts.len() {
        if used[leftover] {
            continue;
        }
        for slot in slots.iter_mut() {
            let (mine, theirs) = if side_is_query {
                (slot.query, slot.entry)
            } else {
                (slot.entry, slot.query)
            };
            let (Side::One(paired), Side::One(partner)) = (mine, theirs) else {
                continue;
            };
            let target = &others[partner];
            let abjad = target.abjad || parts[paired].abjad || parts[leftover].abjad;
            let best = [(paired, leftover), (leftover, paired)]
                .into_iter()
                .map(|(a, b)| {
                    let joined = [&*parts[a].key, &*parts[b].key].concat();
                    let min = MIN_JOINED_SIMILARITY.max(slot.similarity);
                    (
                        (a, b),
                        key_similarity_at_least(&target.key, &joined, abjad, min),
                    )
                })
                .max_by(|x, y| x.1.total_cmp(&y.1));
            if let Some(((a, b), similarity)) = best
                && similarity > slot.similarity
            {
                used[leftover] = true;
                slot.similarity = similarity;
                if side_is_query {
                    slot.query = Side::Two(a, b);
                } else {
                    slot.entry = Side::Two(a, b);
                }
                break;
            }
        }
    }
}

/// Each unused part of `singles` that two unused parts of `others` spell when joined, in
/// either order; marks them used.
fn joined_pairs(
    singles: &[&Part],
    singles_used: &mut [bool],
    others: &[&Part],
    others_used: &mut [bool],
) -> Vec<(usize, (usize, usize), f64)> {
    let mut found = Vec::new();
    if others_used.iter().filter(|u| !**u).count() < 2 {
        return found;
    }
    for (s, single) in singles.iter().enumerate() {
        if singles_used[s] {
            continue;
        }
        let mut best: Option<((usize, usize), f64)> = None;
        for a in (0..others.len()).filter(|&a| !others_used[a]) {
            for b in (0..others.len()).filter(|&b| b != a && !others_used[b]) {
                let joined_len = others[a].key.len() + others[b].key.len();
                let abjad = single.abjad || others[a].abjad || others[b].abjad;
                // An abjad spelling lacks the short vowels, so may be much shorter.
                let slack = if abjad {
                    joined_len.max(single.key.len()) / 2
                } else {
                    2
                };
                if joined_len.abs_diff(single.key.len()) > slack {
                    continue;
                }
                let joined = [&*others[a].key, &*others[b].key].concat();
                let similarity =
                    key_similarity_at_least(&single.key, &joined, abjad, MIN_JOINED_SIMILARITY);
                if similarity >= MIN_JOINED_SIMILARITY
                    && best.is_none_or(|(_, current)| similarity > current)
                {
                    best = Some(((a, b), similarity));
                }
            }
        }
        if let Some(((a, b), similarity)) = best {
            singles_used[s] = true;
            others_used[a] = true;
            others_used[b] = true;
            found.push((s, (a, b), similarity));
        }
    }
    found
}
