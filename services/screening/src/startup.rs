//! Building the screening application from its configuration, and running it.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use prometheus_client::registry::Registry;
use service_kit::auth::{AuthLayer, Credentials};
use service_kit::metrics::{MetricsListener, Refresh};
use tokio_util::sync::CancellationToken;
use wire::screening::v1::screening_service_server::ScreeningServiceServer;

use crate::config::{Config, WatchlistSpec};
use crate::domain::catalog::{LoadedList, Snapshot, WatchlistCatalog};
use crate::grpc::{ScreenSettings, ScreeningApi, access};
use crate::imports::Importer;
use crate::lists;
use crate::metrics::{ImportSource, ScreeningMetrics};
use crate::store::Store;

pub const SERVICE_NAME: &str = "screening.v1.ScreeningService";
/// Lists arrive as whole files inside `ImportWatchlist`; OFAC's SDN files alone exceed the
/// 4 MiB gRPC default.
const MAX_MESSAGE_BYTES: usize = 64 * 1024 * 1024;

pub struct Application {
    server: service_kit::GrpcServer,
    catalog: Arc<WatchlistCatalog>,
    api: ScreeningApi,
    shutdown: CancellationToken,
    metrics: Option<ServedMetrics>,
}

/// The metrics listener, and what it serves.
struct ServedMetrics {
    listener: MetricsListener,
    registry: Registry,
    refresh: Refresh,
}

impl Application {
    /// Binds the listener, opens the database and loads every configured list. The address
    /// is taken first, so that a restart on the same address keeps it while the lists load;
    /// connections wait until serving starts.
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        crate::config::check_unique_names(&config.watchlists)?;
        let auth = AuthLayer::new(
            Credentials::from_optional_file(config.auth_tokens_file.as_deref())?,
            access::policy,
        );
        let server = service_kit::GrpcServer::bind(
            &config.listen_addr,
            service_kit::ServerSettings::new(vec![SERVICE_NAME], auth)
                .with_tls(config.tls.server_tls()?, config.tls.insecure)
                .with_limits(config.overload.limits(), MAX_MESSAGE_BYTES),
        )
        .await?;
        let store = Store::connect_with(
            &config.database_url,
            config.overload.database_busy_timeout(),
        )
        .await?;
        let metrics_listener = match &config.metrics_addr {
            Some(addr) => Some(MetricsListener::bind(addr).await?),
            None => None,
        };
        let metrics = ScreeningMetrics::default();
        let catalog = Arc::new(WatchlistCatalog::new());
        for spec in &config.watchlists {
            let started = std::time::Instant::now();
            let list = load(spec).await?;
            store.record_version(&list).await?;
            metrics.observe_import(ImportSource::Startup, started.elapsed(), Ok(true));
            tracing::info!(
                list = %list.name,
                version = %list.version,
                entries = list.entries.len(),
                "list loaded"
            );
            catalog.replace(list);
        }
        // Lists imported at run time win over start-up files of the same name: they are the
        // newer word, and every instance sharing the database must serve the same version.
        let importer = Importer::new(
            catalog.clone(),
            store.clone(),
            config.max_import_removal_percent,
            config.watchlists.iter().map(|s| s.name.clone()).collect(),
            metrics.clone(),
        );
        importer
            .sync_from_store()
            .await
            .context("serving stored imports")?;
        let shutdown = CancellationToken::new();
        importer
            .clone()
            .spawn_sync_loop(config.import_sync_interval(), shutdown.clone());
        let api = ScreeningApi::new(
            catalog.clone(),
            importer,
            ScreenSettings {
                default_threshold: config.default_threshold,
                limits: config.screen_limits(),
            },
            shutdown.clone(),
            metrics.clone(),
        );
        let metrics = metrics_listener.map(|listener| {
            let mut registry = Registry::default();
            server.rpc_metrics().register(&mut registry);
            metrics.register(&mut registry);
            let (catalog, store) = (catalog.clone(), store.clone());
            let refresh: Refresh = Arc::new(move || {
                let (metrics, catalog, store) = (metrics.clone(), catalog.clone(), store.clone());
                Box::pin(async move { metrics.refresh_lists(&catalog.snapshot(), &store).await })
            });
            ServedMetrics {
                listener,
                registry,
                refresh,
            }
        });
        Ok(Self {
            server,
            catalog,
            api,
            shutdown,
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

    /// The lists served now: the start-up lists, or the stored imports that won over them.
    pub fn served_lists(&self) -> Snapshot {
        self.catalog.snapshot()
    }

    /// Serves until `stop` resolves, then drains in-flight calls.
    pub async fn run_until_stopped(self, stop: impl Future<Output = ()>) -> anyhow::Result<()> {
        let service = ScreeningServiceServer::new(self.api)
            .max_decoding_message_size(MAX_MESSAGE_BYTES)
            .max_encoding_message_size(MAX_MESSAGE_BYTES);
        let shutdown = self.shutdown.clone();
        if let Some(metrics) = self.metrics {
            tokio::spawn(metrics.listener.serve(
                metrics.registry,
                Some(metrics.refresh),
                shutdown.clone(),
            ));
        }
        let serve = self
            .server
            .serve(tonic::service::Routes::new(service), self.shutdown);
        tokio::pin!(serve);
        tokio::select! {
            result = &mut serve => return result,
            () = stop => shutdown.cancel(),
        }
        serve.await
    }
}

/// Reads and parses one configured list on a blocking thread: files can be large.
async fn load(spec: &WatchlistSpec) -> anyhow::Result<LoadedList> {
    let spec = spec.clone();
    tokio::task::spawn_blocking(move || {
        let files = lists::read_files(spec.format, &spec.path)
            .with_context(|| format!("reading list {:?}", spec.name))?;
        let entries = lists::parse(spec.format, &files)
            .with_context(|| format!("parsing list {:?}", spec.name))?;
        Ok(LoadedList::new(
            spec.name,
            spec.format,
            files.version(spec.format),
            entries,
        ))
    })
    .await
    .context("list loading task failed")?
}
