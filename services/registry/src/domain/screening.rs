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
    /// How many entries scored at or above the threshold, and which engine scored them.
    pub extent: ScreeningExtent,
}

/// What the screening service answered, before it is recorded on a subject.
#[derive(Debug, Clone, PartialEq)]
pub struct ScreeningResult {
    pub matched: bool,
    pub threshold: f64,
    pub hits: Vec<RecordedHit>,
    pub versions: Vec<ListVersion>,
    pub extent: ScreeningExtent,
}

/// What a screening says beyond its hits, so that a reviewer sees that more hits existed
/// than were kept (screening returns at most `max_hits`) and which engine made the scores.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScreeningExtent {
    /// Entries that scored at or above the threshold, `hits` being the best of them.
    pub total_hit_count: u32,
    /// True when screening cut the hits at `max_hits`.
    pub hits_truncated: bool,
    /// The matching engine that scored, as `screening --version` names it; empty for
    /// screenings recorded before the registry kept it.
    pub engine_version: String,
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
    /// Content hash of the entry as screened; a dismissal holds only while it is unchanged.
    #[serde(default)]
    pub entry_version: String,
    pub explanation: RecordedExplanation,
}

/// A reviewer's decision on one hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Confirmed,
    FalsePositive,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Confirmed => "confirmed",
            Decision::FalsePositive => "false_positive",
        }
    }

    pub fn parse(stored: &str) -> Option<Self> {
        [Decision::Confirmed, Decision::FalsePositive]
            .into_iter()
            .find(|d| d.as_str() == stored)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct HitReview {
    pub watchlist: String,
    pub entry_id: String,
    /// The entry's content hash when it was reviewed.
    pub entry_version: String,
    pub decision: Decision,
    pub reason: String,
    pub reviewer: String,
    pub reviewed_at: OffsetDateTime,
}

impl HitReview {
    fn concerns(&self, hit: &RecordedHit) -> bool {
        self.watchlist == hit.watchlist && self.entry_id == hit.entry_id
    }
}

/// Where a screened subject stands once reviewers' decisions are taken into account:
/// a confirmed hit makes a confirmed match; a hit dismissed as a false positive no longer
/// raises the alarm unless its entry has changed since; any other hit awaits review.
pub fn derive_state(hits: &[RecordedHit], reviews: &[HitReview]) -> ScreeningState {
    let mut awaiting_review = false;
    for hit in hits {
        match reviews.iter().find(|r| r.concerns(hit)) {
            Some(review) if review.decision == Decision::Confirmed => {
                return ScreeningState::ConfirmedMatch;
            }
            Some(review) if review.entry_version == hit.entry_version => {}
            _ => awaiting_review = true,
        }
    }
    if awaiting_review {
        ScreeningState::PotentialMatch
    } else {
        ScreeningState::Clear
    }
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
    /// `matched`, `contradicted` or `missing`; empty in screenings recorded before it was
    /// reported.
    #[serde(default)]
    pub outcome: String,
    /// The naming rule that decided the pair, in words; empty when none did, and in
    /// screenings recorded before rules were reported.
    #[serde(default)]
    pub rule: String,
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
            extent: ScreeningExtent::default(),
        }
    }

    /// Records a result obtained at `at`, in the light of earlier reviews of its hits.
    pub fn completed(result: ScreeningResult, at: OffsetDateTime, reviews: &[HitReview]) -> Self {
        let state = derive_state(&result.hits, reviews);
        Self {
            state,
            matched: result.matched,
            threshold: result.threshold,
            hits: result.hits,
            versions: result.versions,
            screened_at: Some(at),
            extent: result.extent,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(entry_id: &str, entry_version: &str) -> RecordedHit {
        RecordedHit {
            watchlist: "un".into(),
            entry_id: entry_id.into(),
            score: 0.9,
            matched_name: "X".into(),
            entry_primary_name: "X".into(),
            entry_type: "ENTRY_TYPE_PERSON".into(),
            watchlist_version: "v1".into(),
            entry_version: entry_version.into(),
            explanation: RecordedExplanation {
                query_name: "X".into(),
                name_score: 0.9,
                summary: String::new(),
                name_parts: Vec::new(),
                adjustments: Vec::new(),
            },
        }
    }

    fn review(entry_id: &str, entry_version: &str, decision: Decision) -> HitReview {
        HitReview {
            watchlist: "un".into(),
            entry_id: entry_id.into(),
            entry_version: entry_version.into(),
            decision,
            reason: "checked".into(),
            reviewer: "r".into(),
            reviewed_at: OffsetDateTime::UNIX_EPOCH,
        }
    }

    #[test]
    fn no_hits_is_clear_and_an_unreviewed_hit_is_a_potential_match() {
        assert_eq!(derive_state(&[], &[]), ScreeningState::Clear);
        assert_eq!(
            derive_state(&[hit("1", "a")], &[]),
            ScreeningState::PotentialMatch
        );
    }

    #[test]
    fn dismissing_every_hit_makes_the_subject_clear() {
        let hits = [hit("1", "a"), hit("2", "b")];
        let reviews = [
            review("1", "a", Decision::FalsePositive),
            review("2", "b", Decision::FalsePositive),
        ];
        assert_eq!(derive_state(&hits, &reviews), ScreeningState::Clear);
        assert_eq!(
            derive_state(&hits, &reviews[..1]),
            ScreeningState::PotentialMatch
        );
    }

    #[test]
    fn a_dismissal_stops_counting_once_the_entry_changes() {
        let reviews = [review("1", "a", Decision::FalsePositive)];
        assert_eq!(
            derive_state(&[hit("1", "b")], &reviews),
            ScreeningState::PotentialMatch
        );
    }

    #[test]
    fn a_confirmed_hit_makes_a_confirmed_match() {
        let hits = [hit("1", "a"), hit("2", "b")];
        let reviews = [review("2", "b", Decision::Confirmed)];
        assert_eq!(
            derive_state(&hits, &reviews),
            ScreeningState::ConfirmedMatch
        );
    }
}
