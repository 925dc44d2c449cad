//! The per-call line, read back as JSON from a subscriber of the test's own.

use std::collections::VecDeque;
use std::io::Write;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use http::{HeaderMap, Request, Response};
use http_body::{Body, Frame};
use tonic::codegen::Bytes;
use tower::{Layer, Service, ServiceExt};
use tracing_subscriber::fmt::MakeWriter;

use super::rpc::rounded_ms;
use super::{identify_caller, rpc_trace_layer};

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

impl Captured {
    /// Every JSON line written so far.
    fn lines(&self) -> Vec<serde_json::Value> {
        let bytes = self
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        String::from_utf8(bytes)
            .expect("text")
            .lines()
            .map(|line| serde_json::from_str(line).expect("a JSON line"))
            .collect()
    }

    /// The closing lines of calls (those with a `duration_ms`).
    fn call_lines(&self) -> Vec<serde_json::Value> {
        self.lines()
            .into_iter()
            .filter(|line| line["fields"].get("duration_ms").is_some())
            .collect()
    }
}

/// Logs at `filter` into the returned buffer for the rest of the test (this thread only).
fn capture(filter: &str) -> (Captured, tracing::subscriber::DefaultGuard) {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .json()
        .with_env_filter(filter)
        .with_writer(captured.clone())
        .finish();
    let guard = tracing::subscriber::set_default(subscriber);
    (captured, guard)
}

/// A response body that yields the given frames, then ends.
struct Frames(VecDeque<Frame<Bytes>>);

impl Body for Frames {
    type Data = Bytes;
    type Error = tonic::Status;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, tonic::Status>>> {
        Poll::Ready(self.0.pop_front().map(Ok))
    }

    fn is_end_stream(&self) -> bool {
        self.0.is_empty()
    }
}

fn status_headers(code: tonic::Code) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert("grpc-status", (code as i32).into());
    headers
}

/// A streamed answer: one message, then trailers with `code`.
fn streamed(code: tonic::Code) -> Response<tonic::body::Body> {
    let frames = VecDeque::from([
        Frame::data(Bytes::from_static(b"\0\0\0\0\0")),
        Frame::trailers(status_headers(code)),
    ]);
    Response::new(tonic::body::Body::new(Frames(frames)))
}

/// An error answered in the headers alone, as tonic sends statuses before any message.
fn trailers_only(code: tonic::Code) -> Response<tonic::body::Body> {
    let mut response = Response::new(tonic::body::Body::empty());
    *response.headers_mut() = status_headers(code);
    response
}

fn request(method: &str, x_request_id: Option<&str>) -> Request<()> {
    let mut builder = Request::builder().uri(format!("http://h{method}"));
    if let Some(id) = x_request_id {
        builder = builder.header("x-request-id", id);
    }
    builder.body(()).expect("a request")
}

async fn read_to_end(body: &mut tonic::body::Body) {
    while let Some(frame) = std::future::poll_fn(|cx| Pin::new(&mut *body).poll_frame(cx)).await {
        frame.expect("a frame");
    }
}

#[tokio::test]
async fn the_call_line_carries_the_time_since_the_call_began_rounded_to_hundredths() {
    let (captured, _guard) = capture("info");
    let service = rpc_trace_layer().layer(tower::service_fn(|_req: Request<()>| async {
        tokio::time::sleep(Duration::from_millis(40)).await;
        Ok::<_, std::convert::Infallible>(streamed(tonic::Code::Ok))
    }));

    let response = service
        .oneshot(request("/x.v1.S/Slow", None))
        .await
        .expect("answered");
    read_to_end(&mut response.into_body()).await;

    let lines = captured.call_lines();
    assert_eq!(lines.len(), 1, "{lines:?}");
    let duration = &lines[0]["fields"]["duration_ms"];
    let ms = duration.as_f64().expect("a number");
    assert!((40.0..5000.0).contains(&ms), "{duration}");
    assert!(
        duration
            .to_string()
            .split('.')
            .nth(1)
            .is_none_or(|d| d.len() <= 2),
        "{duration}"
    );
    assert_eq!(lines[0]["fields"]["code"], "Ok");
}

#[test]
fn durations_round_to_hundredths_of_a_millisecond_without_float_noise() {
    assert_eq!(rounded_ms(Duration::from_nanos(14_797)).to_string(), "0.01");
    assert_eq!(
        rounded_ms(Duration::from_micros(1_234_567)).to_string(),
        "1234.57"
    );
    assert_eq!(rounded_ms(Duration::from_micros(70)).to_string(), "0.07");
    assert_eq!(rounded_ms(Duration::ZERO).to_string(), "0");
}

#[tokio::test]
async fn the_line_names_the_caller_and_their_sanitised_request_id() {
    let (captured, _guard) = capture("info");
    let service = rpc_trace_layer().layer(tower::service_fn(|req: Request<()>| {
        identify_caller(&req, "border-desk-7");
        async { Ok::<_, std::convert::Infallible>(trailers_only(tonic::Code::PermissionDenied)) }
    }));
    let sent = format!("desk 7;<b>{}", "x".repeat(500));

    service
        .oneshot(request("/x.v1.S/Write", Some(&sent)))
        .await
        .expect("answered");

    let lines = captured.call_lines();
    assert_eq!(lines.len(), 1, "{lines:?}");
    let fields = &lines[0]["fields"];
    assert_eq!(fields["method"], "/x.v1.S/Write");
    assert_eq!(fields["principal"], "border-desk-7");
    assert_eq!(fields["code"], "PermissionDenied");
    assert_eq!(lines[0]["level"], "WARN");
    let logged = fields["x_request_id"].as_str().expect("a request id");
    assert!(logged.starts_with("desk_7__b_xxx"), "{logged}");
    assert_eq!(logged.len(), crate::request_id::MAX_LEN);
}

#[tokio::test]
async fn a_call_refused_before_anyone_was_named_is_logged_as_anonymous() {
    let (captured, _guard) = capture("info");
    let service = rpc_trace_layer().layer(tower::service_fn(|_req: Request<()>| async {
        Ok::<_, std::convert::Infallible>(trailers_only(tonic::Code::Unauthenticated))
    }));

    service
        .oneshot(request("/x.v1.S/Read", None))
        .await
        .expect("answered");

    let lines = captured.call_lines();
    assert_eq!(lines[0]["fields"]["principal"], "anonymous");
    assert_eq!(lines[0]["fields"]["code"], "Unauthenticated");
    assert!(lines[0]["fields"].get("x_request_id").is_none());
}

#[tokio::test]
async fn a_stream_that_fails_is_logged_with_the_code_of_its_trailers() {
    let (captured, _guard) = capture("info");
    let service = rpc_trace_layer().layer(tower::service_fn(|_req: Request<()>| async {
        Ok::<_, std::convert::Infallible>(streamed(tonic::Code::Internal))
    }));

    let response = service
        .oneshot(request("/x.v1.S/Stream", None))
        .await
        .expect("answered");
    let mut body = response.into_body();
    read_to_end(&mut body).await;
    drop(body);

    let lines = captured.call_lines();
    assert_eq!(
        lines.len(),
        1,
        "one line, not a second one when dropped: {lines:?}"
    );
    assert_eq!(lines[0]["fields"]["code"], "Internal");
    assert_eq!(lines[0]["level"], "WARN");
}

#[tokio::test]
async fn a_stream_dropped_before_its_end_is_logged_as_cancelled() {
    let (captured, _guard) = capture("info");
    let service = rpc_trace_layer().layer(tower::service_fn(|_req: Request<()>| async {
        Ok::<_, std::convert::Infallible>(streamed(tonic::Code::Ok))
    }));

    let response = service
        .oneshot(request("/x.v1.S/Watch", None))
        .await
        .expect("answered");
    let mut body = response.into_body();
    std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx))
        .await
        .expect("a first message")
        .expect("a frame");
    drop(body);

    let lines = captured.call_lines();
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0]["fields"]["message"], "rpc cancelled by the caller");
    assert_eq!(lines[0]["fields"]["code"], "Cancelled");
    assert_eq!(lines[0]["fields"]["method"], "/x.v1.S/Watch");
}

#[tokio::test]
async fn a_call_abandoned_before_its_answer_is_logged_as_cancelled() {
    let (captured, _guard) = capture("info");
    let mut service = rpc_trace_layer().layer(tower::service_fn(|_req: Request<()>| {
        std::future::pending::<Result<Response<tonic::body::Body>, std::convert::Infallible>>()
    }));

    let call = service.call(request("/x.v1.S/Slow", None));
    let _ = tokio::time::timeout(Duration::from_millis(20), call).await;

    let lines = captured.call_lines();
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0]["fields"]["message"], "rpc cancelled by the caller");
    assert!(
        lines[0]["fields"]["duration_ms"]
            .as_f64()
            .expect("a number")
            >= 20.0
    );
}

#[tokio::test]
async fn reflection_and_health_calls_that_succeed_log_at_debug_only() {
    let (captured, _guard) = capture("debug");
    let ok = || {
        rpc_trace_layer().layer(tower::service_fn(|_req: Request<()>| async {
            Ok::<_, std::convert::Infallible>(trailers_only(tonic::Code::Ok))
        }))
    };

    for method in [
        "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
        "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
        "/grpc.health.v1.Health/Check",
        "/x.v1.S/Read",
    ] {
        ok().oneshot(request(method, None)).await.expect("answered");
    }

    let levels: Vec<(String, String)> = captured
        .call_lines()
        .iter()
        .map(|l| {
            (
                l["fields"]["method"].as_str().expect("a method").to_owned(),
                l["level"].as_str().expect("a level").to_owned(),
            )
        })
        .collect();
    let level_of = |method: &str| {
        levels
            .iter()
            .find(|(m, _)| m.ends_with(method))
            .map(|(_, level)| level.as_str())
    };
    assert_eq!(
        level_of("v1.ServerReflection/ServerReflectionInfo"),
        Some("DEBUG")
    );
    assert_eq!(
        level_of("v1alpha.ServerReflection/ServerReflectionInfo"),
        Some("DEBUG")
    );
    assert_eq!(level_of("Health/Check"), Some("DEBUG"));
    assert_eq!(level_of("/x.v1.S/Read"), Some("INFO"));
}

#[tokio::test]
async fn calls_refused_by_authentication_name_the_caller_or_anonymous() {
    use crate::auth::{Access, AuthLayer, Credentials, tokens_file_line};
    let (captured, _guard) = capture("info");
    let credentials =
        Credentials::parse(&tokens_file_line("alice", &["viewer"], "alice-token")).expect("valid");
    let policy: crate::auth::Policy = |_| Access::AnyOf(&["admin"]);
    let service = || {
        rpc_trace_layer().layer(AuthLayer::new(credentials.clone(), policy).layer(
            tower::service_fn(|_req: Request<()>| async {
                Ok::<_, std::convert::Infallible>(trailers_only(tonic::Code::Ok))
            }),
        ))
    };
    let with_token = |token: &str| {
        Request::builder()
            .uri("http://h/x.v1.S/Write")
            .header("authorization", format!("Bearer {token}"))
            .body(())
            .expect("a request")
    };

    service()
        .oneshot(with_token("alice-token"))
        .await
        .expect("answered");
    service()
        .oneshot(with_token("a-guess"))
        .await
        .expect("answered");
    service()
        .oneshot(request("/x.v1.S/Write", None))
        .await
        .expect("answered");

    let seen: Vec<(String, String)> = captured
        .call_lines()
        .iter()
        .map(|l| {
            (
                l["fields"]["principal"]
                    .as_str()
                    .expect("a principal")
                    .to_owned(),
                l["fields"]["code"].as_str().expect("a code").to_owned(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("alice".to_owned(), "PermissionDenied".to_owned()),
            ("anonymous".to_owned(), "Unauthenticated".to_owned()),
            ("anonymous".to_owned(), "Unauthenticated".to_owned()),
        ]
    );
}
