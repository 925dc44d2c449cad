//! The registry's `/metrics`, scraped over TCP from the real server after real calls and
//! read with an independent parser of the Prometheus text format, on SQLite and PostgreSQL
//! (the backlog and the pool are read from the database).

use std::net::SocketAddr;
use std::time::Duration;

use prometheus_parse::Scrape;
use system_tests::{
    CsvList, DatabaseKind, RunningServer, TestDatabase, intake_request as intake,
    on_both_databases, person, registry_config, screening_state as state, spawn_screening,
    start_registry,
};
use test_support::metrics::{http_get, scrape, value};
use wire::registry::v1 as registry_pb;

const LIST: &str = "\
id,name,aliases,birth_dates,nationalities,type
T-1,Zarina Bakhtiyorovna KHOLMATOVA,Зарина Бахтиёровна Холматова,1984-03-17,TJ,person
";

/// What a scrape must never show: the names the tests send.
const PERSONAL: [&str; 5] = ["Холматова", "Зарина", "Thompson", "Margaret", "Berg"];

const SCREENING: &str = "screening.v1.ScreeningService";
const REGISTRY: &str = "registry.v1.RegistryService";

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

async fn the_registry_counts_intakes_reviews_its_pool_and_its_calls_to_screening(
    kind: DatabaseKind,
) {
    let list = CsvList::write("test", LIST);
    let (screening_db, registry_db) = (
        TestDatabase::fresh(kind).await,
        TestDatabase::fresh(kind).await,
    );
    let screening = spawn_screening("127.0.0.1:0", vec![list.spec.clone()], &screening_db).await;
    let mut config = registry_config(&screening.url(), &registry_db, Duration::from_secs(5));
    config.metrics_addr = Some("127.0.0.1:0".to_owned());
    let registry = start_registry(config).await;
    let mut client = registry.registry_client_as("admin").await;

    let listed_person = person("Зарина Холматова", Some("1984"), Some("TJ"));
    let listed = client
        .create_subject(intake("metrics-listed", listed_person.clone()))
        .await
        .expect("taken in")
        .into_inner();
    assert_eq!(state(&listed), registry_pb::ScreeningState::PotentialMatch);
    client
        .create_subject(intake(
            "metrics-clear",
            person("Margaret Ellen Thompson", Some("1962"), Some("GB")),
        ))
        .await
        .expect("taken in");
    client
        .create_subject(intake("metrics-listed", listed_person))
        .await
        .expect("replayed");
    let reused = client
        .create_subject(intake("metrics-listed", person("Anna Berg", None, None)))
        .await
        .expect_err("another person under a taken id");
    assert_eq!(reused.code(), tonic::Code::AlreadyExists);
    client
        .review_hit(registry_pb::ReviewHitRequest {
            subject_id: listed.id.clone(),
            watchlist: "test".into(),
            entry_id: "T-1".into(),
            decision: registry_pb::HitDecision::FalsePositive as i32,
            reason: "another place of birth".into(),
            etag: String::new(),
        })
        .await
        .expect("reviewed");

    let scrape = scraped(&registry).await;
    let intakes = |o| value(&scrape, "registry_intakes_total", &[("outcome", o)]);
    assert_eq!(intakes("potential_match"), Some(1.0));
    assert_eq!(intakes("clear"), Some(1.0));
    assert_eq!(intakes("replayed"), Some(1.0));
    assert_eq!(intakes("refused"), Some(1.0));
    assert_eq!(
        value(
            &scrape,
            "registry_reviews_total",
            &[("decision", "false_positive")]
        ),
        Some(1.0)
    );
    let create = |code| {
        value(
            &scrape,
            "grpc_server_handled_total",
            &[
                ("grpc_service", REGISTRY),
                ("grpc_method", "CreateSubject"),
                ("grpc_code", code),
            ],
        )
    };
    assert_eq!(
        (create("Ok"), create("AlreadyExists")),
        (Some(3.0), Some(1.0))
    );
    // Every intake asks screening before it looks at its request id.
    let client_screen = [
        ("grpc_service", SCREENING),
        ("grpc_method", "Screen"),
        ("grpc_code", "Ok"),
    ];
    assert_eq!(
        value(&scrape, "grpc_client_handled_total", &client_screen),
        Some(4.0)
    );
    assert_eq!(
        value(
            &scrape,
            "grpc_client_handling_seconds",
            &[("grpc_service", SCREENING), ("grpc_method", "Screen")]
        ),
        Some(4.0)
    );
    assert_eq!(
        value(
            &scrape,
            "grpc_client_calls_in_flight",
            &[
                ("grpc_service", SCREENING),
                ("grpc_method", "WatchWatchlists")
            ]
        ),
        Some(1.0),
        "the registry follows screening's lists on one open stream"
    );
    // Four intakes went through group commit, in as many transactions as it took.
    assert_eq!(
        value(&scrape, "registry_intake_commit_batch_size_sum", &[]),
        Some(4.0)
    );
    let commits = value(&scrape, "registry_intake_commit_duration_seconds", &[]).expect("commits");
    assert!((1.0..=4.0).contains(&commits), "{commits}");
    assert_eq!(value(&scrape, "registry_pending_subjects", &[]), Some(0.0));
    assert_eq!(
        value(&scrape, "registry_pending_oldest_age_seconds", &[]),
        Some(0.0)
    );
    assert_eq!(
        value(&scrape, "registry_rescreen_outdated_subjects", &[]),
        Some(0.0)
    );
    assert_eq!(
        value(&scrape, "registry_rescreen_lag_seconds", &[]),
        Some(0.0)
    );
    let max = match kind {
        DatabaseKind::Sqlite => 8.0,
        DatabaseKind::Postgres => 16.0,
    };
    assert_eq!(
        value(&scrape, "registry_db_pool_max_connections", &[]),
        Some(max)
    );
    let open = value(
        &scrape,
        "registry_db_pool_connections",
        &[("state", "idle")],
    )
    .expect("idle")
        + value(
            &scrape,
            "registry_db_pool_connections",
            &[("state", "in_use")],
        )
        .expect("in use");
    assert!((1.0..=max).contains(&open), "{open}");
}

async fn a_pending_subject_and_its_age_show_while_screening_is_down(kind: DatabaseKind) {
    let list = CsvList::write("test", LIST);
    let (screening_db, registry_db) = (
        TestDatabase::fresh(kind).await,
        TestDatabase::fresh(kind).await,
    );
    let screening = spawn_screening("127.0.0.1:0", vec![list.spec.clone()], &screening_db).await;
    let screening_url = screening.url();
    screening.stop().await.expect("screening stops");
    let mut config = registry_config(&screening_url, &registry_db, Duration::from_millis(500));
    config.metrics_addr = Some("127.0.0.1:0".to_owned());
    let registry = start_registry(config).await;
    let mut client = registry.registry_client_as("intake").await;

    let subject = client
        .create_subject(intake(
            "metrics-pending",
            person("Зарина Холматова", None, None),
        ))
        .await
        .expect("taken in without screening")
        .into_inner();
    assert_eq!(state(&subject), registry_pb::ScreeningState::Pending);
    tokio::time::sleep(Duration::from_millis(1100)).await;

    let scrape = scraped(&registry).await;
    assert_eq!(
        value(&scrape, "registry_intakes_total", &[("outcome", "pending")]),
        Some(1.0)
    );
    assert_eq!(value(&scrape, "registry_pending_subjects", &[]), Some(1.0));
    let age = value(&scrape, "registry_pending_oldest_age_seconds", &[]).expect("an age");
    assert!((1.0..60.0).contains(&age), "{age}");
    let unreachable = value(
        &scrape,
        "grpc_client_handled_total",
        &[
            ("grpc_service", SCREENING),
            ("grpc_method", "Screen"),
            ("grpc_code", "Unavailable"),
        ],
    );
    assert_eq!(unreachable, Some(1.0), "the intake's own call");
    let retried = value(
        &scrape,
        "registry_background_screenings_total",
        &[("worker", "pending"), ("outcome", "unavailable")],
    )
    .expect("the pending worker tried");
    assert!(retried >= 1.0, "{retried}");
}

on_both_databases!(
    the_registry_counts_intakes_reviews_its_pool_and_its_calls_to_screening,
    a_pending_subject_and_its_age_show_while_screening_is_down,
);
