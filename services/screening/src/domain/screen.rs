//! Screening one person against a snapshot of the catalogue.

use std::collections::HashMap;

use person::Person;

use crate::domain::candidates::{QueryName, kind_factor};
use crate::domain::catalog::{LoadedList, Snapshot};
use crate::domain::entry::{EntryType, NameKind};
use crate::domain::evidence::{self, Adjustment};
use name_matching::{Part, PartMatch, compare_names, readings};

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

#[derive(Debug, Clone)]
pub struct ScreenQuery {
    pub person: Person,
    /// `None` means the server's default.
    pub threshold: Option<f64>,
    /// `None` means `DEFAULT_MAX_HITS`.
    pub max_hits: Option<usize>,
    /// Empty means every list.
    pub watchlists: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct ScreenOutcome {
    pub hits: Vec<Hit>,
    pub threshold: f64,
    /// (list name, version) of every list screened against.
    pub versions: Vec<(String, String)>,
}

impl ScreenOutcome {
    pub fn matched(&self) -> bool {
        !self.hits.is_empty()
    }
}

#[derive(Debug, Clone)]
pub struct Hit {
    pub watchlist: String,
    pub watchlist_version: String,
    pub entry_id: String,
    /// Content hash of the entry (`WatchlistEntry::content_version`).
    pub entry_version: String,
    pub entry_type: EntryType,
    pub score: f64,
    pub matched_name: String,
    pub primary_name: String,
    pub explanation: Explanation,
}

#[derive(Debug, Clone)]
pub struct Explanation {
    pub query_name: String,
    pub name_score: f64,
    pub parts: Vec<PartMatch>,
    pub adjustments: Vec<Adjustment>,
}

impl Explanation {
    pub fn summary(&self, matched_name: &str, score: f64) -> String {
        let mut summary = format!(
            "{:?} resembles {:?} (name {:.2})",
            self.query_name, matched_name, self.name_score
        );
        for adjustment in &self.adjustments {
            summary.push_str(&format!(
                "; {} ({:+.2})",
                adjustment.reason, adjustment.delta
            ));
        }
        summary.push_str(&format!("; score {score:.2}"));
        summary
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ScreenError {
    #[error("no list named {0:?} is loaded")]
    UnknownWatchlist(String),
}

/// How the names to score are found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Search {
    /// Through the list's index: only names sharing a similar part with the query and able
    /// to reach a useful score. What the service does.
    Indexed,
    /// Every name of every list: the reference the index is measured against.
    Exhaustive,
}

/// Scores `query.person` against the chosen lists of `snapshot`; `default_threshold` applies
/// when the query sets none.
pub fn screen(
    snapshot: &Snapshot,
    query: &ScreenQuery,
    default_threshold: f64,
) -> Result<ScreenOutcome, ScreenError> {
    screen_with(snapshot, query, default_threshold, Search::Indexed)
}

/// `screen`, finding the names to score by `search`.
pub fn screen_with(
    snapshot: &Snapshot,
    query: &ScreenQuery,
    default_threshold: f64,
    search: Search,
) -> Result<ScreenOutcome, ScreenError> {
    let threshold = query.threshold.unwrap_or(default_threshold);
    let max_hits = query
        .max_hits
        .unwrap_or(DEFAULT_MAX_HITS)
        .min(MAX_HITS_LIMIT);
    let lists: Vec<&LoadedList> = if query.watchlists.is_empty() {
        snapshot.values().map(AsRef::as_ref).collect()
    } else {
        query
            .watchlists
            .iter()
            .map(|name| {
                snapshot
                    .get(name)
                    .map(AsRef::as_ref)
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
        ));
    }
    hits.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.watchlist.cmp(&b.watchlist))
            .then_with(|| a.entry_id.cmp(&b.entry_id))
    });
    hits.truncate(max_hits);

    Ok(ScreenOutcome {
        hits,
        threshold,
        versions: lists
            .iter()
            .map(|l| (l.name.clone(), l.version.clone()))
            .collect(),
    })
}

fn screen_list(
    list: &LoadedList,
    query_names: &[(&str, Vec<Part>)],
    person: &Person,
    threshold: f64,
    search: Search,
) -> Vec<Hit> {
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
            Search::Indexed => query.scored_candidates(list, NAME_SCORE_FLOOR),
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
mod tests {
    use std::collections::BTreeMap;
    use std::sync::Arc;

    use super::*;
    use crate::domain::entry::{EntryName, WatchlistEntry};
    use crate::lists::ListFormat;

    fn entry(id: &str, names: &[(&str, NameKind)], born: &str) -> WatchlistEntry {
        WatchlistEntry {
            id: id.into(),
            entry_type: EntryType::Person,
            names: names.iter().map(|(n, k)| EntryName::new(*n, *k)).collect(),
            birth_dates: vec![born.parse().expect("a date")],
            nationalities: Vec::new(),
            gender: None,
            documents: Vec::new(),
            programs: Vec::new(),
            remarks: None,
        }
    }

    fn snapshot() -> Snapshot {
        let list = LoadedList::new(
            "test".into(),
            ListFormat::Csv,
            "v1".into(),
            vec![
                entry(
                    "1",
                    &[
                        ("AL-TIKRITI, Qusay Saddam Hussein", NameKind::Primary),
                        ("قصي صدام حسين التكريتي", NameKind::OriginalScript),
                    ],
                    "1966",
                ),
                entry(
                    "2",
                    &[("Ivan Petrovich SIDOROV", NameKind::Primary)],
                    "1970",
                ),
            ],
        );
        Arc::new(BTreeMap::from([("test".to_owned(), Arc::new(list))]))
    }

    fn query(name: &str, born: Option<&str>) -> ScreenQuery {
        let mut person = Person::named(name);
        person.birth_dates = born.iter().map(|b| b.parse().expect("a date")).collect();
        ScreenQuery {
            person,
            threshold: None,
            max_hits: None,
            watchlists: Vec::new(),
        }
    }

    #[test]
    fn a_misspelt_listed_name_hits_with_an_explanation_that_adds_up() {
        let outcome = screen(
            &snapshot(),
            &query("Qusai Sadam Husein al Tikriti", Some("1966")),
            DEFAULT_THRESHOLD,
        )
        .expect("the list exists");
        let hit = outcome.hits.first().expect("a hit");
        assert_eq!(hit.entry_id, "1");
        let explanation = &hit.explanation;
        let parts: f64 = explanation
            .parts
            .iter()
            .map(|p| p.similarity * p.weight)
            .sum();
        assert!((parts - explanation.name_score).abs() < 1e-9);
        let adjustments: f64 = explanation.adjustments.iter().map(|a| a.delta).sum();
        assert!(((explanation.name_score + adjustments).clamp(0.0, 1.0) - hit.score).abs() < 1e-9);
        assert!(
            explanation
                .parts
                .iter()
                .any(|p| p.query_part == "qusai" && p.entry_part == "qusay")
        );
    }

    #[test]
    fn a_contradicting_date_of_birth_keeps_a_close_name_below_the_threshold() {
        let near = screen(
            &snapshot(),
            &query("Ivan Sidorov", Some("1970")),
            DEFAULT_THRESHOLD,
        )
        .expect("the list exists");
        let far = screen(
            &snapshot(),
            &query("Ivan Sidorov", Some("1990")),
            DEFAULT_THRESHOLD,
        )
        .expect("the list exists");
        assert!(near.matched());
        assert!(!far.matched());
    }

    #[test]
    fn reported_scores_survive_a_json_round_trip() {
        let outcome = screen(
            &snapshot(),
            &query("Ivan Sidorov", Some("1970")),
            DEFAULT_THRESHOLD,
        )
        .expect("the list exists");
        let hit = outcome.hits.first().expect("a hit");
        let mut values = vec![hit.score, hit.explanation.name_score];
        for part in &hit.explanation.parts {
            values.extend([part.similarity, part.weight]);
        }
        for value in values {
            let json = serde_json::to_string(&value).expect("a number");
            assert_eq!(serde_json::from_str::<f64>(&json).expect("a number"), value);
        }
    }

    #[test]
    fn a_weak_alias_match_shows_its_discount_and_still_adds_up() {
        let list = LoadedList::new(
            "weak".into(),
            ListFormat::Csv,
            "v1".into(),
            vec![entry(
                "7",
                &[
                    ("Abdul Rahman YASIN", NameKind::Primary),
                    ("Abu Musab", NameKind::WeakAlias),
                ],
                "1960",
            )],
        );
        let snapshot: Snapshot = Arc::new(BTreeMap::from([("weak".to_owned(), Arc::new(list))]));
        let mut query = query("Abu Musab", Some("1960"));
        query.threshold = Some(0.5);
        let outcome = screen(&snapshot, &query, DEFAULT_THRESHOLD).expect("the list exists");
        let hit = outcome.hits.first().expect("a hit");
        let weak = hit
            .explanation
            .adjustments
            .iter()
            .find(|a| a.field == "names")
            .expect("the weak alias is shown");
        assert!(weak.delta < 0.0);
        let total: f64 = hit.explanation.name_score
            + hit
                .explanation
                .adjustments
                .iter()
                .map(|a| a.delta)
                .sum::<f64>();
        assert!((total.clamp(0.0, 1.0) - hit.score).abs() < 1e-9);
    }

    #[test]
    fn an_unrelated_name_raises_no_hit() {
        let outcome = screen(
            &snapshot(),
            &query("Margaret Ellen Thompson", None),
            DEFAULT_THRESHOLD,
        )
        .expect("the list exists");
        assert!(!outcome.matched());
    }
}
