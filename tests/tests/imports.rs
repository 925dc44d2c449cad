//! Loading and replacing lists at run time with ImportWatchlist.

use std::time::Duration;

use system_tests::{
    DatabaseKind, ScreeningClient, TestDatabase, on_both_databases, person, spawn_screening,
    violated_fields,
};
use tokio_stream::StreamExt;
use wire::screening::v1 as pb;

const FIRST: &str = "id,name,birth_dates\nI-1,Kamoliddin Sharipovich RAHMONZODA,1982\n";
const SECOND: &str = "id,name,birth_dates\nI-1,Kamoliddin Sharipovich RAHMONZODA,1982\nI-2,Layla Hamid SARRAFZADEH,1990\n";

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

async fn an_imported_list_is_served_at_once_and_survives_a_restart(kind: DatabaseKind) {
    let database = TestDatabase::fresh(kind).await;
    let server = spawn_screening("127.0.0.1:0", Vec::new(), &database).await;
    let mut admin = server.screening_client_as("list-admin").await;

    let imported = admin
        .import_watchlist(import("local", FIRST))
        .await
        .expect("imported")
        .into_inner();
    let mut screener = server.screening_client_as("screener").await;
    let before_restart = hits(&mut screener, "Kamoliddin Rahmonzoda").await;
    server.stop().await.expect("stops");
    let restarted = spawn_screening("127.0.0.1:0", Vec::new(), &database).await;
    let mut screener = restarted.screening_client_as("screener").await;

    let watchlist = imported.watchlist.expect("the list");
    assert!(imported.changed);
    assert_eq!(
        (watchlist.name.as_str(), watchlist.entry_count),
        ("local", 1)
    );
    assert_eq!(before_restart, ["local/I-1"]);
    assert_eq!(
        hits(&mut screener, "Kamoliddin Rahmonzoda").await,
        ["local/I-1"]
    );
}

async fn replacing_a_list_swaps_it_whole_and_tells_watchers(kind: DatabaseKind) {
    let database = TestDatabase::fresh(kind).await;
    let server = spawn_screening("127.0.0.1:0", Vec::new(), &database).await;
    let mut admin = server.screening_client_as("list-admin").await;
    admin
        .import_watchlist(import("local", FIRST))
        .await
        .expect("first");
    let mut changes = admin
        .watch_watchlists(pb::WatchWatchlistsRequest {})
        .await
        .expect("watching")
        .into_inner();
    let first_seen = changes.next().await.expect("a message").expect("ok");

    let again = admin
        .import_watchlist(import("local", FIRST))
        .await
        .expect("same")
        .into_inner();
    let replaced = admin
        .import_watchlist(import("local", SECOND))
        .await
        .expect("second")
        .into_inner();
    let next_seen = tokio::time::timeout(Duration::from_secs(5), changes.next())
        .await
        .expect("a change is announced")
        .expect("a message")
        .expect("ok");
    let mut screener = server.screening_client_as("screener").await;

    assert!(!again.changed, "the same content is the same version");
    assert!(replaced.changed);
    assert_ne!(
        first_seen.watchlists[0].version,
        next_seen.watchlists[0].version
    );
    assert_eq!(next_seen.watchlists[0].entry_count, 2);
    assert_eq!(
        hits(&mut screener, "Layla Sarrafzadeh").await,
        ["local/I-2"]
    );
}

async fn a_malformed_list_is_refused_and_the_old_version_keeps_serving(kind: DatabaseKind) {
    let database = TestDatabase::fresh(kind).await;
    let server = spawn_screening("127.0.0.1:0", Vec::new(), &database).await;
    let mut admin = server.screening_client_as("list-admin").await;
    admin
        .import_watchlist(import("local", FIRST))
        .await
        .expect("first");

    let refused = admin
        .import_watchlist(import(
            "local",
            "id,name,birth_dates\nI-9,Someone,31/12/1970\n",
        ))
        .await
        .expect_err("a bad date");

    assert_eq!(violated_fields(&refused), ["files[0].content"]);
    assert!(
        refused.message().contains("line 2"),
        "{}",
        refused.message()
    );
    let mut screener = server.screening_client_as("screener").await;
    assert_eq!(
        hits(&mut screener, "Kamoliddin Rahmonzoda").await,
        ["local/I-1"]
    );
}

async fn invalid_import_requests_name_every_bad_field(kind: DatabaseKind) {
    let database = TestDatabase::fresh(kind).await;
    let server = spawn_screening("127.0.0.1:0", Vec::new(), &database).await;
    let mut admin = server.screening_client_as("admin").await;

    let refused = admin
        .import_watchlist(pb::ImportWatchlistRequest {
            name: "Bad Name".into(),
            format: 0,
            files: vec![pb::WatchlistFile {
                file_name: "../etc/passwd".into(),
                content: Vec::new(),
            }],
            allow_large_removal: false,
        })
        .await
        .expect_err("invalid");

    assert_eq!(
        violated_fields(&refused),
        ["name", "format", "files[0].file_name", "files[0].content"]
    );
}

on_both_databases!(
    an_imported_list_is_served_at_once_and_survives_a_restart,
    replacing_a_list_swaps_it_whole_and_tells_watchers,
    a_malformed_list_is_refused_and_the_old_version_keeps_serving,
    invalid_import_requests_name_every_bad_field,
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_reaches_every_instance_sharing_the_database() {
    let database = TestDatabase::fresh(DatabaseKind::Postgres).await;
    let first = spawn_screening("127.0.0.1:0", Vec::new(), &database).await;
    let second = spawn_screening("127.0.0.1:0", Vec::new(), &database).await;
    let mut admin = first.screening_client_as("list-admin").await;

    admin
        .import_watchlist(import("shared", FIRST))
        .await
        .expect("imported");

    let mut screener = second.screening_client_as("screener").await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        if hits(&mut screener, "Kamoliddin Rahmonzoda").await == ["shared/I-1"] {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the second instance never served the import"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_real_ofac_files_can_be_imported_over_grpc() {
    let database = TestDatabase::fresh(DatabaseKind::Sqlite).await;
    let server = spawn_screening("127.0.0.1:0", Vec::new(), &database).await;
    let mut admin = server.screening_client_as("list-admin").await;
    let folder = test_support::watchlist_path("ofac-sdn-2021-07");
    let files = ["sdn.csv", "alt.csv", "add.csv"]
        .map(|name| pb::WatchlistFile {
            file_name: name.into(),
            content: std::fs::read(folder.join(name)).expect("a real OFAC file"),
        })
        .to_vec();

    let imported = admin
        .import_watchlist(pb::ImportWatchlistRequest {
            name: "ofac-sdn".into(),
            format: pb::WatchlistFormat::OfacCsv as i32,
            files,
            allow_large_removal: false,
        })
        .await
        .expect("imported")
        .into_inner();

    assert_eq!(imported.watchlist.expect("the list").entry_count, 8976);
}
