//! The metrics listener: plain HTTP/1.1 on its own address, apart from the gRPC port, so
//! that a scraper needs neither a token nor a client certificate, and `/metrics` answers
//! whatever the gRPC side is doing. It serves counts, durations and list versions only.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use http::{Method, Request, Response, StatusCode, header};
use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper_util::rt::TokioIo;
use prometheus_client::registry::Registry;
use tokio::net::TcpListener;
use tokio::sync::Mutex;
use tokio_util::sync::CancellationToken;

/// The `Content-Type` of the Prometheus text format (version 0.0.4).
pub use prometheus_client::encoding::prometheus_text::CONTENT_TYPE;

/// Brings values read at scrape time (database counts, list ages) up to date before the
/// registry is encoded.
pub type Refresh = Arc<dyn Fn() -> Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync>;

/// Longest a refresh may take: past it, the scrape answers with the values as they are
/// rather than keep the scraper waiting on a slow database.
const REFRESH_TIMEOUT: Duration = Duration::from_secs(5);
/// Longest one connection is served: a scraper reads one page and goes.
const CONNECTION_TIMEOUT: Duration = Duration::from_secs(30);

/// A bound metrics listener; bound early, like the gRPC listener, so that its address is
/// known (and logged) before serving starts.
#[derive(Debug)]
pub struct MetricsListener {
    listener: TcpListener,
}

impl MetricsListener {
    pub async fn bind(addr: &str) -> anyhow::Result<Self> {
        let listener = TcpListener::bind(addr)
            .await
            .with_context(|| format!("cannot listen for metrics on {addr}"))?;
        Ok(Self { listener })
    }

    pub fn local_addr(&self) -> anyhow::Result<SocketAddr> {
        self.listener
            .local_addr()
            .context("cannot read the metrics address")
    }

    /// Serves `registry` at `/metrics` until `shutdown` is cancelled, running `refresh`
    /// before each scrape.
    pub async fn serve(
        self,
        registry: Registry,
        refresh: Option<Refresh>,
        shutdown: CancellationToken,
    ) {
        if let Ok(addr) = self.local_addr() {
            tracing::info!(%addr, "serving metrics at /metrics");
        }
        let scrapes = Arc::new(Scrapes {
            registry,
            refresh,
            one_at_a_time: Mutex::new(()),
        });
        loop {
            let (stream, _) = tokio::select! {
                accepted = self.listener.accept() => match accepted {
                    Ok(accepted) => accepted,
                    Err(error) => {
                        tracing::debug!(%error, "a metrics connection failed");
                        continue;
                    }
                },
                () = shutdown.cancelled() => return,
            };
            let scrapes = scrapes.clone();
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |request| {
                    let scrapes = scrapes.clone();
                    async move { Ok::<_, Infallible>(scrapes.answer(&request).await) }
                });
                let connection = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service);
                if let Ok(Err(error)) = tokio::time::timeout(CONNECTION_TIMEOUT, connection).await {
                    tracing::debug!(%error, "a metrics connection failed");
                }
            });
        }
    }
}

struct Scrapes {
    registry: Registry,
    refresh: Option<Refresh>,
    /// Refresh and encoding happen under it, so that a scrape never reads a family that a
    /// concurrent refresh has cleared to fill in again.
    one_at_a_time: Mutex<()>,
}

impl Scrapes {
    async fn answer(&self, request: &Request<Incoming>) -> Response<Full<Bytes>> {
        if request.uri().path() != "/metrics" {
            return plain(StatusCode::NOT_FOUND, "metrics are at /metrics\n");
        }
        if request.method() != Method::GET && request.method() != Method::HEAD {
            return plain(StatusCode::METHOD_NOT_ALLOWED, "use GET\n");
        }
        let _one_at_a_time = self.one_at_a_time.lock().await;
        if let Some(refresh) = &self.refresh
            && tokio::time::timeout(REFRESH_TIMEOUT, refresh())
                .await
                .is_err()
        {
            tracing::warn!("metrics refresh timed out; scraped values may be stale");
        }
        match encode(&self.registry) {
            Ok(text) => Response::builder()
                .header(header::CONTENT_TYPE, CONTENT_TYPE)
                .body(Full::new(Bytes::from(text)))
                .unwrap_or_else(|_| plain(StatusCode::INTERNAL_SERVER_ERROR, "")),
            Err(_) => plain(
                StatusCode::INTERNAL_SERVER_ERROR,
                "metrics could not be encoded\n",
            ),
        }
    }
}

/// `registry` in the Prometheus text format.
pub fn encode(registry: &Registry) -> Result<String, std::fmt::Error> {
    let mut text = String::new();
    prometheus_client::encoding::prometheus_text::encode(&mut text, registry)?;
    Ok(text)
}

fn plain(status: StatusCode, text: &'static str) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from_static(text.as_bytes())));
    *response.status_mut() = status;
    response
}
