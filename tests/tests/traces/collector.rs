//! What this test process exports and logs, read back: its subscriber is installed once,
//! exporting spans over OTLP/gRPC to a small collector of the test's own (on port 0, on a
//! runtime of its own so that it outlives each test's runtime), and writing JSON lines to a
//! buffer.

use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::Duration;

use opentelemetry_proto::tonic::collector::trace::v1::trace_service_server::{
    TraceService, TraceServiceServer,
};
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTraceServiceRequest, ExportTraceServiceResponse,
};
use opentelemetry_proto::tonic::common::v1::any_value;
pub use opentelemetry_proto::tonic::trace::v1::Span;
use serde_json::Value;
use service_kit::telemetry::{TraceArgs, Traces};
use system_tests::captured_logs::CapturedLogs;

pub const SERVER: i32 = 2;
pub const CLIENT: i32 = 3;

/// Keeps every span it is sent.
#[derive(Clone, Default)]
struct Collected(Arc<Mutex<Vec<Span>>>);

#[tonic::async_trait]
impl TraceService for Collected {
    async fn export(
        &self,
        request: tonic::Request<ExportTraceServiceRequest>,
    ) -> Result<tonic::Response<ExportTraceServiceResponse>, tonic::Status> {
        let mut spans = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        for resource in request.into_inner().resource_spans {
            for scope in resource.scope_spans {
                spans.extend(scope.spans);
            }
        }
        Ok(tonic::Response::new(ExportTraceServiceResponse::default()))
    }
}

struct Harness {
    logs: CapturedLogs,
    spans: Collected,
    traces: Traces,
}

fn harness() -> &'static Harness {
    static HARNESS: OnceLock<Harness> = OnceLock::new();
    HARNESS.get_or_init(|| {
        let (ready, harness) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
                .expect("a runtime");
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                    .await
                    .expect("a port");
                let endpoint = format!("http://{}", listener.local_addr().expect("an address"));
                let spans = Collected::default();
                tokio::spawn(
                    tonic::transport::Server::builder()
                        .add_service(TraceServiceServer::new(spans.clone()))
                        .serve_with_incoming(tokio_stream::wrappers::TcpListenerStream::new(
                            listener,
                        )),
                );
                let logs = CapturedLogs::default();
                let writer = logs.clone();
                let traces = service_kit::telemetry::init_with_traces(
                    move || writer.clone(),
                    "info,sqlx=warn",
                    true,
                    "system-tests",
                    &TraceArgs {
                        otlp_endpoint: Some(endpoint),
                        otlp_ca_file: None,
                    },
                )
                .expect("telemetry");
                assert!(traces.is_exporting());
                let _ = ready.send(Harness {
                    logs,
                    spans,
                    traces,
                });
                std::future::pending::<()>().await;
            });
        });
        harness.recv().expect("the harness starts")
    })
}

/// Installs the subscriber and the collector, before any server starts.
pub fn install() {
    harness();
}

/// The JSON log lines for which `matches` holds.
pub fn lines_where(matches: impl Fn(&Value) -> bool) -> Vec<Value> {
    harness().logs.lines_where(matches)
}

/// The closing line of a call to `method` for which `matches` holds, waiting up to 10 s.
pub async fn call_line(method: &str, matches: impl Fn(&Value) -> bool) -> Value {
    for _ in 0..100 {
        let found = lines_where(|l| {
            l["fields"]["method"] == method
                && l["fields"].get("duration_ms").is_some()
                && matches(l)
        });
        if let Some(line) = found.into_iter().next() {
            return line;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no call line for {method}");
}

/// The spans exported so far of the trace `trace_id` (hex), once `complete` holds for them
/// (waiting up to 10 s, flushing what the process holds).
pub async fn spans_of(trace_id: &str, complete: impl Fn(&[Span]) -> bool) -> Vec<Span> {
    let mut spans = Vec::new();
    for _ in 0..50 {
        tokio::task::spawn_blocking(|| harness().traces.flush())
            .await
            .expect("flushed");
        spans = harness()
            .spans
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .filter(|span| hex(&span.trace_id) == trace_id)
            .cloned()
            .collect();
        if complete(&spans) {
            return spans;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let names: Vec<&str> = spans.iter().map(|s| s.name.as_str()).collect();
    panic!("the trace {trace_id} is incomplete: {names:?}");
}

/// Every span exported so far, after a flush.
pub async fn all_spans() -> Vec<Span> {
    tokio::task::spawn_blocking(|| harness().traces.flush())
        .await
        .expect("flushed");
    harness()
        .spans
        .0
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone()
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The one span of `spans` named `name`.
pub fn named<'a>(spans: &'a [Span], name: &str) -> &'a Span {
    let found: Vec<&Span> = spans.iter().filter(|s| s.name == name).collect();
    assert_eq!(found.len(), 1, "{name} in {:?}", names(spans));
    found[0]
}

/// The one span of `spans` of a call to `method`, on the side `kind` (a call's client and
/// server spans have the same name).
pub fn call<'a>(spans: &'a [Span], method: &str, kind: i32) -> &'a Span {
    let found: Vec<&Span> = spans
        .iter()
        .filter(|s| s.name == method && s.kind == kind)
        .collect();
    assert_eq!(found.len(), 1, "{method} ({kind}) in {:?}", names(spans));
    found[0]
}

pub fn names(spans: &[Span]) -> Vec<&str> {
    spans.iter().map(|s| s.name.as_str()).collect()
}

/// Everything a span shows besides its timing: its name and its attributes' keys and
/// string values.
pub fn shown(span: &Span) -> String {
    let mut shown = span.name.clone();
    for attribute in &span.attributes {
        shown.push(' ');
        shown.push_str(&attribute.key);
        if let Some(any_value::Value::StringValue(value)) =
            attribute.value.as_ref().and_then(|v| v.value.as_ref())
        {
            shown.push('=');
            shown.push_str(value);
        }
    }
    shown
}
