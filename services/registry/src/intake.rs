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
    #[error("request id {} was already used for a different person", person::quoted(.0))]
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
        let screening = match self.screening.screen(&person).await {
            Ok(result) => Screening::completed(result, now(), &[]),
            Err(unavailable) => {
                tracing::warn!(code = ?unavailable.code, "screening unavailable; subject recorded as pending");
                Screening::pending()
            }
        };
        self.record(request_id, person, screening, actor).await
    }

    /// Takes in many people at once, screened together on one `ScreenStream`; each gets its
    /// own outcome, as `create` would give it.
    pub async fn create_many(
        &self,
        people: Vec<(RequestId, Person)>,
        actor: &Actor,
    ) -> Vec<Result<Subject, IntakeError>> {
        let persons: Vec<&Person> = people.iter().map(|(_, person)| person).collect();
        let screenings: Vec<Screening> = match self.screening.screen_many(&persons).await {
            Ok(results) => results
                .into_iter()
                .map(|result| match result {
                    Ok(result) => Screening::completed(result, now(), &[]),
                    // Screening refused the person (it validates more narrowly): recorded,
                    // and left to the pending worker as a refused screening would be.
                    Err(_) => Screening::pending(),
                })
                .collect(),
            Err(unavailable) => {
                tracing::warn!(code = ?unavailable.code, count = people.len(), "screening unavailable; subjects recorded as pending");
                vec![Screening::pending(); people.len()]
            }
        };
        let mut prepared = Vec::with_capacity(people.len());
        let mut outcomes: Vec<Option<Result<Subject, IntakeError>>> = Vec::new();
        for ((request_id, person), screening) in people.into_iter().zip(screenings) {
            match new_subject(request_id, person, screening, actor) {
                Ok(intake) => {
                    outcomes.push(None);
                    prepared.push(intake);
                }
                Err(error) => outcomes.push(Some(Err(error))),
            }
        }
        let keys: Vec<(RequestId, String)> = prepared
            .iter()
            .map(|(subject, fingerprint, _)| (subject.request_id.clone(), fingerprint.clone()))
            .collect();
        let mut written = self
            .store
            .insert_subjects(prepared)
            .await
            .into_iter()
            .zip(keys)
            .map(|(inserted, (request_id, fingerprint))| {
                resolve(
                    inserted.map_err(IntakeError::from),
                    &fingerprint,
                    &request_id,
                )
            });
        outcomes
            .into_iter()
            .map(|outcome| {
                outcome.unwrap_or_else(|| {
                    written.next().unwrap_or_else(|| {
                        Err(IntakeError::Unexpected(anyhow::anyhow!(
                            "an intake went unanswered"
                        )))
                    })
                })
            })
            .collect()
    }

    /// Commits a subject with the screening it got; a taken request id returns the first
    /// subject (a retry) or an error (the id reused for someone else).
    async fn record(
        &self,
        request_id: RequestId,
        person: Person,
        screening: Screening,
        actor: &Actor,
    ) -> Result<Subject, IntakeError> {
        let (subject, fingerprint, audit) = new_subject(request_id, person, screening, actor)?;
        let request_id = subject.request_id.clone();
        let inserted = self
            .store
            .insert_subject(&subject, &fingerprint, &audit)
            .await
            .map_err(IntakeError::from);
        resolve(inserted, &fingerprint, &request_id)
    }
}

/// A new subject from an intake, with its fingerprint and audit events. No look-up of the
/// request id first: retries are rare, and the insert finds a taken request id anyway, so
/// every first attempt saves a read.
fn new_subject(
    request_id: RequestId,
    person: Person,
    screening: Screening,
    actor: &Actor,
) -> Result<(Subject, String, Vec<AuditEvent>), IntakeError> {
    let fingerprint = fingerprint(&person)?;
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
    Ok((subject, fingerprint, audit))
}

fn resolve(
    inserted: Result<Inserted, IntakeError>,
    fingerprint: &str,
    request_id: &RequestId,
) -> Result<Subject, IntakeError> {
    match inserted? {
        Inserted::Created(subject) => Ok(subject),
        // Another call with the same request id committed first.
        Inserted::Existing {
            subject: existing,
            fingerprint: existing_fingerprint,
        } => same_intake(existing, &existing_fingerprint, fingerprint, request_id),
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
