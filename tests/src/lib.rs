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

pub mod captured_logs;
pub mod compose;
pub mod processes;
pub mod prometheus;
mod spawn;
pub mod tls;

pub use spawn::*;

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
    /// Where it serves metrics, when its configuration asked for them.
    pub metrics_addr: Option<SocketAddr>,
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
            metrics_addr: None,
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
        channel_to(self.addr).await
    }
}

/// A plain TCP channel to a server at `addr` (one connection).
pub async fn channel_to(addr: SocketAddr) -> Channel {
    Channel::from_shared(format!("http://{addr}"))
        .expect("a valid URL")
        .connect_timeout(Duration::from_secs(5))
        .connect()
        .await
        .expect("the server accepts connections")
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
