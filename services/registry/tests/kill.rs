//! The real `registry` binary, killed with SIGKILL while intakes are under way and started
//! again on the same database: every acknowledged subject is there, and the ones left
//! PENDING get screened by the new process.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clap::Parser;
use test_support::{DatabaseKind, TestDatabase, on_both_databases};
use tokio::sync::watch;
use tonic::metadata::{Ascii, MetadataValue};
use tonic::transport::Channel;
use wire::common::v1 as common;
use wire::registry::v1 as pb;
use wire::registry::v1::registry_service_client::RegistryServiceClient;

const ADMIN_TOKEN: &str = "kill-test-admin-token";
const REGISTRY_TOKEN: &str = "kill-test-registry-token";
const CLIENTS: usize = 8;
/// Acknowledged intakes to wait for before the kill.
const ACKNOWLEDGED_BEFORE_KILL: usize = 150;

/// A port nobody listens on at the moment it is returned.
fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
    listener.local_addr().expect("an address").port()
}

/// The registry binary as a child process, killed when dropped.
struct RegistryProcess(Child);

impl RegistryProcess {
    fn start(port: u16, screening_port: u16, database_url: &str, tokens: &Path) -> Self {
        let output = || {
            if std::env::var_os("TEST_LOG").is_some() {
                Stdio::inherit()
            } else {
                Stdio::null()
            }
        };
        let child = Command::new(env!("CARGO_BIN_EXE_registry"))
            .args(["--listen-addr", &format!("127.0.0.1:{port}")])
            .args([
                "--screening-addr",
                &format!("http://127.0.0.1:{screening_port}"),
            ])
            .args(["--database-url", database_url])
            .arg("--auth-tokens-file")
            .arg(tokens)
            .args(["--screening-token", REGISTRY_TOKEN])
            .args(["--screening-timeout-ms", "300"])
            .args(["--pending-poll-interval-ms", "50"])
            .args(["--worker-lease-ms", "2000"])
            .stdout(output())
            .stderr(output())
            .spawn()
            .expect("the registry binary starts");
        Self(child)
    }

    /// SIGKILL: no shutdown hook, no flush, no lease given back.
    fn kill(&mut self) {
        self.0.kill().expect("the registry is killed");
        self.0.wait().expect("the killed registry is reaped");
    }
}

impl Drop for RegistryProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

type Client = RegistryServiceClient<
    tonic::service::interceptor::InterceptedService<
        Channel,
        Box<
            dyn FnMut(tonic::Request<()>) -> Result<tonic::Request<()>, tonic::Status>
                + Send
                + Sync,
        >,
    >,
>;

/// A client of the registry on `port`, once it answers (within 30 s).
async fn connect(port: u16) -> Client {
    let bearer: MetadataValue<Ascii> = format!("Bearer {ADMIN_TOKEN}").parse().expect("ASCII");
    let started = Instant::now();
    loop {
        let attempt = Channel::from_shared(format!("http://127.0.0.1:{port}"))
            .expect("a URL")
            .connect()
            .await;
        if let Ok(channel) = attempt {
            let bearer = bearer.clone();
            return RegistryServiceClient::with_interceptor(
                channel,
                Box::new(move |mut request: tonic::Request<()>| {
                    request
                        .metadata_mut()
                        .insert("authorization", bearer.clone());
                    Ok(request)
                }),
            );
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the registry never answered"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn intake(request_id: &str) -> pb::CreateSubjectRequest {
    pb::CreateSubjectRequest {
        request_id: request_id.to_owned(),
        person: Some(common::Person {
            names: vec![common::PersonName {
                full_name: format!("Person {request_id} Example"),
                ..Default::default()
            }],
            ..Default::default()
        }),
    }
}

#[derive(Default)]
struct Intakes {
    /// Request id and subject id of every intake the registry acknowledged.
    acknowledged: Vec<(String, String)>,
    /// Request ids sent but not answered: the kill came first.
    unanswered: Vec<String>,
}

/// Intakes from `CLIENTS` concurrent callers until each sees an error (the registry died).
async fn intakes_until_killed(port: u16, intakes: Arc<Mutex<Intakes>>) {
    let mut callers = tokio::task::JoinSet::new();
    for caller in 0..CLIENTS {
        let mut client = connect(port).await;
        let intakes = intakes.clone();
        callers.spawn(async move {
            for i in 0.. {
                let request_id = format!("kill-{caller}-{i}");
                match client.create_subject(intake(&request_id)).await {
                    Ok(response) => {
                        let id = response.into_inner().id;
                        intakes
                            .lock()
                            .expect("lock")
                            .acknowledged
                            .push((request_id, id));
                    }
                    Err(_) => {
                        intakes.lock().expect("lock").unanswered.push(request_id);
                        return;
                    }
                }
            }
        });
    }
    while callers.join_next().await.is_some() {}
}

fn write_tokens(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let registry = dir.join("registry-tokens");
    let line = service_kit::auth::tokens_file_line("test-admin", &["admin"], ADMIN_TOKEN);
    std::fs::write(&registry, line).expect("tokens written");
    let screening = dir.join("screening-tokens");
    let line = service_kit::auth::tokens_file_line("registry", &["screener"], REGISTRY_TOKEN);
    std::fs::write(&screening, line).expect("tokens written");
    (registry, screening)
}

async fn start_screening(
    port: u16,
    dir: &Path,
    tokens: &Path,
    database: &TestDatabase,
) -> watch::Sender<bool> {
    let list = dir.join("test.csv");
    std::fs::write(
        &list,
        "id,name,aliases,birth_dates,nationalities,type\nT-1,Someone ELSE,,,,person\n",
    )
    .expect("the list is written");
    // Parsed like the command line, so that options added to screening keep their defaults.
    let config = screening::config::Config::try_parse_from([
        "screening".to_owned(),
        format!("--listen-addr=127.0.0.1:{port}"),
        format!("--watchlist=test=csv:{}", list.display()),
        format!("--database-url={}", database.url()),
        format!("--auth-tokens-file={}", tokens.display()),
    ])
    .expect("a valid screening configuration");
    let app = screening::startup::Application::build(config)
        .await
        .expect("screening starts");
    let (stop, mut stopped) = watch::channel(false);
    tokio::spawn(app.run_until_stopped(async move {
        let _ = stopped.wait_for(|stop| *stop).await;
    }));
    stop
}

async fn a_registry_killed_mid_intake_loses_no_acknowledged_subject(kind: DatabaseKind) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let (registry_tokens, screening_tokens) = write_tokens(dir.path());
    let database = TestDatabase::fresh(kind).await;
    let screening_db = TestDatabase::fresh(kind).await;
    let (port, screening_port) = (free_port(), free_port());

    // Screening is down at first, so that the subjects wait as PENDING.
    let mut registry =
        RegistryProcess::start(port, screening_port, database.url(), &registry_tokens);
    let intakes = Arc::new(Mutex::new(Intakes::default()));
    let running = tokio::spawn(intakes_until_killed(port, intakes.clone()));
    let started = Instant::now();
    while intakes.lock().expect("lock").acknowledged.len() < ACKNOWLEDGED_BEFORE_KILL {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "intakes too slow"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    registry.kill();
    running.await.expect("the callers end");
    let Intakes {
        acknowledged,
        unanswered,
    } = std::mem::take(&mut *intakes.lock().expect("lock"));
    assert_eq!(
        unanswered.len(),
        CLIENTS,
        "every caller saw the registry die"
    );

    let _screening =
        start_screening(screening_port, dir.path(), &screening_tokens, &screening_db).await;
    let _registry = RegistryProcess::start(port, screening_port, database.url(), &registry_tokens);
    let mut client = connect(port).await;
    let started = Instant::now();
    for (request_id, id) in &acknowledged {
        loop {
            let subject = client
                .get_subject(pb::GetSubjectRequest { id: id.clone() })
                .await
                .unwrap_or_else(|status| panic!("acknowledged subject {id} is lost: {status:?}"))
                .into_inner();
            assert_eq!(&subject.request_id, request_id);
            let state = subject.screening.expect("a screening").state();
            if state != pb::ScreeningState::Pending {
                assert_eq!(state, pb::ScreeningState::Clear);
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "{id} still pending"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    // A caller that got no answer retries with the same request id, and gets one subject.
    for request_id in &unanswered {
        let first = client
            .create_subject(intake(request_id))
            .await
            .expect("the retry succeeds");
        let again = client
            .create_subject(intake(request_id))
            .await
            .expect("idempotent");
        assert_eq!(first.into_inner().id, again.into_inner().id);
    }
}

on_both_databases!(a_registry_killed_mid_intake_loses_no_acknowledged_subject);
