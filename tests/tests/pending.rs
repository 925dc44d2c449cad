//! Intake while screening is down: the subject is kept as PENDING and screened in the
//! background once screening is back, also across a registry restart.

use std::time::Duration;

use registry::store::Store;
use system_tests::{
    CsvList, DatabaseKind, RegistryClient, TestDatabase, intake_request as intake,
    on_both_databases, person, screening_state as state, spawn_registry, spawn_screening,
    subject_once,
};
use uuid::Uuid;
use wire::registry::v1 as pb;

const TEST_LIST: &str = "\
id,name,aliases,birth_dates,nationalities,type
T-1,Zarina Bakhtiyorovna KHOLMATOVA,Зарина Бахтиёровна Холматова,1984-03-17,TJ,person
";

/// Intake gives up on screening this soon, so that the tests do not wait long for PENDING.
const SCREENING_TIMEOUT: Duration = Duration::from_millis(500);
const BACKGROUND_DEADLINE: Duration = Duration::from_secs(20);

/// The subject once it has left PENDING.
async fn screened(registry: &mut RegistryClient, id: &str) -> pb::Subject {
    subject_once(registry, id, BACKGROUND_DEADLINE, "leaving PENDING", |s| {
        state(s) != pb::ScreeningState::Pending
    })
    .await
}

async fn a_subject_taken_in_while_screening_was_down_is_screened_once_it_is_back(
    kind: DatabaseKind,
) {
    let list = CsvList::write("test", TEST_LIST);
    let (screening_db, registry_db) = (
        TestDatabase::fresh(kind).await,
        TestDatabase::fresh(kind).await,
    );
    let screening = spawn_screening("127.0.0.1:0", vec![list.spec.clone()], &screening_db).await;
    let (screening_addr, screening_url) = (screening.addr, screening.url());
    screening.stop().await.expect("screening stops");
    let registry = spawn_registry(&screening_url, &registry_db, SCREENING_TIMEOUT).await;
    let mut client = registry.registry_client_as("admin").await;

    let listed = client
        .create_subject(intake(
            "pending-listed",
            person("Зарина Холматова", Some("1984"), Some("TJ")),
        ))
        .await
        .expect("intake succeeds without screening")
        .into_inner();
    let unlisted = client
        .create_subject(intake(
            "pending-unlisted",
            person("Margaret Ellen Thompson", Some("1962-04-11"), Some("GB")),
        ))
        .await
        .expect("intake succeeds without screening")
        .into_inner();
    assert_eq!(state(&listed), pb::ScreeningState::Pending);
    assert_eq!(state(&unlisted), pb::ScreeningState::Pending);

    // Long enough for the worker to fail a few times and back off.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        state(&screened_or_pending(&mut client, &listed.id).await),
        pb::ScreeningState::Pending
    );
    let _screening = spawn_screening(
        &screening_addr.to_string(),
        vec![list.spec.clone()],
        &screening_db,
    )
    .await;

    let listed = screened(&mut client, &listed.id).await;
    assert_eq!(state(&listed), pb::ScreeningState::PotentialMatch);
    assert_eq!(
        listed.screening.as_ref().expect("a screening").hits[0].entry_id,
        "T-1"
    );
    assert_eq!(
        state(&screened(&mut client, &unlisted.id).await),
        pb::ScreeningState::Clear
    );

    let store = Store::connect(registry_db.url())
        .await
        .expect("the store opens");
    let id = Uuid::parse_str(&listed.id).expect("a UUID");
    assert_eq!(store.screening_times(id).await.expect("history").len(), 1);
    let trail = store.history(id, None, 100).await.expect("the audit trail");
    let screened_by: Vec<&str> = trail
        .iter()
        .filter(|e| e.action.as_str() == "screened")
        .map(|e| e.actor.as_str())
        .collect();
    assert_eq!(screened_by, ["system:pending-worker"]);
}

async fn screened_or_pending(registry: &mut RegistryClient, id: &str) -> pb::Subject {
    registry
        .get_subject(pb::GetSubjectRequest { id: id.to_owned() })
        .await
        .expect("the subject is found")
        .into_inner()
}

async fn pending_subjects_are_screened_by_the_registry_that_takes_over_the_database(
    kind: DatabaseKind,
) {
    let list = CsvList::write("test", TEST_LIST);
    let (screening_db, registry_db) = (
        TestDatabase::fresh(kind).await,
        TestDatabase::fresh(kind).await,
    );
    let screening = spawn_screening("127.0.0.1:0", vec![list.spec.clone()], &screening_db).await;
    let (screening_addr, screening_url) = (screening.addr, screening.url());
    screening.stop().await.expect("screening stops");

    let first = spawn_registry(&screening_url, &registry_db, SCREENING_TIMEOUT).await;
    let mut client = first.registry_client_as("admin").await;
    let mut ids = Vec::new();
    for i in 0..5 {
        let subject = client
            .create_subject(intake(
                &format!("restart-{i}"),
                person(&format!("Person Number{i} Example"), None, None),
            ))
            .await
            .expect("intake succeeds without screening")
            .into_inner();
        assert_eq!(state(&subject), pb::ScreeningState::Pending);
        ids.push(subject.id);
    }
    first.stop().await.expect("the first registry stops");

    let _screening = spawn_screening(
        &screening_addr.to_string(),
        vec![list.spec.clone()],
        &screening_db,
    )
    .await;
    let second = spawn_registry(&screening_url, &registry_db, SCREENING_TIMEOUT).await;
    let mut client = second.registry_client_as("admin").await;
    for id in &ids {
        assert_eq!(
            state(&screened(&mut client, id).await),
            pb::ScreeningState::Clear
        );
    }
    let listed = client
        .list_subjects(pb::ListSubjectsRequest::default())
        .await
        .expect("listing succeeds")
        .into_inner();
    assert_eq!(
        listed.subjects.len(),
        ids.len(),
        "nothing lost, nothing added"
    );
}

on_both_databases!(
    a_subject_taken_in_while_screening_was_down_is_screened_once_it_is_back,
    pending_subjects_are_screened_by_the_registry_that_takes_over_the_database,
);
