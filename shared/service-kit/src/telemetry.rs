//! Logging set-up and the per-RPC span.
//!
//! Each RPC gets one span carrying its method and one closing event with the status code and
//! latency. Requests and responses are never logged: they carry names, dates of birth and
//! document numbers.

use std::io::IsTerminal;
use std::time::Duration;

use http::{HeaderMap, Request, Response};
use tower_http::classify::{GrpcErrorsAsFailures, GrpcFailureClass, SharedClassifier};
use tower_http::trace::TraceLayer;
use tracing::{Span, field};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;

/// Installs the global subscriber: `RUST_LOG` filters (default `info`), and `LOG_FORMAT=json`
/// gives one JSON object per line for log shippers. `writer` is where lines go, so tests can
/// keep quiet; colours are used only when standard output is a terminal.
pub fn init<W>(writer: W)
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let json = std::env::var("LOG_FORMAT").is_ok_and(|v| v.eq_ignore_ascii_case("json"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stdout().is_terminal())
        .with_writer(writer);
    // A second initialisation (several servers in one test process) is harmless.
    let _ = if json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}

type RpcTraceLayer = TraceLayer<
    SharedClassifier<GrpcErrorsAsFailures>,
    fn(&Request<tonic::body::Body>) -> Span,
    (),
    fn(&Response<tonic::body::Body>, Duration, &Span),
    (),
    fn(Option<&HeaderMap>, Duration, &Span),
    fn(GrpcFailureClass, Duration, &Span),
>;

/// The tower layer that gives every RPC its span and closing event.
pub fn rpc_trace_layer() -> RpcTraceLayer {
    TraceLayer::new_for_grpc()
        .make_span_with(rpc_span as fn(&Request<tonic::body::Body>) -> Span)
        .on_request(())
        .on_response(on_response as fn(&Response<tonic::body::Body>, Duration, &Span))
        .on_body_chunk(())
        .on_eos(on_end_of_stream as fn(Option<&HeaderMap>, Duration, &Span))
        .on_failure(on_failure as fn(GrpcFailureClass, Duration, &Span))
}

fn rpc_span(request: &Request<tonic::body::Body>) -> Span {
    let method = request.uri().path();
    // Orchestrators probe health every few seconds; at INFO those lines would drown the rest.
    if method.starts_with("/grpc.health.v1.Health/") {
        tracing::debug_span!(
            "rpc",
            method,
            code = field::Empty,
            latency_ms = field::Empty
        )
    } else {
        tracing::info_span!(
            "rpc",
            method,
            code = field::Empty,
            latency_ms = field::Empty
        )
    }
}

/// Error statuses arrive in the headers ("trailers-only"); successful ones at the end of the
/// body, which `on_end_of_stream` sees.
fn on_response(response: &Response<tonic::body::Body>, latency: Duration, span: &Span) {
    if let Some(code) = grpc_code(response.headers()) {
        finish(span, code, latency);
    }
}

fn on_end_of_stream(trailers: Option<&HeaderMap>, duration: Duration, span: &Span) {
    let code = trailers.and_then(grpc_code).unwrap_or(tonic::Code::Ok);
    finish(span, code, duration);
}

fn on_failure(failure: GrpcFailureClass, latency: Duration, span: &Span) {
    // Non-zero codes are already reported by `finish`; only transport errors are left.
    if let GrpcFailureClass::Error(_) = failure {
        let _guard = span.enter();
        tracing::warn!(
            latency_ms = latency.as_millis() as u64,
            "rpc failed in transport"
        );
    }
}

fn grpc_code(headers: &HeaderMap) -> Option<tonic::Code> {
    let value = headers
        .get("grpc-status")?
        .to_str()
        .ok()?
        .parse::<i32>()
        .ok()?;
    Some(tonic::Code::from_i32(value))
}

fn finish(span: &Span, code: tonic::Code, latency: Duration) {
    let latency_ms = latency.as_secs_f64() * 1000.0;
    span.record("code", field::debug(code));
    span.record("latency_ms", latency_ms);
    let _guard = span.enter();
    // A span below the enabled level (or a DEBUG one) marks a routine call: successes stay
    // quiet, failures are still reported.
    let routine = span
        .metadata()
        .is_none_or(|m| *m.level() == tracing::Level::DEBUG);
    if routine && code == tonic::Code::Ok {
        tracing::debug!(?code, latency_ms, "rpc finished");
        return;
    }
    match code {
        tonic::Code::Ok
        | tonic::Code::NotFound
        | tonic::Code::InvalidArgument
        | tonic::Code::AlreadyExists
        | tonic::Code::FailedPrecondition
        | tonic::Code::Aborted
        | tonic::Code::Cancelled => tracing::info!(?code, latency_ms, "rpc finished"),
        _ => tracing::warn!(?code, latency_ms, "rpc finished"),
    }
}
