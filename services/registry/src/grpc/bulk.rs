//! Bulk intake: many `CreateSubject`s on one stream, a result per item as each completes.
//! A bad item is answered with its error and the stream goes on.

use std::sync::Arc;

use tokio::sync::{Semaphore, mpsc};
use tokio_stream::StreamExt;
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Status, Streaming};
use wire::common::v1 as common;
use wire::registry::v1 as pb;

use super::convert::{self, NewIntake};
use super::{ApiError, BoxStream};
use crate::domain::audit::Actor;
use crate::intake::Intake;

/// Items screened and committed at once on one stream.
const MAX_IN_FLIGHT: usize = 256;

pub fn intake_stream(
    intake: Intake,
    actor: Actor,
    mut inbound: Streaming<pb::BulkCreateSubjectsRequest>,
) -> BoxStream<pb::BulkCreateSubjectsResponse> {
    let (sender, receiver) = mpsc::channel(MAX_IN_FLIGHT);
    tokio::spawn(async move {
        let permits = Arc::new(Semaphore::new(MAX_IN_FLIGHT));
        while let Some(item) = inbound.next().await {
            let item = match item {
                Ok(item) => item,
                Err(status) => {
                    tracing::debug!(code = ?status.code(), "bulk intake stream closed by client");
                    break;
                }
            };
            let Ok(permit) = permits.clone().acquire_owned().await else {
                break;
            };
            let (intake, actor, sender) = (intake.clone(), actor.clone(), sender.clone());
            tokio::spawn(async move {
                let response = intake_one(&intake, &actor, item).await;
                let _ = sender.send(Ok(response)).await;
                drop(permit);
            });
        }
    });
    Box::pin(ReceiverStream::new(receiver))
}

async fn intake_one(
    intake: &Intake,
    actor: &Actor,
    item: pb::BulkCreateSubjectsRequest,
) -> pb::BulkCreateSubjectsResponse {
    let request = item.subject.unwrap_or_default();
    let request_id = request.request_id.clone();
    let outcome = match NewIntake::try_from(request) {
        Err(violations) => Err(ApiError::InvalidArgument(violations)),
        Ok(new) => intake
            .create(new.request_id, new.person, actor)
            .await
            .map_err(ApiError::from),
    };
    let result = match outcome {
        Ok(subject) => {
            pb::bulk_create_subjects_response::Result::Subject(convert::subject(&subject))
        }
        Err(error) => pb::bulk_create_subjects_response::Result::Error(item_error(error)),
    };
    pb::BulkCreateSubjectsResponse {
        request_id,
        result: Some(result),
    }
}

/// The per-item form of the status a lone `CreateSubject` would have returned; internal
/// causes are logged by the status conversion and never sent.
fn item_error(error: ApiError) -> pb::BulkItemError {
    let field_violations = match &error {
        ApiError::InvalidArgument(violations) => violations
            .iter()
            .map(|v| common::FieldViolation {
                field: format!("subject.{}", v.field),
                description: v.description.clone(),
            })
            .collect(),
        _ => Vec::new(),
    };
    let status = Status::from(error);
    pb::BulkItemError {
        code: status.code() as i32,
        message: status.message().to_owned(),
        field_violations,
    }
}
