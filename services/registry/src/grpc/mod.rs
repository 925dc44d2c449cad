//! The gRPC transport of the registry: handlers validate, call intake or the store, and
//! convert back.

pub mod access;
mod bulk;
mod case_requests;
mod convert;
mod errors;

use std::pin::Pin;

use tokio_stream::Stream;
use tonic::{Request, Response, Status, Streaming};
use wire::registry::v1 as pb;
use wire::registry::v1::registry_service_server::RegistryService;

use uuid::Uuid;

use crate::casework::{Casework, ChangeContext};
use crate::domain::audit::{Actor, AuditAction, AuditEvent};
use crate::domain::subject::Subject;
use crate::intake::{Intake, Requester};
use crate::metrics::RegistryMetrics;
use crate::store::{Store, SubjectFilter};
use case_requests::{HistoryPage, Review, StatusChange};
use convert::NewIntake;
pub use errors::ApiError;

pub struct RegistryApi {
    intake: Intake,
    casework: Casework,
    store: Store,
    metrics: RegistryMetrics,
}

impl RegistryApi {
    pub fn new(intake: Intake, store: Store, metrics: RegistryMetrics) -> Self {
        Self {
            intake,
            casework: Casework::new(store.clone()),
            store,
            metrics,
        }
    }
}

impl RegistryApi {
    /// Every read of a subject's record is on its audit trail, and the answer waits for it:
    /// an unrecorded read is never served. `method` says which call read it.
    async fn record_reads(
        &self,
        subjects: &[&Subject],
        caller: &Caller,
        method: &str,
    ) -> Result<(), ApiError> {
        let events: Vec<AuditEvent> = subjects
            .iter()
            .map(|s| {
                AuditEvent::new(
                    s.id,
                    AuditAction::Read,
                    &caller.actor,
                    &caller.call_id,
                    method,
                )
            })
            .collect();
        Ok(self.store.record_reads(&events).await?)
    }

    /// The subject `id`, if the caller may read it. A role that reads every subject gets
    /// `NOT_FOUND` for an unknown id; an intake principal, which reads only the subjects it
    /// registered, gets `PERMISSION_DENIED` for any other id, known or not (AIP-211: the
    /// answer must not tell whether a subject exists), and a refused read of a subject that
    /// exists is on that subject's trail.
    async fn readable(&self, id: Uuid, caller: &Caller, method: &str) -> Result<Subject, ApiError> {
        let subject = self.store.get_subject(id).await?;
        if caller.reads_every_subject {
            return subject.ok_or_else(ApiError::subject_not_found);
        }
        match subject {
            Some(subject) if subject.registered_by(caller.actor.as_str()) => Ok(subject),
            Some(subject) => {
                let refused = AuditEvent::new(
                    subject.id,
                    AuditAction::ReadRefused,
                    &caller.actor,
                    &caller.call_id,
                    format!("{method}: registered by another principal"),
                );
                self.store.record_reads(&[refused]).await?;
                Err(ApiError::not_registered_by_caller())
            }
            None => Err(ApiError::not_registered_by_caller()),
        }
    }
}

/// The authenticated caller of one call, as the audit trail names it.
struct Caller {
    /// The principal, with the `x-request-id` it sent (sanitised).
    actor: Actor,
    /// The registry's own id for this call: the audit's request id for events that are not
    /// an intake's (those carry the intake's `request_id`).
    call_id: String,
    reads_every_subject: bool,
}

impl Caller {
    fn of<T>(request: &Request<T>) -> Self {
        let caller_request_id = request
            .metadata()
            .get(service_kit::request_id::HEADER)
            .and_then(|v| service_kit::request_id::sanitise(v.as_bytes()));
        let principal = service_kit::auth::principal(request);
        let actor = match principal {
            Some(principal) => Actor::principal(&principal.name),
            // The auth layer lets no unauthenticated call reach these handlers.
            None => Actor::principal("unauthenticated"),
        };
        Self {
            actor: actor.with_caller_request_id(caller_request_id),
            call_id: Uuid::now_v7().to_string(),
            reads_every_subject: principal.is_some_and(access::reads_every_subject),
        }
    }

    fn change_context(self) -> ChangeContext {
        ChangeContext {
            actor: self.actor,
            call_id: self.call_id,
            expected_revision: None,
        }
    }

    fn requester(self) -> Requester {
        Requester {
            actor: self.actor,
            reads_every_subject: self.reads_every_subject,
        }
    }
}

pub(crate) type BoxStream<T> = Pin<Box<dyn Stream<Item = Result<T, Status>> + Send + 'static>>;

#[tonic::async_trait]
impl RegistryService for RegistryApi {
    async fn create_subject(
        &self,
        request: Request<pb::CreateSubjectRequest>,
    ) -> Result<Response<pb::Subject>, Status> {
        let requester = Caller::of(&request).requester();
        let intake = NewIntake::try_from(request.into_inner()).map_err(ApiError::from)?;
        let subject = self
            .intake
            .create(intake.request_id, intake.person, &requester)
            .await
            .map_err(ApiError::from)?;
        Ok(Response::new(convert::subject(&subject)))
    }

    async fn get_subject(
        &self,
        request: Request<pb::GetSubjectRequest>,
    ) -> Result<Response<pb::Subject>, Status> {
        let caller = Caller::of(&request);
        let id = convert::subject_id("id", &request.into_inner().id).map_err(ApiError::from)?;
        let subject = self.readable(id, &caller, "GetSubject").await?;
        self.record_reads(&[&subject], &caller, "GetSubject")
            .await?;
        Ok(Response::new(convert::subject(&subject)))
    }

    async fn list_subjects(
        &self,
        request: Request<pb::ListSubjectsRequest>,
    ) -> Result<Response<pb::ListSubjectsResponse>, Status> {
        let caller = Caller::of(&request);
        let filter = SubjectFilter::try_from(request.into_inner()).map_err(ApiError::from)?;
        let page_size = (filter.limit - 1) as usize;
        let mut subjects = self
            .store
            .list_subjects(&filter)
            .await
            .map_err(ApiError::from)?;
        let next_page_token = if subjects.len() > page_size {
            subjects.truncate(page_size);
            subjects
                .last()
                .map(|last| convert::encode_page_token(last.id))
                .unwrap_or_default()
        } else {
            String::new()
        };
        self.record_reads(
            &subjects.iter().collect::<Vec<_>>(),
            &caller,
            "ListSubjects",
        )
        .await?;
        Ok(Response::new(pb::ListSubjectsResponse {
            subjects: subjects.iter().map(convert::subject).collect(),
            next_page_token,
        }))
    }

    async fn update_subject_status(
        &self,
        request: Request<pb::UpdateSubjectStatusRequest>,
    ) -> Result<Response<pb::Subject>, Status> {
        let context = Caller::of(&request).change_context();
        let change = StatusChange::try_from(request.into_inner()).map_err(ApiError::from)?;
        let subject = self
            .casework
            .update_status(
                change.id,
                change.status,
                &change.reason,
                &ChangeContext {
                    expected_revision: change.expected_revision,
                    ..context
                },
            )
            .await
            .map_err(ApiError::from)?;
        Ok(Response::new(convert::subject(&subject)))
    }

    async fn review_hit(
        &self,
        request: Request<pb::ReviewHitRequest>,
    ) -> Result<Response<pb::Subject>, Status> {
        let context = Caller::of(&request).change_context();
        let review = Review::try_from(request.into_inner()).map_err(ApiError::from)?;
        let decision = review.decision.decision.as_str();
        let subject = self
            .casework
            .review_hit(
                review.id,
                review.decision,
                &ChangeContext {
                    expected_revision: review.expected_revision,
                    ..context
                },
            )
            .await
            .map_err(ApiError::from)?;
        self.metrics.review(decision);
        Ok(Response::new(convert::subject(&subject)))
    }

    type BulkCreateSubjectsStream = BoxStream<pb::BulkCreateSubjectsResponse>;

    async fn bulk_create_subjects(
        &self,
        request: Request<Streaming<pb::BulkCreateSubjectsRequest>>,
    ) -> Result<Response<Self::BulkCreateSubjectsStream>, Status> {
        let requester = Caller::of(&request).requester();
        Ok(Response::new(bulk::intake_stream(
            self.intake.clone(),
            requester,
            request.into_inner(),
        )))
    }

    async fn get_subject_statistics(
        &self,
        _request: Request<pb::GetSubjectStatisticsRequest>,
    ) -> Result<Response<pb::GetSubjectStatisticsResponse>, Status> {
        let statistics = self.store.statistics().await.map_err(ApiError::from)?;
        Ok(Response::new(pb::GetSubjectStatisticsResponse {
            by_status: statistics
                .by_status
                .iter()
                .map(|(status, count)| (convert::status_name(*status).to_owned(), *count))
                .collect(),
            by_screening_state: statistics
                .by_screening_state
                .iter()
                .map(|(state, count)| (convert::screening_state_name(*state).to_owned(), *count))
                .collect(),
            total: statistics.total,
        }))
    }

    async fn list_subject_history(
        &self,
        request: Request<pb::ListSubjectHistoryRequest>,
    ) -> Result<Response<pb::ListSubjectHistoryResponse>, Status> {
        let caller = Caller::of(&request);
        let page = HistoryPage::try_from(request.into_inner()).map_err(ApiError::from)?;
        let subject = self
            .readable(page.id, &caller, "ListSubjectHistory")
            .await?;
        let mut events = self
            .store
            .history(page.id, page.after, page.page_size + 1)
            .await
            .map_err(ApiError::from)?;
        let next_page_token = if events.len() as i64 > page.page_size {
            events.truncate(page.page_size as usize);
            events
                .last()
                .map(|last| convert::encode_page_token(last.id))
                .unwrap_or_default()
        } else {
            String::new()
        };
        // Reading the trail is a read of the subject too; the event lands after the page
        // read, so it shows on the next read of the trail.
        self.record_reads(&[&subject], &caller, "ListSubjectHistory")
            .await?;
        Ok(Response::new(pb::ListSubjectHistoryResponse {
            events: events.iter().map(convert::history_event).collect(),
            next_page_token,
        }))
    }
}
