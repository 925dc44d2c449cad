//! The tower layer that gives every RPC its span and its closing log line.
//!
//! The line is written when the call really ends: for a unary call or a refused one when the
//! answer's status is known, for a stream when its trailers go out, and when the caller goes
//! away first (the future or the body dropped unfinished) as `rpc cancelled`. Its duration is
//! measured from the moment the call arrived, not from the response (tower-http's trace
//! layer timed only the body's streaming: a 4 s import logged 0.05 ms).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use http::{HeaderMap, Request, Response};
use tower::{Layer, Service};
use tracing::{Instrument, Level, Span, field};

use super::body::{EndsCall, LoggedBody};
use super::caller::CallerSlot;
use super::traces;
use crate::metrics::RpcMetrics;
use crate::metrics::rpc::CallMetrics;
use crate::request_id;

/// The layer that gives every RPC its span and closing line.
pub fn rpc_trace_layer() -> RpcLogLayer {
    RpcLogLayer::default()
}

#[derive(Debug, Clone, Default)]
pub struct RpcLogLayer {
    metrics: Option<RpcMetrics>,
}

impl RpcLogLayer {
    /// Counts every call in `metrics` as well, ending each where its log line ends it:
    /// one place decides when a call is over.
    pub fn with_metrics(mut self, metrics: RpcMetrics) -> Self {
        self.metrics = Some(metrics);
        self
    }
}

impl<S> Layer<S> for RpcLogLayer {
    type Service = RpcLog<S>;

    fn layer(&self, inner: S) -> Self::Service {
        RpcLog {
            inner,
            metrics: self.metrics.clone(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct RpcLog<S> {
    inner: S,
    metrics: Option<RpcMetrics>,
}

impl<S, B> Service<Request<B>> for RpcLog<S>
where
    S: Service<Request<B>, Response = Response<tonic::body::Body>>,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
{
    type Response = Response<tonic::body::Body>;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<B>) -> Self::Future {
        let caller = CallerSlot::default();
        request.extensions_mut().insert(caller.clone());
        let metrics = self.metrics.as_ref().map(|m| m.begin(request.uri().path()));
        if let Some(metrics) = &metrics {
            request.extensions_mut().insert(metrics.shed_hook());
        }
        let mut log = CallLog::begin(
            request.uri().path(),
            request_id::from_headers(request.headers()),
            caller,
            metrics,
        );
        log.continue_trace(request.headers());
        let span = log.span.clone();
        let response = span.in_scope(|| self.inner.call(request));
        // Authentication ran inside `call`: the span can name the caller for whatever the
        // handler logs.
        span.record("principal", log.caller.name());
        Box::pin(
            async move {
                // Owned here, so that a call dropped before it is answered is logged as
                // cancelled when this future goes.
                let log = log;
                let response = response.await;
                match response {
                    Ok(response) => Ok(log.into_response(response)),
                    Err(error) => {
                        log.end(Outcome::TransportFailed);
                        Err(error)
                    }
                }
            }
            .instrument(span),
        )
    }
}

/// How a call ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    Finished(tonic::Code),
    /// The caller went away (reset the stream, hung up) before the call's status was sent.
    Cancelled,
    /// The server's own side failed before it could answer with a status.
    TransportFailed,
}

impl Outcome {
    /// The code a call that ended so is counted under.
    pub(crate) fn code(self) -> tonic::Code {
        match self {
            Outcome::Finished(code) => code,
            Outcome::Cancelled => tonic::Code::Cancelled,
            Outcome::TransportFailed => tonic::Code::Unknown,
        }
    }
}

/// One call's pending log line: written once, by `end`, or as cancelled when dropped first.
pub(super) struct CallLog {
    span: Span,
    method: String,
    /// Health checks and reflection: frequent and uninteresting when they succeed.
    routine: bool,
    started: Instant,
    caller: CallerSlot,
    x_request_id: Option<String>,
    /// The call's trace, the caller's own when it sent a valid `traceparent`.
    trace_id: Option<String>,
    /// Counts the call's end as well, when metrics are kept.
    metrics: Option<CallMetrics>,
    ended: bool,
}

impl CallLog {
    pub(super) fn begin(
        method: &str,
        x_request_id: Option<String>,
        caller: CallerSlot,
        metrics: Option<CallMetrics>,
    ) -> Self {
        let routine = is_routine(method);
        let span = if routine {
            tracing::debug_span!(
                "rpc",
                method,
                principal = field::Empty,
                x_request_id = x_request_id.as_deref(),
                trace_id = field::Empty,
                otel.name = method.trim_start_matches('/'),
                otel.kind = "server"
            )
        } else {
            tracing::info_span!(
                "rpc",
                method,
                principal = field::Empty,
                x_request_id = x_request_id.as_deref(),
                trace_id = field::Empty,
                otel.name = method.trim_start_matches('/'),
                otel.kind = "server"
            )
        };
        Self {
            span,
            method: method.to_owned(),
            routine,
            started: Instant::now(),
            caller,
            x_request_id,
            trace_id: None,
            metrics,
            ended: false,
        }
    }

    /// Joins the caller's trace (see `traces::continue_trace`) and names it in the span and
    /// the closing line.
    pub(super) fn continue_trace(&mut self, headers: &HeaderMap) {
        traces::continue_trace(&self.span, headers);
        self.trace_id = traces::trace_id(&self.span);
        if let Some(trace_id) = &self.trace_id {
            self.span.record("trace_id", trace_id.as_str());
        }
    }

    /// Error statuses arrive in the headers ("trailers-only") and end the call here; other
    /// answers end with their body's trailers, which the wrapped body watches for.
    fn into_response(self, response: Response<tonic::body::Body>) -> Response<tonic::body::Body> {
        if let Some(code) = grpc_code(response.headers()) {
            self.end(Outcome::Finished(code));
            return response;
        }
        response.map(|body| {
            if http_body::Body::is_end_stream(&body) {
                // No status anywhere: not a gRPC answer; the client sees a protocol error.
                self.end(Outcome::Finished(tonic::Code::Unknown));
                body
            } else {
                tonic::body::Body::new(LoggedBody::new(body, self))
            }
        })
    }

    fn write(&mut self, outcome: Outcome) {
        if self.ended {
            return;
        }
        self.ended = true;
        let elapsed = self.started.elapsed();
        if let Some(metrics) = &mut self.metrics {
            metrics.end(outcome.code(), elapsed);
        }
        let duration_ms = rounded_ms(elapsed);
        let method = self.method.as_str();
        let principal = self.caller.name();
        let x_request_id = self.x_request_id.as_deref();
        let trace_id = self.trace_id.as_deref();
        traces::record_server_outcome(&self.span, outcome);
        let level = level_of(outcome, self.routine);
        // A root event (no parent): the line is whole on its own, also when the call's span
        // is below the enabled level, and does not repeat the span's fields.
        macro_rules! call_line {
            ($($message:tt)+) => {
                match level {
                    Level::DEBUG => tracing::debug!(parent: None, method, principal, x_request_id, trace_id, $($message)+),
                    Level::INFO => tracing::info!(parent: None, method, principal, x_request_id, trace_id, $($message)+),
                    _ => tracing::warn!(parent: None, method, principal, x_request_id, trace_id, $($message)+),
                }
            };
        }
        match outcome {
            Outcome::Finished(code) => call_line!(?code, duration_ms, "rpc finished"),
            Outcome::Cancelled => call_line!(
                code = ?tonic::Code::Cancelled,
                duration_ms,
                "rpc cancelled by the caller"
            ),
            Outcome::TransportFailed => call_line!(duration_ms, "rpc failed in transport"),
        }
    }
}

impl EndsCall for CallLog {
    fn end(mut self, outcome: Outcome) {
        self.write(outcome);
    }
}

impl Drop for CallLog {
    fn drop(&mut self) {
        self.write(Outcome::Cancelled);
    }
}

pub(super) fn is_routine(method: &str) -> bool {
    method.starts_with("/grpc.health.v1.Health/")
        || method.starts_with("/grpc.reflection.v1.ServerReflection/")
        || method.starts_with("/grpc.reflection.v1alpha.ServerReflection/")
}

/// Orchestrators probe health every few seconds and grpcurl asks reflection several times
/// per command: at INFO those lines would drown the rest, so they stay at DEBUG unless they
/// fail. Failures a caller causes are INFO; those that need an operator's eye are WARN.
fn level_of(outcome: Outcome, routine: bool) -> Level {
    match outcome {
        Outcome::Finished(tonic::Code::Ok) | Outcome::Cancelled if routine => Level::DEBUG,
        Outcome::Finished(
            tonic::Code::Ok
            | tonic::Code::NotFound
            | tonic::Code::InvalidArgument
            | tonic::Code::AlreadyExists
            | tonic::Code::FailedPrecondition
            | tonic::Code::Aborted
            | tonic::Code::Cancelled,
        )
        | Outcome::Cancelled => Level::INFO,
        Outcome::Finished(_) | Outcome::TransportFailed => Level::WARN,
    }
}

pub(crate) fn grpc_code(headers: &HeaderMap) -> Option<tonic::Code> {
    let value = headers
        .get("grpc-status")?
        .to_str()
        .ok()?
        .parse::<i32>()
        .ok()?;
    Some(tonic::Code::from_i32(value))
}

/// Milliseconds rounded to hundredths, from whole microseconds: a quotient of integers by
/// 100 prints as its two decimals, never as float noise (0.014797000000000001).
pub(super) fn rounded_ms(duration: Duration) -> f64 {
    let hundredths = (duration.as_micros() + 5) / 10;
    hundredths as f64 / 100.0
}
