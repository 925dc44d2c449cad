//! Recording list versions, on SQLite and PostgreSQL alike.

use screening::domain::catalog::LoadedList;
use screening::lists::{self, ListFiles, ListFormat};
use screening::store::Store;
use test_support::{DatabaseKind, TestDatabase, on_both_databases};

fn list(content: &str) -> LoadedList {
    let files = ListFiles::new().with_file("list.csv", content.as_bytes().to_vec());
    let entries = lists::parse(ListFormat::Csv, &files).expect("a valid list");
    LoadedList::new(
        "mine".into(),
        ListFormat::Csv,
        files.version(ListFormat::Csv),
        entries,
    )
}

async fn every_loaded_version_is_recorded_once(kind: DatabaseKind) {
    let database = TestDatabase::fresh(kind).await;
    let store = Store::connect(database.url())
        .await
        .expect("the store opens");
    let first = list("id,name\n1,Ivan Petrov\n");
    let second = list("id,name\n1,Ivan Petrov\n2,Olga Petrova\n");

    store.record_version(&first).await.expect("recorded");
    store
        .record_version(&first)
        .await
        .expect("recording again is harmless");
    store.record_version(&second).await.expect("recorded");

    let versions = store.versions("mine").await.expect("read");
    let mut recorded: Vec<(&str, i64)> = versions
        .iter()
        .map(|v| (v.version.as_str(), v.entry_count))
        .collect();
    // Two loads within one millisecond have no defined order.
    recorded.sort_by_key(|(_, count)| *count);
    assert_eq!(
        recorded,
        [(first.version.as_str(), 1), (second.version.as_str(), 2)]
    );
    assert!(versions.iter().all(|v| v.format == "csv"));
}

on_both_databases!(every_loaded_version_is_recorded_once);
