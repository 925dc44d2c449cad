//! Intake end to end: registry → screening over TCP → subject committed with its outcome.

use std::time::Duration;

use system_tests::{
    CsvList, DatabaseKind, TestDatabase, TestStack, intake_request as intake, on_both_databases,
    person, screening_state as state, spawn_registry, violated_fields,
};
use wire::registry::v1 as pb;

const TEST_LIST: &str = "\
id,name,aliases,birth_dates,nationalities,type
T-1,Zarina Bakhtiyorovna KHOLMATOVA,Зарина Бахтиёровна Холматова,1984-03-17,TJ,person
T-2,Northwind Maritime Logistics LLC,,,,organization
";

async fn stack_with_test_list(kind: DatabaseKind) -> (TestStack, CsvList) {
    let list = CsvList::write("test", TEST_LIST);
    (TestStack::spawn(kind, vec![list.spec.clone()]).await, list)
}

async fn intake_of_a_listed_person_records_a_potential_match(kind: DatabaseKind) {
    let (stack, _list) = stack_with_test_list(kind).await;
    let mut registry = stack.registry_client().await;

    let subject = registry
        .create_subject(intake(
            "intake-1",
            person("Зарина Холматова", Some("1984"), Some("TJ")),
        ))
        .await
        .expect("intake succeeds")
        .into_inner();

    assert_eq!(state(&subject), pb::ScreeningState::PotentialMatch);
    let screening = subject.screening.clone().expect("a screening");
    assert!(screening.matched);
    assert_eq!(screening.hits[0].entry_id, "T-1");
    assert_eq!(screening.hits[0].watchlist, "test");
    assert!(screening.screen_time.is_some());
    assert_eq!(screening.watchlist_versions.len(), 1);
    assert_eq!(subject.status(), pb::SubjectStatus::Identified);

    let stored = registry
        .get_subject(pb::GetSubjectRequest {
            id: subject.id.clone(),
        })
        .await
        .expect("the subject is stored")
        .into_inner();
    assert_eq!(stored, subject);
}

async fn intake_of_a_listed_person_disguised_with_invisible_characters_records_a_potential_match(
    kind: DatabaseKind,
) {
    let (stack, _list) = stack_with_test_list(kind).await;
    let mut registry = stack.registry_client().await;
    // A zero-width space, a soft hyphen and a Cyrillic а among the Latin letters.
    let sent = "Za\u{200B}rina KHOL\u{00AD}M\u{0430}TOVA";

    let subject = registry
        .create_subject(intake("intake-disguised", person(sent, Some("1984"), None)))
        .await
        .expect("intake succeeds")
        .into_inner();

    assert_eq!(state(&subject), pb::ScreeningState::PotentialMatch);
    let screening = subject.screening.clone().expect("a screening");
    assert_eq!(screening.hits[0].entry_id, "T-1");
    let recorded = subject.person.expect("the person is recorded");
    assert_eq!(
        recorded.names[0].full_name, sent,
        "the record keeps the name as sent"
    );
}

async fn intake_of_a_person_listed_more_often_than_screening_returns_records_how_many_and_the_engine(
    kind: DatabaseKind,
) {
    // Twelve entries of one name: screening returns its default of 10 hits and says so.
    let mut csv = String::from("id,name\n");
    for i in 0..12 {
        csv.push_str(&format!("P-{i},Ivan Sergeyevich PETROV\n"));
    }
    let list = CsvList::write("many", &csv);
    let stack = TestStack::spawn(kind, vec![list.spec.clone()]).await;
    let mut registry = stack.registry_client().await;

    let subject = registry
        .create_subject(intake("intake-many", person("Ivan Petrov", None, None)))
        .await
        .expect("intake succeeds")
        .into_inner();

    let screening = subject.screening.clone().expect("a screening");
    assert_eq!(screening.hits.len(), 10);
    assert_eq!(screening.total_hit_count, 12);
    assert!(screening.hits_truncated);
    assert_eq!(screening.engine_version, wire::ENGINE_VERSION);
    let stored = registry
        .get_subject(pb::GetSubjectRequest {
            id: subject.id.clone(),
        })
        .await
        .expect("the subject is stored")
        .into_inner();
    assert_eq!(stored.screening, Some(screening));
}

async fn intake_of_an_unlisted_person_records_clear(kind: DatabaseKind) {
    let (stack, _list) = stack_with_test_list(kind).await;
    let mut registry = stack.registry_client().await;

    let subject = registry
        .create_subject(intake(
            "intake-2",
            person("Margaret Ellen Thompson", Some("1962-04-11"), Some("GB")),
        ))
        .await
        .expect("intake succeeds")
        .into_inner();

    assert_eq!(state(&subject), pb::ScreeningState::Clear);
    let screening = subject.screening.expect("a screening");
    assert!(!screening.matched);
    assert!(screening.hits.is_empty());
    assert!(screening.screen_time.is_some());
}

async fn intake_while_screening_is_unreachable_records_pending(kind: DatabaseKind) {
    let database = TestDatabase::fresh(kind).await;
    // A port nobody listens on: bind one, then let it go.
    let unused = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    let dead_screening = format!("http://{}", unused.local_addr().expect("an address"));
    drop(unused);
    let registry = spawn_registry(&dead_screening, &database, Duration::from_millis(500)).await;
    let mut client = registry.registry_client_as("admin").await;

    let subject = client
        .create_subject(intake("intake-3", person("Rustam Ergashbekov", None, None)))
        .await
        .expect("intake is acknowledged even without screening")
        .into_inner();

    assert_eq!(state(&subject), pb::ScreeningState::Pending);
    assert!(
        subject
            .screening
            .as_ref()
            .expect("a screening")
            .screen_time
            .is_none()
    );
    let stored = client
        .get_subject(pb::GetSubjectRequest {
            id: subject.id.clone(),
        })
        .await
        .expect("the pending subject is stored")
        .into_inner();
    assert_eq!(state(&stored), pb::ScreeningState::Pending);
}

async fn repeating_a_request_id_returns_the_same_subject(kind: DatabaseKind) {
    let (stack, _list) = stack_with_test_list(kind).await;
    let mut registry = stack.registry_client().await;
    let request = intake("intake-4", person("Ivan Petrov", None, None));

    let first = registry
        .create_subject(request.clone())
        .await
        .expect("first")
        .into_inner();
    let second = registry
        .create_subject(request)
        .await
        .expect("retry")
        .into_inner();

    assert_eq!(first, second);
    let all = registry
        .list_subjects(pb::ListSubjectsRequest::default())
        .await
        .expect("listing")
        .into_inner();
    assert_eq!(all.subjects.len(), 1);
}

async fn concurrent_retries_of_one_request_create_one_subject(kind: DatabaseKind) {
    let (stack, _list) = stack_with_test_list(kind).await;
    let registry = stack.registry_client().await;
    let request = intake("intake-race", person("Ivan Petrov", None, None));

    let calls = (0..8).map(|_| {
        let mut client = registry.clone();
        let request = request.clone();
        tokio::spawn(async move {
            client
                .create_subject(request)
                .await
                .map(|r| r.into_inner().id)
        })
    });
    let mut ids = Vec::new();
    for call in calls {
        ids.push(call.await.expect("task").expect("every retry succeeds"));
    }

    ids.dedup();
    assert_eq!(ids.len(), 1, "every retry returns the one subject");
}

async fn reusing_a_request_id_for_another_person_is_refused(kind: DatabaseKind) {
    let (stack, _list) = stack_with_test_list(kind).await;
    let mut registry = stack.registry_client().await;
    registry
        .create_subject(intake("intake-5", person("Ivan Petrov", None, None)))
        .await
        .expect("first");

    let status = registry
        .create_subject(intake("intake-5", person("Olga Petrova", None, None)))
        .await
        .expect_err("a different person under the same key");

    assert_eq!(status.code(), tonic::Code::AlreadyExists);
}

async fn an_invalid_intake_names_every_bad_field_and_stores_nothing(kind: DatabaseKind) {
    let (stack, _list) = stack_with_test_list(kind).await;
    let mut registry = stack.registry_client().await;
    let mut bad_person = person(" ", Some("12/03/1984"), Some("Tajikistan"));
    bad_person.names.push(wire::common::v1::PersonName {
        full_name: "Ivan".into(),
        ..Default::default()
    });

    let status = registry
        .create_subject(intake("", bad_person))
        .await
        .expect_err("invalid");

    assert_eq!(
        violated_fields(&status),
        [
            "request_id",
            "person.names[0].full_name",
            "person.birth_dates[0]",
            "person.nationalities[0]"
        ]
    );
    assert!(status.message().contains("country names are not accepted"));
    let all = registry
        .list_subjects(pb::ListSubjectsRequest::default())
        .await
        .expect("listing")
        .into_inner();
    assert!(all.subjects.is_empty());
}

async fn an_intake_without_a_person_is_invalid(kind: DatabaseKind) {
    let (stack, _list) = stack_with_test_list(kind).await;
    let mut registry = stack.registry_client().await;

    let status = registry
        .create_subject(pb::CreateSubjectRequest {
            request_id: "intake-6".into(),
            person: None,
        })
        .await
        .expect_err("invalid");

    assert_eq!(violated_fields(&status), ["person"]);
}

async fn getting_an_unknown_or_malformed_id_fails_clearly(kind: DatabaseKind) {
    let (stack, _list) = stack_with_test_list(kind).await;
    let mut registry = stack.registry_client().await;

    let missing = registry
        .get_subject(pb::GetSubjectRequest {
            id: "0190a3c2-0000-7000-8000-000000000000".into(),
        })
        .await
        .expect_err("unknown");
    let malformed = registry
        .get_subject(pb::GetSubjectRequest { id: "42".into() })
        .await
        .expect_err("malformed");

    assert_eq!(missing.code(), tonic::Code::NotFound);
    assert_eq!(violated_fields(&malformed), ["id"]);
}

on_both_databases!(
    intake_of_a_listed_person_records_a_potential_match,
    intake_of_a_listed_person_disguised_with_invisible_characters_records_a_potential_match,
    intake_of_a_person_listed_more_often_than_screening_returns_records_how_many_and_the_engine,
    intake_of_an_unlisted_person_records_clear,
    intake_while_screening_is_unreachable_records_pending,
    repeating_a_request_id_returns_the_same_subject,
    concurrent_retries_of_one_request_create_one_subject,
    reusing_a_request_id_for_another_person_is_refused,
    an_invalid_intake_names_every_bad_field_and_stores_nothing,
    an_intake_without_a_person_is_invalid,
    getting_an_unknown_or_malformed_id_fails_clearly,
);
