//! TLS and mutual TLS between real servers on port 0, with certificates made at test time:
//! who is served, who is refused, the registry's intake over mutual TLS, plain TCP only on
//! loopback, and a certificate renewed on disk served without a restart.

use std::time::Duration;

use system_tests::tls::{https_url, registry_over_tls, serve_screening_over_tls, tls_channel};
use system_tests::{
    Bearer, CsvList, DatabaseKind, RunningServer, TestDatabase, intake_request, person,
    registry_config, screening_config, screening_state, start_registry, start_screening,
};
use test_support::tls::{PemFiles, TestPki};
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;
use wire::registry::v1 as registry_pb;
use wire::registry::v1::registry_service_client::RegistryServiceClient;
use wire::screening::v1 as screening_pb;
use wire::screening::v1::screening_service_client::ScreeningServiceClient;

const TEST_LIST: &str = "\
id,name,aliases,birth_dates,nationalities,type
T-1,Zarina Bakhtiyorovna KHOLMATOVA,Зарина Бахтиёровна Холматова,1984-03-17,TJ,person
";
const SYNC: Duration = Duration::from_millis(200);

/// Screening over TLS with `pki`'s server certificate, asking for client certificates from
/// `pki` when `mutual`.
async fn screening_over_tls(
    pki: &TestPki,
    mutual: bool,
    list: &CsvList,
    database: &TestDatabase,
) -> (RunningServer, PemFiles) {
    let server = pki.server("screening");
    let mut config = screening_config("127.0.0.1:0", vec![list.spec.clone()], database, SYNC);
    serve_screening_over_tls(&mut config, &server, mutual.then(|| pki.ca()));
    (start_screening(config).await, server)
}

/// The health of `server` over a TLS channel trusting `ca` and presenting `identity`; an
/// error when the connection or the call is refused.
async fn health_over_tls(
    server: &RunningServer,
    ca: &std::path::Path,
    identity: Option<&PemFiles>,
) -> Result<ServingStatus, String> {
    let channel = tls_channel(server, ca, identity)
        .await
        .map_err(|error| format!("connect: {error:?}"))?;
    let response = HealthClient::new(channel)
        .check(HealthCheckRequest::default())
        .await
        .map_err(|status| format!("call: {status:?}"))?;
    Ok(response.into_inner().status())
}

/// The services a server lists through reflection (v1) on `channel`.
async fn reflected_services(channel: tonic::transport::Channel) -> Vec<String> {
    use tonic_reflection::pb::v1;
    use v1::server_reflection_request::MessageRequest;
    use v1::server_reflection_response::MessageResponse;
    let request = v1::ServerReflectionRequest {
        host: String::new(),
        message_request: Some(MessageRequest::ListServices(String::new())),
    };
    let mut responses = v1::server_reflection_client::ServerReflectionClient::new(channel)
        .server_reflection_info(tokio_stream::iter([request]))
        .await
        .expect("reflection answers")
        .into_inner();
    match responses
        .message()
        .await
        .expect("a response")
        .map(|r| r.message_response)
    {
        Some(Some(MessageResponse::ListServicesResponse(list))) => {
            list.service.into_iter().map(|s| s.name).collect()
        }
        other => panic!("unexpected reflection response {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_trusting_the_ca_talks_to_screening_and_registry_over_tls() {
    let pki = TestPki::new("test CA");
    let list = CsvList::write("test", TEST_LIST);
    let (screening_db, registry_db) = (
        TestDatabase::fresh(DatabaseKind::Sqlite).await,
        TestDatabase::fresh(DatabaseKind::Sqlite).await,
    );
    let (screening, _) = screening_over_tls(&pki, false, &list, &screening_db).await;
    let mut config = registry_config(&https_url(&screening), &registry_db, Duration::from_secs(5));
    registry_over_tls(&mut config, &pki.server("registry"), pki.ca(), None, None);
    let registry = start_registry(config).await;

    let channel = tls_channel(&screening, pki.ca(), None)
        .await
        .expect("a TLS connection to screening");
    let mut screener =
        ScreeningServiceClient::with_interceptor(channel.clone(), Bearer::for_role("screener"));
    let response = screener
        .screen(screening_pb::ScreenRequest {
            person: Some(person("Зарина Холматова", Some("1984"), None)),
            ..Default::default()
        })
        .await
        .expect("screening answers over TLS")
        .into_inner();
    assert!(response.matched, "{response:?}");
    assert_eq!(
        HealthClient::new(channel)
            .check(HealthCheckRequest::default())
            .await
            .expect("health answers over TLS")
            .into_inner()
            .status(),
        ServingStatus::Serving
    );

    let channel = tls_channel(&registry, pki.ca(), None)
        .await
        .expect("a TLS connection to the registry");
    assert!(
        reflected_services(channel.clone())
            .await
            .contains(&"registry.v1.RegistryService".to_owned()),
        "reflection answers over TLS"
    );
    let mut viewer = RegistryServiceClient::with_interceptor(channel, Bearer::for_role("viewer"));
    viewer
        .list_subjects(registry_pb::ListSubjectsRequest::default())
        .await
        .expect("the registry answers over TLS");

    // Plain TCP reaches neither: a TLS server speaks nothing else.
    let mut plain = HealthClient::new(screening.channel().await);
    assert!(plain.check(HealthCheckRequest::default()).await.is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn screening_with_a_client_ca_refuses_clients_without_a_certificate_from_it() {
    let pki = TestPki::new("test CA");
    let other = TestPki::new("another CA");
    let list = CsvList::write("test", TEST_LIST);
    let database = TestDatabase::fresh(DatabaseKind::Sqlite).await;
    let (screening, _) = screening_over_tls(&pki, true, &list, &database).await;

    let without = health_over_tls(&screening, pki.ca(), None).await;
    assert!(
        without.is_err(),
        "served without a client certificate: {without:?}"
    );
    let foreign = other.client("intruder", "intruder");
    let from_another_ca = health_over_tls(&screening, pki.ca(), Some(&foreign)).await;
    assert!(
        from_another_ca.is_err(),
        "served a certificate from another CA: {from_another_ca:?}"
    );
    let ours = pki.client("client", "client");
    assert_eq!(
        health_over_tls(&screening, pki.ca(), Some(&ours)).await,
        Ok(ServingStatus::Serving)
    );
}

/// The registry calling screening over mutual TLS, expecting `server_name` when given.
async fn intake_over_mutual_tls(server_name: Option<&str>) -> registry_pb::Subject {
    let pki = TestPki::new("test CA");
    let list = CsvList::write("test", TEST_LIST);
    let (screening_db, registry_db) = (
        TestDatabase::fresh(DatabaseKind::Sqlite).await,
        TestDatabase::fresh(DatabaseKind::Sqlite).await,
    );
    let (screening, _) = screening_over_tls(&pki, true, &list, &screening_db).await;
    let mut config = registry_config(
        &https_url(&screening),
        &registry_db,
        Duration::from_millis(1500),
    );
    let client = pki.client("registry-client", "registry");
    registry_over_tls(
        &mut config,
        &pki.server("registry"),
        pki.ca(),
        Some(&client),
        server_name,
    );
    let registry = start_registry(config).await;
    let channel = tls_channel(&registry, pki.ca(), None)
        .await
        .expect("a TLS connection to the registry");
    let mut intake = RegistryServiceClient::with_interceptor(channel, Bearer::for_role("intake"));
    intake
        .create_subject(intake_request(
            "tls-1",
            person("Зарина Холматова", Some("1984"), Some("TJ")),
        ))
        .await
        .expect("intake succeeds")
        .into_inner()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_registry_screens_an_intake_end_to_end_over_mutual_tls() {
    let subject = intake_over_mutual_tls(None).await;
    assert_eq!(
        screening_state(&subject),
        registry_pb::ScreeningState::PotentialMatch
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_registry_expecting_another_server_name_keeps_the_intake_pending() {
    let subject = intake_over_mutual_tls(Some("not-screening.example")).await;
    assert_eq!(
        screening_state(&subject),
        registry_pb::ScreeningState::Pending,
        "screening's certificate does not name not-screening.example"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_tcp_on_a_non_loopback_address_refuses_to_start_without_insecure() {
    system_tests::init_test_logging();
    let list = CsvList::write("test", TEST_LIST);
    let database = TestDatabase::fresh(DatabaseKind::Sqlite).await;

    let screening = screening::startup::Application::build(screening_config(
        "0.0.0.0:0",
        vec![list.spec.clone()],
        &database,
        SYNC,
    ))
    .await;
    let error = format!("{:#}", screening.err().expect("screening refuses to start"));
    assert!(
        error.contains("refusing to serve plain TCP on 0.0.0.0:0"),
        "{error}"
    );
    assert!(error.contains("--insecure"), "{error}");

    let mut config = registry_config("http://127.0.0.1:1", &database, SYNC);
    config.listen_addr = "[::]:0".to_owned();
    let registry = registry::startup::Application::build(config).await;
    let error = format!(
        "{:#}",
        registry.err().expect("the registry refuses to start")
    );
    assert!(
        error.contains("refusing to serve plain TCP on [::]:0"),
        "{error}"
    );

    // Nor does the registry send its token to a remote screening in clear text.
    let config = registry_config("http://192.0.2.1:50052", &database, SYNC);
    let registry = registry::startup::Application::build(config).await;
    let error = format!(
        "{:#}",
        registry.err().expect("the registry refuses to start")
    );
    assert!(
        error.contains("refusing to call screening at http://192.0.2.1:50052 over plain TCP"),
        "{error}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_certificate_replaced_on_disk_is_served_after_the_reload_without_a_restart() {
    let old_ca = TestPki::new("old CA");
    let new_ca = TestPki::new("new CA");
    let list = CsvList::write("test", TEST_LIST);
    let database = TestDatabase::fresh(DatabaseKind::Sqlite).await;
    let (screening, files) = screening_over_tls(&old_ca, false, &list, &database).await;
    assert_eq!(
        health_over_tls(&screening, old_ca.ca(), None).await,
        Ok(ServingStatus::Serving)
    );
    assert!(
        health_over_tls(&screening, new_ca.ca(), None)
            .await
            .is_err()
    );

    new_ca.renew_server(&files);

    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while health_over_tls(&screening, new_ca.ca(), None)
        .await
        .is_err()
    {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the renewed certificate is not served within 10 s"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        health_over_tls(&screening, old_ca.ca(), None)
            .await
            .is_err(),
        "the old certificate is no longer served"
    );

    // A broken replacement keeps the certificate in use.
    std::fs::write(&files.cert, "not a certificate").expect("written");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        health_over_tls(&screening, new_ca.ca(), None).await,
        Ok(ServingStatus::Serving)
    );
    screening.stop().await.expect("screening stops");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_renewed_client_certificate_is_presented_without_a_restart_and_pending_work_resumes() {
    let pki = TestPki::new("test CA");
    let retired = TestPki::new("retired CA");
    let list = CsvList::write("test", TEST_LIST);
    let (screening_db, registry_db) = (
        TestDatabase::fresh(DatabaseKind::Sqlite).await,
        TestDatabase::fresh(DatabaseKind::Sqlite).await,
    );
    let (screening, _) = screening_over_tls(&pki, true, &list, &screening_db).await;
    // The registry starts with a client certificate screening no longer accepts.
    let client = retired.client("registry-client", "registry");
    let mut config = registry_config(
        &https_url(&screening),
        &registry_db,
        Duration::from_millis(1500),
    );
    registry_over_tls(
        &mut config,
        &pki.server("registry"),
        pki.ca(),
        Some(&client),
        None,
    );
    let registry = start_registry(config).await;
    let channel = tls_channel(&registry, pki.ca(), None)
        .await
        .expect("a TLS connection to the registry");
    let mut admin = RegistryServiceClient::with_interceptor(channel, Bearer::for_role("admin"));
    let subject = admin
        .create_subject(intake_request(
            "tls-renewed-1",
            person("Зарина Холматова", Some("1984"), Some("TJ")),
        ))
        .await
        .expect("intake succeeds")
        .into_inner();
    assert_eq!(
        screening_state(&subject),
        registry_pb::ScreeningState::Pending
    );

    pki.renew_client(&client, "registry");

    let screened = system_tests::subject_once(
        &mut admin,
        &subject.id,
        Duration::from_secs(20),
        "screening with the renewed client certificate",
        |s| screening_state(s) != registry_pb::ScreeningState::Pending,
    )
    .await;
    assert_eq!(
        screening_state(&screened),
        registry_pb::ScreeningState::PotentialMatch
    );
}
