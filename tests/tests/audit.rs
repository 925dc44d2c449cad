//! The complete audit: replayed intakes, refused reads and history reads on the trail, what
//! one intake principal may see of another's subjects, and the caller's `x-request-id`
//! kept apart from the audit's request id.

use system_tests::{
    CsvList, DatabaseKind, RegistryClient, SECOND_INTAKE, TestStack, intake_request,
    on_both_databases, person,
};
use tokio_stream::StreamExt;
use wire::registry::v1 as pb;

const TEST_LIST: &str = "id,name\nA-1,Zarina KHOLMATOVA\n";

async fn stack(kind: DatabaseKind) -> (TestStack, CsvList) {
    let list = CsvList::write("test", TEST_LIST);
    (TestStack::spawn(kind, vec![list.spec.clone()]).await, list)
}

fn anna() -> wire::common::v1::Person {
    person("Anna Schmidt", Some("1990-02-14"), Some("DE"))
}

fn boris() -> wire::common::v1::Person {
    person("Boris Weber", Some("1971"), Some("AT"))
}

/// One line of the trail: action, actor, request id, caller's request id, details.
type Line = (String, String, String, String, String);

async fn trail(stack: &TestStack, subject_id: &str) -> Vec<Line> {
    let mut auditor = stack.registry.registry_client_as("auditor").await;
    auditor
        .list_subject_history(pb::ListSubjectHistoryRequest {
            id: subject_id.to_owned(),
            page_size: 100,
            page_token: String::new(),
        })
        .await
        .expect("history")
        .into_inner()
        .events
        .into_iter()
        .map(|e| {
            (
                e.action,
                e.actor,
                e.request_id,
                e.caller_request_id,
                e.details,
            )
        })
        .collect()
}

fn with_request_id<T>(message: T, x_request_id: &str) -> tonic::Request<T> {
    let mut request = tonic::Request::new(message);
    request
        .metadata_mut()
        .insert("x-request-id", x_request_id.parse().expect("ascii"));
    request
}

async fn register(client: &mut RegistryClient, request_id: &str) -> pb::Subject {
    client
        .create_subject(intake_request(request_id, anna()))
        .await
        .expect("intake")
        .into_inner()
}

async fn a_replay_by_its_creator_returns_the_subject_and_is_recorded_as_a_read(kind: DatabaseKind) {
    let (stack, _list) = stack(kind).await;
    let mut desk = stack.registry.registry_client_as("intake").await;
    let created = register(&mut desk, "border-1").await;

    let replayed = desk
        .create_subject(with_request_id(
            intake_request("border-1", anna()),
            "retry-1",
        ))
        .await
        .expect("a retry")
        .into_inner();

    assert_eq!(replayed.id, created.id);
    let lines = trail(&stack, &created.id).await;
    let reads: Vec<&Line> = lines.iter().filter(|l| l.0 == "read").collect();
    assert_eq!(reads.len(), 1, "{lines:?}");
    assert_eq!(reads[0].1, "test-intake");
    assert_eq!(reads[0].2, "border-1");
    assert_eq!(reads[0].3, "retry-1");
}

async fn a_replay_by_another_intake_principal_is_refused_alike_for_any_person_and_recorded(
    kind: DatabaseKind,
) {
    let (stack, _list) = stack(kind).await;
    let mut desk = stack.registry.registry_client_as("intake").await;
    let mut other_desk = stack.registry.registry_client_as(SECOND_INTAKE).await;
    let created = register(&mut desk, "border-2").await;

    let same_person = other_desk
        .create_subject(intake_request("border-2", anna()))
        .await
        .expect_err("not its intake");
    let other_person = other_desk
        .create_subject(intake_request("border-2", boris()))
        .await
        .expect_err("not its intake");

    assert_eq!(same_person.code(), tonic::Code::AlreadyExists);
    assert_eq!(other_person.code(), tonic::Code::AlreadyExists);
    // The same words either way: the answer does not tell who is registered under the id.
    assert_eq!(same_person.message(), other_person.message());
    assert!(!same_person.message().contains("different person"));
    let refused: Vec<Line> = trail(&stack, &created.id)
        .await
        .into_iter()
        .filter(|l| l.0 == "replay_refused")
        .collect();
    assert_eq!(refused.len(), 2, "{refused:?}");
    assert!(
        refused
            .iter()
            .all(|l| l.1 == "test-intake-2" && l.2 == "border-2"),
        "{refused:?}"
    );
}

async fn its_creator_reusing_a_request_id_for_another_person_is_told_and_recorded(
    kind: DatabaseKind,
) {
    let (stack, _list) = stack(kind).await;
    let mut desk = stack.registry.registry_client_as("intake").await;
    let created = register(&mut desk, "border-3").await;

    let reused = desk
        .create_subject(intake_request("border-3", boris()))
        .await
        .expect_err("another person");

    assert_eq!(reused.code(), tonic::Code::AlreadyExists);
    assert!(reused.message().contains("different person"), "{reused:?}");
    let lines = trail(&stack, &created.id).await;
    assert!(
        lines
            .iter()
            .any(|l| l.0 == "replay_refused" && l.1 == "test-intake"),
        "{lines:?}"
    );
}

async fn an_administrator_replaying_another_principals_intake_gets_the_subject_as_a_recorded_read(
    kind: DatabaseKind,
) {
    let (stack, _list) = stack(kind).await;
    let mut desk = stack.registry.registry_client_as("intake").await;
    let created = register(&mut desk, "border-4").await;
    let mut admin = stack.registry_client().await;

    let replayed = admin
        .create_subject(intake_request("border-4", anna()))
        .await
        .expect("an administrator reads every subject")
        .into_inner();

    assert_eq!(replayed.id, created.id);
    let lines = trail(&stack, &created.id).await;
    assert!(
        lines.iter().any(|l| l.0 == "read" && l.1 == "test-admin"),
        "{lines:?}"
    );
}

async fn an_intake_principal_reads_only_the_subjects_it_registered(kind: DatabaseKind) {
    let (stack, _list) = stack(kind).await;
    let mut desk = stack.registry.registry_client_as("intake").await;
    let mut other_desk = stack.registry.registry_client_as(SECOND_INTAKE).await;
    let mut viewer = stack.registry.registry_client_as("viewer").await;
    let created = register(&mut desk, "border-5").await;
    let read = |id: &str| pb::GetSubjectRequest { id: id.to_owned() };

    desk.get_subject(read(&created.id)).await.expect("its own");
    viewer
        .get_subject(read(&created.id))
        .await
        .expect("a viewer reads every subject");
    let someone_elses = other_desk
        .get_subject(read(&created.id))
        .await
        .expect_err("not its own");
    let unknown = other_desk
        .get_subject(read("0190a3c2-0000-7000-8000-000000000000"))
        .await
        .expect_err("no such subject");

    assert_eq!(someone_elses.code(), tonic::Code::PermissionDenied);
    // An unknown id gets the same answer: the refusal does not tell whether a subject exists.
    assert_eq!(unknown.code(), tonic::Code::PermissionDenied);
    assert_eq!(unknown.message(), someone_elses.message());
    let lines = trail(&stack, &created.id).await;
    let who_read: Vec<(&str, &str)> = lines
        .iter()
        .filter(|l| l.0.starts_with("read"))
        .map(|l| (l.0.as_str(), l.1.as_str()))
        .collect();
    assert_eq!(
        who_read,
        [
            ("read", "test-intake"),
            ("read", "test-viewer"),
            ("read_refused", "test-intake-2"),
        ]
    );
}

async fn reading_the_history_is_itself_on_the_trail(kind: DatabaseKind) {
    let (stack, _list) = stack(kind).await;
    let mut desk = stack.registry.registry_client_as("intake").await;
    let created = register(&mut desk, "border-6").await;

    let first = trail(&stack, &created.id).await;
    let second = trail(&stack, &created.id).await;

    assert!(first.iter().all(|l| l.0 != "read"), "{first:?}");
    let history_reads: Vec<&Line> = second
        .iter()
        .filter(|l| l.0 == "read" && l.4 == "ListSubjectHistory")
        .collect();
    assert_eq!(history_reads.len(), 1, "{second:?}");
    assert_eq!(history_reads[0].1, "test-auditor");
}

async fn the_callers_request_id_is_stored_sanitised_and_apart_from_the_intakes(kind: DatabaseKind) {
    let (stack, _list) = stack(kind).await;
    let mut desk = stack.registry.registry_client_as("intake").await;
    let header = format!("desk 7 <lookup> {}", "9".repeat(200));

    let created = desk
        .create_subject(with_request_id(intake_request("border-7", anna()), &header))
        .await
        .expect("intake")
        .into_inner();
    let mut viewer = stack.registry.registry_client_as("viewer").await;
    viewer
        .get_subject(with_request_id(
            pb::GetSubjectRequest {
                id: created.id.clone(),
            },
            "border-7",
        ))
        .await
        .expect("read");

    let lines = trail(&stack, &created.id).await;
    let expected_header = format!("desk_7__lookup__{}", "9".repeat(64 - 16));
    assert_eq!(lines[0].0, "created");
    assert_eq!(lines[0].2, "border-7");
    assert_eq!(lines[0].3, expected_header);
    let read = lines.iter().find(|l| l.0 == "read").expect("the read");
    // A header that looks like the intake's request id still does not become the audit's.
    assert_eq!(read.3, "border-7");
    assert_ne!(read.2, "border-7");
}

async fn a_bulk_replay_of_another_principals_request_id_is_refused_for_that_item(
    kind: DatabaseKind,
) {
    let (stack, _list) = stack(kind).await;
    let mut desk = stack.registry.registry_client_as("intake").await;
    let created = register(&mut desk, "border-8").await;
    let mut other_desk = stack.registry.registry_client_as(SECOND_INTAKE).await;
    let items = ["border-8", "border-9"].map(|id| pb::BulkCreateSubjectsRequest {
        subject: Some(intake_request(id, anna())),
    });

    let mut responses: Vec<pb::BulkCreateSubjectsResponse> = other_desk
        .bulk_create_subjects(tokio_stream::iter(items))
        .await
        .expect("the stream opens")
        .into_inner()
        .map(|r| r.expect("a response"))
        .collect()
        .await;
    responses.sort_by(|a, b| a.request_id.cmp(&b.request_id));

    use pb::bulk_create_subjects_response::Result as Outcome;
    match &responses[0].result {
        Some(Outcome::Error(error)) => {
            assert_eq!(error.code, tonic::Code::AlreadyExists as i32, "{error:?}")
        }
        other => panic!("another desk's request id was answered with {other:?}"),
    }
    assert!(matches!(&responses[1].result, Some(Outcome::Subject(_))));
    let lines = trail(&stack, &created.id).await;
    assert!(
        lines
            .iter()
            .any(|l| l.0 == "replay_refused" && l.1 == "test-intake-2"),
        "{lines:?}"
    );
}

on_both_databases!(
    a_replay_by_its_creator_returns_the_subject_and_is_recorded_as_a_read,
    a_replay_by_another_intake_principal_is_refused_alike_for_any_person_and_recorded,
    its_creator_reusing_a_request_id_for_another_person_is_told_and_recorded,
    an_administrator_replaying_another_principals_intake_gets_the_subject_as_a_recorded_read,
    an_intake_principal_reads_only_the_subjects_it_registered,
    reading_the_history_is_itself_on_the_trail,
    the_callers_request_id_is_stored_sanitised_and_apart_from_the_intakes,
    a_bulk_replay_of_another_principals_request_id_is_refused_for_that_item,
);
