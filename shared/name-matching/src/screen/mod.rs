//! Screening one person against indexed lists: the candidates each list's index finds,
//! aligned in full, with what fields other than the name add (`evidence`).

mod model;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use person::Person;
use tracing::field;

use crate::budget::Budget;
use crate::evidence::{self, Adjustment};
use crate::index::IndexedList;
use crate::index::candidates::{QueryName, kind_factor};
use crate::record::NameKind;
use crate::{Part, PartMatch, compare_names, readings};

/// The score at or above which a hit is reported when the caller sets no threshold.
pub const DEFAULT_THRESHOLD: f64 = 0.85;
pub const DEFAULT_MAX_HITS: usize = 10;
/// Hard cap on hits per request, whatever the caller asks for.
pub const MAX_HITS_LIMIT: usize = 100;
/// How far below the threshold a candidate's indexed score may be and still be compared in
/// full: the index can leave out a pair of parts that blocking did not connect, so its score
/// may fall a little short of the full comparison's.
const FULL_COMPARISON_MARGIN: f64 = 0.05;
/// Below this name score no other field can lift a candidate to the threshold, so the
/// candidate is dropped before its other fields are compared.
const NAME_SCORE_FLOOR: f64 = 0.55;

pub use model::{Explanation, Hit, ScreenError, ScreenOutcome, ScreenQuery, Search};

/// The lists a screening may be run against, by name: a caller's own type of list (one
/// holding an `IndexedList` and whatever the caller keeps beside it), or indexes alone.
pub type Lists<L = IndexedList> = BTreeMap<String, Arc<L>>;

/// Scores `query.person` against the chosen lists of `snapshot`; `default_threshold` applies
/// when the query sets none.
pub fn screen<L: AsRef<IndexedList>>(
    snapshot: &Lists<L>,
    query: &ScreenQuery,
    default_threshold: f64,
) -> Result<ScreenOutcome, ScreenError> {
    screen_within(snapshot, query, default_threshold, &Budget::standard())
}

/// `screen`, doing no more work than `budget` allows: the service's way, with the
/// caller's deadline and cancellation in the budget.
pub fn screen_within<L: AsRef<IndexedList>>(
    snapshot: &Lists<L>,
    query: &ScreenQuery,
    default_threshold: f64,
    budget: &Budget,
) -> Result<ScreenOutcome, ScreenError> {
    screen_with(snapshot, query, default_threshold, Search::Indexed, budget)
}

/// `screen`, finding the names to score by `search`, within `budget`.
pub fn screen_with<L: AsRef<IndexedList>>(
    snapshot: &Lists<L>,
    query: &ScreenQuery,
    default_threshold: f64,
    search: Search,
    budget: &Budget,
) -> Result<ScreenOutcome, ScreenError> {
    let threshold = query.threshold.unwrap_or(default_threshold);
    let max_hits = query
        .max_hits
        .unwrap_or(DEFAULT_MAX_HITS)
        .min(MAX_HITS_LIMIT);
    let lists: Vec<&IndexedList> = if query.watchlists.is_empty() {
        snapshot.values().map(|list| (**list).as_ref()).collect()
    } else {
        query
            .watchlists
            .iter()
            .map(|name| {
                snapshot
                    .get(name)
                    .map(|list| (**list).as_ref())
                    .ok_or_else(|| ScreenError::UnknownWatchlist(name.clone()))
            })
            .collect::<Result<_, _>>()?
    };

    let query_names: Vec<(&str, Vec<Part>)> = query
        .person
        .names
        .iter()
        .flat_map(|n| {
            readings(&n.full_name)
                .into_iter()
                .map(|parts| (n.full_name.as_str(), parts))
        })
        .collect();

    let mut hits = Vec::new();
    for list in &lists {
        hits.extend(screen_list(
            list,
            &query_names,
            &query.person,
            threshold,
            search,
            budget,
        ));
    }
    hits.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.watchlist.cmp(&b.watchlist))
            .then_with(|| a.entry_id.cmp(&b.entry_id))
    });
    let total_hits = hits.len();
    hits.truncate(max_hits);

    Ok(ScreenOutcome {
        hits,
        total_hits,
        threshold,
        complete: !budget.exhausted(),
        versions: lists
            .iter()
            .map(|l| (l.name.clone(), l.version.clone()))
            .collect(),
    })
}

fn screen_list(
    list: &IndexedList,
    query_names: &[(&str, Vec<Part>)],
    person: &Person,
    threshold: f64,
    search: Search,
    budget: &Budget,
) -> Vec<Hit> {
    // The two phases' spans (when traced): finding candidates in the list's index, and
    // aligning them in full. The list's name, never the person's.
    let candidates =
        tracing::info_span!("candidates", watchlist = %list.name, found = field::Empty).entered();
    // Each query name, and as well the same name with joined words cut where the list
    // has both pieces ("Ramimakhlouf"), and split words joined where the list has the
    // whole ("Plat Ono Vich").
    let split: Vec<(&str, Vec<Part>)> = query_names
        .iter()
        .flat_map(|(name, parts)| {
            [list.split_joined(parts), list.join_split(parts)]
                .into_iter()
                .flatten()
                .map(move |parts| (*name, parts))
        })
        .collect();
    let query_names: Vec<&(&str, Vec<Part>)> = query_names.iter().chain(&split).collect();
    let prepared: Vec<QueryName> = query_names
        .iter()
        .map(|(_, parts)| QueryName::new(parts, list))
        .collect();
    // Best name score per entry, over every query name and entry name:
    // (score, query name, prepared name).
    let mut best: HashMap<u32, (f64, usize, usize)> = HashMap::new();
    for (query_index, query) in prepared.iter().enumerate() {
        let scored: Vec<(u32, f64)> = match search {
            Search::Indexed => query.scored_candidates(list, NAME_SCORE_FLOOR, budget),
            Search::Exhaustive => (0..list.names.len() as u32)
                .filter_map(|index| {
                    let name = list.names.get(index as usize)?;
                    let score = query.exhaustive_score(name, list);
                    (score >= NAME_SCORE_FLOOR).then_some((index, score))
                })
                .collect(),
        };
        for (name_index, score) in scored {
            let Some(name) = list.names.get(name_index as usize) else {
                continue;
            };
            let current = best.get(&name.entry).map_or(-1.0, |b| b.0);
            if score > current {
                best.insert(name.entry, (score, query_index, name_index as usize));
            }
        }
    }

    candidates.record("found", best.len());
    drop(candidates);
    let _align =
        tracing::info_span!("align", watchlist = %list.name, candidates = best.len()).entered();
    best.into_iter()
        .filter_map(
            |(entry_index, (indexed_score, query_index, prepared_index))| {
                let entry = list.entries.get(entry_index as usize)?;
                let evidence = evidence::adjustments(person, entry);
                let evidence_total: f64 = evidence.iter().map(|a| a.delta).sum();
                // Most candidates fall well short; only the others are compared in full.
                if indexed_score + evidence_total < threshold - FULL_COMPARISON_MARGIN {
                    return None;
                }
                let name = list.names.get(prepared_index)?;
                let (query_name, query_parts) = query_names.get(query_index)?;
                // The reported score comes from the full comparison, every pair of parts
                // computed, so that the explanation adds up to it exactly.
                let entry_parts: Vec<Part> = list.owned_parts_of(name);
                let entry_weights: Vec<f64> = list.weights_of(name).collect();
                let comparison = compare_names(
                    query_parts,
                    &prepared.get(query_index)?.weights,
                    &entry_parts,
                    &entry_weights,
                );
                let name_score = reported(comparison.score);
                let mut adjustments = Vec::new();
                if name.kind == NameKind::WeakAlias {
                    adjustments.push(Adjustment {
                        field: "names",
                        delta: reported(name_score * (kind_factor(name.kind) - 1.0)),
                        reason: "the list marks the matched alias as weak (low quality)".to_owned(),
                    });
                }
                adjustments.extend(evidence);
                let total: f64 = name_score + adjustments.iter().map(|a| a.delta).sum::<f64>();
                let score = reported(total.clamp(0.0, 1.0));
                if score < threshold {
                    return None;
                }
                Some(Hit {
                    watchlist: list.name.clone(),
                    watchlist_version: list.version.clone(),
                    entry_id: entry.id.clone(),
                    entry_version: entry.content_version(),
                    entry_type: entry.entry_type,
                    score,
                    matched_name: entry
                        .names
                        .get(name.name as usize)
                        .map(|n| n.full_name.clone())
                        .unwrap_or_default(),
                    primary_name: entry.primary_name().to_owned(),
                    explanation: Explanation {
                        query_name: (*query_name).to_owned(),
                        name_score,
                        parts: comparison
                            .parts
                            .into_iter()
                            .map(|p| PartMatch {
                                similarity: reported(p.similarity),
                                weight: reported(p.weight),
                                ..p
                            })
                            .collect(),
                        adjustments,
                    },
                })
            },
        )
        .collect()
}

/// Scores are reported to four decimals: finer digits mean nothing to a reviewer, and a
/// value with four decimals survives every decimal round trip (JSON storage, logs,
/// exports) bit for bit, so a stored screening compares equal to the one returned.
fn reported(value: f64) -> f64 {
    (value * 10_000.0).round() / 10_000.0
}

#[cfg(test)]
mod tests;
