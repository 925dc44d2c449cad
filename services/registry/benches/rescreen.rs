//! Re-screening rate: N subjects taken in while screening serves the OFAC SDN list of
//! 2024-04-26, then screening restarted with the list of 2024-05-03; how fast does the
//! registry bring every subject up to date?
//!
//! Both services run in this process on loopback TCP, as in production but for the
//! process boundary. The registry's database is SQLite (a file in a temporary folder) or
//! PostgreSQL (`DATABASE_URL`, or a throwaway cluster as the tests use).
//!
//! ```text
//! cargo bench -p registry --bench rescreen -- --database sqlite --subjects 10000
//! cargo bench -p registry --bench rescreen -- --database postgres --subjects 10000
//! ```

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::Parser;
use sqlx::any::AnyPoolOptions;
use test_support::{DatabaseKind, TestDatabase};
use tokio::sync::watch;
use tonic::metadata::{Ascii, MetadataValue};
use tonic::transport::Channel;
use wire::common::v1 as common;
use wire::registry::v1 as pb;
use wire::registry::v1::registry_service_client::RegistryServiceClient;

const ADMIN_TOKEN: &str = "bench-admin-token";
const REGISTRY_TOKEN: &str = "bench-registry-token";
const INTAKE_CALLERS: usize = 16;

#[derive(Debug, Parser)]
#[command(name = "rescreen", version)]
struct Options {
    /// sqlite or postgres.
    #[arg(long, default_value = "sqlite")]
    database: String,
    #[arg(long, default_value_t = 10_000)]
    subjects: usize,
    /// Subjects a worker takes at once (`--worker-batch-size` of the registry).
    #[arg(long, default_value_t = registry::workers::DEFAULT_WORKER_BATCH_SIZE)]
    batch_size: u32,
    /// ofac: the real OFAC update; small: a two-entry list that changes by one entry, so that
    /// screening costs next to nothing and the registry's own part shows.
    #[arg(long, default_value = "ofac")]
    lists: String,
    /// Passed by `cargo bench`; ignored.
    #[arg(long, hide = true)]
    bench: bool,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let options = Options::parse();
    // The services' own logs (`RUST_LOG` filters them) only when asked for.
    if std::env::var_os("BENCH_LOG").is_some() {
        service_kit::telemetry::init(std::io::stderr);
    } else {
        service_kit::telemetry::init(std::io::sink);
    }
    let kind = match options.database.as_str() {
        "sqlite" => DatabaseKind::Sqlite,
        "postgres" => DatabaseKind::Postgres,
        other => bail!("--database must be sqlite or postgres, not {other:?}"),
    };
    let dir = tempfile::tempdir()?;
    let (registry_tokens, screening_tokens) = write_tokens(dir.path())?;
    let registry_db = TestDatabase::try_fresh(kind).await?;
    let screening_db = TestDatabase::try_fresh(DatabaseKind::Sqlite).await?;

    let (before, after) = match options.lists.as_str() {
        "ofac" => (
            format!(
                "ofac=ofac-csv:{}",
                ofac_file("sdn-2024-04-26.csv").display()
            ),
            format!(
                "ofac=ofac-csv:{}",
                ofac_file("sdn-2024-05-03.csv").display()
            ),
        ),
        "small" => {
            let (v1, v2) = (dir.path().join("v1.csv"), dir.path().join("v2.csv"));
            std::fs::write(&v1, SMALL_LIST)?;
            std::fs::write(
                &v2,
                format!("{SMALL_LIST}T-2,Northwind Maritime LLC,,,,organization\n"),
            )?;
            (
                format!("small=csv:{}", v1.display()),
                format!("small=csv:{}", v2.display()),
            )
        }
        other => bail!("--lists must be ofac or small, not {other:?}"),
    };
    let screening_port = free_port()?;
    let screening_args = |watchlist: &str| {
        vec![
            "screening".to_owned(),
            format!("--listen-addr=127.0.0.1:{screening_port}"),
            format!("--watchlist={watchlist}"),
            format!("--database-url={}", screening_db.url()),
            format!("--auth-tokens-file={}", screening_tokens.display()),
        ]
    };
    let stop_screening = start_screening(screening_args(&before)).await?;

    let registry =
        registry::startup::Application::build(registry::config::Config::try_parse_from([
            "registry".to_owned(),
            "--listen-addr=127.0.0.1:0".to_owned(),
            format!("--screening-addr=http://127.0.0.1:{screening_port}"),
            format!("--database-url={}", registry_db.url()),
            format!("--auth-tokens-file={}", registry_tokens.display()),
            format!("--screening-token={REGISTRY_TOKEN}"),
            "--screening-timeout-ms=10000".to_owned(),
            "--pending-poll-interval-ms=200".to_owned(),
            format!("--worker-batch-size={}", options.batch_size),
        ])?)
        .await?;
    let registry_addr = registry.local_addr()?;
    tokio::spawn(registry.run_until_stopped(std::future::pending()));

    println!(
        "re-screening bench: {} subjects, registry on {kind}, lists {}",
        options.subjects, options.lists
    );
    let started = Instant::now();
    take_in(registry_addr.port(), options.subjects).await?;
    let intake_seconds = started.elapsed().as_secs_f64();
    println!(
        "  intake (CreateSubject, {INTAKE_CALLERS} callers): {:.1} s, {:.0}/s",
        intake_seconds,
        options.subjects as f64 / intake_seconds
    );

    let pool = AnyPoolOptions::new()
        .max_connections(1)
        .connect(registry_db.url())
        .await?;
    let _ = stop_screening.send(true);
    tokio::time::sleep(Duration::from_millis(500)).await;
    let restarted = Instant::now();
    let _stop_screening = start_screening(screening_args(&after)).await?;
    let serving = restarted.elapsed();

    // Every subject had one screening at intake; each re-screening adds one.
    let mut first_seen = None;
    loop {
        let screenings: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM screenings")
            .fetch_one(&pool)
            .await?;
        let done = screenings - options.subjects as i64;
        if done > 0 && first_seen.is_none() {
            first_seen = Some((Instant::now(), done));
        }
        if done as usize >= options.subjects {
            break;
        }
        if restarted.elapsed() > Duration::from_secs(1800) {
            bail!(
                "only {done} of {} re-screened after 30 minutes",
                options.subjects
            );
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let total = restarted.elapsed();
    let (first_at, first_done) = first_seen.context("nothing re-screened")?;
    let working = first_at.elapsed();
    let after_first = (options.subjects as i64 - first_done) as f64;
    println!(
        "  screening back with the new list after {:.1} s (list load)",
        serving.as_secs_f64()
    );
    println!(
        "  re-screened {} subjects in {:.1} s from the restart: {:.0} subjects/s overall",
        options.subjects,
        total.as_secs_f64(),
        options.subjects as f64 / total.as_secs_f64()
    );
    println!(
        "  from the first re-screened subject to the last: {:.1} s, {:.0} subjects/s",
        working.as_secs_f64(),
        after_first / working.as_secs_f64().max(f64::EPSILON)
    );
    let alone = screening_alone(screening_port, options.subjects.min(2000)).await?;
    println!("  screening alone, same streams, no registry: {alone:.0} people/s");
    Ok(())
}

/// What screening manages by itself with the streams the registry's workers use (as many
/// at once, as many people each): the ceiling for re-screening.
async fn screening_alone(port: u16, people: usize) -> anyhow::Result<f64> {
    let channel = tonic::transport::Endpoint::from_shared(format!("http://127.0.0.1:{port}"))?
        .tcp_nodelay(true)
        .connect_lazy();
    let client = registry::screening_client::ScreeningClient::new(
        channel,
        &format!("http://127.0.0.1:{port}"),
        Duration::from_secs(30),
        Some(REGISTRY_TOKEN.to_owned()),
    )?;
    let everyone: Vec<person::Person> = (0..people)
        .map(|i| person::Person::try_from(person(i)).map_err(|e| anyhow::anyhow!("{e:?}")))
        .collect::<anyhow::Result<_>>()?;
    let started = Instant::now();
    let mut streams = tokio::task::JoinSet::new();
    let streams_at_once = registry::workers::CONCURRENT_STREAMS;
    for stream in 0..streams_at_once {
        let (client, everyone) = (client.clone(), everyone.clone());
        streams.spawn(async move {
            let mine: Vec<&person::Person> = everyone
                .iter()
                .skip(stream)
                .step_by(streams_at_once)
                .collect();
            for chunk in mine.chunks(registry::workers::SUBJECTS_PER_STREAM) {
                client
                    .screen_many(chunk)
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
            }
            anyhow::Ok(())
        });
    }
    while let Some(joined) = streams.join_next().await {
        joined??;
    }
    Ok(people as f64 / started.elapsed().as_secs_f64())
}

const SMALL_LIST: &str = "id,name,aliases,birth_dates,nationalities,type
T-1,Zarina Bakhtiyorovna KHOLMATOVA,,1984-03-17,TJ,person
";

fn ofac_file(name: &str) -> std::path::PathBuf {
    test_support::watchlist_path(&format!("ofac-sdn-2024-update/{name}"))
}

fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

fn write_tokens(dir: &std::path::Path) -> anyhow::Result<(std::path::PathBuf, std::path::PathBuf)> {
    let registry = dir.join("registry-tokens");
    let line = service_kit::auth::tokens_file_line("bench-admin", &["admin"], ADMIN_TOKEN);
    std::fs::write(&registry, line)?;
    let screening = dir.join("screening-tokens");
    let line = service_kit::auth::tokens_file_line("registry", &["screener"], REGISTRY_TOKEN);
    std::fs::write(&screening, line)?;
    Ok((registry, screening))
}

/// Starts screening with `args`; it serves until `true` is sent.
async fn start_screening(args: Vec<String>) -> anyhow::Result<watch::Sender<bool>> {
    let app =
        screening::startup::Application::build(screening::config::Config::try_parse_from(args)?)
            .await?;
    let (stop, mut stopped) = watch::channel(false);
    tokio::spawn(app.run_until_stopped(async move {
        let _ = stopped.wait_for(|stop| *stop).await;
    }));
    Ok(stop)
}

/// Plausible, mostly unlisted names: every combination of a first and a last name.
fn person(i: usize) -> common::Person {
    const FIRST: [&str; 20] = [
        "Anna", "Boris", "Carmen", "Dmitri", "Elena", "Farid", "Greta", "Hassan", "Ines", "Jonas",
        "Katarina", "Luis", "Maryam", "Nikolai", "Olga", "Pedro", "Quynh", "Rashid", "Sofia",
        "Tomasz",
    ];
    const LAST: [&str; 25] = [
        "Abramova",
        "Bergstrom",
        "Castellanos",
        "Demir",
        "Eriksen",
        "Fontaine",
        "Gallagher",
        "Haddad",
        "Ivanova",
        "Jankowski",
        "Kowalczyk",
        "Lindqvist",
        "Moreau",
        "Nakamura",
        "Okonkwo",
        "Petrenko",
        "Quintero",
        "Rasmussen",
        "Schneider",
        "Takahashi",
        "Urquhart",
        "Varga",
        "Weber",
        "Yilmaz",
        "Zielinski",
    ];
    let name = format!(
        "{} {} {}",
        FIRST[i % FIRST.len()],
        LAST[(i / FIRST.len()) % LAST.len()],
        LAST[(i / (FIRST.len() * LAST.len())) % LAST.len()]
    );
    common::Person {
        names: vec![common::PersonName {
            full_name: name,
            ..Default::default()
        }],
        birth_dates: vec![format!("19{:02}", 40 + i % 60)],
        ..Default::default()
    }
}

async fn take_in(port: u16, subjects: usize) -> anyhow::Result<()> {
    let channel = Channel::from_shared(format!("http://127.0.0.1:{port}"))?
        .connect()
        .await?;
    let bearer: MetadataValue<Ascii> = format!("Bearer {ADMIN_TOKEN}").parse()?;
    let mut callers = tokio::task::JoinSet::new();
    for caller in 0..INTAKE_CALLERS {
        let bearer = bearer.clone();
        let mut client = RegistryServiceClient::with_interceptor(
            channel.clone(),
            move |mut request: tonic::Request<()>| {
                request
                    .metadata_mut()
                    .insert("authorization", bearer.clone());
                Ok(request)
            },
        );
        callers.spawn(async move {
            for i in (caller..subjects).step_by(INTAKE_CALLERS) {
                let subject = client
                    .create_subject(pb::CreateSubjectRequest {
                        request_id: format!("bench-{i}"),
                        person: Some(person(i)),
                    })
                    .await?
                    .into_inner();
                let state = subject.screening.map(|s| s.state());
                if state == Some(pb::ScreeningState::Pending) {
                    bail!("subject {i} left pending: screening too slow for the bench");
                }
            }
            anyhow::Ok(())
        });
    }
    while let Some(joined) = callers.join_next().await {
        joined??;
    }
    Ok(())
}
