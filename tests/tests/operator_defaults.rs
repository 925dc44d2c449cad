//! What an operator meets on day one: versions that follow content alone, a list name given
//! twice refused at start-up, and responses that say when `max_hits` cut their hits.

use std::time::Duration;

use system_tests::{
    CsvList, DatabaseKind, TestDatabase, on_both_databases, person, spawn_screening,
    spawn_screening_syncing_every,
};
use wire::screening::v1 as pb;

const LIST: &str = "id,name,birth_dates\nL-1,Kamoliddin Sharipovich RAHMONZODA,1982\n";

fn import(name: &str, file_name: &str, content: &str) -> pb::ImportWatchlistRequest {
    pb::ImportWatchlistRequest {
        name: name.into(),
        format: pb::WatchlistFormat::Csv as i32,
        files: vec![pb::WatchlistFile {
            file_name: file_name.into(),
            content: content.as_bytes().to_vec(),
        }],
        allow_large_removal: false,
    }
}

async fn the_same_content_under_another_file_name_is_the_same_version_and_changes_nothing(
    kind: DatabaseKind,
) {
    let database = TestDatabase::fresh(kind).await;
    let start_up = CsvList::write("local", LIST);
    let server = spawn_screening("127.0.0.1:0", vec![start_up.spec.clone()], &database).await;
    let mut admin = server.screening_client_as("list-admin").await;
    let at_start_up = admin
        .list_watchlists(pb::ListWatchlistsRequest {})
        .await
        .expect("lists")
        .into_inner()
        .watchlists
        .remove(0);

    let renamed = admin
        .import_watchlist(import("local", "local-2024-05-03.csv", LIST))
        .await
        .expect("imported")
        .into_inner();

    assert!(!renamed.changed, "the same content is not a change");
    assert_eq!(
        renamed.watchlist.expect("the list").version,
        at_start_up.version
    );
}

async fn an_import_stored_under_the_old_version_rule_is_restamped_and_can_be_replaced(
    kind: DatabaseKind,
) {
    let database = TestDatabase::fresh(kind).await;
    let store = screening::store::Store::connect(database.url())
        .await
        .expect("the store opens");
    let files = screening::lists::ListFiles::new().with_file("local.csv", LIST.as_bytes().to_vec());
    let format = screening::lists::ListFormat::Csv;
    store
        .save_import("local", format, &files, "test", None)
        .await
        .expect("stored");
    // As an older service stamped it: a hash of the file name too.
    let current = files.version(format);
    store
        .restamp_import("local", &current, "0123456789abcdef0123456789abcdef")
        .await
        .expect("stamped the old way");
    let other = CsvList::write("other", LIST);

    let server = spawn_screening_syncing_every(
        "127.0.0.1:0",
        vec![other.spec.clone()],
        &database,
        Duration::from_millis(100),
    )
    .await;
    let stored = store.import_versions().await.expect("read");
    let mut admin = server.screening_client_as("list-admin").await;
    let replaced = admin
        .import_watchlist(import(
            "local",
            "local.csv",
            &format!("{LIST}L-2,Layla Hamid SARRAFZADEH,1990\n"),
        ))
        .await;

    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].version, current);
    let replaced = replaced
        .expect("not taken for replaced meanwhile")
        .into_inner();
    assert!(replaced.changed);
}

on_both_databases!(
    the_same_content_under_another_file_name_is_the_same_version_and_changes_nothing,
    an_import_stored_under_the_old_version_rule_is_restamped_and_can_be_replaced,
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_list_name_given_twice_stops_start_up_naming_both_lists() {
    let database = TestDatabase::fresh(DatabaseKind::Sqlite).await;
    let (first, second) = (CsvList::write("own", LIST), CsvList::write("own", LIST));
    let config = system_tests::screening_config(
        "127.0.0.1:0",
        vec![first.spec.clone(), second.spec.clone()],
        &database,
        Duration::from_millis(200),
    );

    let failed = screening::startup::Application::build(config).await;

    let error = format!("{:#}", failed.err().expect("start-up fails"));
    assert!(
        error.contains("list name \"own\" is given twice"),
        "{error}"
    );
    assert!(
        error.contains(&first.spec.path.display().to_string())
            && error.contains(&second.spec.path.display().to_string()),
        "{error}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn screen_says_when_max_hits_cut_the_hits_and_how_many_scored_at_or_above_the_threshold() {
    let database = TestDatabase::fresh(DatabaseKind::Sqlite).await;
    let namesakes: String = (1..=4)
        .map(|i| format!("N-{i},Ivan Petrovich SIDOROV,1970\n"))
        .collect();
    let list = CsvList::write("namesakes", &format!("id,name,birth_dates\n{namesakes}"));
    let server = spawn_screening("127.0.0.1:0", vec![list.spec.clone()], &database).await;
    let mut screener = server.screening_client_as("screener").await;
    let request = |max_hits| pb::ScreenRequest {
        person: Some(person("Ivan Sidorov", Some("1970"), None)),
        max_hits: Some(max_hits),
        ..Default::default()
    };

    let cut = screener
        .screen(request(3))
        .await
        .expect("screened")
        .into_inner();
    let whole = screener
        .screen(request(4))
        .await
        .expect("screened")
        .into_inner();

    assert_eq!(
        (cut.hits.len(), cut.hits_truncated, cut.total_hit_count),
        (3, true, 4)
    );
    assert_eq!(
        (
            whole.hits.len(),
            whole.hits_truncated,
            whole.total_hit_count
        ),
        (4, false, 4)
    );
    assert_eq!(cut.engine_version, wire::ENGINE_VERSION);
}
