//! The gRPC transport of the registry: handlers validate, call intake or the store, and
//! convert back.

pub mod access;
mod convert;
mod errors;

use std::pin::Pin;

use tokio_stream::Stream;
use tonic::{Request, Response, Status, Streaming};
use wire::registry::v1 as pb;
use wire::registry::v1::registry_service_server::RegistryService;

use crate::intake::Intake;
use crate::store::{Store, SubjectFilter};
use convert::NewIntake;
pub use errors::ApiError;

pub struct RegistryApi {
    intake: Intake,
    store: Store,
}

impl RegistryApi {
    pub fn new(intake: Intake, store: Store) -> Self {
        Self { intake, store }
    }
}

type BoxStream<T> = Pin<Box<dyn Stream<Item = Result<T, Status>> + Send + 'static>>;

fn not_yet(rpc: &str) -> Status {
    Status::unimplemented(format!("{rpc} is not available yet"))
}

#[tonic::async_trait]
impl RegistryService for RegistryApi {
    async fn create_subject(
        &self,
        request: Request<pb::CreateSubjectRequest>,
    ) -> Result<Response<pb::Subject>, Status> {
        let intake = NewIntake::try_from(request.into_inner()).map_err(ApiError::from)?;
        let subject = self
            .intake
            .create(intake.request_id, intake.person)
            .await
            .map_err(ApiError::from)?;
        Ok(Response::new(convert::subject(&subject)))
    }

    async fn get_subject(
        &self,
        request: Request<pb::GetSubjectRequest>,
    ) -> Result<Response<pb::Subject>, Status> {
        let id = convert::subject_id("id", &request.into_inner().id).map_err(ApiError::from)?;
        let subject = self
            .store
            .get_subject(id)
            .await
            .map_err(ApiError::from)?
            .ok_or(ApiError::NotFound)?;
        Ok(Response::new(convert::subject(&subject)))
    }

    async fn list_subjects(
        &self,
        request: Request<pb::ListSubjectsRequest>,
    ) -> Result<Response<pb::ListSubjectsResponse>, Status> {
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
        Ok(Response::new(pb::ListSubjectsResponse {
            subjects: subjects.iter().map(convert::subject).collect(),
            next_page_token,
        }))
    }

    async fn update_subject_status(
        &self,
        _request: Request<pb::UpdateSubjectStatusRequest>,
    ) -> Result<Response<pb::Subject>, Status> {
        Err(not_yet("UpdateSubjectStatus"))
    }

    async fn review_hit(
        &self,
        _request: Request<pb::ReviewHitRequest>,
    ) -> Result<Response<pb::Subject>, Status> {
        Err(not_yet("ReviewHit"))
    }

    type BulkCreateSubjectsStream = BoxStream<pb::BulkCreateSubjectsResponse>;

    async fn bulk_create_subjects(
        &self,
        _request: Request<Streaming<pb::BulkCreateSubjectsRequest>>,
    ) -> Result<Response<Self::BulkCreateSubjectsStream>, Status> {
        Err(not_yet("BulkCreateSubjects"))
    }

    async fn get_subject_statistics(
        &self,
        _request: Request<pb::GetSubjectStatisticsRequest>,
    ) -> Result<Response<pb::GetSubjectStatisticsResponse>, Status> {
        Err(not_yet("GetSubjectStatistics"))
    }

    async fn list_subject_history(
        &self,
        _request: Request<pb::ListSubjectHistoryRequest>,
    ) -> Result<Response<pb::ListSubjectHistoryResponse>, Status> {
        Err(not_yet("ListSubjectHistory"))
    }
}
