//! The gRPC transport of the screening service: handlers that validate, call the domain and
//! convert back. No matching logic lives here.

pub mod access;
mod convert;
mod errors;
mod import;
mod stream;

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio::sync::mpsc;
use tokio_stream::Stream;
use tokio_stream::wrappers::ReceiverStream;
use tokio_util::sync::CancellationToken;
use tonic::{Request, Response, Status, Streaming};
use wire::screening::v1 as pb;
use wire::screening::v1::screening_service_server::ScreeningService;

use crate::domain::budget::{Budget, Limits};
use crate::domain::catalog::{Snapshot, WatchlistCatalog};
use crate::domain::screen::{ScreenOutcome, ScreenQuery, screen_within};
use crate::imports::Importer;
use crate::metrics::ScreeningMetrics;
pub use convert::screen_query;
pub use errors::ApiError;
use import::{DeleteRequest, ImportRequest};

/// How many responses a `ScreenStream` may run ahead of a slow client.
const STREAM_BUFFER: usize = 64;

/// How this server screens: the threshold for requests that set none, and each
/// screening's work budget.
#[derive(Debug, Clone, Copy)]
pub struct ScreenSettings {
    pub default_threshold: f64,
    pub limits: Limits,
}

pub struct ScreeningApi {
    catalog: Arc<WatchlistCatalog>,
    importer: Importer,
    settings: ScreenSettings,
    /// Cancelled at shutdown, so that open streams end and the server can drain.
    shutdown: CancellationToken,
    metrics: ScreeningMetrics,
}

impl ScreeningApi {
    pub fn new(
        catalog: Arc<WatchlistCatalog>,
        importer: Importer,
        settings: ScreenSettings,
        shutdown: CancellationToken,
        metrics: ScreeningMetrics,
    ) -> Self {
        Self {
            catalog,
            importer,
            settings,
            shutdown,
            metrics,
        }
    }
}

/// Runs matcher work off the async workers: a screening is CPU work. Its span, `matcher`,
/// is a child of the call's (a blocking thread has no current span of its own).
async fn off_the_workers<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ApiError> {
    let span = tracing::info_span!("matcher");
    tokio::task::spawn_blocking(move || span.in_scope(work))
        .await
        .map_err(|e| ApiError::Unexpected(anyhow::Error::new(e).context("screening task failed")))
}

/// Set, when dropped, the flag a screening's budget watches: tonic drops a call's future
/// when its caller cancels or its deadline (`grpc-timeout`) passes, and the screening
/// running off the workers then stops instead of burning on for no one.
pub(crate) struct StopWhenGone(pub Arc<AtomicBool>);

impl Drop for StopWhenGone {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

async fn screen_blocking(
    snapshot: Snapshot,
    query: ScreenQuery,
    settings: ScreenSettings,
    metrics: &ScreeningMetrics,
) -> Result<ScreenOutcome, ApiError> {
    let gone = Arc::new(AtomicBool::new(false));
    let _stop_when_gone = StopWhenGone(gone.clone());
    let (outcome, aligned) = off_the_workers(move || {
        let budget = Budget::new(settings.limits, Some(gone));
        let outcome = screen_within(&snapshot, &query, settings.default_threshold, &budget);
        (outcome, budget.names_aligned())
    })
    .await?;
    let outcome = outcome?;
    metrics.observe_screening(&outcome, aligned);
    Ok(outcome)
}

type BoxStream<T> = Pin<Box<dyn Stream<Item = Result<T, Status>> + Send + 'static>>;

#[tonic::async_trait]
impl ScreeningService for ScreeningApi {
    async fn screen(
        &self,
        request: Request<pb::ScreenRequest>,
    ) -> Result<Response<pb::ScreenResponse>, Status> {
        let request = request.into_inner();
        let request_id = request.request_id.clone();
        let query = screen_query(request).map_err(ApiError::from)?;
        let outcome =
            screen_blocking(self.catalog.snapshot(), query, self.settings, &self.metrics).await?;
        Ok(Response::new(convert::screen_response(request_id, outcome)))
    }

    type ScreenStreamStream = BoxStream<pb::ScreenResponse>;

    async fn screen_stream(
        &self,
        request: Request<Streaming<pb::ScreenRequest>>,
    ) -> Result<Response<Self::ScreenStreamStream>, Status> {
        Ok(Response::new(stream::screen_stream(
            self.catalog.clone(),
            self.settings,
            self.shutdown.clone(),
            self.metrics.clone(),
            request.into_inner(),
        )))
    }

    async fn list_watchlists(
        &self,
        _request: Request<pb::ListWatchlistsRequest>,
    ) -> Result<Response<pb::ListWatchlistsResponse>, Status> {
        let watchlists = self
            .catalog
            .snapshot()
            .values()
            .map(|list| convert::watchlist(list))
            .collect();
        Ok(Response::new(pb::ListWatchlistsResponse { watchlists }))
    }

    async fn import_watchlist(
        &self,
        request: Request<pb::ImportWatchlistRequest>,
    ) -> Result<Response<pb::ImportWatchlistResponse>, Status> {
        let imported_by = caller(&request);
        let ImportRequest { order, files } =
            ImportRequest::try_from(request.into_inner()).map_err(ApiError::from)?;
        let (list, changed) = self
            .importer
            .import(order, &imported_by)
            .await
            .map_err(|failure| ApiError::from_import(failure, |e| files.field_of(e)))?;
        Ok(Response::new(pb::ImportWatchlistResponse {
            watchlist: Some(convert::watchlist(&list)),
            changed,
        }))
    }

    async fn delete_watchlist(
        &self,
        request: Request<pb::DeleteWatchlistRequest>,
    ) -> Result<Response<pb::DeleteWatchlistResponse>, Status> {
        let deleted_by = caller(&request);
        let DeleteRequest { name } =
            DeleteRequest::try_from(request.into_inner()).map_err(ApiError::from)?;
        let list = self
            .importer
            .delete(&name, &deleted_by)
            .await
            .map_err(ApiError::from)?;
        Ok(Response::new(pb::DeleteWatchlistResponse {
            watchlist: Some(convert::watchlist(&list)),
        }))
    }

    type WatchWatchlistsStream = BoxStream<pb::WatchWatchlistsResponse>;

    async fn watch_watchlists(
        &self,
        _request: Request<pb::WatchWatchlistsRequest>,
    ) -> Result<Response<Self::WatchWatchlistsStream>, Status> {
        let mut changes = self.catalog.subscribe();
        let shutdown = self.shutdown.clone();
        let stream = async_stream(move |sender| async move {
            loop {
                let snapshot = changes.borrow_and_update().clone();
                let response = pb::WatchWatchlistsResponse {
                    watchlists: snapshot.values().map(|l| convert::watchlist(l)).collect(),
                };
                if sender.send(Ok(response)).await.is_err() {
                    return;
                }
                tokio::select! {
                    changed = changes.changed() => if changed.is_err() { return },
                    () = shutdown.cancelled() => return,
                }
            }
        });
        Ok(Response::new(stream))
    }
}

/// The principal a call is recorded under.
fn caller<T>(request: &Request<T>) -> String {
    service_kit::auth::principal(request).map_or_else(|| "unknown".to_owned(), |p| p.name.clone())
}

/// A response stream fed by a task, in the call's span; the task ends when the client goes
/// away.
fn async_stream<T, F, Fut>(produce: F) -> BoxStream<T>
where
    T: Send + 'static,
    F: FnOnce(mpsc::Sender<Result<T, Status>>) -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let (sender, receiver) = mpsc::channel(STREAM_BUFFER);
    tokio::spawn(tracing::Instrument::in_current_span(produce(sender)));
    Box::pin(ReceiverStream::new(receiver))
}
