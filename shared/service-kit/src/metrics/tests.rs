//! The per-call instruments, on both sides, read back through the text format as a scraper
//! reads them, and the listener that serves them.

use std::collections::VecDeque;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use http::{HeaderMap, Request, Response};
use http_body::{Body, Frame};
use prometheus_client::registry::Registry;
use prometheus_parse::{Scrape, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tonic::codegen::Bytes;
use tower::{Layer, Service, ServiceExt};

use super::{MeasuredChannel, MetricsListener, RpcMetrics, encode, record_shed};
use crate::telemetry::rpc_trace_layer;

const SCREEN: &str = "/screening.v1.ScreeningService/Screen";
const WATCH: &str = "/screening.v1.ScreeningService/WatchWatchlists";

fn scraped(metrics: &RpcMetrics) -> Scrape {
    let mut registry = Registry::default();
    metrics.register(&mut registry);
    let text = encode(&registry).expect("encoded");
    Scrape::parse(text.lines().map(|l| Ok(l.to_owned()))).expect("parsed")
}

/// The value of `name`'s sample with `labels` (a histogram's count).
fn value(scrape: &Scrape, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    scrape
        .samples
        .iter()
        .filter(|s| s.metric == name)
        .find(|s| labels.iter().all(|(k, v)| s.labels.get(k) == Some(*v)))
        .map(|s| match &s.value {
            Value::Counter(v) | Value::Gauge(v) | Value::Untyped(v) => *v,
            Value::Histogram(buckets) => buckets.last().map_or(0.0, |b| b.count),
            Value::Summary(_) => f64::NAN,
        })
}

fn method(name: &'static str) -> [(&'static str, &'static str); 2] {
    [
        ("grpc_service", "screening.v1.ScreeningService"),
        ("grpc_method", name),
    ]
}

fn with_code<'a>(name: &'a str, code: &'a str) -> [(&'a str, &'a str); 3] {
    [
        ("grpc_service", "screening.v1.ScreeningService"),
        ("grpc_method", name),
        ("grpc_code", code),
    ]
}

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

/// One message, then trailers with `code`.
fn streamed(code: tonic::Code) -> Response<tonic::body::Body> {
    let frames = VecDeque::from([
        Frame::data(Bytes::from_static(b"\0\0\0\0\0")),
        Frame::trailers(status_headers(code)),
    ]);
    Response::new(tonic::body::Body::new(Frames(frames)))
}

fn trailers_only(code: tonic::Code) -> Response<tonic::body::Body> {
    let mut response = Response::new(tonic::body::Body::empty());
    *response.headers_mut() = status_headers(code);
    response
}

fn request<B: Default>(path: &str) -> Request<B> {
    Request::builder()
        .uri(format!("http://h{path}"))
        .body(B::default())
        .expect("a request")
}

async fn read_to_end(body: &mut tonic::body::Body) {
    while let Some(frame) = std::future::poll_fn(|cx| Pin::new(&mut *body).poll_frame(cx)).await {
        frame.expect("a frame");
    }
}

#[tokio::test]
async fn server_calls_are_counted_by_method_and_code_with_their_durations() {
    let metrics = RpcMetrics::server();
    let layer = rpc_trace_layer().with_metrics(metrics.clone());
    let answering = |code| {
        layer.layer(tower::service_fn(move |_req: Request<()>| async move {
            Ok::<_, std::convert::Infallible>(trailers_only(code))
        }))
    };
    for code in [
        tonic::Code::Ok,
        tonic::Code::Ok,
        tonic::Code::InvalidArgument,
    ] {
        answering(code)
            .oneshot(request(SCREEN))
            .await
            .expect("answered");
    }
    let response = layer
        .layer(tower::service_fn(|_req: Request<()>| async {
            Ok::<_, std::convert::Infallible>(streamed(tonic::Code::Ok))
        }))
        .oneshot(request(WATCH))
        .await
        .expect("answered");
    let scrape = scraped(&metrics);
    assert_eq!(
        value(
            &scrape,
            "grpc_server_calls_in_flight",
            &method("WatchWatchlists")
        ),
        Some(1.0),
        "a stream is in flight until its trailers go out"
    );
    read_to_end(&mut response.into_body()).await;

    let scrape = scraped(&metrics);
    assert_eq!(
        value(&scrape, "grpc_server_started_total", &method("Screen")),
        Some(3.0)
    );
    assert_eq!(
        value(
            &scrape,
            "grpc_server_handled_total",
            &with_code("Screen", "Ok")
        ),
        Some(2.0)
    );
    assert_eq!(
        value(
            &scrape,
            "grpc_server_handled_total",
            &with_code("Screen", "InvalidArgument")
        ),
        Some(1.0)
    );
    assert_eq!(
        value(&scrape, "grpc_server_handling_seconds", &method("Screen")),
        Some(3.0)
    );
    assert_eq!(
        value(
            &scrape,
            "grpc_server_handled_total",
            &with_code("WatchWatchlists", "Ok")
        ),
        Some(1.0)
    );
    for name in ["Screen", "WatchWatchlists"] {
        assert_eq!(
            value(&scrape, "grpc_server_calls_in_flight", &method(name)),
            Some(0.0)
        );
    }
}

#[tokio::test]
async fn a_call_abandoned_by_its_caller_is_counted_as_cancelled() {
    let metrics = RpcMetrics::server();
    let mut service = rpc_trace_layer()
        .with_metrics(metrics.clone())
        .layer(tower::service_fn(|_req: Request<()>| {
            std::future::pending::<Result<Response<tonic::body::Body>, std::convert::Infallible>>()
        }));
    let call = service.call(request(SCREEN));
    let _ = tokio::time::timeout(Duration::from_millis(20), call).await;

    let scrape = scraped(&metrics);
    assert_eq!(
        value(
            &scrape,
            "grpc_server_handled_total",
            &with_code("Screen", "Cancelled")
        ),
        Some(1.0)
    );
    assert_eq!(
        value(&scrape, "grpc_server_calls_in_flight", &method("Screen")),
        Some(0.0)
    );
}

#[tokio::test]
async fn a_shedding_layer_inside_the_call_layer_counts_shed_calls_through_the_request() {
    let metrics = RpcMetrics::server();
    let service = rpc_trace_layer()
        .with_metrics(metrics.clone())
        .layer(tower::service_fn(|req: Request<()>| {
            record_shed(req.extensions());
            async {
                Ok::<_, std::convert::Infallible>(trailers_only(tonic::Code::ResourceExhausted))
            }
        }));
    service.oneshot(request(SCREEN)).await.expect("answered");
    metrics.shed("/made.up/Path");

    let scrape = scraped(&metrics);
    assert_eq!(
        value(&scrape, "grpc_server_shed_total", &method("Screen")),
        Some(1.0)
    );
    assert_eq!(
        value(
            &scrape,
            "grpc_server_shed_total",
            &[("grpc_service", "unknown"), ("grpc_method", "unknown")]
        ),
        Some(1.0),
        "a path no service has is counted, but not under its own name"
    );
    assert_eq!(
        value(
            &scrape,
            "grpc_server_handled_total",
            &with_code("Screen", "ResourceExhausted")
        ),
        Some(1.0)
    );
}

#[tokio::test]
async fn client_calls_are_counted_with_their_code_and_a_deadline_the_caller_gave_up_on() {
    let metrics = RpcMetrics::client();
    let refused = MeasuredChannel::new(
        tower::service_fn(|_req: Request<tonic::body::Body>| async {
            Ok::<_, std::convert::Infallible>(trailers_only(tonic::Code::Unauthenticated))
        }),
        metrics.clone(),
    );
    refused.oneshot(request(SCREEN)).await.expect("answered");

    let mut slow = MeasuredChannel::new(
        tower::service_fn(|_req: Request<tonic::body::Body>| {
            std::future::pending::<Result<Response<tonic::body::Body>, std::convert::Infallible>>()
        }),
        metrics.clone(),
    );
    let mut timed: Request<tonic::body::Body> = request(SCREEN);
    timed
        .headers_mut()
        .insert("grpc-timeout", "10m".parse().expect("a header value"));
    let _ = tokio::time::timeout(Duration::from_millis(30), slow.call(timed)).await;

    let scrape = scraped(&metrics);
    assert_eq!(
        value(
            &scrape,
            "grpc_client_handled_total",
            &with_code("Screen", "Unauthenticated")
        ),
        Some(1.0)
    );
    assert_eq!(
        value(
            &scrape,
            "grpc_client_handled_total",
            &with_code("Screen", "DeadlineExceeded")
        ),
        Some(1.0)
    );
    assert_eq!(
        value(&scrape, "grpc_client_handling_seconds", &method("Screen")),
        Some(2.0)
    );
    assert!(
        value(&scrape, "grpc_client_shed_total", &method("Screen")).is_none(),
        "a client sheds nothing"
    );
}

async fn http_get(addr: std::net::SocketAddr, path: &str) -> String {
    let mut stream = tokio::net::TcpStream::connect(addr)
        .await
        .expect("connected");
    let request = format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.expect("sent");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.expect("read");
    answer
}

#[tokio::test]
async fn the_listener_serves_the_text_format_at_metrics_after_refreshing_and_nothing_elsewhere() {
    let metrics = RpcMetrics::server();
    let mut registry = Registry::default();
    metrics.register(&mut registry);
    let refreshed = metrics.clone();
    let refresh: super::Refresh = std::sync::Arc::new(move || {
        let metrics = refreshed.clone();
        Box::pin(async move { metrics.shed(SCREEN) })
    });
    let listener = MetricsListener::bind("127.0.0.1:0").await.expect("bound");
    let addr = listener.local_addr().expect("an address");
    let shutdown = tokio_util::sync::CancellationToken::new();
    let serving = tokio::spawn(listener.serve(registry, Some(refresh), shutdown.clone()));

    let answer = http_get(addr, "/metrics").await;
    let (head, body) = answer.split_once("\r\n\r\n").expect("head and body");
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(head.contains("text/plain; version=0.0.4"), "{head}");
    let scrape = Scrape::parse(body.lines().map(|l| Ok(l.to_owned()))).expect("parsed");
    assert_eq!(
        value(&scrape, "grpc_server_shed_total", &method("Screen")),
        Some(1.0)
    );
    assert!(http_get(addr, "/").await.starts_with("HTTP/1.1 404"));

    shutdown.cancel();
    serving.await.expect("stopped");
}
