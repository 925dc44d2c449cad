//! Imports that must not change what is served: malformed own lists, replacements that
//! remove much of a list by mistake, and imports racing each other.

use std::time::Duration;

use system_tests::{
    DatabaseKind, RunningServer, ScreeningClient, TestDatabase, on_both_databases, person,
    spawn_screening, spawn_screening_syncing_every, violated_fields,
};
use tonic::Code;
use wire::screening::v1 as pb;

/// Ten entries, each findable by its own name.
fn ten_entries() -> String {
    let mut csv = String::from("id,name,birth_dates\n");
    for (i, name) in NAMES.iter().enumerate() {
        csv.push_str(&format!("E-{i},{name},1980\n"));
    }
    csv
}

const NAMES: [&str; 10] = [
    "Kamoliddin Sharipovich RAHMONZODA",
    "Layla Hamid SARRAFZADEH",
    "Rustam Nuriddinovich ERGASHBEKOV",
    "Zarina Bakhtiyorovna KHOLMATOVA",
    "Abd al-Qadir Musa AL-NAKHLAWI",
    "Dilnoza Akbarovna YUSUPOVA",
    "Farhod Ilhomovich TOSHMATOV",
    "Gulnora Shavkatovna MIRZAEVA",
    "Jasur Bahodirovich QODIROV",
    "Malika Rustamovna SAIDOVA",
];

/// The first `n` of the ten entries.
fn first_entries(n: usize) -> String {
    ten_entries()
        .lines()
        .take(n + 1)
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

fn csv_import(content: &str, allow_large_removal: bool) -> pb::ImportWatchlistRequest {
    pb::ImportWatchlistRequest {
        name: "own".into(),
        format: pb::WatchlistFormat::Csv as i32,
        files: vec![pb::WatchlistFile {
            file_name: "own.csv".into(),
            content: content.as_bytes().to_vec(),
        }],
        allow_large_removal,
    }
}

/// The served list's entry count and version, and the entries a screening of the last of
/// the ten names finds.
async fn served(server: &RunningServer) -> (i64, String, Vec<String>) {
    let mut screener = server.screening_client_as("screener").await;
    let list = screener
        .list_watchlists(pb::ListWatchlistsRequest {})
        .await
        .expect("lists")
        .into_inner()
        .watchlists
        .into_iter()
        .find(|l| l.name == "own")
        .expect("the list is served");
    let hits = screener
        .screen(pb::ScreenRequest {
            person: Some(person(NAMES[9], None, None)),
            ..Default::default()
        })
        .await
        .expect("screening answers")
        .into_inner()
        .hits
        .into_iter()
        .map(|h| h.entry_id)
        .collect();
    (list.entry_count, list.version, hits)
}

async fn admin(server: &RunningServer) -> ScreeningClient {
    server.screening_client_as("list-admin").await
}

async fn an_unclosed_quote_refuses_the_whole_file_and_the_old_version_survives_a_restart(
    kind: DatabaseKind,
) {
    let database = TestDatabase::fresh(kind).await;
    let server = spawn_screening("127.0.0.1:0", Vec::new(), &database).await;
    admin(&server)
        .await
        .import_watchlist(csv_import(&ten_entries(), false))
        .await
        .expect("the first version");
    let before = served(&server).await;
    // Read leniently, the quote would swallow the eight rows after it into one name.
    let swallowing = ten_entries().replacen("E-1,", "E-1,\"", 1);

    let refused = admin(&server)
        .await
        .import_watchlist(csv_import(&swallowing, true))
        .await
        .expect_err("an unclosed quote");
    let after_refusal = served(&server).await;
    server.stop().await.expect("stops");
    let restarted = spawn_screening("127.0.0.1:0", Vec::new(), &database).await;

    assert_eq!(violated_fields(&refused), ["files[0].content"]);
    assert!(
        refused.message().contains("own.csv, line 3, column 5"),
        "{}",
        refused.message()
    );
    assert_eq!(before.0, 10);
    assert_eq!(before.2, ["E-9"]);
    assert_eq!(after_refusal, before);
    assert_eq!(served(&restarted).await, before);
}

async fn a_replacement_removing_more_than_a_fifth_of_a_list_is_refused_unless_intended(
    kind: DatabaseKind,
) {
    let database = TestDatabase::fresh(kind).await;
    let server = spawn_screening("127.0.0.1:0", Vec::new(), &database).await;
    let mut admin = admin(&server).await;
    admin
        .import_watchlist(csv_import(&ten_entries(), false))
        .await
        .expect("the first version");
    let before = served(&server).await;

    let refused = admin
        .import_watchlist(csv_import(&first_entries(7), false))
        .await
        .expect_err("three of ten removed");
    let after_refusal = served(&server).await;
    server.stop().await.expect("stops");
    let restarted = spawn_screening("127.0.0.1:0", Vec::new(), &database).await;
    let after_restart = served(&restarted).await;
    let mut admin = self::admin(&restarted).await;
    let fifth_removed = admin
        .import_watchlist(csv_import(&first_entries(8), false))
        .await
        .expect("two of ten may go")
        .into_inner();
    let intended = admin
        .import_watchlist(csv_import(&first_entries(1), true))
        .await
        .expect("a removal said to be intended")
        .into_inner();

    assert_eq!(refused.code(), Code::FailedPrecondition, "{refused:?}");
    assert!(
        refused.message().contains("remove 3 of its 10 entries")
            && refused.message().contains("allow_large_removal"),
        "{}",
        refused.message()
    );
    assert_eq!(after_refusal, before);
    assert_eq!(after_restart, before);
    assert_eq!(fifth_removed.watchlist.expect("a list").entry_count, 8);
    assert_eq!(intended.watchlist.expect("a list").entry_count, 1);
}

async fn an_import_checked_against_a_version_another_instance_replaced_is_aborted(
    kind: DatabaseKind,
) {
    let database = TestDatabase::fresh(kind).await;
    // Two instances that never sync on their own while the test runs.
    let never = Duration::from_secs(3600);
    let first = spawn_screening_syncing_every("127.0.0.1:0", Vec::new(), &database, never).await;
    let second = spawn_screening_syncing_every("127.0.0.1:0", Vec::new(), &database, never).await;
    admin(&first)
        .await
        .import_watchlist(csv_import(&ten_entries(), false))
        .await
        .expect("the first version, through the first instance");

    // The second instance has not seen the first version: its removal check would compare
    // against nothing, so it must not replace what it has not seen.
    let unseen = admin(&second)
        .await
        .import_watchlist(csv_import(&first_entries(1), false))
        .await
        .expect_err("the stored list is not the one the second instance serves");
    second.stop().await.expect("stops");
    let second = spawn_screening_syncing_every("127.0.0.1:0", Vec::new(), &database, never).await;
    let large_removal = admin(&second)
        .await
        .import_watchlist(csv_import(&first_entries(1), false))
        .await
        .expect_err("now checked against the first version");
    admin(&second)
        .await
        .import_watchlist(csv_import(&first_entries(8), false))
        .await
        .expect("two of ten may go");
    let stale = admin(&first)
        .await
        .import_watchlist(csv_import(&first_entries(9), false))
        .await
        .expect_err("the first instance still serves the first version");

    assert_eq!(unseen.code(), Code::Aborted, "{unseen:?}");
    assert!(
        unseen.message().contains("another instance"),
        "{}",
        unseen.message()
    );
    assert_eq!(
        large_removal.code(),
        Code::FailedPrecondition,
        "{large_removal:?}"
    );
    assert_eq!(stale.code(), Code::Aborted, "{stale:?}");
    assert_eq!(served(&second).await.0, 8);
}

on_both_databases!(
    an_unclosed_quote_refuses_the_whole_file_and_the_old_version_survives_a_restart,
    a_replacement_removing_more_than_a_fifth_of_a_list_is_refused_unless_intended,
    an_import_checked_against_a_version_another_instance_replaced_is_aborted,
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_error_names_the_file_field_and_quotes_a_short_prefix_of_the_value() {
    let database = TestDatabase::fresh(DatabaseKind::Sqlite).await;
    let server = spawn_screening("127.0.0.1:0", Vec::new(), &database).await;
    let bad_type = "t".repeat(100 * 1024);
    let mut request = csv_import(
        &format!("id,name,type\nE-1,Anna Schmidt,{bad_type}\n"),
        false,
    );
    request.files.insert(
        0,
        pb::WatchlistFile {
            file_name: "unused.txt".into(),
            content: b"x".to_vec(),
        },
    );
    request.format = pb::WatchlistFormat::OfacCsv as i32;
    let ofac_style = request.clone();
    request.files.remove(0);
    request.format = pb::WatchlistFormat::Csv as i32;

    let refused = admin(&server)
        .await
        .import_watchlist(request)
        .await
        .expect_err("a bad type");
    let missing_sdn = admin(&server)
        .await
        .import_watchlist(ofac_style)
        .await
        .expect_err("no sdn.csv");

    assert_eq!(violated_fields(&refused), ["files[0].content"]);
    assert!(
        refused.message().len() < 400,
        "{} bytes",
        refused.message().len()
    );
    assert!(
        refused
            .message()
            .contains(&format!("\"{}…\"", "t".repeat(64))),
        "{}",
        refused.message()
    );
    assert_eq!(violated_fields(&missing_sdn), ["files"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_un_list_of_millions_of_empty_elements_is_refused_and_the_served_one_stays() {
    let database = TestDatabase::fresh(DatabaseKind::Sqlite).await;
    let server = spawn_screening("127.0.0.1:0", Vec::new(), &database).await;
    admin(&server)
        .await
        .import_watchlist(csv_import(&ten_entries(), false))
        .await
        .expect("the first version");
    let before = served(&server).await;
    // 40 MB of markup: read whole into a tree, this took over a gigabyte.
    let markup = format!(
        "<CONSOLIDATED_LIST>\n<INDIVIDUALS>{}</INDIVIDUALS></CONSOLIDATED_LIST>",
        "<a/>".repeat(10_000_000)
    );
    let mut request = csv_import("", true);
    request.format = pb::WatchlistFormat::UnXml as i32;
    request.files[0] = pb::WatchlistFile {
        file_name: "consolidated.xml".into(),
        content: markup.into_bytes(),
    };

    let refused = admin(&server)
        .await
        .import_watchlist(request)
        .await
        .expect_err("markup without entries");

    assert_eq!(violated_fields(&refused), ["files[0].content"]);
    assert!(
        refused
            .message()
            .contains("consolidated.xml, line 2: more than 1000 elements outside"),
        "{}",
        refused.message()
    );
    assert_eq!(served(&server).await, before);
}

/// Imports of the real OFAC list, which take long enough for others to arrive meanwhile.
fn ofac_import(name: &str) -> pb::ImportWatchlistRequest {
    let folder = test_support::watchlist_path("ofac-sdn-2021-07");
    pb::ImportWatchlistRequest {
        name: name.into(),
        format: pb::WatchlistFormat::OfacCsv as i32,
        files: ["sdn.csv", "alt.csv", "add.csv"]
            .map(|file| pb::WatchlistFile {
                file_name: file.into(),
                content: std::fs::read(folder.join(file)).expect("a real OFAC file"),
            })
            .to_vec(),
        allow_large_removal: false,
    }
}

/// Sends every request at once, each on its own connection, and returns the codes.
async fn concurrently(
    server: &RunningServer,
    requests: Vec<pb::ImportWatchlistRequest>,
) -> Vec<Code> {
    let mut calls = Vec::new();
    for request in requests {
        let mut client = admin(server).await;
        calls.push(tokio::spawn(async move {
            client
                .import_watchlist(request)
                .await
                .map_or_else(|status| status.code(), |_| Code::Ok)
        }));
    }
    let mut codes = Vec::new();
    for call in calls {
        codes.push(call.await.expect("the call's task"));
    }
    codes
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_import_of_a_list_while_one_runs_is_aborted_and_the_list_is_free_after() {
    let database = TestDatabase::fresh(DatabaseKind::Sqlite).await;
    let server = spawn_screening("127.0.0.1:0", Vec::new(), &database).await;

    let codes = concurrently(&server, vec![ofac_import("ofac"), ofac_import("ofac")]).await;
    let later = admin(&server)
        .await
        .import_watchlist(ofac_import("ofac"))
        .await;

    let mut sorted = codes.clone();
    sorted.sort_by_key(|c| *c as i32);
    assert_eq!(sorted, [Code::Ok, Code::Aborted], "{codes:?}");
    assert!(later.is_ok(), "{later:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn imports_beyond_the_global_limit_are_refused_as_resource_exhausted() {
    let database = TestDatabase::fresh(DatabaseKind::Sqlite).await;
    let server = spawn_screening("127.0.0.1:0", Vec::new(), &database).await;
    let requests = (0..=screening::imports::MAX_IMPORTS_IN_FLIGHT)
        .map(|i| ofac_import(&format!("ofac-{i}")))
        .collect();

    let codes = concurrently(&server, requests).await;

    let refused = codes
        .iter()
        .filter(|c| **c == Code::ResourceExhausted)
        .count();
    let imported = codes.iter().filter(|c| **c == Code::Ok).count();
    assert_eq!(
        (imported, refused),
        (screening::imports::MAX_IMPORTS_IN_FLIGHT, 1),
        "{codes:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_start_up_list_with_an_unclosed_quote_stops_start_up_with_line_and_column() {
    let database = TestDatabase::fresh(DatabaseKind::Sqlite).await;
    let list = system_tests::CsvList::write("own", &ten_entries().replacen("E-4,", "E-4,\"", 1));

    let failed = screening::startup::Application::build(screening::config::Config {
        listen_addr: "127.0.0.1:0".into(),
        watchlists: vec![list.spec.clone()],
        database_url: database.url().to_owned(),
        auth_tokens_file: None,
        import_sync_interval_ms: 200,
        max_import_removal_percent: screening::imports::DEFAULT_MAX_REMOVAL_PERCENT,
        default_threshold: screening::domain::screen::DEFAULT_THRESHOLD,
        max_names_aligned: screening::domain::budget::Limits::default().names_aligned,
        max_screen_time_ms: 5_000,
        metrics_addr: None,
        overload: Default::default(),
        tls: Default::default(),
        traces: Default::default(),
    })
    .await;

    let error = format!("{:#}", failed.err().expect("start-up fails"));
    assert!(error.contains("own.csv, line 6, column 5"), "{error}");
}

/// Stores an import directly, as an older version of the service could have accepted it.
async fn store_import(database: &TestDatabase, name: &str, content: &str) {
    let store = screening::store::Store::connect(database.url())
        .await
        .expect("the store opens");
    let files = screening::lists::ListFiles::new()
        .with_file(format!("{name}.csv"), content.as_bytes().to_vec());
    store
        .save_import(
            name,
            screening::lists::ListFormat::Csv,
            &files,
            "test",
            None,
        )
        .await
        .expect("stored");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stored_import_the_stricter_rules_refuse_is_named_and_does_not_hold_back_the_others() {
    let database = TestDatabase::fresh(DatabaseKind::Sqlite).await;
    let server = spawn_screening("127.0.0.1:0", Vec::new(), &database).await;
    // Accepted before quotes were checked: the rest of the file became one name.
    store_import(
        &database,
        "broken",
        &ten_entries().replacen("E-1,", "E-1,\"", 1),
    )
    .await;
    store_import(&database, "own", &ten_entries()).await;

    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    let mut screener = server.screening_client_as("screener").await;
    let names = loop {
        let names: Vec<String> = screener
            .list_watchlists(pb::ListWatchlistsRequest {})
            .await
            .expect("lists")
            .into_inner()
            .watchlists
            .into_iter()
            .map(|l| l.name)
            .collect();
        if !names.is_empty() || tokio::time::Instant::now() > deadline {
            break names;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let restart = screening::startup::Application::build(screening::config::Config {
        listen_addr: "127.0.0.1:0".into(),
        watchlists: Vec::new(),
        database_url: database.url().to_owned(),
        auth_tokens_file: None,
        import_sync_interval_ms: 200,
        max_import_removal_percent: screening::imports::DEFAULT_MAX_REMOVAL_PERCENT,
        default_threshold: screening::domain::screen::DEFAULT_THRESHOLD,
        max_names_aligned: screening::domain::budget::Limits::default().names_aligned,
        max_screen_time_ms: 5_000,
        metrics_addr: None,
        overload: Default::default(),
        tls: Default::default(),
        traces: Default::default(),
    })
    .await;

    assert_eq!(names, ["own"], "the sync loop serves the list it can read");
    let error = format!("{:#}", restart.err().expect("start-up fails closed"));
    assert!(
        error.contains("stored import \"broken\": broken.csv, line 3, column 5"),
        "{error}"
    );
}
