//! Starting each service for a test: configurations on port 0 with the test tokens, plain TCP
//! on loopback unless a test asks for TLS (see `tls`), and the bearer tokens tests present.

use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;

use screening::config::WatchlistSpec;
use tonic::metadata::{Ascii, MetadataValue};
use tonic::service::Interceptor;
use tonic::service::interceptor::InterceptedService;
use tonic::transport::Channel;
use wire::registry::v1::registry_service_client::RegistryServiceClient;
use wire::screening::v1::screening_service_client::ScreeningServiceClient;

use crate::{RunningServer, TestDatabase, init_test_logging};
/// The token a test presents to act in `role`.
pub fn token_for(role: &str) -> String {
    format!("test-token-{role}")
}

/// A second principal with the registry's intake role, as `registry_client_as` takes it
/// (its principal is `test-intake-2`).
pub const SECOND_INTAKE: &str = "intake-2";

/// The registry's own token towards screening.
pub const REGISTRY_SERVICE_ROLE: &str = "registry-service";

/// A tokens file granting each role to a principal named after it, in a folder that lives
/// as long as the process. Each file is written once: servers starting in concurrent tests
/// read it, and must never see it half-written.
fn tokens_file(service: &str, grants: &[(&str, &str)]) -> PathBuf {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    let dir = DIR.get_or_init(|| tempfile::tempdir().expect("a temporary folder"));
    let lines: Vec<String> = grants
        .iter()
        .map(|(role, granted)| {
            service_kit::auth::tokens_file_line(
                &format!("test-{role}"),
                &[granted],
                &token_for(role),
            )
        })
        .collect();
    let path = dir.path().join(format!("{service}-tokens"));
    std::fs::write(&path, lines.join("\n")).expect("the tokens file is written");
    path
}

pub(crate) fn screening_tokens_file() -> PathBuf {
    static FILE: OnceLock<PathBuf> = OnceLock::new();
    FILE.get_or_init(|| {
        tokens_file(
            "screening",
            &[
                ("screener", "screener"),
                ("list-admin", "list-admin"),
                ("admin", "admin"),
                (REGISTRY_SERVICE_ROLE, "screener"),
            ],
        )
    })
    .clone()
}

pub(crate) fn registry_tokens_file() -> PathBuf {
    static FILE: OnceLock<PathBuf> = OnceLock::new();
    FILE.get_or_init(|| {
        let roles = [
            "intake",
            "viewer",
            "reviewer",
            "case-officer",
            "auditor",
            "admin",
        ];
        let mut grants: Vec<(&str, &str)> = roles.iter().map(|r| (*r, *r)).collect();
        // A second intake principal, for what one intake desk may see of another's subjects.
        grants.push((SECOND_INTAKE, "intake"));
        tokens_file("registry", &grants)
    })
    .clone()
}

/// Adds `authorization: Bearer <token>` to every call.
#[derive(Clone)]
pub struct Bearer(pub(crate) MetadataValue<Ascii>);

impl Bearer {
    pub fn for_role(role: &str) -> Self {
        Self(
            format!("Bearer {}", token_for(role))
                .parse()
                .expect("an ASCII token"),
        )
    }
}

impl Interceptor for Bearer {
    fn call(
        &mut self,
        mut request: tonic::Request<()>,
    ) -> Result<tonic::Request<()>, tonic::Status> {
        request
            .metadata_mut()
            .insert("authorization", self.0.clone());
        Ok(request)
    }
}

pub type RegistryClient = RegistryServiceClient<InterceptedService<Channel, Bearer>>;
pub type ScreeningClient = ScreeningServiceClient<InterceptedService<Channel, Bearer>>;

/// Starts screening on `listen_addr` (use `127.0.0.1:0` for any free port) with `lists`.
pub async fn spawn_screening(
    listen_addr: &str,
    lists: Vec<WatchlistSpec>,
    database: &TestDatabase,
) -> RunningServer {
    spawn_screening_syncing_every(listen_addr, lists, database, Duration::from_millis(200)).await
}

/// Like `spawn_screening`, looking for imports made through other instances every `sync`.
pub async fn spawn_screening_syncing_every(
    listen_addr: &str,
    lists: Vec<WatchlistSpec>,
    database: &TestDatabase,
    sync: Duration,
) -> RunningServer {
    start_screening(screening_config(listen_addr, lists, database, sync)).await
}

/// Like `spawn_screening` on a free port, each screening's work limited to `limits`.
pub async fn spawn_screening_with_limits(
    lists: Vec<WatchlistSpec>,
    database: &TestDatabase,
    limits: screening::domain::budget::Limits,
) -> RunningServer {
    let mut config = screening_config("127.0.0.1:0", lists, database, Duration::from_millis(200));
    config.max_names_aligned = limits.names_aligned;
    config.max_screen_time_ms = limits.time.as_millis() as u64;
    start_screening(config).await
}

/// The configuration tests start screening with: plain TCP (on loopback), the test tokens.
pub fn screening_config(
    listen_addr: &str,
    lists: Vec<WatchlistSpec>,
    database: &TestDatabase,
    sync: Duration,
) -> screening::config::Config {
    screening::config::Config {
        listen_addr: listen_addr.to_owned(),
        watchlists: lists,
        database_url: database.url().to_owned(),
        auth_tokens_file: Some(screening_tokens_file()),
        import_sync_interval_ms: sync.as_millis() as u64,
        max_import_removal_percent: screening::imports::DEFAULT_MAX_REMOVAL_PERCENT,
        default_threshold: screening::domain::screen::DEFAULT_THRESHOLD,
        max_names_aligned: screening::domain::budget::Limits::default().names_aligned,
        max_screen_time_ms: screening::domain::budget::Limits::default()
            .time
            .as_millis() as u64,
        metrics_addr: None,
        overload: Default::default(),
        tls: Default::default(),
        traces: Default::default(),
    }
}

/// Starts screening as `config` says.
pub async fn start_screening(config: screening::config::Config) -> RunningServer {
    init_test_logging();
    let app = screening::startup::Application::build(config)
        .await
        .expect("screening starts");
    let addr = app.local_addr().expect("a bound address");
    let metrics_addr = app.metrics_addr();
    let mut server = RunningServer::start(addr, |stopped| async move {
        app.run_until_stopped(async {
            let _ = stopped.await;
        })
        .await
    });
    server.metrics_addr = metrics_addr;
    server
}

/// Starts the registry on a free port, calling screening at `screening_url`.
pub async fn spawn_registry(
    screening_url: &str,
    database: &TestDatabase,
    screening_timeout: Duration,
) -> RunningServer {
    spawn_registry_with_token(
        screening_url,
        database,
        screening_timeout,
        &token_for(REGISTRY_SERVICE_ROLE),
    )
    .await
}

/// Like `spawn_registry`, presenting `screening_token` to screening.
pub async fn spawn_registry_with_token(
    screening_url: &str,
    database: &TestDatabase,
    screening_timeout: Duration,
    screening_token: &str,
) -> RunningServer {
    spawn_registry_with_workers(
        screening_url,
        database,
        screening_timeout,
        screening_token,
        test_workers(),
    )
    .await
}

/// Background workers that poll often and take small batches, so that tests see their work
/// soon and several instances share it.
pub fn test_workers() -> registry::workers::WorkerConfig {
    registry::workers::WorkerConfig {
        pending_poll_interval_ms: 50,
        worker_lease_ms: 10_000,
        worker_batch_size: 16,
    }
}

/// Like `spawn_registry_with_token`, with the background workers configured by `workers`.
pub async fn spawn_registry_with_workers(
    screening_url: &str,
    database: &TestDatabase,
    screening_timeout: Duration,
    screening_token: &str,
    workers: registry::workers::WorkerConfig,
) -> RunningServer {
    let mut config = registry_config(screening_url, database, screening_timeout);
    config.screening_token = Some(screening_token.to_owned());
    config.workers = workers;
    start_registry(config).await
}

/// The configuration tests start the registry with: on a free port, plain TCP (on
/// loopback), the test tokens, workers as `test_workers`.
pub fn registry_config(
    screening_url: &str,
    database: &TestDatabase,
    screening_timeout: Duration,
) -> registry::config::Config {
    registry::config::Config {
        listen_addr: "127.0.0.1:0".to_owned(),
        screening_addr: screening_url.to_owned(),
        database_url: database.url().to_owned(),
        auth_tokens_file: Some(registry_tokens_file()),
        screening_token: Some(token_for(REGISTRY_SERVICE_ROLE)),
        screening_token_file: None,
        screening_timeout_ms: screening_timeout.as_millis() as u64,
        workers: test_workers(),
        metrics_addr: None,
        overload: Default::default(),
        tls: Default::default(),
        traces: Default::default(),
    }
}

/// Starts the registry as `config` says.
pub async fn start_registry(config: registry::config::Config) -> RunningServer {
    init_test_logging();
    let app = registry::startup::Application::build(config)
        .await
        .expect("registry starts");
    let addr = app.local_addr().expect("a bound address");
    let metrics_addr = app.metrics_addr();
    let mut server = RunningServer::start(addr, |stopped| async move {
        app.run_until_stopped(async {
            let _ = stopped.await;
        })
        .await
    });
    server.metrics_addr = metrics_addr;
    server
}
