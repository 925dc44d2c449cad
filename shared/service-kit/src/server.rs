//! Serving a service's routes with health, reflection, tracing and graceful shutdown.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::time::Duration;

use anyhow::Context;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tonic::service::Routes;
use tonic::transport::Server;
use tonic::transport::server::TcpIncoming;
use tonic_health::ServingStatus;

use crate::auth::AuthLayer;
use crate::message_limit::limit_messages;
use crate::metrics::RpcMetrics;
use crate::overload::{self, ShedLayer};
use crate::telemetry::rpc_trace_layer;
use crate::tls::{ServerTls, TlsConfigError, is_loopback};

/// How long in-flight calls may take to finish after shutdown begins.
const DEFAULT_DRAIN_TIMEOUT: Duration = Duration::from_secs(10);
/// gRPC's usual limit on a request message, as tonic applies it by default.
pub const DEFAULT_MAX_MESSAGE_BYTES: usize = 4 * 1024 * 1024;

#[derive(Debug, Clone)]
pub struct ServerSettings {
    /// Fully qualified names of the gRPC services served (`screening.v1.ScreeningService`):
    /// reported by health checks and advertised by reflection.
    pub service_names: Vec<&'static str>,
    /// Who may call which method.
    pub auth: AuthLayer,
    pub drain_timeout: Duration,
    /// TLS, or plain TCP when `None` (refused on other than loopback addresses unless
    /// `insecure`).
    pub tls: Option<ServerTls>,
    pub insecure: bool,
    /// Every call is counted here (served at `/metrics` when the service registers it).
    pub metrics: RpcMetrics,
    /// Calls served at once and waiting; the rest are refused (`overload`).
    pub limits: overload::Limits,
    /// The largest request message taken; a larger one is refused with RESOURCE_EXHAUSTED.
    /// It must be the limit the service's tonic server is built with.
    pub max_message_bytes: usize,
}

impl ServerSettings {
    pub fn new(service_names: Vec<&'static str>, auth: AuthLayer) -> Self {
        Self {
            service_names,
            auth,
            drain_timeout: DEFAULT_DRAIN_TIMEOUT,
            tls: None,
            insecure: false,
            metrics: RpcMetrics::server(),
            limits: overload::Limits {
                max_concurrent_calls: 64,
                max_queued_calls: overload::DEFAULT_MAX_QUEUED_CALLS,
                max_queue_wait: Duration::from_millis(overload::DEFAULT_MAX_QUEUE_WAIT_MS),
            },
            max_message_bytes: DEFAULT_MAX_MESSAGE_BYTES,
        }
    }

    /// Sheds calls over `limits`; refuses request messages over `max_message_bytes`.
    pub fn with_limits(mut self, limits: overload::Limits, max_message_bytes: usize) -> Self {
        self.limits = limits;
        self.max_message_bytes = max_message_bytes;
        self
    }

    /// Serves over `tls`; without it, plain TCP is allowed on loopback, or anywhere when
    /// `insecure`.
    pub fn with_tls(mut self, tls: Option<ServerTls>, insecure: bool) -> Self {
        self.tls = tls;
        self.insecure = insecure;
        self
    }
}

/// A bound listener and the routes to serve on it. Binding happens in `bind`, before serving,
/// so that callers (and tests asking for port 0) know the address at once.
pub struct GrpcServer {
    listener: TcpListener,
    settings: ServerSettings,
}

impl GrpcServer {
    pub async fn bind(addr: &str, settings: ServerSettings) -> anyhow::Result<Self> {
        // Checked before binding, so that a refused configuration never listens at all.
        if settings.tls.is_none() && !is_loopback(addr).await {
            if !settings.insecure {
                return Err(TlsConfigError::PlainTcpOnPublicAddress {
                    addr: addr.to_owned(),
                }
                .into());
            }
            tracing::warn!(
                %addr,
                "--insecure: serving plain TCP on a non-loopback address; tokens and personal data cross the network in clear text"
            );
        }
        let listener = TcpListener::bind(addr)
            .await
            .with_context(|| format!("cannot listen on {addr}"))?;
        Ok(Self { listener, settings })
    }

    pub fn local_addr(&self) -> anyhow::Result<SocketAddr> {
        self.listener
            .local_addr()
            .context("cannot read the bound address")
    }

    /// The counts of the calls this server answers.
    pub fn rpc_metrics(&self) -> &RpcMetrics {
        &self.settings.metrics
    }

    /// Serves `routes` until `shutdown` is cancelled, then stops accepting connections,
    /// reports NOT_SERVING, and lets in-flight calls finish within the drain timeout.
    pub async fn serve(self, routes: Routes, shutdown: CancellationToken) -> anyhow::Result<()> {
        let (health_reporter, health_service) = tonic_health::server::health_reporter();
        for name in &self.settings.service_names {
            health_reporter
                .set_service_status(*name, ServingStatus::Serving)
                .await;
        }
        let reflection_v1 = self
            .reflection_builder()
            .build_v1()
            .context("building reflection v1")?;
        let reflection_v1alpha = self
            .reflection_builder()
            .build_v1alpha()
            .context("building reflection v1alpha")?;

        let routes = routes
            .add_service(health_service)
            .add_service(reflection_v1)
            .add_service(reflection_v1alpha);

        let addr = self.local_addr()?;
        let transport = match &self.settings.tls {
            Some(tls) if tls.requires_client_certificates() => "mutual TLS",
            Some(_) => "TLS",
            None => "plain TCP",
        };
        tracing::info!(%addr, transport, services = ?self.settings.service_names, "listening");

        let stop_accepting = CancellationToken::new();
        // Shedding comes first, so that a refused call costs as little as can be (one
        // rate-limited line counts them, not a line each); tracing wraps authentication, so
        // refused calls are logged with their code too.
        let server_name = self.settings.service_names.first().copied().unwrap_or("");
        let max_message_bytes = self.settings.max_message_bytes;
        let layers = tower::ServiceBuilder::new()
            .layer(
                ShedLayer::new(self.settings.limits, server_name)
                    .with_metrics(self.settings.metrics.clone()),
            )
            .map_request(move |request: http::Request<tonic::body::Body>| {
                request.map(|body| limit_messages(body, max_message_bytes))
            })
            .layer(rpc_trace_layer().with_metrics(self.settings.metrics.clone()))
            .layer(self.settings.auth.clone());
        let router = Server::builder().layer(layers).add_routes(routes);
        let stopped = stop_accepting.clone().cancelled_owned();
        let mut server: Pin<Box<dyn Future<Output = Result<(), tonic::transport::Error>> + Send>> =
            match &self.settings.tls {
                Some(tls) => Box::pin(
                    router.serve_with_incoming_shutdown(tls.incoming(self.listener), stopped),
                ),
                None => Box::pin(router.serve_with_incoming_shutdown(
                    // Without TCP_NODELAY a small response can wait for the peer's delayed
                    // ACK (40 ms on Linux): most replies here are one small frame.
                    TcpIncoming::from(self.listener).with_nodelay(Some(true)),
                    stopped,
                )),
            };

        tokio::select! {
            result = &mut server => return result.context("gRPC server failed"),
            () = shutdown.cancelled() => {}
        }

        for name in &self.settings.service_names {
            health_reporter
                .set_service_status(*name, ServingStatus::NotServing)
                .await;
        }
        health_reporter
            .set_service_status("", ServingStatus::NotServing)
            .await;
        stop_accepting.cancel();
        match tokio::time::timeout(self.settings.drain_timeout, server).await {
            Ok(result) => result.context("gRPC server failed while draining")?,
            Err(_) => tracing::warn!(
                timeout_s = self.settings.drain_timeout.as_secs(),
                "in-flight calls did not finish in time; closing them"
            ),
        }
        tracing::info!(services = ?self.settings.service_names, "stopped");
        Ok(())
    }

    fn reflection_builder(&self) -> tonic_reflection::server::Builder<'static> {
        let mut builder = tonic_reflection::server::Builder::configure()
            .register_encoded_file_descriptor_set(wire::FILE_DESCRIPTOR_SET)
            .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET);
        for name in &self.settings.service_names {
            builder = builder.with_service_name(*name);
        }
        builder.with_service_name("grpc.health.v1.Health")
    }
}
