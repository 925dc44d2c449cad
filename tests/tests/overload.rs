//! Under overload both servers refuse what they cannot serve in time: calls over the
//! configured limits get RESOURCE_EXHAUSTED (before the caller's deadline), health checks
//! still answer, oversized messages get RESOURCE_EXHAUSTED, and a busy database UNAVAILABLE.

use std::time::{Duration, Instant};

use sqlx::{AnyConnection, Connection, Executor};
use system_tests::{
    CsvList, DatabaseKind, RunningServer, TestDatabase, intake_request, on_both_databases, person,
    registry_config, screening_config, start_registry, start_screening,
};
use tonic::Code;
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;
use wire::registry::v1 as registry_pb;
use wire::screening::v1 as pb;

const TEST_LIST: &str = "id,name\nT-1,Zarina Bakhtiyorovna KHOLMATOVA\n";

/// Screening serving one call at a time, with `queued` more waiting at most `wait`.
async fn screening_with_one_place(
    database: &TestDatabase,
    list: &CsvList,
    queued: u32,
    wait: Duration,
) -> RunningServer {
    let mut config = screening_config(
        "127.0.0.1:0",
        vec![list.spec.clone()],
        database,
        Duration::from_millis(200),
    );
    config.overload.max_concurrent_calls = 1;
    config.overload.max_queued_calls = queued;
    config.overload.max_queue_wait_ms = wait.as_millis() as u64;
    start_screening(config).await
}

fn screen_request(deadline: Option<Duration>) -> tonic::Request<pb::ScreenRequest> {
    let mut request = tonic::Request::new(pb::ScreenRequest {
        person: Some(person("Zarina Kholmatova", None, None)),
        ..Default::default()
    });
    if let Some(deadline) = deadline {
        request.set_timeout(deadline);
    }
    request
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_over_the_limit_is_refused_while_an_open_stream_holds_the_only_place_and_health_still_answers()
 {
    let database = TestDatabase::fresh(DatabaseKind::Sqlite).await;
    let list = CsvList::write("test", TEST_LIST);
    let screening = screening_with_one_place(&database, &list, 0, Duration::ZERO).await;
    let mut client = screening.screening_client_as("screener").await;

    // An open stream holds its place for as long as it is open, not only until its headers.
    let watch = client
        .watch_watchlists(pb::WatchWatchlistsRequest {})
        .await
        .expect("the stream opens")
        .into_inner();
    let refused = client
        .screen(screen_request(None))
        .await
        .expect_err("no place left");
    assert_eq!(refused.code(), Code::ResourceExhausted, "{refused:?}");
    assert!(!refused.message().contains("semaphore"), "{refused:?}");

    let health = HealthClient::new(screening.channel().await)
        .check(HealthCheckRequest {
            service: "screening.v1.ScreeningService".to_owned(),
        })
        .await
        .expect("health is never shed")
        .into_inner();
    assert_eq!(health.status(), ServingStatus::Serving);

    // Closing the stream gives its place back.
    drop(watch);
    let started = Instant::now();
    loop {
        match client.screen(screen_request(None)).await {
            Ok(response) => {
                assert!(response.into_inner().matched);
                break;
            }
            Err(status) if status.code() == Code::ResourceExhausted => {
                assert!(
                    started.elapsed() < Duration::from_secs(10),
                    "the place is never given back"
                );
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            Err(status) => panic!("unexpected {status:?}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_queued_call_whose_deadline_cannot_be_met_is_refused_before_the_deadline() {
    let database = TestDatabase::fresh(DatabaseKind::Sqlite).await;
    let list = CsvList::write("test", TEST_LIST);
    // The queue would let a call wait a minute; the call's deadline says 2 s.
    let screening = screening_with_one_place(&database, &list, 8, Duration::from_secs(60)).await;
    let mut client = screening.screening_client_as("screener").await;
    let _watch = client
        .watch_watchlists(pb::WatchWatchlistsRequest {})
        .await
        .expect("the stream opens");

    let deadline = Duration::from_secs(2);
    let started = Instant::now();
    let refused = client
        .screen(screen_request(Some(deadline)))
        .await
        .expect_err("no place frees up");
    let waited = started.elapsed();
    assert_eq!(
        refused.code(),
        Code::ResourceExhausted,
        "refused by the server, not timed out by the client: {refused:?}"
    );
    assert!(waited < deadline, "answered after the deadline: {waited:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_message_over_the_limit_is_refused_with_resource_exhausted() {
    let database = TestDatabase::fresh(DatabaseKind::Sqlite).await;
    // The registry takes messages of up to 4 MiB; screening is not needed for the refusal.
    let registry = start_registry(registry_config(
        "http://127.0.0.1:1",
        &database,
        Duration::from_millis(100),
    ))
    .await;
    let mut client = registry.registry_client_as("intake").await;
    let huge = "A".repeat(5 * 1024 * 1024);
    let refused = client
        .create_subject(intake_request("too-big", person(&huge, None, None)))
        .await
        .expect_err("over the limit");
    assert_eq!(refused.code(), Code::ResourceExhausted, "{refused:?}");

    // The connection and the server are still good for a call of ordinary size.
    client
        .create_subject(intake_request(
            "ordinary",
            person("Anna Schmidt", None, None),
        ))
        .await
        .expect("an ordinary intake is taken");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bulk_item_over_the_limit_ends_the_stream_with_resource_exhausted_after_the_items_before()
{
    let database = TestDatabase::fresh(DatabaseKind::Sqlite).await;
    let registry = start_registry(registry_config(
        "http://127.0.0.1:1",
        &database,
        Duration::from_millis(100),
    ))
    .await;
    let mut client = registry.registry_client_as("intake").await;
    let item = |request_id: &str, name: &str| registry_pb::BulkCreateSubjectsRequest {
        subject: Some(intake_request(request_id, person(name, None, None))),
    };
    let huge = "A".repeat(5 * 1024 * 1024);
    let items = vec![
        item("bulk-ordinary", "Anna Schmidt"),
        item("bulk-huge", &huge),
    ];
    let mut answers = client
        .bulk_create_subjects(tokio_stream::iter(items))
        .await
        .expect("the stream is taken")
        .into_inner();
    let first = answers
        .message()
        .await
        .expect("the first item is answered")
        .expect("an answer");
    assert_eq!(first.request_id, "bulk-ordinary");
    let ended = answers
        .message()
        .await
        .expect_err("the stream ends with an error");
    assert_eq!(ended.code(), Code::ResourceExhausted, "{ended:?}");
}

/// Holds the registry database's write lock (SQLite) or the subjects table (PostgreSQL)
/// until the returned connection is dropped.
async fn lock_subjects(database: &TestDatabase, kind: DatabaseKind) -> AnyConnection {
    sqlx::any::install_default_drivers();
    let mut connection = AnyConnection::connect(database.url())
        .await
        .expect("a second connection");
    let lock = match kind {
        DatabaseKind::Sqlite => "BEGIN IMMEDIATE",
        DatabaseKind::Postgres => "BEGIN; LOCK TABLE subjects IN ACCESS EXCLUSIVE MODE",
    };
    connection.execute(lock).await.expect("the lock is taken");
    connection
}

async fn a_busy_database_answers_unavailable_and_the_intake_is_taken_once_it_is_free(
    kind: DatabaseKind,
) {
    let database = TestDatabase::fresh(kind).await;
    let mut config = registry_config("http://127.0.0.1:1", &database, Duration::from_millis(100));
    config.overload.database_busy_timeout_ms = 300;
    let registry = start_registry(config).await;
    let mut client = registry.registry_client_as("intake").await;

    let lock = lock_subjects(&database, kind).await;
    let started = Instant::now();
    let refused = client
        .create_subject(intake_request("busy-1", person("Anna Schmidt", None, None)))
        .await
        .expect_err("the database is locked");
    assert_eq!(refused.code(), Code::Unavailable, "{refused:?}");
    assert!(
        !refused.message().contains("lock"),
        "internal text: {refused:?}"
    );
    // Well short of the call's lifetime without a deadline: the busy timeout, not forever.
    assert!(started.elapsed() < Duration::from_secs(20));

    let mut lock = lock;
    lock.execute("ROLLBACK")
        .await
        .expect("the lock is released");
    lock.close().await.expect("closed");
    client
        .create_subject(intake_request("busy-1", person("Anna Schmidt", None, None)))
        .await
        .expect("taken once the database is free");
}

on_both_databases!(a_busy_database_answers_unavailable_and_the_intake_is_taken_once_it_is_free);
