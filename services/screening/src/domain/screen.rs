//! Screening one person against a snapshot of the catalogue.

use std::collections::HashMap;

use person::Person;

use crate::domain::catalog::{LoadedList, Snapshot};
use crate::domain::entry::{EntryType, NameKind};
use crate::domain::matching::{Adjustment, PartMatch, compare_names, evidence, name_tokens};

/// The score at or above which a hit is reported when the caller sets no threshold.
pub const DEFAULT_THRESHOLD: f64 = 0.85;
pub const DEFAULT_MAX_HITS: usize = 10;
/// Hard cap on hits per request, whatever the caller asks for.
pub const MAX_HITS_LIMIT: usize = 100;
/// A weak alias ("low quality" on the UN list) is weaker evidence than a primary name.
const WEAK_ALIAS_FACTOR: f64 = 0.95;
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

/// Scores `query.person` against the chosen lists of `snapshot`; `default_threshold` applies
/// when the query sets none.
pub fn screen(
    snapshot: &Snapshot,
    query: &ScreenQuery,
    default_threshold: f64,
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

    let query_names: Vec<(&str, Vec<String>)> = query
        .person
        .names
        .iter()
        .map(|n| (n.full_name.as_str(), name_tokens(&n.full_name)))
        .filter(|(_, tokens)| !tokens.is_empty())
        .collect();

    let mut hits = Vec::new();
    for list in &lists {
        hits.extend(screen_list(list, &query_names, &query.person, threshold));
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
    query_names: &[(&str, Vec<String>)],
    person: &Person,
    threshold: f64,
) -> Vec<Hit> {
    // Best name comparison per entry, over every query name and entry name.
    let mut best: HashMap<usize, (f64, usize, usize, Vec<PartMatch>)> = HashMap::new();
    for prepared in &list.names {
        for (query_index, (_, tokens)) in query_names.iter().enumerate() {
            let comparison = compare_names(tokens, &prepared.tokens);
            let mut score = comparison.score;
            if prepared.kind == NameKind::WeakAlias {
                score *= WEAK_ALIAS_FACTOR;
            }
            if score < NAME_SCORE_FLOOR {
                continue;
            }
            let current = best.get(&prepared.entry).map_or(-1.0, |b| b.0);
            if score > current {
                best.insert(
                    prepared.entry,
                    (score, query_index, prepared.name, comparison.parts),
                );
            }
        }
    }

    best.into_iter()
        .filter_map(
            |(entry_index, (name_score, query_index, name_index, parts))| {
                let entry = list.entries.get(entry_index)?;
                let adjustments = evidence::adjustments(person, entry);
                let total: f64 = name_score + adjustments.iter().map(|a| a.delta).sum::<f64>();
                let score = total.clamp(0.0, 1.0);
                (score >= threshold).then(|| Hit {
                    watchlist: list.name.clone(),
                    watchlist_version: list.version.clone(),
                    entry_id: entry.id.clone(),
                    entry_type: entry.entry_type,
                    score,
                    matched_name: entry
                        .names
                        .get(name_index)
                        .map(|n| n.full_name.clone())
                        .unwrap_or_default(),
                    primary_name: entry.primary_name().to_owned(),
                    explanation: Explanation {
                        query_name: query_names
                            .get(query_index)
                            .map(|(n, _)| (*n).to_owned())
                            .unwrap_or_default(),
                        name_score,
                        parts,
                        adjustments,
                    },
                })
            },
        )
        .collect()
}
