//! Re-screening when screening's lists change: subjects screened against an older version
//! are screened again in the background, their history kept, reviews respected.

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use registry::store::Store;
use screening::config::WatchlistSpec;
use screening::lists::ListFormat;
use system_tests::{
    CsvList, DatabaseKind, RegistryClient, RunningServer, TestDatabase, intake_request as intake,
    on_both_databases, person, screening_state as state, spawn_registry, spawn_screening,
    subject_once,
};
use uuid::Uuid;
use wire::registry::v1 as pb;

const BACKGROUND_DEADLINE: Duration = Duration::from_secs(30);

fn ofac_update(file: &str) -> WatchlistSpec {
    WatchlistSpec {
        name: "ofac".to_owned(),
        format: ListFormat::OfacCsv,
        path: test_support::watchlist_path(&format!("ofac-sdn-2024-update/{file}")),
    }
}

/// Individuals designated between the two OFAC files: (SDN entry number, name as an intake
/// officer would write it, date of birth, nationality).
const NEWLY_DESIGNATED: [(&str, &str, &str, &str); 3] = [
    ("48606", "Yegor Igoryevich Mozhayev", "1982-05-31", "RU"),
    (
        "48604",
        "Ivan Vladimirovich Seliverstov",
        "1989-03-10",
        "RU",
    ),
    ("48754", "Natallia Butrym", "1994-12-14", "BY"),
];

fn versions(subject: &pb::Subject) -> Vec<(String, String)> {
    let screening = subject.screening.as_ref().expect("a screening");
    (screening.watchlist_versions.iter())
        .map(|v| (v.watchlist.clone(), v.version.clone()))
        .collect()
}

async fn get(registry: &mut RegistryClient, id: &str) -> pb::Subject {
    registry
        .get_subject(pb::GetSubjectRequest { id: id.to_owned() })
        .await
        .expect("the subject is found")
        .into_inner()
}

/// The subject once its latest screening used other list versions than `old`.
async fn rescreened(registry: &mut RegistryClient, id: &str, old: &pb::Subject) -> pb::Subject {
    subject_once(registry, id, BACKGROUND_DEADLINE, "re-screening", |s| {
        versions(s) != versions(old)
    })
    .await
}

async fn screening_count(store: &Store, id: &str) -> usize {
    let id = Uuid::parse_str(id).expect("a UUID");
    store.screening_times(id).await.expect("history").len()
}

/// Replaces the running screening with one serving `lists`, on the same address.
async fn restart_screening(
    screening: RunningServer,
    lists: Vec<WatchlistSpec>,
    database: &TestDatabase,
) -> RunningServer {
    let addr = screening.addr;
    screening.stop().await.expect("screening stops");
    spawn_screening(&addr.to_string(), lists, database).await
}

async fn people_added_to_the_ofac_list_are_flagged_after_the_update(kind: DatabaseKind) {
    let before_file = ofac_update("sdn-2024-04-26.csv").path;
    let after_file = ofac_update("sdn-2024-05-03.csv").path;
    for (ent_num, ..) in NEWLY_DESIGNATED {
        assert!(
            !lists_entry(&before_file, ent_num),
            "{ent_num} is new on 05-03"
        );
        assert!(lists_entry(&after_file, ent_num), "{ent_num} is on 05-03");
    }
    let (screening_db, registry_db) = (
        TestDatabase::fresh(kind).await,
        TestDatabase::fresh(kind).await,
    );
    let screening = spawn_screening(
        "127.0.0.1:0",
        vec![ofac_update("sdn-2024-04-26.csv")],
        &screening_db,
    )
    .await;
    let registry = spawn_registry(&screening.url(), &registry_db, Duration::from_secs(10)).await;
    let mut client = registry.registry_client_as("admin").await;

    let mut newly_designated = Vec::new();
    for (ent_num, name, born, nationality) in NEWLY_DESIGNATED {
        let subject = client
            .create_subject(intake(
                &format!("ofac-{ent_num}"),
                person(name, Some(born), Some(nationality)),
            ))
            .await
            .expect("intake succeeds")
            .into_inner();
        assert_eq!(state(&subject), pb::ScreeningState::Clear, "{name} before");
        newly_designated.push((ent_num, subject));
    }
    let unrelated = client
        .create_subject(intake(
            "ofac-unrelated",
            person("Margaret Ellen Thompson", Some("1962-04-11"), Some("GB")),
        ))
        .await
        .expect("intake succeeds")
        .into_inner();
    assert_eq!(state(&unrelated), pb::ScreeningState::Clear);

    let update_time = SystemTime::now();
    let _screening = restart_screening(
        screening,
        vec![ofac_update("sdn-2024-05-03.csv")],
        &screening_db,
    )
    .await;

    let store = Store::connect(registry_db.url())
        .await
        .expect("the store opens");
    for (ent_num, before) in &newly_designated {
        let after = rescreened(&mut client, &before.id, before).await;
        assert_eq!(
            state(&after),
            pb::ScreeningState::PotentialMatch,
            "{ent_num}"
        );
        let hits = &after.screening.as_ref().expect("a screening").hits;
        assert!(
            hits.iter().any(|h| h.entry_id == *ent_num),
            "{ent_num}: {hits:?}"
        );
        assert_eq!(screening_count(&store, &after.id).await, 2, "history kept");
    }
    let unrelated_after = rescreened(&mut client, &unrelated.id, &unrelated).await;
    assert_eq!(state(&unrelated_after), pb::ScreeningState::Clear);
    assert_eq!(screening_count(&store, &unrelated.id).await, 2);

    let flagged = newly_matched_since(&mut client, update_time).await;
    let mut expected: Vec<String> = newly_designated.iter().map(|(_, s)| s.id.clone()).collect();
    expected.sort();
    assert_eq!(flagged, expected);
    let later = SystemTime::now() + Duration::from_secs(1);
    assert!(newly_matched_since(&mut client, later).await.is_empty());
}

fn lists_entry(file: &PathBuf, ent_num: &str) -> bool {
    let content = std::fs::read(file).expect("the OFAC file is readable");
    let prefix = format!("{ent_num},");
    content
        .split(|b| *b == b'\n')
        .any(|line| line.starts_with(prefix.as_bytes()))
}

/// The ids of the subjects `ListSubjects` returns as newly matched since `since`, sorted.
async fn newly_matched_since(registry: &mut RegistryClient, since: SystemTime) -> Vec<String> {
    let response = registry
        .list_subjects(pb::ListSubjectsRequest {
            newly_matched_since: Some(since.into()),
            ..Default::default()
        })
        .await
        .expect("listing succeeds")
        .into_inner();
    let mut ids: Vec<String> = response.subjects.into_iter().map(|s| s.id).collect();
    ids.sort();
    ids
}

const LIST_V1: &str = "\
id,name,aliases,birth_dates,nationalities,type
T-1,Zarina Bakhtiyorovna KHOLMATOVA,Зарина Бахтиёровна Холматова,1984-03-17,TJ,person
";

/// T-1 unchanged, another entry added: the list's version changes, T-1's does not.
const LIST_V2_SAME_ENTRY: &str = "\
id,name,aliases,birth_dates,nationalities,type
T-1,Zarina Bakhtiyorovna KHOLMATOVA,Зарина Бахтиёровна Холматова,1984-03-17,TJ,person
T-2,Northwind Maritime Logistics LLC,,,,organization
";

/// T-1 itself changed (a nationality added).
const LIST_V3_ENTRY_CHANGED: &str = "\
id,name,aliases,birth_dates,nationalities,type
T-1,Zarina Bakhtiyorovna KHOLMATOVA,Зарина Бахтиёровна Холматова,1984-03-17,TJ;UZ,person
T-2,Northwind Maritime Logistics LLC,,,,organization
";

async fn a_dismissed_hit_stays_dismissed_on_re_screening_until_its_entry_changes(
    kind: DatabaseKind,
) {
    let (v1, v2, v3) = (
        CsvList::write("test", LIST_V1),
        CsvList::write("test", LIST_V2_SAME_ENTRY),
        CsvList::write("test", LIST_V3_ENTRY_CHANGED),
    );
    let (screening_db, registry_db) = (
        TestDatabase::fresh(kind).await,
        TestDatabase::fresh(kind).await,
    );
    let screening = spawn_screening("127.0.0.1:0", vec![v1.spec.clone()], &screening_db).await;
    let registry = spawn_registry(&screening.url(), &registry_db, Duration::from_secs(5)).await;
    let mut client = registry.registry_client_as("admin").await;

    let flagged = client
        .create_subject(intake(
            "dismissed-1",
            person("Зарина Холматова", Some("1984"), Some("TJ")),
        ))
        .await
        .expect("intake succeeds")
        .into_inner();
    assert_eq!(state(&flagged), pb::ScreeningState::PotentialMatch);
    let dismissed = client
        .review_hit(pb::ReviewHitRequest {
            subject_id: flagged.id.clone(),
            watchlist: "test".to_owned(),
            entry_id: "T-1".to_owned(),
            decision: pb::HitDecision::FalsePositive as i32,
            reason: "a different person: checked the documents".to_owned(),
            etag: flagged.etag.clone(),
        })
        .await
        .expect("the review is recorded")
        .into_inner();
    assert_eq!(state(&dismissed), pb::ScreeningState::Clear);

    let screening = restart_screening(screening, vec![v2.spec.clone()], &screening_db).await;
    let after_v2 = rescreened(&mut client, &flagged.id, &dismissed).await;
    assert_eq!(
        state(&after_v2),
        pb::ScreeningState::Clear,
        "dismissal holds"
    );
    let hits = &after_v2.screening.as_ref().expect("a screening").hits;
    assert_eq!(hits[0].entry_id, "T-1", "the hit is still reported");

    let _screening = restart_screening(screening, vec![v3.spec.clone()], &screening_db).await;
    let after_v3 = rescreened(&mut client, &flagged.id, &after_v2).await;
    assert_eq!(
        state(&after_v3),
        pb::ScreeningState::PotentialMatch,
        "the entry changed"
    );
}

async fn subjects_screened_against_the_current_lists_are_not_screened_again(kind: DatabaseKind) {
    let list = CsvList::write("test", LIST_V1);
    let (screening_db, registry_db) = (
        TestDatabase::fresh(kind).await,
        TestDatabase::fresh(kind).await,
    );
    let screening = spawn_screening("127.0.0.1:0", vec![list.spec.clone()], &screening_db).await;
    let registry = spawn_registry(&screening.url(), &registry_db, Duration::from_secs(5)).await;
    let mut client = registry.registry_client_as("admin").await;
    let subject = client
        .create_subject(intake(
            "same-lists-1",
            person("Margaret Ellen Thompson", None, None),
        ))
        .await
        .expect("intake succeeds")
        .into_inner();

    let _screening = restart_screening(screening, vec![list.spec.clone()], &screening_db).await;
    // The worker has reconnected to the feed and found nothing to do well within this.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let store = Store::connect(registry_db.url())
        .await
        .expect("the store opens");
    assert_eq!(screening_count(&store, &subject.id).await, 1);
    assert_eq!(get(&mut client, &subject.id).await.etag, subject.etag);
}

on_both_databases!(
    people_added_to_the_ofac_list_are_flagged_after_the_update,
    a_dismissed_hit_stays_dismissed_on_re_screening_until_its_entry_changes,
    subjects_screened_against_the_current_lists_are_not_screened_again,
);
