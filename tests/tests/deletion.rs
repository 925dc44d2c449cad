//! Deleting imported lists with DeleteWatchlist: from storage and serving at once, on every
//! instance, audited, and followed by the registry.

use std::time::Duration;

use system_tests::{
    CsvList, DatabaseKind, RunningServer, ScreeningClient, TestDatabase, intake_request,
    on_both_databases, person, screening_state, spawn_registry, spawn_screening, subject_once,
    violated_fields,
};
use tokio_stream::StreamExt;
use tonic::Code;
use wire::registry::v1 as registry_pb;
use wire::screening::v1 as pb;

const BASE: &str = "id,name,birth_dates\nB-1,Ivan Petrovich SIDOROV,1970\n";
const LOCAL: &str = "id,name,birth_dates\nL-1,Kamoliddin Sharipovich RAHMONZODA,1982\n";

fn import(name: &str, content: &str) -> pb::ImportWatchlistRequest {
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

fn delete(name: &str) -> pb::DeleteWatchlistRequest {
    pb::DeleteWatchlistRequest { name: name.into() }
}

async fn served(client: &mut ScreeningClient) -> Vec<String> {
    client
        .list_watchlists(pb::ListWatchlistsRequest {})
        .await
        .expect("lists")
        .into_inner()
        .watchlists
        .into_iter()
        .map(|l| l.name)
        .collect()
}

async fn hits(client: &mut ScreeningClient, name: &str) -> Vec<String> {
    client
        .screen(pb::ScreenRequest {
            person: Some(person(name, None, None)),
            ..Default::default()
        })
        .await
        .expect("screening answers")
        .into_inner()
        .hits
        .into_iter()
        .map(|h| format!("{}/{}", h.watchlist, h.entry_id))
        .collect()
}

async fn until_served(server: &RunningServer, wanted: &[&str]) {
    let mut client = server.screening_client_as("screener").await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while served(&mut client).await != wanted {
        assert!(
            tokio::time::Instant::now() < deadline,
            "never served exactly {wanted:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn a_deleted_list_stops_serving_at_once_and_leaves_only_its_audit_record(kind: DatabaseKind) {
    let database = TestDatabase::fresh(kind).await;
    let base = CsvList::write("base", BASE);
    let server = spawn_screening("127.0.0.1:0", vec![base.spec.clone()], &database).await;
    let mut admin = server.screening_client_as("list-admin").await;
    admin
        .import_watchlist(import("local", LOCAL))
        .await
        .expect("imported");
    let mut changes = admin
        .watch_watchlists(pb::WatchWatchlistsRequest {})
        .await
        .expect("watching")
        .into_inner();
    let before = changes.next().await.expect("a message").expect("ok");

    let deleted = admin
        .delete_watchlist(delete("local"))
        .await
        .expect("deleted")
        .into_inner();
    let after = tokio::time::timeout(Duration::from_secs(5), changes.next())
        .await
        .expect("the deletion is announced")
        .expect("a message")
        .expect("ok");
    let mut screener = server.screening_client_as("screener").await;
    let hits_after = hits(&mut screener, "Kamoliddin Rahmonzoda").await;
    let store = screening::store::Store::connect(database.url())
        .await
        .expect("the store opens");
    server.stop().await.expect("stops");
    let restarted = spawn_screening("127.0.0.1:0", vec![base.spec.clone()], &database).await;
    let mut screener = restarted.screening_client_as("screener").await;

    let names = |lists: &[pb::Watchlist]| lists.iter().map(|l| l.name.clone()).collect::<Vec<_>>();
    assert_eq!(names(&before.watchlists), ["base", "local"]);
    assert_eq!(names(&after.watchlists), ["base"]);
    let deleted = deleted.watchlist.expect("the deleted list");
    assert_eq!((deleted.name.as_str(), deleted.entry_count), ("local", 1));
    assert!(hits_after.is_empty(), "{hits_after:?}");
    assert!(store.versions("local").await.expect("read").is_empty());
    assert!(!store.has_import_files("local").await.expect("read"));
    assert_eq!(store.versions("base").await.expect("read").len(), 1);
    let audit = store.deletions("local").await.expect("read");
    assert_eq!(audit.len(), 1);
    assert_eq!(
        (audit[0].deleted_by.as_str(), audit[0].version.as_str()),
        ("test-list-admin", deleted.version.as_str())
    );
    assert_eq!(served(&mut screener).await, ["base"], "after a restart too");
}

async fn deleting_an_unknown_list_is_not_found_and_a_bad_name_is_invalid(kind: DatabaseKind) {
    let database = TestDatabase::fresh(kind).await;
    let base = CsvList::write("base", BASE);
    let server = spawn_screening("127.0.0.1:0", vec![base.spec.clone()], &database).await;
    let mut admin = server.screening_client_as("list-admin").await;

    let unknown = admin
        .delete_watchlist(delete("never-loaded"))
        .await
        .expect_err("unknown");
    let invalid = admin
        .delete_watchlist(delete("Bad Name"))
        .await
        .expect_err("invalid");

    assert_eq!(unknown.code(), Code::NotFound, "{unknown:?}");
    assert!(unknown.message().contains("never-loaded"), "{unknown:?}");
    assert_eq!(violated_fields(&invalid), ["name"]);
}

async fn a_start_up_list_and_the_last_list_served_are_not_deleted(kind: DatabaseKind) {
    let database = TestDatabase::fresh(kind).await;
    let base = CsvList::write("base", BASE);
    let with_start_up = spawn_screening("127.0.0.1:0", vec![base.spec.clone()], &database).await;
    let mut admin = with_start_up.screening_client_as("admin").await;
    admin
        .import_watchlist(import("local", LOCAL))
        .await
        .expect("imported");
    let start_up = admin
        .delete_watchlist(delete("base"))
        .await
        .expect_err("configured");
    with_start_up.stop().await.expect("stops");
    // The same database without the start-up list: the import is all it serves.
    let imports_only = spawn_screening("127.0.0.1:0", Vec::new(), &database).await;
    let mut admin = imports_only.screening_client_as("admin").await;

    let last = admin
        .delete_watchlist(delete("local"))
        .await
        .expect_err("the last list");

    assert_eq!(start_up.code(), Code::FailedPrecondition, "{start_up:?}");
    assert!(start_up.message().contains("--watchlist"), "{start_up:?}");
    assert_eq!(last.code(), Code::FailedPrecondition, "{last:?}");
    assert!(last.message().contains("last list"), "{last:?}");
    assert_eq!(served(&mut admin).await, ["local"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_list_admins_and_admins_may_delete_a_list() {
    let database = TestDatabase::fresh(DatabaseKind::Sqlite).await;
    let base = CsvList::write("base", BASE);
    let server = spawn_screening("127.0.0.1:0", vec![base.spec.clone()], &database).await;
    let mut admin = server.screening_client_as("admin").await;
    admin
        .import_watchlist(import("local", LOCAL))
        .await
        .expect("imported");
    let mut screener = server.screening_client_as("screener").await;

    let refused = screener
        .delete_watchlist(delete("local"))
        .await
        .expect_err("a screener");

    assert_eq!(refused.code(), Code::PermissionDenied, "{refused:?}");
    assert_eq!(served(&mut screener).await, ["base", "local"]);
    admin
        .delete_watchlist(delete("local"))
        .await
        .expect("an admin deletes");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_list_deleted_through_one_instance_stops_serving_on_the_others() {
    let database = TestDatabase::fresh(DatabaseKind::Postgres).await;
    let base = CsvList::write("base", BASE);
    let first = spawn_screening("127.0.0.1:0", vec![base.spec.clone()], &database).await;
    let second = spawn_screening("127.0.0.1:0", vec![base.spec.clone()], &database).await;
    let mut admin = first.screening_client_as("list-admin").await;
    admin
        .import_watchlist(import("shared", LOCAL))
        .await
        .expect("imported");
    until_served(&second, &["base", "shared"]).await;

    admin
        .delete_watchlist(delete("shared"))
        .await
        .expect("deleted");

    until_served(&second, &["base"]).await;
    let mut on_second = second.screening_client_as("list-admin").await;
    let again = on_second
        .delete_watchlist(delete("shared"))
        .await
        .expect_err("already gone");
    assert_eq!(again.code(), Code::NotFound, "{again:?}");
}

async fn subjects_hit_by_a_deleted_list_are_screened_again_without_its_hits(kind: DatabaseKind) {
    let (screening_db, registry_db) = (
        TestDatabase::fresh(kind).await,
        TestDatabase::fresh(kind).await,
    );
    let base = CsvList::write("base", BASE);
    let screening = spawn_screening("127.0.0.1:0", vec![base.spec.clone()], &screening_db).await;
    let mut admin = screening.screening_client_as("list-admin").await;
    admin
        .import_watchlist(import("local", LOCAL))
        .await
        .expect("imported");
    let registry = spawn_registry(&screening.url(), &registry_db, Duration::from_secs(10)).await;
    let mut client = registry.registry_client_as("admin").await;
    let subject = client
        .create_subject(intake_request(
            "deleted-list-1",
            person("Kamoliddin Rahmonzoda", Some("1982"), None),
        ))
        .await
        .expect("intake")
        .into_inner();
    assert_eq!(
        screening_state(&subject),
        registry_pb::ScreeningState::PotentialMatch
    );

    admin
        .delete_watchlist(delete("local"))
        .await
        .expect("deleted");

    let rescreened = subject_once(
        &mut client,
        &subject.id,
        Duration::from_secs(30),
        "re-screening without the deleted list",
        |s| {
            s.screening.as_ref().is_some_and(|screening| {
                screening
                    .watchlist_versions
                    .iter()
                    .all(|v| v.watchlist != "local")
            })
        },
    )
    .await;
    let screening = rescreened.screening.as_ref().expect("a screening");
    assert_eq!(
        screening_state(&rescreened),
        registry_pb::ScreeningState::Clear
    );
    assert!(screening.hits.is_empty(), "{:?}", screening.hits);
    let lists: Vec<&str> = (screening.watchlist_versions.iter())
        .map(|v| v.watchlist.as_str())
        .collect();
    assert_eq!(lists, ["base"]);
}

on_both_databases!(
    a_deleted_list_stops_serving_at_once_and_leaves_only_its_audit_record,
    deleting_an_unknown_list_is_not_found_and_a_bad_name_is_invalid,
    a_start_up_list_and_the_last_list_served_are_not_deleted,
    subjects_hit_by_a_deleted_list_are_screened_again_without_its_hits,
);
