//! Starting the real services for tests: each on port 0, over TCP, with its own database.

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Once, OnceLock};
use std::time::Duration;

use screening::config::WatchlistSpec;
use screening::lists::ListFormat;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tonic::metadata::{Ascii, MetadataValue};
use tonic::service::Interceptor;
use tonic::service::interceptor::InterceptedService;
use tonic::transport::Channel;
use wire::registry::v1::registry_service_client::RegistryServiceClient;
use wire::screening::v1::screening_service_client::ScreeningServiceClient;

pub use test_support::{DatabaseKind, TestDatabase, on_both_databases};

pub mod compose;
pub mod tls;

/// Logs go to stdout when `TEST_LOG` is set, and nowhere otherwise.
pub fn init_test_logging() {
    static INIT: Once = Once::new();
    INIT.call_once(|| {
        if std::env::var_os("TEST_LOG").is_some() {
            service_kit::telemetry::init(std::io::stdout);
        } else {
            service_kit::telemetry::init(std::io::sink);
        }
    });
}

/// A service running in this process until stopped or dropped.
pub struct RunningServer {
    pub addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<anyhow::Result<()>>>,
}

impl RunningServer {
    pub fn start<F>(addr: SocketAddr, run: impl FnOnce(oneshot::Receiver<()>) -> F) -> Self
    where
        F: Future<Output = anyhow::Result<()>> + Send + 'static,
    {
        let (stop, stopped) = oneshot::channel();
        Self {
            addr,
            stop: Some(stop),
            task: Some(tokio::spawn(run(stopped))),
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Asks for a graceful shutdown and waits for it; the result is the server's own.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match self.task.take() {
            Some(task) => task.await?,
            None => Ok(()),
        }
    }

    pub async fn channel(&self) -> Channel {
        Channel::from_shared(self.url())
            .expect("a valid URL")
            .connect_timeout(Duration::from_secs(5))
            .connect()
            .await
            .expect("the server accepts connections")
    }
}

impl RunningServer {
    pub async fn registry_client_as(&self, role: &str) -> RegistryClient {
        RegistryServiceClient::with_interceptor(self.channel().await, Bearer::for_role(role))
    }

    pub async fn screening_client_as(&self, role: &str) -> ScreeningClient {
        ScreeningServiceClient::with_interceptor(self.channel().await, Bearer::for_role(role))
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        if let Some(task) = &self.task {
            task.abort();
        }
    }
}

/// The token a test presents to act in `role`.
pub fn token_for(role: &str) -> String {
    format!("test-token-{role}")
}

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

fn screening_tokens_file() -> PathBuf {
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

fn registry_tokens_file() -> PathBuf {
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
        let grants: Vec<(&str, &str)> = roles.iter().map(|r| (*r, *r)).collect();
        tokens_file("registry", &grants)
    })
    .clone()
}

/// Adds `authorization: Bearer <token>` to every call.
#[derive(Clone)]
pub struct Bearer(MetadataValue<Ascii>);

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
        tls: Default::default(),
    }
}

/// Starts screening as `config` says.
pub async fn start_screening(config: screening::config::Config) -> RunningServer {
    init_test_logging();
    let app = screening::startup::Application::build(config)
        .await
        .expect("screening starts");
    let addr = app.local_addr().expect("a bound address");
    RunningServer::start(addr, |stopped| async move {
        app.run_until_stopped(async {
            let _ = stopped.await;
        })
        .await
    })
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
        tls: Default::default(),
    }
}

/// Starts the registry as `config` says.
pub async fn start_registry(config: registry::config::Config) -> RunningServer {
    init_test_logging();
    let app = registry::startup::Application::build(config)
        .await
        .expect("registry starts");
    let addr = app.local_addr().expect("a bound address");
    RunningServer::start(addr, |stopped| async move {
        app.run_until_stopped(async {
            let _ = stopped.await;
        })
        .await
    })
}

/// Both services, each with a fresh database of `kind`, screening the given lists.
pub struct TestStack {
    pub screening: RunningServer,
    pub registry: RunningServer,
    _databases: Vec<TestDatabase>,
}

impl TestStack {
    pub async fn spawn(kind: DatabaseKind, lists: Vec<WatchlistSpec>) -> Self {
        let screening_db = TestDatabase::fresh(kind).await;
        let registry_db = TestDatabase::fresh(kind).await;
        let screening = spawn_screening("127.0.0.1:0", lists, &screening_db).await;
        let registry = spawn_registry(&screening.url(), &registry_db, Duration::from_secs(5)).await;
        Self {
            screening,
            registry,
            _databases: vec![screening_db, registry_db],
        }
    }

    /// A registry client acting as an administrator.
    pub async fn registry_client(&self) -> RegistryClient {
        self.registry.registry_client_as("admin").await
    }

    /// A screening client acting as a screener.
    pub async fn screening_client(&self) -> ScreeningClient {
        self.screening.screening_client_as("screener").await
    }
}

/// The real UN consolidated list from `../shared/data`.
pub fn un_list() -> WatchlistSpec {
    WatchlistSpec {
        name: "un".to_owned(),
        format: ListFormat::UnXml,
        path: test_support::watchlist_path("un-consolidated-2026-02/consolidated.xml"),
    }
}

/// The real OFAC SDN list (2021-07, with aliases and addresses) from `../shared/data`.
pub fn ofac_sdn_list() -> WatchlistSpec {
    WatchlistSpec {
        name: "ofac-sdn".to_owned(),
        format: ListFormat::OfacCsv,
        path: test_support::watchlist_path("ofac-sdn-2021-07"),
    }
}

/// A small list in the project's CSV format, written to a temporary folder.
pub struct CsvList {
    pub spec: WatchlistSpec,
    _dir: tempfile::TempDir,
}

impl CsvList {
    pub fn write(name: &str, content: &str) -> Self {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let path: PathBuf = dir.path().join(format!("{name}.csv"));
        std::fs::write(&path, content).expect("the list is written");
        Self {
            spec: WatchlistSpec {
                name: name.to_owned(),
                format: ListFormat::Csv,
                path,
            },
            _dir: dir,
        }
    }
}

/// A person known by one name, with optional date of birth and nationality.
pub fn person(
    full_name: &str,
    birth_date: Option<&str>,
    nationality: Option<&str>,
) -> wire::common::v1::Person {
    wire::common::v1::Person {
        names: vec![wire::common::v1::PersonName {
            full_name: full_name.to_owned(),
            ..Default::default()
        }],
        birth_dates: birth_date.map(str::to_owned).into_iter().collect(),
        nationalities: nationality.map(str::to_owned).into_iter().collect(),
        ..Default::default()
    }
}

/// The fields named in an `INVALID_ARGUMENT` status's `BadRequest` details.
pub fn violated_fields(status: &tonic::Status) -> Vec<String> {
    use tonic_types::StatusExt;
    assert_eq!(status.code(), tonic::Code::InvalidArgument, "{status:?}");
    status
        .get_details_bad_request()
        .expect("a BadRequest detail")
        .field_violations
        .into_iter()
        .map(|v| v.field)
        .collect()
}

/// A `CreateSubjectRequest` for `person` under `request_id`.
pub fn intake_request(
    request_id: &str,
    person: wire::common::v1::Person,
) -> wire::registry::v1::CreateSubjectRequest {
    wire::registry::v1::CreateSubjectRequest {
        request_id: request_id.to_owned(),
        person: Some(person),
    }
}

/// The subject's screening state; every subject carries a screening.
pub fn screening_state(
    subject: &wire::registry::v1::Subject,
) -> wire::registry::v1::ScreeningState {
    subject.screening.as_ref().expect("a screening").state()
}

/// The subject as soon as `done` holds for it, read every 100 ms; fails after `deadline`
/// saying what it waited for.
pub async fn subject_once(
    registry: &mut RegistryClient,
    id: &str,
    deadline: Duration,
    waiting_for: &str,
    done: impl Fn(&wire::registry::v1::Subject) -> bool,
) -> wire::registry::v1::Subject {
    let started = tokio::time::Instant::now();
    loop {
        let subject = registry
            .get_subject(wire::registry::v1::GetSubjectRequest { id: id.to_owned() })
            .await
            .expect("the subject is found")
            .into_inner();
        if done(&subject) {
            return subject;
        }
        assert!(
            started.elapsed() < deadline,
            "subject {id}: {waiting_for} did not happen within {deadline:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
