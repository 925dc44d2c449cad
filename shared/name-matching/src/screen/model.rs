//! What a screening takes and gives: the query, the hits with their explanations, and
//! whether the search finished.

use person::Person;

use crate::PartMatch;
use crate::evidence::Adjustment;
use crate::record::EntryType;

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
    /// How many entries scored at or above the threshold; more than `hits` holds when
    /// `max_hits` cut them.
    pub total_hits: usize,
    /// (list name, version) of every list screened against.
    pub versions: Vec<(String, String)>,
    /// False when the work budget (`budget.rs`) stopped the search before every candidate
    /// was scored: the hits are the best found, and no hit does not mean clear.
    pub complete: bool,
}

impl ScreenOutcome {
    pub fn matched(&self) -> bool {
        !self.hits.is_empty()
    }

    /// Whether `max_hits` left out hits at or above the threshold.
    pub fn truncated(&self) -> bool {
        self.total_hits > self.hits.len()
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
