//! Appending to and reading the audit trail. Events are written inside the transaction of
//! the change they record, so the trail never misses a committed change.

use anyhow::Context;
use sqlx::{Any, Transaction};
use uuid::Uuid;

use super::Store;
use super::rows::{from_millis, millis};
use crate::domain::audit::{Actor, AuditAction, AuditEvent};

pub(super) async fn append(
    tx: &mut Transaction<'_, Any>,
    event: &AuditEvent,
) -> anyhow::Result<()> {
    append_many(tx, &[event]).await
}

/// Values per audit event in an INSERT.
pub(super) const AUDIT_COLUMNS: usize = 8;

/// Appends `events` in one statement.
pub(super) async fn append_many(
    tx: &mut Transaction<'_, Any>,
    events: &[&AuditEvent],
) -> anyhow::Result<()> {
    let sql = format!(
        "INSERT INTO audit_events
             (id, subject_id, action, actor, request_id, at_ms, details, caller_request_id)
         VALUES {}",
        super::group_commit::placeholders(tx, events.len(), AUDIT_COLUMNS)
    );
    let mut query = sqlx::query(&sql);
    for event in events {
        query = query
            .bind(event.id.to_string())
            .bind(event.subject_id.to_string())
            .bind(event.action.as_str())
            .bind(event.actor.as_str())
            .bind(&event.request_id)
            .bind(millis(event.at))
            .bind(&event.details)
            .bind(event.actor.caller_request_id().unwrap_or_default());
    }
    query
        .execute(&mut **tx)
        .await
        .context("appending to the audit trail")?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct EventRow {
    id: String,
    subject_id: String,
    action: String,
    actor: String,
    request_id: String,
    at_ms: i64,
    details: String,
    caller_request_id: String,
}

impl Store {
    /// Appends events that record reads; reads change nothing else, so they get their own
    /// transaction.
    #[tracing::instrument(name = "store.record_reads", skip_all)]
    pub async fn record_reads(&self, events: &[AuditEvent]) -> anyhow::Result<()> {
        if events.is_empty() {
            return Ok(());
        }
        let mut tx = self.pool.begin().await.context("starting a transaction")?;
        let events: Vec<&AuditEvent> = events.iter().collect();
        for chunk in events.chunks(super::group_commit::EVENTS_PER_STATEMENT) {
            append_many(&mut tx, chunk).await?;
        }
        tx.commit().await.context("committing audit events")
    }

    /// A subject's trail, oldest first, from after `after` (exclusive) for at most `limit`.
    #[tracing::instrument(name = "store.history", skip_all)]
    pub async fn history(
        &self,
        subject_id: Uuid,
        after: Option<Uuid>,
        limit: i64,
    ) -> anyhow::Result<Vec<AuditEvent>> {
        let rows: Vec<EventRow> = sqlx::query_as(
            "SELECT id, subject_id, action, actor, request_id, at_ms, details, caller_request_id
             FROM audit_events
             WHERE subject_id = $1 AND ($2 = '' OR id > $2)
             ORDER BY id
             LIMIT $3",
        )
        .bind(subject_id.to_string())
        .bind(after.map(|id| id.to_string()).unwrap_or_default())
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .context("reading the audit trail")?;
        rows.into_iter().map(EventRow::into_event).collect()
    }
}

impl EventRow {
    fn into_event(self) -> anyhow::Result<AuditEvent> {
        let action = AuditAction::ALL
            .into_iter()
            .find(|a| a.as_str() == self.action)
            .with_context(|| format!("audit event {} has an unknown action", self.id))?;
        Ok(AuditEvent {
            id: Uuid::parse_str(&self.id).context("a stored audit id")?,
            subject_id: Uuid::parse_str(&self.subject_id).context("a stored subject id")?,
            action,
            actor: Actor::principal(&self.actor)
                .with_caller_request_id(Some(self.caller_request_id).filter(|id| !id.is_empty())),
            request_id: self.request_id,
            at: from_millis(self.at_ms)?,
            details: self.details,
        })
    }
}
