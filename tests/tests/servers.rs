//! What every server offers: health, reflection, graceful shutdown.

use std::time::Duration;

use system_tests::{
    CsvList, DatabaseKind, RunningServer, TestDatabase, TestStack, spawn_screening,
};
use tokio_stream::StreamExt;
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;
use tonic_reflection::pb::{v1, v1alpha};

const TEST_LIST: &str = "id,name\nS-1,Test Person\n";

async fn health_of(server: &RunningServer, service: &str) -> ServingStatus {
    let mut client = HealthClient::new(server.channel().await);
    let response = client
        .check(HealthCheckRequest {
            service: service.to_owned(),
        })
        .await
        .expect("health answers")
        .into_inner();
    response.status()
}

async fn listed_services_v1(server: &RunningServer) -> Vec<String> {
    use v1::server_reflection_request::MessageRequest;
    use v1::server_reflection_response::MessageResponse;
    let mut client =
        v1::server_reflection_client::ServerReflectionClient::new(server.channel().await);
    let request = v1::ServerReflectionRequest {
        host: String::new(),
        message_request: Some(MessageRequest::ListServices(String::new())),
    };
    let mut responses = client
        .server_reflection_info(tokio_stream::iter([request]))
        .await
        .expect("reflection answers")
        .into_inner();
    match responses
        .next()
        .await
        .expect("one response")
        .expect("ok")
        .message_response
    {
        Some(MessageResponse::ListServicesResponse(list)) => {
            list.service.into_iter().map(|s| s.name).collect()
        }
        other => panic!("unexpected reflection response {other:?}"),
    }
}

async fn listed_services_v1alpha(server: &RunningServer) -> Vec<String> {
    use v1alpha::server_reflection_request::MessageRequest;
    use v1alpha::server_reflection_response::MessageResponse;
    let mut client =
        v1alpha::server_reflection_client::ServerReflectionClient::new(server.channel().await);
    let request = v1alpha::ServerReflectionRequest {
        host: String::new(),
        message_request: Some(MessageRequest::ListServices(String::new())),
    };
    let mut responses = client
        .server_reflection_info(tokio_stream::iter([request]))
        .await
        .expect("reflection answers")
        .into_inner();
    match responses
        .next()
        .await
        .expect("one response")
        .expect("ok")
        .message_response
    {
        Some(MessageResponse::ListServicesResponse(list)) => {
            list.service.into_iter().map(|s| s.name).collect()
        }
        other => panic!("unexpected reflection response {other:?}"),
    }
}

#[tokio::test]
async fn both_services_report_serving_once_listening() {
    let list = CsvList::write("test", TEST_LIST);
    let stack = TestStack::spawn(DatabaseKind::Sqlite, vec![list.spec.clone()]).await;

    assert_eq!(
        health_of(&stack.screening, "").await,
        ServingStatus::Serving
    );
    assert_eq!(
        health_of(&stack.screening, "screening.v1.ScreeningService").await,
        ServingStatus::Serving
    );
    assert_eq!(health_of(&stack.registry, "").await, ServingStatus::Serving);
    assert_eq!(
        health_of(&stack.registry, "registry.v1.RegistryService").await,
        ServingStatus::Serving
    );
}

#[tokio::test]
async fn both_services_answer_reflection_v1_and_v1alpha() {
    let list = CsvList::write("test", TEST_LIST);
    let stack = TestStack::spawn(DatabaseKind::Sqlite, vec![list.spec.clone()]).await;

    for services in [
        listed_services_v1(&stack.screening).await,
        listed_services_v1alpha(&stack.screening).await,
    ] {
        assert!(
            services.contains(&"screening.v1.ScreeningService".to_owned()),
            "{services:?}"
        );
        assert!(!services.contains(&"registry.v1.RegistryService".to_owned()));
    }
    for services in [
        listed_services_v1(&stack.registry).await,
        listed_services_v1alpha(&stack.registry).await,
    ] {
        assert!(
            services.contains(&"registry.v1.RegistryService".to_owned()),
            "{services:?}"
        );
        assert!(services.contains(&"grpc.health.v1.Health".to_owned()));
    }
}

#[tokio::test]
async fn a_stopped_server_finishes_cleanly_and_releases_its_port() {
    let database = TestDatabase::fresh(DatabaseKind::Sqlite).await;
    let list = CsvList::write("test", TEST_LIST);
    let server = spawn_screening("127.0.0.1:0", vec![list.spec.clone()], &database).await;
    let addr = server.addr;

    tokio::time::timeout(Duration::from_secs(15), server.stop())
        .await
        .expect("shutdown completes in time")
        .expect("shutdown is clean");

    // The same port can be bound again, so the listener is gone.
    let again = spawn_screening(&addr.to_string(), vec![list.spec.clone()], &database).await;
    assert_eq!(again.addr, addr);
}
