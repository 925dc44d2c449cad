//! `Screen` as a client sees it over gRPC, against a brute-force Jaro-Winkler scan of every
//! list name measured in the same run.
//!
//! `cargo run --release -p system-tests --bin screen-bench -- [--lists real|generated]
//!  [--entries N] [--queries N] [--clients N] [--seconds S] [--brute-force-queries N]`
//!
//! `real`: UN + OFAC SDN + OFAC consolidated, queried with the perturbed listed persons and
//! the innocents of the development sets. `generated`: a list of `--entries` people made by
//! recombining the development sets' given and family names (1,000,000 by default), loaded
//! through the service as a CSV list, queried with listed names carrying a typo and with
//! fresh recombinations. Screening runs in this process on loopback; its load time and the
//! resident memory it adds are measured around start-up.

use std::time::{Duration, Instant};

use matching_evaluation::benchmarking::{
    BruteForce, NameStock, entries_csv, generated_entries, generated_queries, real_list_queries,
};
use person::Person;
use screening::config::WatchlistSpec;
use screening::lists::{ListFormat, parse, read_files};
use system_tests::{ScreeningClient, ofac_sdn_list, spawn_screening, un_list};
use test_support::{DatabaseKind, TestDatabase, shared_data_dir, watchlist_path};
use wire::screening::v1 as pb;

struct Options {
    generated: bool,
    entries: usize,
    queries: usize,
    clients: usize,
    seconds: u64,
    brute_force_queries: usize,
}

fn options() -> Options {
    let mut options = Options {
        generated: false,
        entries: 1_000_000,
        queries: 2_000,
        clients: 8,
        seconds: 10,
        brute_force_queries: 200,
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "-V" || a == "--version") {
        println!("screen-bench {}", env!("CARGO_PKG_VERSION"));
        std::process::exit(0);
    }
    for pair in args.chunks(2) {
        let value = pair.get(1).map(String::as_str).unwrap_or_default();
        let number = |current: usize| value.parse().unwrap_or(current);
        match pair[0].as_str() {
            "--lists" => options.generated = value == "generated",
            "--entries" => options.entries = number(options.entries),
            "--queries" => options.queries = number(options.queries),
            "--clients" => options.clients = number(options.clients),
            "--seconds" => options.seconds = number(options.seconds as usize) as u64,
            "--brute-force-queries" => {
                options.brute_force_queries = number(options.brute_force_queries);
            }
            other => eprintln!("ignoring unknown option {other}"),
        }
    }
    options
}

fn request(person: &Person, n: usize) -> pb::ScreenRequest {
    pb::ScreenRequest {
        request_id: format!("bench-{n}"),
        person: Some(wire::common::v1::Person {
            names: person
                .names
                .iter()
                .map(|name| wire::common::v1::PersonName {
                    full_name: name.full_name.clone(),
                    ..Default::default()
                })
                .collect(),
            birth_dates: person.birth_dates.iter().map(ToString::to_string).collect(),
            nationalities: person
                .nationalities
                .iter()
                .map(|c| c.as_str().to_owned())
                .collect(),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(index).copied().unwrap_or_default()
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

fn describe(what: &str, latencies: &mut [Duration]) -> Duration {
    latencies.sort();
    let median = percentile(latencies, 0.5);
    println!(
        "{what}: {} queries; p50 {:.3} ms, p90 {:.3} ms, p99 {:.3} ms, max {:.3} ms",
        latencies.len(),
        ms(median),
        ms(percentile(latencies, 0.9)),
        ms(percentile(latencies, 0.99)),
        ms(latencies.last().copied().unwrap_or_default()),
    );
    median
}

/// Resident and peak memory of this process, in MiB.
fn memory() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

struct Workload {
    specs: Vec<WatchlistSpec>,
    people: Vec<Person>,
    brute: BruteForce,
    _dir: tempfile::TempDir,
}

fn workload(options: &Options) -> anyhow::Result<Workload> {
    let dir = tempfile::tempdir()?;
    let data = shared_data_dir();
    if options.generated {
        let stock = NameStock::load(&data)?;
        let entries = generated_entries(&stock, options.entries, 1);
        let people = generated_queries(&stock, &entries, options.queries, 2);
        let path = dir.path().join("generated.csv");
        std::fs::write(&path, entries_csv(&entries)?)?;
        let brute = BruteForce::new(&entries);
        let spec = WatchlistSpec {
            name: "generated".into(),
            format: ListFormat::Csv,
            path,
        };
        return Ok(Workload {
            specs: vec![spec],
            people,
            brute,
            _dir: dir,
        });
    }
    let consolidated = WatchlistSpec {
        name: "ofac-consolidated".into(),
        format: ListFormat::OfacCsv,
        path: watchlist_path("ofac-consolidated-2025-12"),
    };
    let specs = vec![un_list(), ofac_sdn_list(), consolidated];
    let mut entries = Vec::new();
    for spec in &specs {
        entries.extend(parse(spec.format, &read_files(spec.format, &spec.path)?)?);
    }
    let mut people = real_list_queries(&data)?;
    people.truncate(options.queries);
    Ok(Workload {
        specs,
        people,
        brute: BruteForce::new(&entries),
        _dir: dir,
    })
}

async fn sequential(client: &ScreeningClient, people: &[Person]) -> (Vec<Duration>, usize) {
    let mut client = client.clone();
    let mut latencies = Vec::with_capacity(people.len());
    let mut matched = 0;
    for (n, person) in people.iter().enumerate() {
        let sent = Instant::now();
        let response = client.screen(request(person, n)).await.expect("screened");
        latencies.push(sent.elapsed());
        matched += usize::from(!response.into_inner().hits.is_empty());
    }
    (latencies, matched)
}

async fn concurrent(client: &ScreeningClient, people: &[Person], options: &Options) {
    let deadline = Instant::now() + Duration::from_secs(options.seconds);
    let started = Instant::now();
    let clients = options.clients;
    let workers: Vec<_> = (0..clients)
        .map(|worker| {
            let mut client = client.clone();
            let people = people.to_vec();
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut n = worker;
                while Instant::now() < deadline {
                    let sent = Instant::now();
                    client
                        .screen(request(&people[n % people.len()], n))
                        .await
                        .expect("screened");
                    latencies.push(sent.elapsed());
                    n += clients;
                }
                latencies
            })
        })
        .collect();
    let mut latencies = Vec::new();
    for worker in workers {
        latencies.extend(worker.await.expect("a worker"));
    }
    let elapsed = started.elapsed().as_secs_f64();
    let count = latencies.len();
    describe(
        &format!("Screen over gRPC, {} concurrent clients", options.clients),
        &mut latencies,
    );
    println!(
        "  throughput {:.0} screenings/s on {} cores",
        count as f64 / elapsed,
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let options = options();
    let work = workload(&options)?;
    let database = TestDatabase::fresh(DatabaseKind::Sqlite).await;
    let (rss_before, _) = memory();
    let loading = Instant::now();
    let server = spawn_screening("127.0.0.1:0", work.specs.clone(), &database).await;
    let load_time = loading.elapsed();
    let (rss_after, peak) = memory();
    println!(
        "lists {}: {} names; loaded in {:.1} s; resident memory +{:.0} MiB for screening \
         ({:.0} MiB process, peak {:.0} MiB including this benchmark's own copy of the list)",
        if options.generated {
            "generated"
        } else {
            "UN + OFAC SDN + OFAC consolidated"
        },
        work.brute.len(),
        load_time.as_secs_f64(),
        rss_after - rss_before,
        rss_after,
        peak,
    );
    let client = server.screening_client_as("screener").await;

    let (mut latencies, matched) = sequential(&client, &work.people).await;
    let indexed = describe("Screen over gRPC, one client", &mut latencies);
    println!("  {matched} of {} queries raised a hit", work.people.len());
    concurrent(&client, &work.people, &options).await;

    let sample: Vec<&Person> = work
        .people
        .iter()
        .step_by((work.people.len() / options.brute_force_queries.max(1)).max(1))
        .collect();
    let mut brute = Vec::with_capacity(sample.len());
    for person in &sample {
        let started = Instant::now();
        std::hint::black_box(work.brute.scan(person));
        brute.push(started.elapsed());
    }
    let brute_median = describe("brute-force Jaro-Winkler scan, in-process", &mut brute);
    println!(
        "median: indexed Screen over gRPC is {:.1}x faster than the brute-force scan",
        brute_median.as_secs_f64() / indexed.as_secs_f64().max(1e-9)
    );
    server.stop().await?;
    Ok(())
}
