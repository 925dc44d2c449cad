//! Listing subjects: filters and pagination.

use system_tests::{CsvList, DatabaseKind, TestStack, on_both_databases, person, violated_fields};
use wire::registry::v1 as pb;

const TEST_LIST: &str = "\
id,name,birth_dates
L-1,Dmitri Alekseyevich VORONTSOV-KRUGLOV,1966-11-02
";

async fn stack_with_subjects(kind: DatabaseKind) -> (TestStack, CsvList, Vec<pb::Subject>) {
    let list = CsvList::write("test", TEST_LIST);
    let stack = TestStack::spawn(kind, vec![list.spec.clone()]).await;
    let mut registry = stack.registry_client().await;
    let names = [
        "Dmitri Vorontsov-Kruglov",
        "Anna Schmidt",
        "Дмитрий Воронцов-Круглов",
        "Pedro Alvarez",
        "Mei Lin",
    ];
    let mut created = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let subject = registry
            .create_subject(pb::CreateSubjectRequest {
                request_id: format!("list-{i}"),
                person: Some(person(name, None, None)),
            })
            .await
            .expect("intake")
            .into_inner();
        created.push(subject);
    }
    (stack, list, created)
}

async fn list_all_pages(
    client: &mut system_tests::RegistryClient,
    mut request: pb::ListSubjectsRequest,
) -> Vec<Vec<String>> {
    let mut pages = Vec::new();
    loop {
        let page = client
            .list_subjects(request.clone())
            .await
            .expect("a page")
            .into_inner();
        pages.push(page.subjects.iter().map(|s| s.id.clone()).collect());
        if page.next_page_token.is_empty() {
            return pages;
        }
        request.page_token = page.next_page_token;
    }
}

async fn listing_pages_through_every_subject_newest_first(kind: DatabaseKind) {
    let (stack, _list, created) = stack_with_subjects(kind).await;
    let mut registry = stack.registry_client().await;

    let pages = list_all_pages(
        &mut registry,
        pb::ListSubjectsRequest {
            page_size: 2,
            ..Default::default()
        },
    )
    .await;

    assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), [2, 2, 1]);
    let listed: Vec<String> = pages.concat();
    let newest_first: Vec<String> = created.iter().rev().map(|s| s.id.clone()).collect();
    assert_eq!(listed, newest_first);
}

async fn listing_filters_by_screening_state_and_status(kind: DatabaseKind) {
    let (stack, _list, created) = stack_with_subjects(kind).await;
    let mut registry = stack.registry_client().await;

    let matched = registry
        .list_subjects(pb::ListSubjectsRequest {
            screening_state: pb::ScreeningState::PotentialMatch as i32,
            ..Default::default()
        })
        .await
        .expect("listing")
        .into_inner();
    let mut matched_ids: Vec<String> = matched.subjects.iter().map(|s| s.id.clone()).collect();
    matched_ids.sort();
    let mut expected = vec![created[0].id.clone(), created[2].id.clone()];
    expected.sort();
    assert_eq!(matched_ids, expected);

    let identified = registry
        .list_subjects(pb::ListSubjectsRequest {
            status: pb::SubjectStatus::Identified as i32,
            ..Default::default()
        })
        .await
        .expect("listing")
        .into_inner();
    assert_eq!(identified.subjects.len(), 5);

    let closed = registry
        .list_subjects(pb::ListSubjectsRequest {
            status: pb::SubjectStatus::Closed as i32,
            ..Default::default()
        })
        .await
        .expect("listing")
        .into_inner();
    assert!(closed.subjects.is_empty());
}

async fn listing_rejects_bad_paging_arguments(kind: DatabaseKind) {
    let (stack, _list, _) = stack_with_subjects(kind).await;
    let mut registry = stack.registry_client().await;

    let status = registry
        .list_subjects(pb::ListSubjectsRequest {
            page_size: -1,
            page_token: "garbage!".into(),
            screening_state: 99,
            ..Default::default()
        })
        .await
        .expect_err("invalid");

    assert_eq!(
        violated_fields(&status),
        ["page_size", "page_token", "screening_state"]
    );
}

on_both_databases!(
    listing_pages_through_every_subject_newest_first,
    listing_filters_by_screening_state_and_status,
    listing_rejects_bad_paging_arguments,
);
