//! Screening's `/metrics`, scraped over TCP from the real servers after real calls, and
//! read with an independent parser of the Prometheus text format. Values read from the
//! database are checked on SQLite and PostgreSQL.

use std::net::SocketAddr;
use std::time::Duration;

use prometheus_parse::Scrape;
use system_tests::{
    CsvList, DatabaseKind, RunningServer, TestDatabase, on_both_databases, person,
    screening_config, start_screening,
};
use test_support::metrics::{bucket, http_get, scrape, value};
use wire::screening::v1 as pb;

const LIST: &str = "\
id,name,aliases,birth_dates,nationalities,type
T-1,Zarina Bakhtiyorovna KHOLMATOVA,Зарина Бахтиёровна Холматова,1984-03-17,TJ,person
T-2,Rustam Nuriddinovich ERGASHBEKOV,,1979,UZ,person
";

/// What a scrape must never show: the names and documents the tests send.
const PERSONAL: [&str; 5] = ["Холматова", "Зарина", "Thompson", "Margaret", "KHOLMATOVA"];

const SCREENING: &str = "screening.v1.ScreeningService";

async fn start_screening_with_metrics(list: &CsvList, database: &TestDatabase) -> RunningServer {
    let mut config = screening_config(
        "127.0.0.1:0",
        vec![list.spec.clone()],
        database,
        Duration::from_millis(200),
    );
    config.metrics_addr = Some("127.0.0.1:0".to_owned());
    start_screening(config).await
}

fn metrics_addr(server: &RunningServer) -> SocketAddr {
    server.metrics_addr.expect("metrics are served")
}

/// The page as served, checked for personal data, and parsed.
async fn scraped(server: &RunningServer) -> Scrape {
    let (status, head, body) = http_get(metrics_addr(server), "/metrics")
        .await
        .expect("the metrics page");
    assert_eq!(status, 200, "{head}");
    for personal in PERSONAL {
        assert!(!body.contains(personal), "{personal:?} in the metrics");
    }
    scrape(metrics_addr(server)).await.expect("parsed")
}

fn unix_now() -> f64 {
    time::OffsetDateTime::now_utc().unix_timestamp_nanos() as f64 / 1e9
}

fn screen(name: &str, birth: Option<&str>, nationality: Option<&str>) -> pb::ScreenRequest {
    pb::ScreenRequest {
        person: Some(person(name, birth, nationality)),
        ..Default::default()
    }
}

fn csv_import(name: &str, content: &str) -> pb::ImportWatchlistRequest {
    pb::ImportWatchlistRequest {
        name: name.into(),
        format: pb::WatchlistFormat::Csv as i32,
        files: vec![pb::WatchlistFile {
            file_name: format!("{name}.csv"),
            content: content.as_bytes().to_vec(),
        }],
        allow_large_removal: false,
    }
}

async fn screening_counts_its_calls_screenings_lists_and_imports(kind: DatabaseKind) {
    let list = CsvList::write("test", LIST);
    let database = TestDatabase::fresh(kind).await;
    let screening = start_screening_with_metrics(&list, &database).await;
    let mut client = screening.screening_client_as("screener").await;
    let mut admin = screening.screening_client_as("list-admin").await;

    client
        .screen(screen("Зарина Холматова", Some("1984"), Some("TJ")))
        .await
        .expect("screened");
    client
        .screen(screen("Margaret Ellen Thompson", Some("1962"), Some("GB")))
        .await
        .expect("screened");
    let refused = client
        .screen(screen("", None, None))
        .await
        .expect_err("no name");
    assert_eq!(refused.code(), tonic::Code::InvalidArgument);
    admin
        .import_watchlist(csv_import(
            "own",
            "id,name\nO-1,Ivan Petrov\nO-2,Anna Berg\n",
        ))
        .await
        .expect("imported");
    let invalid = admin
        .import_watchlist(csv_import("broken", "id,title\nB-1,Someone\n"))
        .await
        .expect_err("no name column");
    assert_eq!(invalid.code(), tonic::Code::InvalidArgument);
    let served = client
        .list_watchlists(pb::ListWatchlistsRequest {})
        .await
        .expect("listed")
        .into_inner();
    let version = served
        .watchlists
        .iter()
        .find(|l| l.name == "test")
        .map(|l| l.version.clone())
        .expect("the start-up list");

    let scrape = scraped(&screening).await;
    let screen_ok = [
        ("grpc_service", SCREENING),
        ("grpc_method", "Screen"),
        ("grpc_code", "Ok"),
    ];
    let screen_invalid = [
        ("grpc_service", SCREENING),
        ("grpc_method", "Screen"),
        ("grpc_code", "InvalidArgument"),
    ];
    let screen_method = [("grpc_service", SCREENING), ("grpc_method", "Screen")];
    assert_eq!(
        value(&scrape, "grpc_server_handled_total", &screen_ok),
        Some(2.0)
    );
    assert_eq!(
        value(&scrape, "grpc_server_handled_total", &screen_invalid),
        Some(1.0)
    );
    assert_eq!(
        value(&scrape, "grpc_server_started_total", &screen_method),
        Some(3.0)
    );
    assert_eq!(
        value(&scrape, "grpc_server_handling_seconds", &screen_method),
        Some(3.0)
    );
    assert_eq!(
        value(&scrape, "grpc_server_calls_in_flight", &screen_method),
        Some(0.0)
    );

    let outcome = |o| value(&scrape, "screening_screenings_total", &[("outcome", o)]);
    assert_eq!(
        (outcome("match"), outcome("no_match")),
        (Some(1.0), Some(1.0))
    );
    assert_eq!(value(&scrape, "screening_query_candidates", &[]), Some(2.0));
    let hits = value(&scrape, "screening_hit_score", &[]).expect("hit scores");
    assert!(hits >= 1.0, "{hits}");
    assert_eq!(
        bucket(&scrape, "screening_hit_score", &[], 0.8),
        Some(0.0),
        "no hit under the threshold is reported"
    );

    let test_list = [("watchlist", "test")];
    assert_eq!(
        value(&scrape, "screening_watchlist_entries", &test_list),
        Some(2.0)
    );
    assert_eq!(
        value(
            &scrape,
            "screening_watchlist_entries",
            &[("watchlist", "own")]
        ),
        Some(2.0)
    );
    let info = [
        ("watchlist", "test"),
        ("version", &version),
        ("format", "csv"),
    ];
    assert_eq!(value(&scrape, "screening_watchlist_info", &info), Some(1.0));
    let first_loaded = value(
        &scrape,
        "screening_watchlist_version_timestamp_seconds",
        &test_list,
    )
    .expect("the version's first load");
    assert!((unix_now() - first_loaded).abs() < 120.0, "{first_loaded}");
    let age = value(&scrape, "screening_watchlist_age_seconds", &test_list).expect("an age");
    assert!((0.0..120.0).contains(&age), "{age}");

    let imports = |source, outcome| {
        value(
            &scrape,
            "screening_watchlist_imports_total",
            &[("source", source), ("outcome", outcome)],
        )
    };
    assert_eq!(imports("startup", "changed"), Some(1.0));
    assert_eq!(imports("request", "changed"), Some(1.0));
    assert_eq!(
        value(
            &scrape,
            "screening_watchlist_import_failures_total",
            &[("source", "request"), ("reason", "invalid")]
        ),
        Some(1.0)
    );
    assert_eq!(
        value(
            &scrape,
            "screening_watchlist_import_duration_seconds",
            &[("source", "request")]
        ),
        Some(2.0)
    );

    // A restart serves the same version: its age runs on from its first load, as the
    // database recorded it, rather than from the restart.
    screening.stop().await.expect("screening stops");
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let restarted = start_screening_with_metrics(&list, &database).await;
    let scrape = scraped(&restarted).await;
    let again = value(
        &scrape,
        "screening_watchlist_version_timestamp_seconds",
        &test_list,
    );
    assert_eq!(
        again.map(|t| (t * 1000.0).round()),
        Some((first_loaded * 1000.0).round())
    );
    let age = value(&scrape, "screening_watchlist_age_seconds", &test_list).expect("an age");
    assert!(age >= 1.0, "{age}");
}

on_both_databases!(screening_counts_its_calls_screenings_lists_and_imports,);
