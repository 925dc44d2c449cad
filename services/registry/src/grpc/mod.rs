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
use crate::intake::Intake;
use crate::store::{Store, SubjectFilter};
use case_requests::{HistoryPage, Review, StatusChange};
use convert::NewIntake;
pub use errors::ApiError;

pub struct RegistryApi {
    intake: Intake,
    casework: Casework,
    store: Store,
}

impl RegistryApi {
    pub fn new(intake: Intake, store: Store) -> Self {
        Self {
            intake,
            casework: Casework::new(store.clone()),
            store,
        }
    }
}

impl RegistryApi {
    /// Every read of a subject's record is on its audit trail, and the answer waits for it:
    /// an unrecorded read is never served.
    async fn record_reads(
        &self,
        subjects: &[&Subject],
        actor: &Actor,
        call_id: &str,
    ) -> Result<(), ApiError> {
        let events: Vec<AuditEvent> = subjects
            .iter()
            .map(|s| AuditEvent::new(s.id, AuditAction::Read, actor, call_id, ""))
            .collect();
        Ok(self.store.record_reads(&events).await?)
    }
}

/// The authenticated caller, as the audit trail names them.
fn actor<T>(request: &Request<T>) -> Actor {
    match service_kit::auth::principal(request) {
        Some(principal) => Actor::principal(&principal.name),
        // The auth layer lets no unauthenticated call reach these handlers.
        None => Actor::principal("unauthenticated"),
    }
}

fn change_context<T>(request: &Request<T>) -> ChangeContext {
    ChangeContext {
        actor: actor(request),
        call_id: call_id(request),
        expected_revision: None,
    }
}

/// The caller's `x-request-id` when it sent a usable one, so that the trail can be matched
/// with the caller's own logs; otherwise a fresh id.
fn call_id<T>(request: &Request<T>) -> String {
    request
        .metadata()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty() && v.len() <= 128)
        .map_or_else(|| Uuid::now_v7().to_string(), str::to_owned)
}

pub(crate) type BoxStream<T> = Pin<Box<dyn Stream<Item = Result<T, Status>> + Send + 'static>>;

#[tonic::async_trait]
impl RegistryService for RegistryApi {
    async fn create_subject(
        &self,
        request: Request<pb::CreateSubjectRequest>,
    ) -> Result<Response<pb::Subject>, Status> {
        let actor = actor(&request);
        let intake = NewIntake::try_from(request.into_inner()).map_err(ApiError::from)?;
        let subject = self
            .intake
            .create(intake.request_id, intake.person, &actor)
            .await
            .map_err(ApiError::from)?;
        Ok(Response::new(convert::subject(&subject)))
    }

    async fn get_subject(
        &self,
        request: Request<pb::GetSubjectRequest>,
    ) -> Result<Response<pb::Subject>, Status> {
        let (actor, call_id) = (actor(&request), call_id(&request));
        let id = convert::subject_id("id", &request.into_inner().id).map_err(ApiError::from)?;
        let subject = self
            .store
            .get_subject(id)
            .await
            .map_err(ApiError::from)?
            .ok_or_else(ApiError::subject_not_found)?;
        self.record_reads(&[&subject], &actor, &call_id).await?;
        Ok(Response::new(convert::subject(&subject)))
    }

    async fn list_subjects(
        &self,
        request: Request<pb::ListSubjectsRequest>,
    ) -> Result<Response<pb::ListSubjectsResponse>, Status> {
        let (actor, call_id) = (actor(&request), call_id(&request));
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
        self.record_reads(&subjects.iter().collect::<Vec<_>>(), &actor, &call_id)
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
        let context = change_context(&request);
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
        let context = change_context(&request);
        let review = Review::try_from(request.into_inner()).map_err(ApiError::from)?;
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
        Ok(Response::new(convert::subject(&subject)))
    }

    type BulkCreateSubjectsStream = BoxStream<pb::BulkCreateSubjectsResponse>;

    async fn bulk_create_subjects(
        &self,
        request: Request<Streaming<pb::BulkCreateSubjectsRequest>>,
    ) -> Result<Response<Self::BulkCreateSubjectsStream>, Status> {
        let actor = actor(&request);
        Ok(Response::new(bulk::intake_stream(
            self.intake.clone(),
            actor,
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
        let page = HistoryPage::try_from(request.into_inner()).map_err(ApiError::from)?;
        if self
            .store
            .get_subject(page.id)
            .await
            .map_err(ApiError::from)?
            .is_none()
        {
            return Err(ApiError::subject_not_found().into());
        }
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
        Ok(Response::new(pb::ListSubjectHistoryResponse {
            events: events.iter().map(convert::history_event).collect(),
            next_page_token,
        }))
    }
}
