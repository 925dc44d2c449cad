//! Intake throughput and latency, end to end: registry → screening over TCP → committed.
//!
//! `cargo run --release -p system-tests --bin intake-bench -- [--database sqlite|postgres]
//!  [--clients N] [--seconds S] [--bulk N] [--lists real|tiny]`
//!
//! Both services run in this process on loopback with the real UN and OFAC SDN lists, each
//! with a fresh database. Clients call `CreateSubject` with distinct request ids for the
//! given time; then one `BulkCreateSubjects` stream carries `--bulk` items. Figures go to
//! standard output for BENCHMARKS.md.

use std::sync::Arc;
use std::time::{Duration, Instant};

use matching_evaluation::benchmarking::NameStock;

use system_tests::{
    CsvList, DatabaseKind, RegistryClient, TestStack, ofac_sdn_list, person, un_list,
};
use tokio_stream::StreamExt;
use wire::registry::v1 as pb;

struct Options {
    database: DatabaseKind,
    /// Screen against a two-entry list instead of the real ones, to see the registry's own cost.
    tiny_list: bool,
    clients: usize,
    seconds: u64,
    bulk: usize,
}

fn options() -> Options {
    let mut options = Options {
        database: DatabaseKind::Sqlite,
        tiny_list: false,
        clients: 32,
        seconds: 10,
        bulk: 20_000,
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "-V" || a == "--version") {
        println!("intake-bench {}", env!("CARGO_PKG_VERSION"));
        std::process::exit(0);
    }
    for pair in args.chunks(2) {
        let value = pair.get(1).map(String::as_str).unwrap_or_default();
        match pair[0].as_str() {
            "--database" if value == "postgres" => options.database = DatabaseKind::Postgres,
            "--database" => options.database = DatabaseKind::Sqlite,
            "--clients" => options.clients = value.parse().unwrap_or(options.clients),
            "--seconds" => options.seconds = value.parse().unwrap_or(options.seconds),
            "--bulk" => options.bulk = value.parse().unwrap_or(options.bulk),
            "--lists" => options.tiny_list = value == "tiny",
            other => eprintln!("ignoring unknown option {other}"),
        }
    }
    options
}

/// Names that vary like real intake: the given and family names of the development sets
/// recombined (mostly unlisted people), and every 50th a listed spelling.
struct Names(NameStock);

impl Names {
    fn load() -> Self {
        Self(NameStock::load(&test_support::shared_data_dir()).expect("the name stock loads"))
    }

    fn name(&self, i: usize) -> String {
        if i.is_multiple_of(50) {
            return "Qusay Saddam Hussein al-Tikriti".to_owned();
        }
        let given = &self.0.given[(i * 7_919) % self.0.given.len()];
        let family = &self.0.family[(i * 104_729 / 7) % self.0.family.len()];
        format!("{given} {family}")
    }

    fn intake(&self, prefix: &str, i: usize) -> pb::CreateSubjectRequest {
        pb::CreateSubjectRequest {
            request_id: format!("{prefix}-{i}"),
            person: Some(person(&self.name(i), Some("1980"), None)),
        }
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(index).copied().unwrap_or_default()
}

async fn create_subject_load(client: &RegistryClient, options: &Options, names: &Arc<Names>) {
    let deadline = Instant::now() + Duration::from_secs(options.seconds);
    let started = Instant::now();
    let workers: Vec<_> = (0..options.clients)
        .map(|worker| {
            let mut client = client.clone();
            let names = names.clone();
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut i = 0;
                while Instant::now() < deadline {
                    let request = names.intake(&format!("load-{worker}"), worker * 100_000 + i);
                    let sent = Instant::now();
                    let subject = client
                        .create_subject(request)
                        .await
                        .expect("intake succeeds");
                    latencies.push(sent.elapsed());
                    let state = subject.into_inner().screening.expect("screened").state();
                    assert_ne!(
                        state,
                        pb::ScreeningState::Pending,
                        "screening answered in time"
                    );
                    i += 1;
                }
                latencies
            })
        })
        .collect();
    let mut latencies = Vec::new();
    for worker in workers {
        latencies.extend(worker.await.expect("a worker"));
    }
    let elapsed = started.elapsed();
    latencies.sort();
    println!(
        "CreateSubject: {} intakes in {:.1} s with {} clients = {:.0}/s; latency p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        latencies.len(),
        elapsed.as_secs_f64(),
        options.clients,
        latencies.len() as f64 / elapsed.as_secs_f64(),
        percentile(&latencies, 0.50).as_secs_f64() * 1000.0,
        percentile(&latencies, 0.99).as_secs_f64() * 1000.0,
        latencies.last().copied().unwrap_or_default().as_secs_f64() * 1000.0,
    );
}

async fn bulk_load(client: &RegistryClient, options: &Options, names: &Names) {
    let items: Vec<pb::BulkCreateSubjectsRequest> = (0..options.bulk)
        .map(|i| pb::BulkCreateSubjectsRequest {
            subject: Some(names.intake("bulk", i)),
        })
        .collect();
    let mut client = client.clone();
    let started = Instant::now();
    let cpu_before = cpu_seconds();
    let responses: Vec<_> = client
        .bulk_create_subjects(tokio_stream::iter(items))
        .await
        .expect("the stream opens")
        .into_inner()
        .collect()
        .await;
    let elapsed = started.elapsed();
    let cpu = cpu_seconds() - cpu_before;
    let accepted = responses
        .iter()
        .filter(|r| {
            matches!(
                r,
                Ok(pb::BulkCreateSubjectsResponse {
                    result: Some(pb::bulk_create_subjects_response::Result::Subject(_)),
                    ..
                })
            )
        })
        .count();
    println!(
        "BulkCreateSubjects: {accepted} of {} subjects in {:.1} s = {:.0}/s; CPU {:.0} µs per subject ({:.2} cores busy)",
        options.bulk,
        elapsed.as_secs_f64(),
        accepted as f64 / elapsed.as_secs_f64(),
        cpu / accepted.max(1) as f64 * 1e6,
        cpu / elapsed.as_secs_f64(),
    );
}

/// CPU time this process (client and both services) has used, user and system, from
/// `/proc/self/stat` (Linux; 0 elsewhere). Less disturbed than wall time by other tenants
/// of a shared machine.
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th.
    let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let ticks: f64 = after_name
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|field| field.parse::<f64>().ok())
        .sum();
    // USER_HZ is 100 on every Linux this runs on.
    ticks / 100.0
}

#[tokio::main]
async fn main() {
    let options = options();
    let tiny = CsvList::write(
        "tiny",
        "id,name\nT-1,Qusay Saddam Hussein AL-TIKRITI\nT-2,Northwind LLC\n",
    );
    let lists = if options.tiny_list {
        vec![tiny.spec.clone()]
    } else {
        vec![un_list(), ofac_sdn_list()]
    };
    let stack = TestStack::spawn(options.database, lists).await;
    let client = stack.registry.registry_client_as("intake").await;
    println!(
        "database {:?}; lists {}; {} cores",
        options.database,
        if options.tiny_list {
            "a two-entry CSV"
        } else {
            "UN + OFAC SDN"
        },
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    let names = Arc::new(Names::load());
    create_subject_load(&client, &options, &names).await;
    if options.bulk > 0 {
        bulk_load(&client, &options, &names).await;
    }
}
