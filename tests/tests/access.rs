//! Who may call what: no anonymous calls, and each role only its own methods.

use std::time::Duration;

use system_tests::{
    Bearer, CsvList, DatabaseKind, TestDatabase, TestStack, person, spawn_registry_with_token,
};
use wire::registry::v1 as registry_pb;
use wire::registry::v1::registry_service_client::RegistryServiceClient;
use wire::screening::v1 as screening_pb;
use wire::screening::v1::screening_service_client::ScreeningServiceClient;

const TEST_LIST: &str = "id,name\nA-1,Zarina KHOLMATOVA\n";

fn intake(request_id: &str) -> registry_pb::CreateSubjectRequest {
    registry_pb::CreateSubjectRequest {
        request_id: request_id.to_owned(),
        person: Some(person("Ivan Petrov", None, None)),
    }
}

fn screen_request() -> screening_pb::ScreenRequest {
    screening_pb::ScreenRequest {
        person: Some(person("Ivan Petrov", None, None)),
        ..Default::default()
    }
}

async fn stack() -> (TestStack, CsvList) {
    let list = CsvList::write("test", TEST_LIST);
    (
        TestStack::spawn(DatabaseKind::Sqlite, vec![list.spec.clone()]).await,
        list,
    )
}

#[tokio::test]
async fn calls_without_a_valid_token_are_unauthenticated_and_write_nothing() {
    let (stack, _list) = stack().await;
    let mut anonymous = RegistryServiceClient::new(stack.registry.channel().await);
    let mut impostor = RegistryServiceClient::with_interceptor(
        stack.registry.channel().await,
        Bearer::for_role("nobody"),
    );
    let mut anonymous_screening = ScreeningServiceClient::new(stack.screening.channel().await);

    let no_token = anonymous
        .create_subject(intake("a-1"))
        .await
        .expect_err("refused");
    let bad_token = impostor
        .create_subject(intake("a-2"))
        .await
        .expect_err("refused");
    let screening = anonymous_screening
        .screen(screen_request())
        .await
        .expect_err("refused");

    assert_eq!(no_token.code(), tonic::Code::Unauthenticated);
    assert_eq!(bad_token.code(), tonic::Code::Unauthenticated);
    assert_eq!(screening.code(), tonic::Code::Unauthenticated);
    let mut admin = stack.registry_client().await;
    let all = admin
        .list_subjects(registry_pb::ListSubjectsRequest::default())
        .await
        .expect("listing")
        .into_inner();
    assert!(all.subjects.is_empty());
}

#[tokio::test]
async fn intake_may_register_and_read_back_but_not_list() {
    let (stack, _list) = stack().await;
    let mut intake_clerk = stack.registry.registry_client_as("intake").await;

    let subject = intake_clerk
        .create_subject(intake("b-1"))
        .await
        .expect("allowed")
        .into_inner();
    intake_clerk
        .get_subject(registry_pb::GetSubjectRequest { id: subject.id })
        .await
        .expect("allowed");
    let listing = intake_clerk
        .list_subjects(registry_pb::ListSubjectsRequest::default())
        .await
        .expect_err("not an intake task");

    assert_eq!(listing.code(), tonic::Code::PermissionDenied);
}

#[tokio::test]
async fn viewers_and_reviewers_may_read_but_not_register() {
    let (stack, _list) = stack().await;

    for role in ["viewer", "reviewer"] {
        let mut client = stack.registry.registry_client_as(role).await;
        client
            .list_subjects(registry_pb::ListSubjectsRequest::default())
            .await
            .expect("reading is allowed");
        let refused = client
            .create_subject(intake(role))
            .await
            .expect_err("refused");
        assert_eq!(refused.code(), tonic::Code::PermissionDenied, "{role}");
    }
}

#[tokio::test]
async fn a_screener_may_screen_but_not_replace_lists() {
    let (stack, _list) = stack().await;
    let mut screener = stack.screening.screening_client_as("screener").await;

    screener.screen(screen_request()).await.expect("allowed");
    let import = screener
        .import_watchlist(screening_pb::ImportWatchlistRequest::default())
        .await
        .expect_err("refused");

    assert_eq!(import.code(), tonic::Code::PermissionDenied);
}

#[tokio::test]
async fn a_registry_refused_by_screening_still_records_the_intake_as_pending() {
    let (stack, _list) = stack().await;
    let database = TestDatabase::fresh(DatabaseKind::Sqlite).await;
    let misconfigured = spawn_registry_with_token(
        &stack.screening.url(),
        &database,
        Duration::from_secs(5),
        "not-a-screening-token",
    )
    .await;
    let mut client = misconfigured.registry_client_as("intake").await;

    let subject = client
        .create_subject(intake("c-1"))
        .await
        .expect("acknowledged")
        .into_inner();

    assert_eq!(
        subject.screening.expect("a screening").state(),
        registry_pb::ScreeningState::Pending
    );
}
