//! Changes reviewers and case officers make to a subject: moving the case through its
//! lifecycle and deciding on hits. Each change is checked against the subject's revision,
//! so that two people editing at once cannot overwrite each other.

use uuid::Uuid;

use crate::domain::audit::{Actor, AuditAction, AuditEvent};
use crate::domain::screening::{Decision, HitReview, derive_state};
use crate::domain::subject::{Subject, SubjectStatus, now};
use crate::store::{ChangeRecord, Store, Updated};

#[derive(Debug, Clone)]
pub struct Casework {
    store: Store,
}

#[derive(Debug, thiserror::Error)]
pub enum CaseError {
    #[error("subject not found")]
    NotFound,
    #[error("the subject changed since it was read; read it again and retry")]
    Stale,
    #[error("{0}")]
    NotAllowedNow(String),
    #[error("the subject's latest screening has no hit on {watchlist}/{entry_id}")]
    NoSuchHit { watchlist: String, entry_id: String },
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// Who asks, under which request id, knowing which revision (the etag they read, if any).
#[derive(Debug, Clone)]
pub struct ChangeContext {
    pub actor: Actor,
    pub call_id: String,
    pub expected_revision: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct HitDecision {
    pub watchlist: String,
    pub entry_id: String,
    pub decision: Decision,
    pub reason: String,
}

impl Casework {
    pub fn new(store: Store) -> Self {
        Self { store }
    }

    pub async fn update_status(
        &self,
        id: Uuid,
        status: SubjectStatus,
        reason: &str,
        context: &ChangeContext,
    ) -> Result<Subject, CaseError> {
        let current = self.current(id, context).await?;
        if current.status == status {
            return Ok(current);
        }
        if !current.status.can_move_to(status) {
            return Err(CaseError::NotAllowedNow(format!(
                "a case cannot move from {} to {}",
                current.status.as_str(),
                status.as_str()
            )));
        }
        let mut next = advance(&current);
        next.status = status;
        let event = AuditEvent::new(
            id,
            AuditAction::StatusChanged,
            &context.actor,
            &context.call_id,
            format!(
                "{} -> {}; reason: {reason}",
                current.status.as_str(),
                status.as_str()
            ),
        );
        self.commit(
            &next,
            current.revision,
            ChangeRecord {
                audit: &[event],
                ..Default::default()
            },
        )
        .await
    }

    pub async fn review_hit(
        &self,
        id: Uuid,
        decision: HitDecision,
        context: &ChangeContext,
    ) -> Result<Subject, CaseError> {
        let current = self.current(id, context).await?;
        if current.screening.screened_at.is_none() {
            return Err(CaseError::NotAllowedNow(
                "the subject has not been screened yet".to_owned(),
            ));
        }
        let hit = current
            .screening
            .hits
            .iter()
            .find(|h| h.watchlist == decision.watchlist && h.entry_id == decision.entry_id)
            .ok_or_else(|| CaseError::NoSuchHit {
                watchlist: decision.watchlist.clone(),
                entry_id: decision.entry_id.clone(),
            })?;
        let review = HitReview {
            watchlist: decision.watchlist.clone(),
            entry_id: decision.entry_id.clone(),
            entry_version: hit.entry_version.clone(),
            decision: decision.decision,
            reason: decision.reason.clone(),
            reviewer: context.actor.as_str().to_owned(),
            reviewed_at: now(),
        };
        let mut next = advance(&current);
        next.reviews
            .retain(|r| !(r.watchlist == review.watchlist && r.entry_id == review.entry_id));
        next.reviews.push(review.clone());
        next.screening.state = derive_state(&next.screening.hits, &next.reviews);
        let event = AuditEvent::new(
            id,
            AuditAction::HitReviewed,
            &context.actor,
            &context.call_id,
            format!(
                "{}/{}: {}; state {} -> {}; reason: {}",
                review.watchlist,
                review.entry_id,
                review.decision.as_str(),
                current.screening.state.as_str(),
                next.screening.state.as_str(),
                review.reason
            ),
        );
        self.commit(
            &next,
            current.revision,
            ChangeRecord {
                review: Some(&review),
                audit: &[event],
            },
        )
        .await
    }

    /// The subject as stored, provided the caller's etag (if any) is still current.
    async fn current(&self, id: Uuid, context: &ChangeContext) -> Result<Subject, CaseError> {
        let subject = self
            .store
            .get_subject(id)
            .await?
            .ok_or(CaseError::NotFound)?;
        match context.expected_revision {
            Some(expected) if expected != subject.revision => Err(CaseError::Stale),
            _ => Ok(subject),
        }
    }

    async fn commit(
        &self,
        next: &Subject,
        read_revision: i64,
        record: ChangeRecord<'_>,
    ) -> Result<Subject, CaseError> {
        match self
            .store
            .update_subject(next, read_revision, record)
            .await?
        {
            Updated::Done => Ok(next.clone()),
            Updated::Stale => Err(CaseError::Stale),
        }
    }
}

/// The next revision of `subject`, stamped now.
fn advance(subject: &Subject) -> Subject {
    let mut next = subject.clone();
    next.revision += 1;
    next.updated_at = now();
    next
}
