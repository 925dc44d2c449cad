//! `ScreenStream`: answers in request order. Requests that have already arrived when one is
//! taken up are screened together in one blocking task, so that a client sending a batch
//! pays one hand-over to the blocking pool for it rather than one per request (on two
//! cores the thread switches cost as much as a quick screening).

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::task::Poll;

use tokio_stream::{Stream, StreamExt};
use tokio_util::sync::CancellationToken;
use tonic::{Status, Streaming};
use wire::screening::v1 as pb;

use super::{ApiError, ScreenSettings, StopWhenGone, async_stream, convert, off_the_workers};
use crate::domain::budget::Budget;
use crate::domain::catalog::WatchlistCatalog;
use crate::domain::screen::screen_within;
use crate::metrics::ScreeningMetrics;

/// Most requests screened in one blocking task.
const MAX_BATCH: usize = 64;

type Answer = Result<pb::ScreenResponse, Status>;

pub(super) fn screen_stream(
    catalog: Arc<WatchlistCatalog>,
    settings: ScreenSettings,
    shutdown: CancellationToken,
    metrics: ScreeningMetrics,
    mut inbound: Streaming<pb::ScreenRequest>,
) -> super::BoxStream<pb::ScreenResponse> {
    async_stream(move |sender| async move {
        loop {
            let next = tokio::select! {
                next = inbound.next() => next,
                () = shutdown.cancelled() => {
                    let _ = sender.send(Err(Status::unavailable("server is shutting down"))).await;
                    return;
                }
            };
            let mut batch = match next {
                Some(Ok(request)) => vec![request],
                None => return,
                Some(Err(status)) => {
                    tracing::debug!(code = ?status.code(), "screen stream closed by client");
                    return;
                }
            };
            let mut ended = false;
            while batch.len() < MAX_BATCH {
                match already_arrived(&mut inbound).await {
                    Some(Some(Ok(request))) => batch.push(request),
                    Some(_) => {
                        ended = true;
                        break;
                    }
                    None => break,
                }
            }
            for answer in answer(&catalog, settings, &metrics, batch).await {
                if sender.send(answer).await.is_err() {
                    return;
                }
            }
            if ended {
                return;
            }
        }
    })
}

/// The stream's next item if it is there without waiting; `None` if it is not.
async fn already_arrived<S: Stream + Unpin>(stream: &mut S) -> Option<Option<S::Item>> {
    std::future::poll_fn(|context| match Pin::new(&mut *stream).poll_next(context) {
        Poll::Ready(item) => Poll::Ready(Some(item)),
        Poll::Pending => Poll::Ready(None),
    })
    .await
}

/// One answer per request, in order: invalid requests are rejected at once, the valid ones
/// screened together against one snapshot of the lists.
async fn answer(
    catalog: &WatchlistCatalog,
    settings: ScreenSettings,
    metrics: &ScreeningMetrics,
    batch: Vec<pb::ScreenRequest>,
) -> Vec<Answer> {
    let mut answers: Vec<Option<Answer>> = Vec::with_capacity(batch.len());
    let mut queries = Vec::with_capacity(batch.len());
    for request in batch {
        let request_id = request.request_id.clone();
        match super::screen_query(request) {
            Ok(query) => {
                queries.push((answers.len(), request_id, query));
                answers.push(None);
            }
            Err(violations) => {
                answers.push(Some(Ok(convert::rejected_response(request_id, violations))))
            }
        }
    }
    let snapshot = catalog.snapshot();
    let gone = Arc::new(AtomicBool::new(false));
    let _stop_when_gone = StopWhenGone(gone.clone());
    let screened = off_the_workers(move || {
        // The batch's matcher span stands for its queries: spans per query and list would be
        // thousands per re-screening, for the exporter to drop.
        let _untraced = tracing::dispatcher::set_default(&tracing::Dispatch::none());
        queries
            .into_iter()
            .map(|(position, request_id, query)| {
                // Each request has a budget of its own; all stop when the stream is gone.
                let budget = Budget::new(settings.limits, Some(gone.clone()));
                let outcome = screen_within(&snapshot, &query, settings.default_threshold, &budget);
                (position, request_id, outcome, budget.names_aligned())
            })
            .collect::<Vec<_>>()
    })
    .await;
    match screened {
        Ok(screened) => {
            for (position, request_id, outcome, aligned) in screened {
                answers[position] = Some(match outcome.map_err(ApiError::from) {
                    Ok(outcome) => {
                        metrics.observe_screening(&outcome, aligned);
                        Ok(convert::screen_response(request_id, outcome))
                    }
                    // A list named in the request may be unknown: still this request's
                    // answer, so it keeps its request id.
                    Err(ApiError::InvalidArgument(violations)) => {
                        Ok(convert::rejected_response(request_id, violations))
                    }
                    Err(other) => Err(Status::from(other)),
                });
            }
        }
        // The stream ends with it: the client retries what it has no answer for.
        Err(failed) => return vec![Err(Status::from(failed))],
    }
    answers.into_iter().flatten().collect()
}
