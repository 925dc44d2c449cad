//! Starting the real services for tests: each on port 0, over TCP, with its own database.

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Once;
use std::time::Duration;

use screening::config::WatchlistSpec;
use screening::lists::ListFormat;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tonic::transport::Channel;
use wire::registry::v1::registry_service_client::RegistryServiceClient;
use wire::screening::v1::screening_service_client::ScreeningServiceClient;

pub use test_support::{DatabaseKind, TestDatabase, on_both_databases};

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
    fn start<F>(addr: SocketAddr, run: impl FnOnce(oneshot::Receiver<()>) -> F) -> Self
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

impl Drop for RunningServer {
    fn drop(&mut self) {
        if let Some(task) = &self.task {
            task.abort();
        }
    }
}

/// Starts screening on `listen_addr` (use `127.0.0.1:0` for any free port) with `lists`.
pub async fn spawn_screening(
    listen_addr: &str,
    lists: Vec<WatchlistSpec>,
    database: &TestDatabase,
) -> RunningServer {
    init_test_logging();
    let app = screening::startup::Application::build(screening::config::Config {
        listen_addr: listen_addr.to_owned(),
        watchlists: lists,
        database_url: database.url().to_owned(),
        default_threshold: screening::domain::screen::DEFAULT_THRESHOLD,
    })
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
    init_test_logging();
    let app = registry::startup::Application::build(registry::config::Config {
        listen_addr: "127.0.0.1:0".to_owned(),
        screening_addr: screening_url.to_owned(),
        database_url: database.url().to_owned(),
        screening_timeout_ms: screening_timeout.as_millis() as u64,
    })
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

    pub async fn registry_client(&self) -> RegistryServiceClient<Channel> {
        RegistryServiceClient::new(self.registry.channel().await)
    }

    pub async fn screening_client(&self) -> ScreeningServiceClient<Channel> {
        ScreeningServiceClient::new(self.screening.channel().await)
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
