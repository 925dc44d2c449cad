//! Several registry instances on one PostgreSQL database share the background work: each
//! subject is screened by one of them, once.

use std::time::{Duration, Instant};

use registry::store::Store;
use system_tests::{
    CsvList, DatabaseKind, RegistryClient, TestDatabase, person, spawn_registry, spawn_screening,
};
use uuid::Uuid;
use wire::registry::v1 as pb;

const LIST_V1: &str = "\
id,name,aliases,birth_dates,nationalities,type
T-1,Zarina Bakhtiyorovna KHOLMATOVA,Зарина Бахтиёровна Холматова,1984-03-17,TJ,person
";

const LIST_V2: &str = "\
id,name,aliases,birth_dates,nationalities,type
T-1,Zarina Bakhtiyorovna KHOLMATOVA,Зарина Бахтиёровна Холматова,1984-03-17,TJ,person
T-2,Northwind Maritime Logistics LLC,,,,organization
";

const SUBJECTS: usize = 120;
const DEADLINE: Duration = Duration::from_secs(60);

fn intake(i: usize) -> pb::CreateSubjectRequest {
    // Every tenth a listed person, so that both outcomes are recorded.
    let person = if i.is_multiple_of(10) {
        person("Зарина Холматова", Some("1984"), Some("TJ"))
    } else {
        person(&format!("Person Number{i} Example"), None, None)
    };
    pb::CreateSubjectRequest {
        request_id: format!("instances-{i}"),
        person: Some(person),
    }
}

/// Takes in `SUBJECTS` people, alternating between the two registries.
async fn take_in(clients: &mut [RegistryClient; 2]) -> Vec<pb::Subject> {
    let mut subjects = Vec::new();
    for i in 0..SUBJECTS {
        let subject = clients[i % 2]
            .create_subject(intake(i))
            .await
            .expect("intake succeeds")
            .into_inner();
        subjects.push(subject);
    }
    subjects
}

/// Waits until every subject has `count` screenings in its history, then a little longer
/// to see that none gets more.
async fn await_screenings(store: &Store, subjects: &[pb::Subject], count: usize) {
    let ids: Vec<Uuid> = subjects
        .iter()
        .map(|s| Uuid::parse_str(&s.id).expect("a UUID"))
        .collect();
    let started = Instant::now();
    loop {
        let mut done = 0;
        for id in &ids {
            let screenings = store.screening_times(*id).await.expect("history").len();
            assert!(
                screenings <= count,
                "subject {id} screened {screenings} times"
            );
            done += usize::from(screenings == count);
        }
        if done == ids.len() {
            break;
        }
        assert!(
            started.elapsed() < DEADLINE,
            "{done} of {} subjects done",
            ids.len()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    for id in &ids {
        let screenings = store.screening_times(*id).await.expect("history").len();
        assert_eq!(screenings, count, "subject {id}");
        let screened_events = store
            .history(*id, None, 1000)
            .await
            .expect("the audit trail")
            .iter()
            .filter(|e| e.action.as_str() == "screened")
            .count();
        assert_eq!(screened_events, count, "subject {id}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_registries_on_one_database_screen_each_pending_subject_exactly_once() {
    let list = CsvList::write("test", LIST_V1);
    let screening_db = TestDatabase::fresh(DatabaseKind::Postgres).await;
    let registry_db = TestDatabase::fresh(DatabaseKind::Postgres).await;
    let screening = spawn_screening("127.0.0.1:0", vec![list.spec.clone()], &screening_db).await;
    let (screening_addr, screening_url) = (screening.addr, screening.url());
    screening.stop().await.expect("screening stops");

    let timeout = Duration::from_millis(500);
    let first = spawn_registry(&screening_url, &registry_db, timeout).await;
    let second = spawn_registry(&screening_url, &registry_db, timeout).await;
    let mut clients = [
        first.registry_client_as("admin").await,
        second.registry_client_as("admin").await,
    ];
    let subjects = take_in(&mut clients).await;
    assert!(subjects.iter().all(|s| {
        s.screening.as_ref().expect("a screening").state() == pb::ScreeningState::Pending
    }));

    let _screening = spawn_screening(
        &screening_addr.to_string(),
        vec![list.spec.clone()],
        &screening_db,
    )
    .await;
    let store = Store::connect(registry_db.url())
        .await
        .expect("the store opens");
    await_screenings(&store, &subjects, 1).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_registries_on_one_database_re_screen_each_subject_exactly_once_after_a_list_change() {
    let (v1, v2) = (
        CsvList::write("test", LIST_V1),
        CsvList::write("test", LIST_V2),
    );
    let screening_db = TestDatabase::fresh(DatabaseKind::Postgres).await;
    let registry_db = TestDatabase::fresh(DatabaseKind::Postgres).await;
    let screening = spawn_screening("127.0.0.1:0", vec![v1.spec.clone()], &screening_db).await;
    let timeout = Duration::from_secs(5);
    let first = spawn_registry(&screening.url(), &registry_db, timeout).await;
    let second = spawn_registry(&screening.url(), &registry_db, timeout).await;
    let mut clients = [
        first.registry_client_as("admin").await,
        second.registry_client_as("admin").await,
    ];
    let subjects = take_in(&mut clients).await;
    let store = Store::connect(registry_db.url())
        .await
        .expect("the store opens");
    await_screenings(&store, &subjects, 1).await;

    let addr = screening.addr;
    screening.stop().await.expect("screening stops");
    let _screening = spawn_screening(&addr.to_string(), vec![v2.spec.clone()], &screening_db).await;
    await_screenings(&store, &subjects, 2).await;
}
