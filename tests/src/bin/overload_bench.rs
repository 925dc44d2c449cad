//! Both services under more callers than they can serve: latency of the calls accepted,
//! calls refused, and whether any acknowledged intake is missing from the database.
//!
//! `cargo build --release -p screening -p registry &&
//!  cargo run --release -p system-tests --bin overload-bench -- [--database sqlite|postgres]
//!  [--clients N] [--seconds S] [--deadline-ms D] [--phase screen|intake|both]`
//!
//! Each service runs as its own process, as in production: the real `screening` and
//! `registry` binaries found next to this one (so build them first, from the same tree), on
//! loopback, with the real UN and OFAC SDN lists, each with a fresh database. Their other
//! settings are their defaults or the environment's (`SCREENING_MAX_CONCURRENT_CALLS=8`,
//! ...), printed at the start. The clients run here, apart, so that an accepted call's
//! latency is the server's and the network's, not a wait behind 2,000 client tasks in one
//! runtime. Each client has its own connection and calls in a loop with a deadline of
//! `--deadline-ms` (default 1,000): `Screen` on screening, then `CreateSubject` on the
//! registry. A call refused (`RESOURCE_EXHAUSTED`, `UNAVAILABLE`) is retried after an
//! exponential backoff with jitter (100 ms doubling to at most 3.2 s, reset by a success), as
//! gRPC's retry policies do. After the intake phase every acknowledged subject is looked up
//! in the registry's database.

use std::sync::Arc;
use std::time::{Duration, Instant};

use matching_evaluation::benchmarking::NameStock;
use system_tests::processes::{
    ProcessDir, ServiceProcess, start_registry_process, start_screening_process,
};
use system_tests::{DatabaseKind, TestDatabase, ofac_sdn_list, person, un_list};
use tonic::Code;
use wire::registry::v1 as pb;
use wire::screening::v1 as screening_pb;

struct Options {
    database: DatabaseKind,
    clients: usize,
    seconds: u64,
    deadline: Duration,
    screen: bool,
    intake: bool,
}

fn options() -> Options {
    let mut options = Options {
        database: DatabaseKind::Sqlite,
        clients: 2_000,
        seconds: 10,
        deadline: Duration::from_millis(1_000),
        screen: true,
        intake: true,
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    for pair in args.chunks(2) {
        let value = pair.get(1).map(String::as_str).unwrap_or_default();
        match pair[0].as_str() {
            "--database" => {
                options.database = if value == "postgres" {
                    DatabaseKind::Postgres
                } else {
                    DatabaseKind::Sqlite
                }
            }
            "--clients" => options.clients = value.parse().unwrap_or(options.clients),
            "--seconds" => options.seconds = value.parse().unwrap_or(options.seconds),
            "--deadline-ms" => {
                options.deadline = value
                    .parse()
                    .map_or(options.deadline, Duration::from_millis)
            }
            "--phase" => {
                options.screen = value != "intake";
                options.intake = value != "screen";
            }
            other => eprintln!("ignoring unknown option {other}"),
        }
    }
    options
}

/// What the clients saw.
#[derive(Default)]
struct Outcomes {
    accepted: Vec<Duration>,
    refused: u64,
    past_deadline: u64,
    failed: u64,
    /// Intake only: subjects acknowledged, and how many of them were recorded PENDING.
    acknowledged: Vec<String>,
    pending: u64,
}

impl Outcomes {
    fn merge(&mut self, other: Outcomes) {
        self.accepted.extend(other.accepted);
        self.refused += other.refused;
        self.past_deadline += other.past_deadline;
        self.failed += other.failed;
        self.acknowledged.extend(other.acknowledged);
        self.pending += other.pending;
    }

    /// Counts a failed call; true when it was refused (and is retried after a pause).
    fn failure(&mut self, code: Code) -> bool {
        match code {
            Code::ResourceExhausted | Code::Unavailable => {
                self.refused += 1;
                true
            }
            Code::DeadlineExceeded | Code::Cancelled => {
                self.past_deadline += 1;
                false
            }
            _ => {
                self.failed += 1;
                false
            }
        }
    }

    fn report(&mut self, what: &str, elapsed: Duration, clients: usize) {
        self.accepted.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        println!(
            "{what}: {clients} clients, {:.1} s: {} accepted ({:.0}/s), p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms; {} refused; {} past their deadline; {} failed otherwise",
            elapsed.as_secs_f64(),
            self.accepted.len(),
            self.accepted.len() as f64 / elapsed.as_secs_f64(),
            ms(percentile(&self.accepted, 0.50)),
            ms(percentile(&self.accepted, 0.99)),
            ms(self.accepted.last().copied().unwrap_or_default()),
            self.refused,
            self.past_deadline,
            self.failed,
        );
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(index).copied().unwrap_or_default()
}

/// The pause after `refusals` refusals in a row: 100 ms doubling up to 3.2 s, times a
/// factor of 0.5–1.5 that differs per client and attempt, so that refused clients do not
/// return together.
fn backoff(client: usize, attempt: usize, refusals: u32) -> Duration {
    let base = 100u64 << refusals.min(5);
    let jitter = ((client * 7_919 + attempt * 104_729) % 1_000) as u64;
    Duration::from_millis(base / 2 + base * jitter / 1_000)
}

fn name(stock: &NameStock, i: usize) -> String {
    let given = &stock.given[(i * 7_919) % stock.given.len()];
    let family = &stock.family[(i * 104_729 / 7) % stock.family.len()];
    format!("{given} {family}")
}

/// Runs `call` from every client in a loop until the time is up; `call` gives the latency
/// and, for an intake, the subject acknowledged and whether it is PENDING.
async fn load<C, F, Fut>(clients: Vec<C>, options: &Options, call: F) -> Outcomes
where
    C: Send + 'static,
    F: Fn(&mut C, usize, usize, Duration) -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = Result<Option<(String, bool)>, tonic::Status>> + Send,
{
    let end = Instant::now() + Duration::from_secs(options.seconds);
    let deadline = options.deadline;
    let tasks: Vec<_> = clients
        .into_iter()
        .enumerate()
        .map(|(c, mut client)| {
            let call = call.clone();
            tokio::spawn(async move {
                let mut outcomes = Outcomes::default();
                let mut attempt = 0;
                let mut refusals = 0;
                while Instant::now() < end {
                    attempt += 1;
                    let sent = Instant::now();
                    match call(&mut client, c, attempt, deadline).await {
                        Ok(acknowledged) => {
                            outcomes.accepted.push(sent.elapsed());
                            refusals = 0;
                            if let Some((id, pending)) = acknowledged {
                                outcomes.acknowledged.push(id);
                                outcomes.pending += u64::from(pending);
                            }
                        }
                        Err(status) => {
                            if outcomes.failure(status.code()) {
                                tokio::time::sleep(backoff(c, attempt, refusals)).await;
                                refusals += 1;
                            }
                        }
                    }
                }
                outcomes
            })
        })
        .collect();
    let mut all = Outcomes::default();
    for task in tasks {
        all.merge(task.await.expect("a client"));
    }
    all
}

async fn screen_phase(screening: &ServiceProcess, options: &Options, names: &Arc<NameStock>) {
    let mut clients = Vec::with_capacity(options.clients);
    for _ in 0..options.clients {
        clients.push(screening.screening_client_as("screener").await);
    }
    let names = names.clone();
    let started = Instant::now();
    let mut outcomes = load(clients, options, move |client, c, attempt, deadline| {
        let mut client = client.clone();
        let mut request = tonic::Request::new(screening_pb::ScreenRequest {
            person: Some(person(&name(&names, c * 1_000 + attempt), None, None)),
            ..Default::default()
        });
        request.set_timeout(deadline);
        async move { client.screen(request).await.map(|_| None) }
    })
    .await;
    outcomes.report("Screen", started.elapsed(), options.clients);
}

async fn intake_phase(
    registry: &ServiceProcess,
    registry_db: &TestDatabase,
    options: &Options,
    names: &Arc<NameStock>,
) {
    let mut clients = Vec::with_capacity(options.clients);
    for _ in 0..options.clients {
        clients.push(registry.registry_client_as("intake").await);
    }
    let names = names.clone();
    let started = Instant::now();
    let mut outcomes = load(clients, options, move |client, c, attempt, deadline| {
        let mut client = client.clone();
        let mut request = tonic::Request::new(pb::CreateSubjectRequest {
            request_id: format!("overload-{c}-{attempt}"),
            person: Some(person(&name(&names, c * 1_000 + attempt), None, None)),
        });
        request.set_timeout(deadline);
        async move {
            let subject = client.create_subject(request).await?.into_inner();
            let pending =
                subject.screening.as_ref().map(|s| s.state()) == Some(pb::ScreeningState::Pending);
            Ok(Some((subject.id, pending)))
        }
    })
    .await;
    outcomes.report("CreateSubject", started.elapsed(), options.clients);
    let missing = missing_subjects(registry_db, &outcomes.acknowledged).await;
    println!(
        "CreateSubject: {} acknowledged ({} of them PENDING: screening refused or slow); {missing} missing from the database",
        outcomes.acknowledged.len(),
        outcomes.pending,
    );
}

/// How many of the acknowledged subject ids the registry's database does not hold.
async fn missing_subjects(database: &TestDatabase, ids: &[String]) -> usize {
    let store = registry::store::Store::connect(database.url())
        .await
        .expect("the registry database opens");
    let mut missing = 0;
    for id in ids {
        let found = match uuid::Uuid::parse_str(id) {
            Ok(id) => store
                .get_subject(id)
                .await
                .expect("the database answers")
                .is_some(),
            Err(_) => false,
        };
        if !found {
            missing += 1;
        }
    }
    missing
}

/// The limits each service runs with: its defaults, or the environment's, as the child
/// reads them (the same code, from the same tree).
fn print_limits() {
    use clap::Parser;
    match screening::config::Config::try_parse_from(["screening"]) {
        Ok(config) => println!("screening limits: {:?}", config.overload.limits()),
        Err(error) => println!("screening limits: unreadable ({error})"),
    }
    match registry::config::Config::try_parse_from(["registry"]) {
        Ok(config) => println!("registry limits: {:?}", config.overload.limits()),
        Err(error) => println!("registry limits: unreadable ({error})"),
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let options = options();
    let screening_db = TestDatabase::try_fresh(options.database).await?;
    let registry_db = TestDatabase::try_fresh(options.database).await?;
    let dir = ProcessDir::new()?;
    let screening =
        start_screening_process(&dir, &[un_list(), ofac_sdn_list()], &screening_db).await?;
    let registry = start_registry_process(&dir, &screening.url(), &registry_db).await?;
    println!(
        "database {:?}; lists UN + OFAC SDN; {} cores; deadline {} ms; servers in their own processes",
        options.database,
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        options.deadline.as_millis(),
    );
    print_limits();
    let names =
        Arc::new(NameStock::load(&test_support::shared_data_dir()).expect("the name stock loads"));
    if options.screen {
        screen_phase(&screening, &options, &names).await;
    }
    if options.intake {
        intake_phase(&registry, &registry_db, &options, &names).await;
    }
    // A server that died under load would make the figures meaningless: say so.
    registry.stop()?;
    screening.stop()?;
    Ok(())
}
