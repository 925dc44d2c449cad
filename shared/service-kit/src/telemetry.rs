//! Logging set-up and the per-RPC span.
//!
//! Each RPC gets one span carrying its method and one closing event with the status code and
//! latency. Requests and responses are never logged: they carry names, dates of birth and
//! document numbers.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use http::{HeaderMap, Request, Response};
use tower_http::classify::{GrpcErrorsAsFailures, GrpcFailureClass, SharedClassifier};
use tower_http::trace::TraceLayer;
use tracing::{Span, field};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::{EnvFilter, Registry};

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
    let span = new_rpc_span(request.uri().path());
    remember_start(&span);
    span
}

/// When the call began, kept with its span: tower-http gives the end-of-stream callback
/// only the time the response body took to stream, which for a unary call answered at the
/// end is next to nothing (an import of 4 s would log 0.05 ms).
struct CallStart(Instant);

fn remember_start(span: &Span) {
    span.with_subscriber(|(id, dispatch)| {
        if let Some(registry) = dispatch.downcast_ref::<Registry>()
            && let Some(data) = registry.span(id)
        {
            data.extensions_mut().insert(CallStart(Instant::now()));
        }
    });
}

/// The time since the call began, if its span remembers it.
fn since_start(span: &Span) -> Option<Duration> {
    span.with_subscriber(|(id, dispatch)| {
        let registry = dispatch.downcast_ref::<Registry>()?;
        let data = registry.span(id)?;
        let extensions = data.extensions();
        extensions.get::<CallStart>().map(|start| start.0.elapsed())
    })
    .flatten()
}

fn new_rpc_span(method: &str) -> Span {
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
        let latency = since_start(span).unwrap_or(latency);
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
    let latency = since_start(span).unwrap_or(latency);
    // Whole milliseconds with two decimals: finer digits are float noise in a log line.
    let latency_ms = (latency.as_secs_f64() * 100_000.0).round() / 100.0;
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

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::sync::{Arc, Mutex, PoisonError};

    use super::*;

    /// Collects what the subscriber writes.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl Write for Captured {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            let mut buffer = self.0.lock().unwrap_or_else(PoisonError::into_inner);
            buffer.extend_from_slice(bytes);
            Ok(bytes.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl<'a> MakeWriter<'a> for Captured {
        type Writer = Captured;

        fn make_writer(&'a self) -> Self::Writer {
            self.clone()
        }
    }

    /// The event's own `latency_ms` (the last on the line; the span's comes first).
    fn logged_latency(line: &str) -> &str {
        line.rsplit("latency_ms=")
            .next()
            .expect("a latency field")
            .split(|c: char| !(c.is_ascii_digit() || c == '.'))
            .next()
            .expect("a value")
    }

    #[test]
    fn the_call_line_carries_the_time_since_the_call_began_not_the_bodys() {
        let captured = Captured::default();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(captured.clone())
            .with_ansi(false)
            .finish();
        tracing::subscriber::with_default(subscriber, || {
            let span = new_rpc_span("/screening.v1.ScreeningService/ImportWatchlist");
            remember_start(&span);
            std::thread::sleep(Duration::from_millis(40));
            // What tower-http reports at the end of the stream: the body's streaming time.
            finish(&span, tonic::Code::Ok, Duration::from_micros(50));
        });
        let output =
            String::from_utf8(captured.0.lock().expect("not poisoned").clone()).expect("text");
        let line = output
            .lines()
            .find(|l| l.contains("rpc finished"))
            .expect("the call's line");
        let latency = logged_latency(line);
        assert!(latency.parse::<f64>().expect("a number") >= 40.0, "{line}");
        // Rounded to hundredths of a millisecond: no float noise.
        assert!(
            latency.split('.').nth(1).is_none_or(|d| d.len() <= 2),
            "{line}"
        );
    }
}
