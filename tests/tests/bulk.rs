//! Bulk intake over a stream, and statistics.

use system_tests::{CsvList, DatabaseKind, TestStack, on_both_databases, person};
use tokio_stream::StreamExt;
use wire::registry::v1 as pb;

const TEST_LIST: &str = "id,name\nB-1,Gulnara Serikovna AKHMETZHANOVA\n";

fn item(request_id: &str, name: &str) -> pb::BulkCreateSubjectsRequest {
    pb::BulkCreateSubjectsRequest {
        subject: Some(pb::CreateSubjectRequest {
            request_id: request_id.into(),
            person: Some(person(name, None, None)),
        }),
    }
}

async fn bulk(
    stack: &TestStack,
    items: Vec<pb::BulkCreateSubjectsRequest>,
) -> Vec<pb::BulkCreateSubjectsResponse> {
    let mut client = stack.registry.registry_client_as("intake").await;
    let mut responses: Vec<pb::BulkCreateSubjectsResponse> = client
        .bulk_create_subjects(tokio_stream::iter(items))
        .await
        .expect("the stream opens")
        .into_inner()
        .map(|r| r.expect("a response"))
        .collect()
        .await;
    responses.sort_by(|a, b| a.request_id.cmp(&b.request_id));
    responses
}

async fn bulk_intake_answers_every_item_and_goes_on_after_bad_ones(kind: DatabaseKind) {
    let list = CsvList::write("test", TEST_LIST);
    let stack = TestStack::spawn(kind, vec![list.spec.clone()]).await;
    let mut items: Vec<_> = (0..50)
        .map(|i| item(&format!("bulk-{i:03}"), &format!("Person Number{i}")))
        .collect();
    items.push(item("bulk-bad", " "));
    items.push(item("bulk-listed", "Гульнара Ахметжанова"));

    let responses = bulk(&stack, items).await;

    assert_eq!(responses.len(), 52);
    for response in &responses {
        match (response.request_id.as_str(), &response.result) {
            ("bulk-bad", Some(pb::bulk_create_subjects_response::Result::Error(error))) => {
                assert_eq!(error.code, tonic::Code::InvalidArgument as i32);
                assert_eq!(
                    error.field_violations[0].field,
                    "subject.person.names[0].full_name"
                );
            }
            ("bulk-listed", Some(pb::bulk_create_subjects_response::Result::Subject(subject))) => {
                assert_eq!(
                    subject.screening.as_ref().expect("screened").state(),
                    pb::ScreeningState::PotentialMatch
                );
            }
            (_, Some(pb::bulk_create_subjects_response::Result::Subject(subject))) => {
                assert_eq!(subject.request_id, response.request_id);
            }
            other => panic!("unexpected response {other:?}"),
        }
    }
}

async fn bulk_intake_is_idempotent_per_item(kind: DatabaseKind) {
    let list = CsvList::write("test", TEST_LIST);
    let stack = TestStack::spawn(kind, vec![list.spec.clone()]).await;
    let items: Vec<_> = (0..10)
        .map(|i| item(&format!("again-{i}"), "Anna Schmidt"))
        .collect();

    let first = bulk(&stack, items.clone()).await;
    let second = bulk(&stack, items).await;

    assert_eq!(first, second);
    let mut admin = stack.registry_client().await;
    let statistics = admin
        .get_subject_statistics(pb::GetSubjectStatisticsRequest {})
        .await
        .expect("statistics")
        .into_inner();
    assert_eq!(statistics.total, 10);
}

async fn statistics_count_subjects_by_status_and_screening_state(kind: DatabaseKind) {
    let list = CsvList::write("test", TEST_LIST);
    let stack = TestStack::spawn(kind, vec![list.spec.clone()]).await;
    bulk(
        &stack,
        vec![
            item("s-1", "Gulnara Akhmetzhanova"),
            item("s-2", "Anna Schmidt"),
            item("s-3", "Pedro Alvarez"),
        ],
    )
    .await;
    let mut admin = stack.registry_client().await;

    let statistics = admin
        .get_subject_statistics(pb::GetSubjectStatisticsRequest {})
        .await
        .expect("statistics")
        .into_inner();

    assert_eq!(statistics.total, 3);
    assert_eq!(
        statistics.by_status.get("SUBJECT_STATUS_IDENTIFIED"),
        Some(&3)
    );
    assert_eq!(
        statistics
            .by_screening_state
            .get("SCREENING_STATE_POTENTIAL_MATCH"),
        Some(&1)
    );
    assert_eq!(
        statistics.by_screening_state.get("SCREENING_STATE_CLEAR"),
        Some(&2)
    );
}

on_both_databases!(
    bulk_intake_answers_every_item_and_goes_on_after_bad_ones,
    bulk_intake_is_idempotent_per_item,
    statistics_count_subjects_by_status_and_screening_state,
);
