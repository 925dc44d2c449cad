//! Load shedding: a server takes on only the calls it can serve in time, and refuses the
//! rest at once with `RESOURCE_EXHAUSTED`, rather than queueing them until every caller waits
//! seconds.
//!
//! At most `max_concurrent_calls` calls run at once; at most `max_queued_calls` more wait for
//! a turn, in arrival order, each for at most `max_queue_wait` and never past half of the
//! time its deadline (`grpc-timeout`) leaves, so that a refusal reaches the caller before its
//! deadline and the other half remains for the work. A call is counted from when it is
//! admitted until its response has been sent whole: a stream holds its place while it is
//! open. Health checks are never shed, so that an orchestrator does not restart a server
//! for being busy.
//!
//! tower's `ConcurrencyLimit` and `LoadShed` were the first choice, but the limit releases
//! its permit when the response's headers are ready (a stream would count for nothing) and
//! their queue knows no deadline; a tokio semaphore (fair, first come first served) holds
//! the place here, moved into the response body.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use http_body_util::BodyExt;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tonic::Status;
use tower::{Layer, Service, ServiceExt};

use crate::metrics::RpcMetrics;

/// Defaults, documented in the README with the flags that change them.
pub const DEFAULT_MAX_QUEUED_CALLS: usize = 256;
pub const DEFAULT_MAX_QUEUE_WAIT_MS: u64 = 50;

/// How often at most the count of refused calls is logged.
const LOG_INTERVAL: Duration = Duration::from_secs(10);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Calls served at once (at least one).
    pub max_concurrent_calls: usize,
    /// Calls waiting for a turn; beyond that a call is refused without waiting.
    pub max_queued_calls: usize,
    /// The longest a call waits for a turn.
    pub max_queue_wait: Duration,
}

/// The tower layer that sheds calls over `Limits`; one per server, shared by its
/// connections.
#[derive(Clone)]
pub struct ShedLayer {
    shared: Arc<Shared>,
    metrics: Option<RpcMetrics>,
}

struct Shared {
    running: Arc<Semaphore>,
    queue: Semaphore,
    max_queue_wait: Duration,
    log: ShedLog,
}

impl ShedLayer {
    /// `server` names the server in the log line that counts refused calls.
    pub fn new(limits: Limits, server: &'static str) -> Self {
        Self {
            shared: Arc::new(Shared {
                running: Arc::new(Semaphore::new(limits.max_concurrent_calls.max(1))),
                queue: Semaphore::new(limits.max_queued_calls),
                max_queue_wait: limits.max_queue_wait,
                log: ShedLog::new(server),
            }),
            metrics: None,
        }
    }

    /// Counts refused calls by method in `metrics` as well (`grpc_server_shed_total`).
    pub fn with_metrics(self, metrics: RpcMetrics) -> Self {
        Self {
            metrics: Some(metrics),
            ..self
        }
    }

    /// Calls refused since the server started.
    pub fn shed_calls(&self) -> u64 {
        self.shared.log.total.load(Ordering::Relaxed)
    }
}

impl<S> Layer<S> for ShedLayer {
    type Service = Shed<S>;

    fn layer(&self, inner: S) -> Self::Service {
        Shed {
            inner,
            shared: self.shared.clone(),
            metrics: self.metrics.clone(),
        }
    }
}

#[derive(Clone)]
pub struct Shed<S> {
    inner: S,
    shared: Arc<Shared>,
    metrics: Option<RpcMetrics>,
}

impl<S, B, R> Service<http::Request<B>> for Shed<S>
where
    S: Service<http::Request<B>, Response = http::Response<R>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
    B: Send + 'static,
    R: http_body::Body<Data = bytes::Bytes> + Send + 'static,
    R::Error: Into<tower::BoxError>,
{
    type Response = http::Response<tonic::body::Body>;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        // Readiness is decided per call, after admission; the inner service is made ready
        // then (`oneshot`).
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        let inner = self.inner.clone();
        if request.uri().path().starts_with("/grpc.health.v1.Health/") {
            return Box::pin(async move {
                let response = inner.oneshot(request).await?;
                Ok(response.map(tonic::body::Body::new))
            });
        }
        let shared = self.shared.clone();
        let metrics = self.metrics.clone();
        Box::pin(async move {
            let deadline = grpc_timeout(request.headers());
            match shared.admit(deadline).await {
                Ok(place) => {
                    let response = inner.oneshot(request).await?;
                    Ok(response.map(|body| hold_until_sent(body, place)))
                }
                Err(refusal) => {
                    shared.log.record();
                    if let Some(metrics) = &metrics {
                        metrics.shed(request.uri().path());
                    }
                    Ok(refusal.into_http())
                }
            }
        })
    }
}

impl Shared {
    async fn admit(&self, deadline: Option<Duration>) -> Result<OwnedSemaphorePermit, Status> {
        if let Ok(place) = self.running.clone().try_acquire_owned() {
            return Ok(place);
        }
        let Ok(_in_queue) = self.queue.try_acquire() else {
            return Err(Status::resource_exhausted(
                "the server is at capacity; retry with backoff",
            ));
        };
        let wait = deadline.map_or(self.max_queue_wait, |left| {
            self.max_queue_wait.min(left / 2)
        });
        match tokio::time::timeout(wait, self.running.clone().acquire_owned()).await {
            Ok(Ok(place)) => Ok(place),
            // Closed never happens (the semaphore is never closed); treated as full.
            Ok(Err(_)) | Err(_) => Err(Status::resource_exhausted(
                "the server could not take the call in time; retry with backoff",
            )),
        }
    }
}

/// Keeps the call's place until its response body has been sent whole (or the caller has
/// gone away and the body is dropped).
fn hold_until_sent<R>(body: R, place: OwnedSemaphorePermit) -> tonic::body::Body
where
    R: http_body::Body<Data = bytes::Bytes> + Send + 'static,
    R::Error: Into<tower::BoxError>,
{
    tonic::body::Body::new(body.map_frame(move |frame| {
        // The closure owns the place; it is released when the body is dropped.
        let _held = &place;
        frame
    }))
}

/// The caller's deadline, from the `grpc-timeout` header: an integer of at most 8 digits
/// followed by a unit (H, M, S, m, u, n). A malformed header counts as no deadline, as
/// tonic treats it.
fn grpc_timeout(headers: &http::HeaderMap) -> Option<Duration> {
    let value = headers.get("grpc-timeout")?.to_str().ok()?;
    let (digits, unit) = value.split_at_checked(value.len().checked_sub(1)?)?;
    if digits.is_empty() || digits.len() > 8 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let amount: u64 = digits.parse().ok()?;
    Some(match unit {
        "H" => Duration::from_secs(amount * 3600),
        "M" => Duration::from_secs(amount * 60),
        "S" => Duration::from_secs(amount),
        "m" => Duration::from_millis(amount),
        "u" => Duration::from_micros(amount),
        "n" => Duration::from_nanos(amount),
        _ => return None,
    })
}

/// Counts refused calls and logs them at WARN, at most once every `LOG_INTERVAL`: under
/// overload, a line per refused call would add to the load.
struct ShedLog {
    server: &'static str,
    total: AtomicU64,
    since_logged: AtomicU64,
    last_logged: Mutex<Option<Instant>>,
}

impl ShedLog {
    fn new(server: &'static str) -> Self {
        Self {
            server,
            total: AtomicU64::new(0),
            since_logged: AtomicU64::new(0),
            last_logged: Mutex::new(None),
        }
    }

    fn record(&self) {
        let total = self.total.fetch_add(1, Ordering::Relaxed) + 1;
        self.since_logged.fetch_add(1, Ordering::Relaxed);
        // Whoever holds the lock is logging; the others' counts go in the next line.
        let Ok(mut last) = self.last_logged.try_lock() else {
            return;
        };
        let now = Instant::now();
        if last.is_some_and(|at| now.duration_since(at) < LOG_INTERVAL) {
            return;
        }
        *last = Some(now);
        let refused = self.since_logged.swap(0, Ordering::Relaxed);
        tracing::warn!(
            server = self.server,
            refused,
            total,
            "calls refused with RESOURCE_EXHAUSTED: the server is at capacity (--max-concurrent-calls, --max-queued-calls)"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(timeout: &str) -> http::HeaderMap {
        let mut headers = http::HeaderMap::new();
        headers.insert("grpc-timeout", timeout.parse().expect("a header value"));
        headers
    }

    #[test]
    fn the_grpc_timeout_header_is_read_in_each_unit_and_nonsense_is_no_deadline() {
        assert_eq!(grpc_timeout(&headers("2S")), Some(Duration::from_secs(2)));
        assert_eq!(
            grpc_timeout(&headers("1500m")),
            Some(Duration::from_millis(1500))
        );
        assert_eq!(
            grpc_timeout(&headers("3H")),
            Some(Duration::from_secs(10_800))
        );
        assert_eq!(grpc_timeout(&headers("7n")), Some(Duration::from_nanos(7)));
        for bad in ["", "S", "123456789S", "1x", "-1S", "1.5S"] {
            assert_eq!(grpc_timeout(&headers(bad)), None, "{bad:?}");
        }
        assert_eq!(grpc_timeout(&http::HeaderMap::new()), None);
    }

    fn limits(concurrent: usize, queued: usize, wait_ms: u64) -> ShedLayer {
        ShedLayer::new(
            Limits {
                max_concurrent_calls: concurrent,
                max_queued_calls: queued,
                max_queue_wait: Duration::from_millis(wait_ms),
            },
            "test",
        )
    }

    #[tokio::test]
    async fn a_call_beyond_the_limit_and_a_full_queue_is_refused_at_once() {
        let layer = limits(1, 0, 10_000);
        let _running = layer.shared.admit(None).await.expect("admitted");
        let started = Instant::now();
        let refused = layer.shared.admit(None).await.expect_err("refused");
        assert_eq!(refused.code(), tonic::Code::ResourceExhausted);
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    #[tokio::test]
    async fn a_refused_call_is_counted_by_method_in_the_metrics() {
        let metrics = RpcMetrics::server();
        let layer = limits(1, 0, 10_000).with_metrics(metrics.clone());
        let _running = layer.shared.admit(None).await.expect("admitted");
        let mut service = layer.layer(tower::service_fn(|_: http::Request<()>| async {
            Ok::<_, std::convert::Infallible>(http::Response::new(tonic::body::Body::empty()))
        }));
        let request = http::Request::builder()
            .uri("/screening.v1.ScreeningService/Screen")
            .body(())
            .expect("a request");
        let response = service.call(request).await.expect("an answer");
        assert_eq!(
            response.headers().get("grpc-status").map(|v| v.as_bytes()),
            Some(b"8".as_slice()),
            "RESOURCE_EXHAUSTED"
        );
        let mut registry = prometheus_client::registry::Registry::default();
        metrics.register(&mut registry);
        let text = crate::metrics::encode(&registry).expect("encoded");
        let shed = "grpc_server_shed_total{grpc_service=\"screening.v1.ScreeningService\",grpc_method=\"Screen\"} 1";
        assert!(text.contains(shed), "{text}");
    }

    #[tokio::test]
    async fn a_queued_call_is_admitted_when_a_place_frees_up() {
        let layer = limits(1, 1, 10_000);
        let running = layer.shared.admit(None).await.expect("admitted");
        let shared = layer.shared.clone();
        let waiting = tokio::spawn(async move { shared.admit(None).await.map(drop) });
        tokio::time::sleep(Duration::from_millis(20)).await;
        drop(running);
        waiting
            .await
            .expect("joined")
            .expect("admitted after the first");
    }

    #[tokio::test]
    async fn a_queued_call_waits_at_most_half_of_what_its_deadline_leaves() {
        let layer = limits(1, 8, 60_000);
        let _running = layer.shared.admit(None).await.expect("admitted");
        let started = Instant::now();
        let refused = layer
            .shared
            .admit(Some(Duration::from_secs(2)))
            .await
            .expect_err("refused");
        assert_eq!(refused.code(), tonic::Code::ResourceExhausted);
        // Not before half the deadline, and before the deadline itself.
        let waited = started.elapsed();
        assert!(waited >= Duration::from_secs(1), "{waited:?}");
        assert!(waited < Duration::from_secs(2), "{waited:?}");
        assert_eq!(layer.shed_calls(), 0, "counted by the service, not admit");
    }
}
