//! Intake: record a person, screened if screening answers in time, PENDING otherwise.
//! An acknowledged intake is always committed; a retry with the same request id returns
//! the same subject.

use anyhow::Context;
use person::Person;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::domain::audit::{Actor, AuditAction, AuditEvent};
use crate::domain::screening::Screening;
use crate::domain::subject::{RequestId, Subject, SubjectStatus, now};
use crate::screening_client::ScreeningClient;
use crate::store::{Inserted, Store};

#[derive(Debug, Clone)]
pub struct Intake {
    store: Store,
    screening: ScreeningClient,
}

#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    #[error("request id {0:?} was already used for a different person")]
    RequestIdReused(String),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl Intake {
    pub fn new(store: Store, screening: ScreeningClient) -> Self {
        Self { store, screening }
    }

    pub async fn create(
        &self,
        request_id: RequestId,
        person: Person,
        actor: &Actor,
    ) -> Result<Subject, IntakeError> {
        let fingerprint = fingerprint(&person)?;
        if let Some((existing, existing_fingerprint)) =
            self.store.find_by_request_id(&request_id).await?
        {
            return same_intake(existing, &existing_fingerprint, &fingerprint, &request_id);
        }

        let screening = match self.screening.screen(&person).await {
            Ok(result) => Screening::completed(result, now(), &[]),
            Err(unavailable) => {
                tracing::warn!(code = ?unavailable.code, "screening unavailable; subject recorded as pending");
                Screening::pending()
            }
        };
        let created_at = now();
        let subject = Subject {
            id: Uuid::now_v7(),
            request_id: request_id.clone(),
            person,
            status: SubjectStatus::Identified,
            screening,
            reviews: Vec::new(),
            created_at,
            updated_at: created_at,
            revision: 1,
        };
        let mut audit = vec![AuditEvent::new(
            subject.id,
            AuditAction::Created,
            actor,
            request_id.as_str(),
            "status identified",
        )];
        if subject.screening.screened_at.is_some() {
            audit.push(screened_event(&subject, actor, request_id.as_str()));
        }
        match self
            .store
            .insert_subject(&subject, &fingerprint, &audit)
            .await?
        {
            Inserted::Created(subject) => Ok(subject),
            // Another call with the same request id committed first.
            Inserted::Existing {
                subject: existing,
                fingerprint: existing_fingerprint,
            } => same_intake(existing, &existing_fingerprint, &fingerprint, &request_id),
        }
    }
}

fn same_intake(
    existing: Subject,
    existing_fingerprint: &str,
    fingerprint: &str,
    request_id: &RequestId,
) -> Result<Subject, IntakeError> {
    if existing_fingerprint == fingerprint {
        Ok(existing)
    } else {
        Err(IntakeError::RequestIdReused(request_id.as_str().to_owned()))
    }
}

/// The audit record of a completed screening: its outcome and the list versions, not the
/// person's data.
pub fn screened_event(subject: &Subject, actor: &Actor, request_id: &str) -> AuditEvent {
    let screening = &subject.screening;
    let versions: Vec<String> = screening
        .versions
        .iter()
        .map(|v| format!("{}@{}", v.watchlist, v.version))
        .collect();
    AuditEvent::new(
        subject.id,
        AuditAction::Screened,
        actor,
        request_id,
        format!(
            "state {}; {} hit(s); lists {}",
            screening.state.as_str(),
            screening.hits.len(),
            versions.join(", ")
        ),
    )
}

/// Identifies the intake's content, so that a retry is told apart from a reuse of the key.
fn fingerprint(person: &Person) -> anyhow::Result<String> {
    let canonical = serde_json::to_vec(person).context("encoding a person")?;
    Ok(hex::encode(Sha256::digest(&canonical)))
}
