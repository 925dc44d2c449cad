//! Building the registry application from its configuration, and running it.

use std::future::Future;
use std::net::SocketAddr;

use anyhow::Context;
use service_kit::auth::{AuthLayer, Credentials};
use tokio_util::sync::CancellationToken;
use wire::registry::v1::registry_service_server::RegistryServiceServer;

use crate::config::Config;
use crate::grpc::{RegistryApi, access};
use crate::intake::Intake;
use crate::screening_client::ScreeningClient;
use crate::store::Store;
use crate::workers::Workers;

pub const SERVICE_NAME: &str = "registry.v1.RegistryService";

pub struct Application {
    server: service_kit::GrpcServer,
    api: RegistryApi,
    workers: Workers,
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
        let workers = Workers::new(store.clone(), screening.clone(), &config.workers);
        let api = RegistryApi::new(Intake::new(store.clone(), screening), store);
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
        Ok(Self {
            server,
            api,
            workers,
        })
    }

    pub fn local_addr(&self) -> anyhow::Result<SocketAddr> {
        self.server.local_addr()
    }

    /// Serves, and runs the background workers, until `stop` resolves; then drains in-flight
    /// calls and stops the workers.
    pub async fn run_until_stopped(self, stop: impl Future<Output = ()>) -> anyhow::Result<()> {
        let shutdown = CancellationToken::new();
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
