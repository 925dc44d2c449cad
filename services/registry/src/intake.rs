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
use crate::metrics::{IntakeOutcome, RegistryMetrics};
use crate::screening_client::ScreeningClient;
use crate::store::{Inserted, Store};

#[derive(Debug, Clone)]
pub struct Intake {
    store: Store,
    screening: ScreeningClient,
    metrics: RegistryMetrics,
}

/// Who asks for an intake, as far as a replay of a taken request id is concerned.
#[derive(Debug, Clone)]
pub struct Requester {
    pub actor: Actor,
    /// Whether the caller's roles let it read every subject (not only those it registered).
    pub reads_every_subject: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    /// The caller may see the subject under this id, and it holds another person.
    #[error("request id {} was already used for a different person", person::quoted(.0))]
    RequestIdReused(String),
    /// Another principal's intake holds this id; the caller learns nothing about it.
    #[error("request id {} is already taken; use another one", person::quoted(.0))]
    RequestIdTaken(String),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl Intake {
    pub fn new(store: Store, screening: ScreeningClient, metrics: RegistryMetrics) -> Self {
        Self {
            store,
            screening,
            metrics,
        }
    }

    pub async fn create(
        &self,
        request_id: RequestId,
        person: Person,
        requester: &Requester,
    ) -> Result<Subject, IntakeError> {
        let screening = match self.screening.screen(&person).await {
            Ok(result) => Screening::completed(result, now(), &[]),
            Err(unavailable) => {
                // The connection's warnings say why (rate-limited, see `screening_link`); one
                // warning per intake would flood the log while screening is down.
                tracing::debug!(code = ?unavailable.code, "screening unavailable; subject recorded as pending");
                Screening::pending()
            }
        };
        self.record(request_id, person, screening, requester).await
    }

    /// Takes in many people at once, screened together on one `ScreenStream`; each gets its
    /// own outcome, as `create` would give it.
    pub async fn create_many(
        &self,
        people: Vec<(RequestId, Person)>,
        requester: &Requester,
    ) -> Vec<Result<Subject, IntakeError>> {
        let actor = &requester.actor;
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
                tracing::debug!(code = ?unavailable.code, count = people.len(), "screening unavailable; subjects recorded as pending");
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
                Err(error) => {
                    self.metrics.intake(IntakeOutcome::Failed);
                    outcomes.push(Some(Err(error)));
                }
            }
        }
        let keys: Vec<(RequestId, String)> = prepared
            .iter()
            .map(|(subject, fingerprint, _)| (subject.request_id.clone(), fingerprint.clone()))
            .collect();
        let inserted = self.store.insert_subjects(prepared).await;
        let mut written = Vec::with_capacity(inserted.len());
        for (inserted, (request_id, fingerprint)) in inserted.into_iter().zip(keys) {
            let inserted = inserted.map_err(IntakeError::from);
            written.push(
                self.resolve(inserted, &fingerprint, &request_id, requester)
                    .await,
            );
        }
        let mut written = written.into_iter();
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

    /// Commits a subject with the screening it got; a taken request id is a replay (see
    /// `replay`).
    async fn record(
        &self,
        request_id: RequestId,
        person: Person,
        screening: Screening,
        requester: &Requester,
    ) -> Result<Subject, IntakeError> {
        let (subject, fingerprint, audit) =
            new_subject(request_id, person, screening, &requester.actor).inspect_err(|_| {
                self.metrics.intake(IntakeOutcome::Failed);
            })?;
        let request_id = subject.request_id.clone();
        let inserted = self
            .store
            .insert_subject(&subject, &fingerprint, &audit)
            .await
            .map_err(IntakeError::from);
        self.resolve(inserted, &fingerprint, &request_id, requester)
            .await
    }

    async fn resolve(
        &self,
        inserted: Result<Inserted, IntakeError>,
        fingerprint: &str,
        request_id: &RequestId,
        requester: &Requester,
    ) -> Result<Subject, IntakeError> {
        let (resolved, outcome) = match inserted {
            Ok(Inserted::Created(subject)) => {
                let state = subject.screening.state;
                (Ok(subject), IntakeOutcome::Created(state))
            }
            // A retry, a reuse of the id, or a race with a call under the same id that
            // committed first.
            Ok(Inserted::Existing {
                subject,
                fingerprint: existing,
            }) => {
                let replayed = self
                    .replay(subject, existing == fingerprint, request_id, requester)
                    .await;
                let outcome = match &replayed {
                    Ok(_) => IntakeOutcome::Replayed,
                    Err(IntakeError::Unexpected(_)) => IntakeOutcome::Failed,
                    Err(_) => IntakeOutcome::Refused,
                };
                (replayed, outcome)
            }
            Err(error) => (Err(error), IntakeOutcome::Failed),
        };
        self.metrics.intake(outcome);
        resolved
    }

    /// Answers an intake whose request id is taken. A replay returns the subject only to a
    /// caller who could read it anyway (its creator, or a role that reads every subject) and
    /// only when it holds the same person; anyone else gets `ALREADY_EXISTS` with the same
    /// words whichever person the id holds, so that a replay tells a stranger nothing about
    /// whom another principal registered. Either way the subject's trail records the replay
    /// before the answer goes out: request ids cannot be probed unaudited.
    async fn replay(
        &self,
        existing: Subject,
        same_person: bool,
        request_id: &RequestId,
        requester: &Requester,
    ) -> Result<Subject, IntakeError> {
        let own = existing.registered_by(requester.actor.as_str());
        let outcome = replay_outcome(own, same_person, requester.reads_every_subject);
        let (action, details) = match outcome {
            Replay::Served => (AuditAction::Read, "CreateSubject replayed"),
            Replay::Reused => (
                AuditAction::ReplayRefused,
                "request id reused for a different person",
            ),
            Replay::Taken => (
                AuditAction::ReplayRefused,
                "request id of another principal's intake",
            ),
        };
        let event = AuditEvent::new(
            existing.id,
            action,
            &requester.actor,
            request_id.as_str(),
            details,
        );
        self.store.record_reads(&[event]).await?;
        match outcome {
            Replay::Served => Ok(existing),
            Replay::Reused => Err(IntakeError::RequestIdReused(request_id.as_str().to_owned())),
            Replay::Taken => Err(IntakeError::RequestIdTaken(request_id.as_str().to_owned())),
        }
    }
}

/// What a replay of a taken request id gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Replay {
    /// The subject, as a retry of the caller's own intake.
    Served,
    /// `ALREADY_EXISTS`, saying the id holds another person (the caller may read it).
    Reused,
    /// `ALREADY_EXISTS`, saying nothing of the subject under the id.
    Taken,
}

fn replay_outcome(own: bool, same_person: bool, reads_every_subject: bool) -> Replay {
    match (own || reads_every_subject, same_person) {
        (true, true) => Replay::Served,
        (true, false) => Replay::Reused,
        (false, _) => Replay::Taken,
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
        created_by: actor.as_str().to_owned(),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn its_creator_replaying_the_same_person_gets_the_subject_and_another_person_a_refusal() {
        assert_eq!(replay_outcome(true, true, false), Replay::Served);
        assert_eq!(replay_outcome(true, false, false), Replay::Reused);
    }

    #[test]
    fn another_intake_principal_is_refused_alike_whichever_person_it_sends() {
        assert_eq!(replay_outcome(false, true, false), Replay::Taken);
        assert_eq!(replay_outcome(false, false, false), Replay::Taken);
    }

    #[test]
    fn a_role_that_reads_every_subject_replays_any_intake() {
        assert_eq!(replay_outcome(false, true, true), Replay::Served);
        assert_eq!(replay_outcome(false, false, true), Replay::Reused);
    }
}
