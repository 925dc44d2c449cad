//! Trace context through the per-call layer, under the subscriber the services install.

use std::io::Write;
use std::sync::{Arc, Mutex, PoisonError};

use http::{Request, Response};
use tower::{Layer, ServiceExt};
use tracing::Span;
use tracing_subscriber::EnvFilter;

use super::traces::{TraceArgs, tracer};
use super::{inject_trace_context, rpc_trace_layer, subscriber, trace_id};

/// A trace id as a caller would send it (the W3C specification's example).
const CALLER_TRACE: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const CALLER_PARENT: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

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

impl Captured {
    /// The trace ids of the closing lines written so far, in order.
    fn line_trace_ids(&self) -> Vec<Option<String>> {
        let bytes = self
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        String::from_utf8_lossy(&bytes)
            .lines()
            .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
            .filter(|line| line["fields"].get("duration_ms").is_some())
            .map(|line| line["fields"]["trace_id"].as_str().map(str::to_owned))
            .collect()
    }
}

/// The services' own subscriber, exporting nothing, for this thread until the guard goes.
fn traced_logs() -> (Captured, tracing::subscriber::DefaultGuard) {
    let captured = Captured::default();
    let writer = captured.clone();
    let (tracer, traces) = tracer(&TraceArgs::default(), "test").expect("a tracer");
    assert!(!traces.is_exporting());
    let guard = tracing::subscriber::set_default(subscriber(
        move || writer.clone(),
        EnvFilter::new("info"),
        true,
        tracer,
    ));
    (captured, guard)
}

/// Calls a service answering OK through the per-call layer with `traceparent` (if any) and
/// returns the trace id the handler's span had.
async fn call(traceparent: Option<&[u8]>) -> Option<String> {
    let seen = Arc::new(Mutex::new(None));
    let in_handler = seen.clone();
    let service = rpc_trace_layer().layer(tower::service_fn(move |_request: Request<()>| {
        *in_handler.lock().unwrap_or_else(PoisonError::into_inner) = trace_id(&Span::current());
        async {
            let mut response = Response::new(tonic::body::Body::empty());
            response
                .headers_mut()
                .insert("grpc-status", http::HeaderValue::from_static("0"));
            Ok::<_, std::convert::Infallible>(response)
        }
    }));
    let mut request = Request::builder().uri("http://h/x.v1.S/Call");
    if let Some(value) = traceparent {
        request = request.header(
            "traceparent",
            http::HeaderValue::from_bytes(value).expect("a header value"),
        );
    }
    let response = service
        .oneshot(request.body(()).expect("a request"))
        .await
        .expect("answered");
    assert_eq!(response.headers()["grpc-status"], "0");
    seen.lock().unwrap_or_else(PoisonError::into_inner).clone()
}

fn is_trace_id(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()) && id != "0".repeat(32)
}

#[tokio::test]
async fn a_call_with_a_traceparent_continues_the_callers_trace_in_its_span_and_line() {
    let (captured, _guard) = traced_logs();

    let seen = call(Some(CALLER_PARENT.as_bytes())).await;

    assert_eq!(seen.as_deref(), Some(CALLER_TRACE));
    assert_eq!(captured.line_trace_ids(), [Some(CALLER_TRACE.to_owned())]);
}

#[tokio::test]
async fn a_call_without_a_traceparent_starts_a_trace_of_its_own() {
    let (captured, _guard) = traced_logs();

    let first = call(None).await.expect("a trace");
    let second = call(None).await.expect("a trace");

    assert!(
        is_trace_id(&first) && is_trace_id(&second),
        "{first} {second}"
    );
    assert_ne!(first, second);
    assert_eq!(captured.line_trace_ids(), [Some(first), Some(second)]);
}

#[tokio::test]
async fn a_malformed_traceparent_is_ignored_and_the_call_starts_a_new_trace() {
    let (captured, _guard) = traced_logs();
    let long = format!("{CALLER_PARENT}{}", "0".repeat(8000));
    let malformed: [&[u8]; 9] = [
        b"",
        b"garbage",
        b"00-00000000000000000000000000000000-00f067aa0ba902b7-01",
        b"00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
        b"ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        b"00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
        b"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
        b"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\xff\xfe",
        long.as_bytes(),
    ];

    for value in malformed {
        let seen = call(Some(value)).await.expect("a trace");
        assert!(is_trace_id(&seen), "{seen}");
        assert_ne!(seen, CALLER_TRACE, "{}", String::from_utf8_lossy(value));
    }
    assert_eq!(captured.line_trace_ids().len(), malformed.len());
}

#[test]
fn the_trace_context_sent_onwards_names_the_trace_and_the_sending_span() {
    let (_captured, _guard) = traced_logs();
    let span = tracing::info_span!("screening call");
    let mut metadata = tonic::metadata::MetadataMap::new();

    inject_trace_context(&span, &mut metadata);

    let trace = trace_id(&span).expect("a trace");
    let sent = metadata
        .get("traceparent")
        .and_then(|v| v.to_str().ok())
        .expect("a traceparent");
    let parts: Vec<&str> = sent.split('-').collect();
    assert_eq!(parts.len(), 4, "{sent}");
    assert_eq!((parts[0], parts[1], parts[3]), ("00", trace.as_str(), "01"));
}

#[test]
fn only_our_own_spans_at_info_and_above_are_traced() {
    let (_captured, _guard) = traced_logs();

    let ours = tracing::info_span!(target: "registry::store", "store");
    let nested = tracing::warn_span!(target: "screening", "matcher");
    let verbose = tracing::debug_span!(target: "registry::store", "detail");
    let theirs = tracing::info_span!(target: "h2::proto", "frame");
    let lookalike = tracing::info_span!(target: "registry_extra", "other");

    assert!(trace_id(&ours).is_some() && trace_id(&nested).is_some());
    assert_eq!(trace_id(&verbose), None);
    assert_eq!(trace_id(&theirs), None);
    assert_eq!(trace_id(&lookalike), None);
}

/// Threads of this process whose name says they export spans, once there are `expected`
/// (a new thread names itself once it runs), or after a second however many there are.
fn exporter_threads(expected: usize) -> usize {
    let count = || {
        std::fs::read_dir("/proc/self/task")
            .expect("the process's threads")
            .filter_map(|task| std::fs::read_to_string(task.ok()?.path().join("comm")).ok())
            .filter(|name| name.starts_with("OpenTelemetry"))
            .count()
    };
    for _ in 0..100 {
        if count() == expected {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    count()
}

#[tokio::test]
async fn an_exporter_runs_only_when_an_endpoint_is_configured() {
    let (_, quiet) = tracer(&TraceArgs::default(), "test").expect("a tracer");
    assert!(!quiet.is_exporting());
    assert_eq!(exporter_threads(0), 0);

    let to_collector = TraceArgs {
        otlp_endpoint: Some("http://127.0.0.1:4317".to_owned()),
        otlp_ca_file: None,
    };
    let (_, exporting) = tracer(&to_collector, "test").expect("a tracer");
    assert!(exporting.is_exporting());
    assert_eq!(exporter_threads(1), 1);
    drop(exporting);
    assert_eq!(exporter_threads(0), 0);
}

#[test]
fn endpoints_that_cannot_work_are_refused_at_start_up() {
    let refused = [
        ("collector:4317", None),
        ("ftp://collector:4317", None),
        ("http://", None),
        ("https://collector:4317", None),
        ("http://collector:4317", Some("ca.pem")),
    ];
    for (endpoint, ca_file) in refused {
        let args = TraceArgs {
            otlp_endpoint: Some(endpoint.to_owned()),
            otlp_ca_file: ca_file.map(Into::into),
        };
        let Err(error) = tracer(&args, "test") else {
            panic!("{endpoint}: accepted");
        };
        assert!(
            error.to_string().contains("--otlp-"),
            "{endpoint}: {error:#}"
        );
    }
}
