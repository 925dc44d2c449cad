//! Bulk intake: many `CreateSubject`s on one stream, a result per item as each completes.
//! A bad item is answered with its error and the stream goes on.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Semaphore, mpsc};
use tokio_stream::StreamExt;
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Status, Streaming};
use tracing::Instrument;
use wire::common::v1 as common;
use wire::registry::v1 as pb;

use super::convert::{self, NewIntake};
use super::{ApiError, BoxStream};
use crate::intake::{Intake, Requester};

/// Items screened together on one `ScreenStream` call.
const BATCH: usize = 64;
/// How long a partial batch waits for more items before it is screened anyway.
const BATCH_WAIT: Duration = Duration::from_millis(2);
/// Batches screened and committed at once on one bulk stream.
const BATCHES_IN_FLIGHT: usize = 8;

pub fn intake_stream(
    intake: Intake,
    requester: Requester,
    inbound: Streaming<pb::BulkCreateSubjectsRequest>,
) -> BoxStream<pb::BulkCreateSubjectsResponse> {
    let (sender, receiver) = mpsc::channel(BATCH * BATCHES_IN_FLIGHT);
    tokio::spawn(
        async move {
            let permits = Arc::new(Semaphore::new(BATCHES_IN_FLIGHT));
            let mut unreadable = None;
            let batches = inbound
                .map_while(|item| match item {
                    Ok(item) => Some(item),
                    Err(status) => {
                        tracing::debug!(code = ?status.code(), "bulk intake stream ended by an error");
                        unreadable = unread_item(&status);
                        None
                    }
                })
                .chunks_timeout(BATCH, BATCH_WAIT);
            tokio::pin!(batches);
            while let Some(items) = batches.next().await {
                let Ok(permit) = permits.clone().acquire_owned().await else {
                    break;
                };
                let (intake, requester, sender) =
                    (intake.clone(), requester.clone(), sender.clone());
                tokio::spawn(
                    async move {
                        for response in intake_batch(&intake, &requester, items).await {
                            if sender.send(Ok(response)).await.is_err() {
                                break;
                            }
                        }
                        drop(permit);
                    }
                    .in_current_span(),
                );
            }
            // The items read before are answered first; then the stream ends with why the
            // rest was not read, so that a caller never takes a cut stream for a whole one.
            if let Some(status) = unreadable
                && permits.acquire_many(BATCHES_IN_FLIGHT as u32).await.is_ok()
            {
                let _ = sender.send(Err(status)).await;
            }
        }
        // The call's span, so that its batches' calls to screening and the store join its trace.
        .in_current_span(),
    );
    Box::pin(ReceiverStream::new(receiver))
}

/// The status that ends the answer when an incoming item could not be read: an item over the
/// message limit, or one that does not decode. A caller that went away needs none.
fn unread_item(status: &Status) -> Option<Status> {
    match status.code() {
        tonic::Code::Cancelled => None,
        tonic::Code::ResourceExhausted => Some(Status::resource_exhausted(
            "an item is larger than the registry takes; the items after it were not read",
        )),
        _ => Some(Status::invalid_argument(
            "an item could not be read; the items after it were not read",
        )),
    }
}

/// Validates each item, screens the valid ones together and commits each; one response per
/// item.
async fn intake_batch(
    intake: &Intake,
    requester: &Requester,
    items: Vec<pb::BulkCreateSubjectsRequest>,
) -> Vec<pb::BulkCreateSubjectsResponse> {
    let mut responses = Vec::with_capacity(items.len());
    let mut valid = Vec::with_capacity(items.len());
    for item in items {
        let request = item.subject.unwrap_or_default();
        let request_id = request.request_id.clone();
        match NewIntake::try_from(request) {
            Ok(new) => valid.push((request_id, new)),
            Err(violations) => responses.push(response(
                request_id,
                Err(ApiError::InvalidArgument(violations)),
            )),
        }
    }
    let (ids, people): (Vec<String>, Vec<_>) = valid
        .into_iter()
        .map(|(id, new)| (id, (new.request_id, new.person)))
        .unzip();
    let outcomes = intake.create_many(people, requester).await;
    responses.extend(
        ids.into_iter()
            .zip(outcomes)
            .map(|(id, outcome)| response(id, outcome.map_err(ApiError::from))),
    );
    responses
}

fn response(
    request_id: String,
    outcome: Result<crate::domain::subject::Subject, ApiError>,
) -> pb::BulkCreateSubjectsResponse {
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
