//! Building the registry application from its configuration, and running it.

use std::future::Future;
use std::net::SocketAddr;

use std::sync::Arc;

use anyhow::Context;
use prometheus_client::registry::Registry;
use service_kit::auth::{AuthLayer, Credentials};
use service_kit::metrics::{MetricsListener, Refresh};
use tokio_util::sync::CancellationToken;
use wire::registry::v1::registry_service_server::RegistryServiceServer;

use crate::config::Config;
use crate::grpc::{RegistryApi, access};
use crate::intake::Intake;
use crate::metrics::RegistryMetrics;
use crate::screening_client::ScreeningClient;
use crate::store::Store;
use crate::workers::Workers;

pub const SERVICE_NAME: &str = "registry.v1.RegistryService";

pub struct Application {
    server: service_kit::GrpcServer,
    api: RegistryApi,
    workers: Workers,
    metrics: Option<ServedMetrics>,
}

/// The metrics listener, and what it serves.
struct ServedMetrics {
    listener: MetricsListener,
    registry: Registry,
    refresh: Refresh,
}

impl Application {
    /// Opens the database and binds the listener. Screening need not be up: intakes made
    /// while it is down are recorded as PENDING.
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        let store = Store::connect_with(
            &config.database_url,
            config.overload.database_busy_timeout(),
        )
        .await?;
        let server_tls = config.tls.server_tls()?;
        let timeout = config.screening_timeout();
        let channel = service_kit::tls::client::lazy_channel(
            &config.screening_addr,
            config.tls.screening_tls()?,
            config.tls.insecure,
            |endpoint| endpoint.connect_timeout(timeout).tcp_nodelay(true),
        )
        .await
        .context("the screening address")?;
        let token = config.screening_token()?;
        if token.is_none() {
            // Screening refuses every call without a token: every intake would stay PENDING.
            tracing::warn!(
                screening_addr = %config.screening_addr,
                "no token towards screening (--screening-token-file or REGISTRY_SCREENING_TOKEN): screening will refuse the registry's calls and intakes stay PENDING"
            );
        }
        let screening = ScreeningClient::new(channel, &config.screening_addr, timeout, token)?;
        let metrics = RegistryMetrics::default();
        let workers = Workers::new(
            store.clone(),
            screening.clone(),
            &config.workers,
            metrics.clone(),
        );
        let client_metrics = screening.rpc_metrics().clone();
        let api = RegistryApi::new(
            Intake::new(store.clone(), screening, metrics.clone()),
            store.clone(),
            metrics.clone(),
        );
        let auth = AuthLayer::new(
            Credentials::from_optional_file(config.auth_tokens_file.as_deref())?,
            access::policy,
        );
        let server = service_kit::GrpcServer::bind(
            &config.listen_addr,
            service_kit::ServerSettings::new(vec![SERVICE_NAME], auth)
                .with_tls(server_tls, config.tls.insecure)
                .with_limits(
                    config.overload.limits(),
                    service_kit::server::DEFAULT_MAX_MESSAGE_BYTES,
                ),
        )
        .await?;
        let metrics = match &config.metrics_addr {
            Some(addr) => {
                let listener = MetricsListener::bind(addr).await?;
                let mut registry = Registry::default();
                server.rpc_metrics().register(&mut registry);
                client_metrics.register(&mut registry);
                metrics.register(&mut registry, &store);
                let refresh: Refresh = Arc::new(move || {
                    let (metrics, store) = (metrics.clone(), store.clone());
                    Box::pin(async move { metrics.refresh(&store).await })
                });
                Some(ServedMetrics {
                    listener,
                    registry,
                    refresh,
                })
            }
            None => None,
        };
        Ok(Self {
            server,
            api,
            workers,
            metrics,
        })
    }

    pub fn local_addr(&self) -> anyhow::Result<SocketAddr> {
        self.server.local_addr()
    }

    /// Where metrics are served, when they are.
    pub fn metrics_addr(&self) -> Option<SocketAddr> {
        self.metrics.as_ref()?.listener.local_addr().ok()
    }

    /// Serves, and runs the background workers, until `stop` resolves; then drains in-flight
    /// calls and stops the workers.
    pub async fn run_until_stopped(self, stop: impl Future<Output = ()>) -> anyhow::Result<()> {
        let shutdown = CancellationToken::new();
        if let Some(metrics) = self.metrics {
            tokio::spawn(metrics.listener.serve(
                metrics.registry,
                Some(metrics.refresh),
                shutdown.clone(),
            ));
        }
        let serve = self.server.serve(
            tonic::service::Routes::new(RegistryServiceServer::new(self.api)),
            shutdown.clone(),
        );
        tokio::pin!(serve);
        let workers = self.workers.start();
        let served = tokio::select! {
            result = &mut serve => result,
            () = stop => {
                shutdown.cancel();
                serve.await
            }
        };
        workers.stop().await;
        served
    }
}
