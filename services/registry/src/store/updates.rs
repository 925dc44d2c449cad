//! Changing a subject: one revision-checked statement plus, in the same transaction, the
//! screening history, a review and the audit events that go with the change.

use std::collections::HashMap;

use anyhow::Context;
use sqlx::{Any, Row, Transaction};
use uuid::Uuid;

use super::rows::{SubjectRow, millis};
use super::{Store, audit, screenings};
use crate::domain::audit::AuditEvent;
use crate::domain::screening::{Decision, HitReview};
use crate::domain::subject::Subject;

/// What accompanies a change to a subject (a new screening goes through
/// `record_screenings`).
#[derive(Debug, Default)]
pub struct ChangeRecord<'a> {
    /// A reviewer's decision, replacing any earlier decision on the same hit.
    pub review: Option<&'a HitReview>,
    pub audit: &'a [AuditEvent],
}

/// A subject with a new screening (and its revision raised), to be written only if the
/// stored subject is still at `expected_revision`.
#[derive(Debug)]
pub struct ScreeningUpdate {
    pub subject: Subject,
    pub expected_revision: i64,
    pub audit: AuditEvent,
}

/// Rows per multi-row statement (11 parameters each for a screening, 7 for an event).
const ROWS_PER_STATEMENT: usize = 64;

#[derive(Debug)]
pub enum Updated {
    Done,
    /// The subject changed since `expected_revision` was read (or is gone); nothing written.
    Stale,
}

impl Store {
    /// Writes `subject` (whose revision must be `expected_revision + 1`) only if the stored
    /// subject is still at `expected_revision`.
    #[tracing::instrument(name = "store.update_subject", skip_all)]
    pub async fn update_subject(
        &self,
        subject: &Subject,
        expected_revision: i64,
        record: ChangeRecord<'_>,
    ) -> anyhow::Result<Updated> {
        let row = SubjectRow::from_subject(subject, "")?;
        let mut tx = self.pool.begin().await.context("starting a transaction")?;
        let changed = update_row(&mut tx, &row, expected_revision).await?;
        if !changed {
            tx.rollback().await.ok();
            return Ok(Updated::Stale);
        }
        if let Some(review) = record.review {
            upsert_review(&mut tx, subject.id, review).await?;
        }
        for event in record.audit {
            audit::append(&mut tx, event).await?;
        }
        tx.commit().await.context("committing a subject change")?;
        Ok(Updated::Done)
    }

    /// `update_subject` with a new screening for each of `updates`, all in one transaction
    /// (one commit for a batch of re-screenings rather than one per subject). One outcome
    /// per update, in order; on an error nothing is written.
    #[tracing::instrument(name = "store.record_screenings", skip_all)]
    pub async fn record_screenings(
        &self,
        updates: &[ScreeningUpdate],
    ) -> anyhow::Result<Vec<Updated>> {
        let mut tx = self.pool.begin().await.context("starting a transaction")?;
        let mut outcomes = Vec::with_capacity(updates.len());
        for update in updates {
            let row = SubjectRow::from_subject(&update.subject, "")?;
            outcomes.push(
                if update_row(&mut tx, &row, update.expected_revision).await? {
                    Updated::Done
                } else {
                    Updated::Stale
                },
            );
        }
        let written: Vec<&ScreeningUpdate> = updates
            .iter()
            .zip(&outcomes)
            .filter_map(|(update, outcome)| matches!(outcome, Updated::Done).then_some(update))
            .collect();
        for chunk in written.chunks(ROWS_PER_STATEMENT) {
            screenings::append_many(
                &mut tx,
                chunk.iter().map(|u| (u.subject.id, &u.subject.screening)),
            )
            .await?;
            let events: Vec<&AuditEvent> = chunk.iter().map(|u| &u.audit).collect();
            audit::append_many(&mut tx, &events).await?;
        }
        tx.commit().await.context("committing screenings")?;
        Ok(outcomes)
    }

    /// Reviews of several subjects in one query, by subject.
    #[tracing::instrument(name = "store.reviews_of", skip_all)]
    pub async fn reviews_of(
        &self,
        subject_ids: &[Uuid],
    ) -> anyhow::Result<HashMap<Uuid, Vec<HitReview>>> {
        if subject_ids.is_empty() {
            return Ok(HashMap::new());
        }
        let placeholders: Vec<String> = (1..=subject_ids.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT subject_id, watchlist, entry_id, entry_version, decision, reason, reviewer,
                    reviewed_at_ms
             FROM hit_reviews WHERE subject_id IN ({}) ORDER BY watchlist, entry_id",
            placeholders.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for id in subject_ids {
            query = query.bind(id.to_string());
        }
        let rows = query
            .fetch_all(&self.pool)
            .await
            .context("reading hit reviews")?;
        let mut by_subject: HashMap<Uuid, Vec<HitReview>> = HashMap::new();
        for row in &rows {
            let subject_id: String = row.try_get("subject_id")?;
            let decision: String = row.try_get("decision")?;
            let review = HitReview {
                watchlist: row.try_get("watchlist")?,
                entry_id: row.try_get("entry_id")?,
                entry_version: row.try_get("entry_version")?,
                decision: Decision::parse(&decision)
                    .with_context(|| format!("unknown stored decision {decision:?}"))?,
                reason: row.try_get("reason")?,
                reviewer: row.try_get("reviewer")?,
                reviewed_at: super::rows::from_millis(row.try_get("reviewed_at_ms")?)?,
            };
            by_subject
                .entry(Uuid::parse_str(&subject_id).context("a stored subject id")?)
                .or_default()
                .push(review);
        }
        Ok(by_subject)
    }

    /// Fills in the reviews of subjects read from their rows.
    pub(super) async fn with_reviews(
        &self,
        mut subjects: Vec<Subject>,
    ) -> anyhow::Result<Vec<Subject>> {
        let ids: Vec<Uuid> = subjects.iter().map(|s| s.id).collect();
        let mut reviews = self.reviews_of(&ids).await?;
        for subject in &mut subjects {
            subject.reviews = reviews.remove(&subject.id).unwrap_or_default();
        }
        Ok(subjects)
    }
}

async fn upsert_review(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    subject_id: Uuid,
    review: &HitReview,
) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO hit_reviews
           (subject_id, watchlist, entry_id, entry_version, decision, reason, reviewer, reviewed_at_ms)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (subject_id, watchlist, entry_id) DO UPDATE SET
           entry_version = excluded.entry_version, decision = excluded.decision,
           reason = excluded.reason, reviewer = excluded.reviewer,
           reviewed_at_ms = excluded.reviewed_at_ms",
    )
    .bind(subject_id.to_string())
    .bind(&review.watchlist)
    .bind(&review.entry_id)
    .bind(&review.entry_version)
    .bind(review.decision.as_str())
    .bind(&review.reason)
    .bind(&review.reviewer)
    .bind(millis(review.reviewed_at))
    .execute(&mut **tx)
    .await
    .context("recording a hit review")?;
    Ok(())
}

/// The revision-checked UPDATE of a subject's row; whether it matched.
async fn update_row(
    tx: &mut Transaction<'_, Any>,
    row: &SubjectRow,
    expected_revision: i64,
) -> anyhow::Result<bool> {
    let changed = sqlx::query(
        "UPDATE subjects SET status = $1, screening_state = $2, matched = $3, threshold = $4,
             hits_json = $5, versions_json = $6, screened_at_ms = $7, updated_at_ms = $8,
             revision = $9, screened_versions = $12, total_hit_count = $13,
             hits_truncated = $14, engine_version = $15,
             matched_since_ms = CASE WHEN screening_state IN ('clear', 'pending')
                     AND $2 = 'potential_match'
                 THEN $7 ELSE matched_since_ms END
         WHERE id = $10 AND revision = $11",
    )
    .bind(&row.status)
    .bind(&row.screening_state)
    .bind(row.matched)
    .bind(row.threshold)
    .bind(&row.hits_json)
    .bind(&row.versions_json)
    .bind(row.screened_at_ms)
    .bind(row.updated_at_ms)
    .bind(row.revision)
    .bind(&row.id)
    .bind(expected_revision)
    .bind(&row.screened_versions)
    .bind(row.total_hit_count)
    .bind(row.hits_truncated)
    .bind(&row.engine_version)
    .execute(&mut **tx)
    .await
    .context("updating a subject")?
    .rows_affected();
    Ok(changed > 0)
}
