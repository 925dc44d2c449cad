//! A subject's screening as recorded: the outcome, the hits with their explanations, and the
//! list versions it was made against.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::subject::ScreeningState;

#[derive(Debug, Clone, PartialEq)]
pub struct Screening {
    pub state: ScreeningState,
    pub matched: bool,
    pub threshold: f64,
    pub hits: Vec<RecordedHit>,
    pub versions: Vec<ListVersion>,
    /// `None` while the subject is waiting to be screened.
    pub screened_at: Option<OffsetDateTime>,
}

/// What the screening service answered, before it is recorded on a subject.
#[derive(Debug, Clone, PartialEq)]
pub struct ScreeningResult {
    pub matched: bool,
    pub threshold: f64,
    pub hits: Vec<RecordedHit>,
    pub versions: Vec<ListVersion>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListVersion {
    pub watchlist: String,
    pub version: String,
}

/// A hit as the screening service explained it, kept verbatim for reviewers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordedHit {
    pub watchlist: String,
    pub entry_id: String,
    pub score: f64,
    pub matched_name: String,
    pub entry_primary_name: String,
    pub entry_type: String,
    pub watchlist_version: String,
    pub explanation: RecordedExplanation,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordedExplanation {
    pub query_name: String,
    pub name_score: f64,
    pub summary: String,
    pub name_parts: Vec<RecordedNamePart>,
    pub adjustments: Vec<RecordedAdjustment>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordedNamePart {
    pub query_part: String,
    pub entry_part: String,
    pub similarity: f64,
    pub weight: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordedAdjustment {
    pub field: String,
    pub delta: f64,
    pub reason: String,
}

impl Screening {
    /// A subject that could not be screened yet.
    pub fn pending() -> Self {
        Self {
            state: ScreeningState::Pending,
            matched: false,
            threshold: 0.0,
            hits: Vec::new(),
            versions: Vec::new(),
            screened_at: None,
        }
    }

    /// Records a result obtained at `at`: any hit makes the subject a potential match.
    pub fn completed(result: ScreeningResult, at: OffsetDateTime) -> Self {
        let state = if result.matched {
            ScreeningState::PotentialMatch
        } else {
            ScreeningState::Clear
        };
        Self {
            state,
            matched: result.matched,
            threshold: result.threshold,
            hits: result.hits,
            versions: result.versions,
            screened_at: Some(at),
        }
    }
}
