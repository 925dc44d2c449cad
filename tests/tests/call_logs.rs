//! What both services log, read back as JSON lines from the process's subscriber: refused
//! calls with their caller, method and code; the real duration of a slow call; reflection at
//! DEBUG; a cancelled stream's line; the registry's warnings about its link to screening.
//!
//! Tests in this file share one subscriber (it is global), so each finds its own lines by an
//! `x-request-id` or a screening address of its own.

use std::sync::OnceLock;
use std::time::Duration;

use serde_json::Value;
use system_tests::captured_logs::CapturedLogs;
use system_tests::{
    CsvList, DatabaseKind, TestDatabase, TestStack, intake_request, person, spawn_registry,
    spawn_registry_with_token,
};
use tokio_stream::StreamExt;
use tonic_reflection::pb::v1;
use wire::registry::v1 as registry_pb;
use wire::screening::v1 as screening_pb;

/// The lines every server in this process writes, as JSON.
fn logs() -> &'static CapturedLogs {
    static CAPTURED: OnceLock<CapturedLogs> = OnceLock::new();
    CAPTURED.get_or_init(|| {
        let captured = CapturedLogs::default();
        let writer = captured.clone();
        service_kit::telemetry::init_with(
            move || writer.clone(),
            "info,sqlx=warn,service_kit=debug",
            true,
        );
        captured
    })
}

fn lines_where(matches: impl Fn(&Value) -> bool) -> Vec<Value> {
    logs().lines_where(matches)
}

/// The closing line of the call sent with `x_request_id`, waiting up to 5 s for it.
async fn call_line(x_request_id: &str) -> Value {
    for _ in 0..50 {
        let found = lines_where(|l| {
            l["fields"]["x_request_id"] == x_request_id && l["fields"].get("duration_ms").is_some()
        });
        if let Some(line) = found.into_iter().next() {
            return line;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no call line for x-request-id {x_request_id}");
}

fn tagged<T>(message: T, x_request_id: &str) -> tonic::Request<T> {
    let mut request = tonic::Request::new(message);
    request
        .metadata_mut()
        .insert("x-request-id", x_request_id.parse().expect("ascii"));
    request
}

fn unique(name: &str) -> String {
    format!("{name}-{}", uuid::Uuid::new_v4().simple())
}

async fn stack() -> (TestStack, CsvList) {
    logs();
    let list = CsvList::write("test", "id,name\nA-1,Zarina KHOLMATOVA\n");
    (
        TestStack::spawn(DatabaseKind::Sqlite, vec![list.spec.clone()]).await,
        list,
    )
}

fn caller_method_code(line: &Value) -> (String, String, String) {
    let field = |name: &str| line["fields"][name].as_str().unwrap_or_default().to_owned();
    (field("principal"), field("method"), field("code"))
}

#[tokio::test]
async fn refused_calls_on_both_services_are_logged_with_caller_method_and_code() {
    let (stack, _list) = stack().await;
    let mut anonymous = registry_pb::registry_service_client::RegistryServiceClient::new(
        stack.registry.channel().await,
    );
    let mut viewer = stack.registry.registry_client_as("viewer").await;
    let mut desk = stack.registry.registry_client_as("intake").await;
    let mut anonymous_screening =
        screening_pb::screening_service_client::ScreeningServiceClient::new(
            stack.screening.channel().await,
        );
    let ids = ["anonymous", "forbidden", "invalid", "screening"].map(unique);
    let valid = || intake_request("log-1", person("Anna Schmidt", None, None));

    let _ = anonymous.create_subject(tagged(valid(), &ids[0])).await;
    let _ = viewer.create_subject(tagged(valid(), &ids[1])).await;
    let _ = desk
        .create_subject(tagged(
            intake_request("log-2", person(" ", Some("12/03/1984"), None)),
            &ids[2],
        ))
        .await;
    let _ = anonymous_screening
        .screen(tagged(screening_pb::ScreenRequest::default(), &ids[3]))
        .await;

    let create = "/registry.v1.RegistryService/CreateSubject";
    let expected = [
        ("anonymous", create, "Unauthenticated"),
        ("test-viewer", create, "PermissionDenied"),
        ("test-intake", create, "InvalidArgument"),
        (
            "anonymous",
            "/screening.v1.ScreeningService/Screen",
            "Unauthenticated",
        ),
    ];
    for (id, (principal, method, code)) in ids.iter().zip(expected) {
        let line = call_line(id).await;
        assert_eq!(
            caller_method_code(&line),
            (principal.to_owned(), method.to_owned(), code.to_owned()),
            "{line}"
        );
        // Nothing of the request: no name, no date of birth.
        let text = line.to_string();
        assert!(!text.contains("Anna") && !text.contains("1984"), "{text}");
    }
}

#[tokio::test]
async fn the_line_of_a_slow_intake_carries_the_calls_real_duration() {
    logs();
    // A "screening" that accepts connections and never answers: intake waits its timeout.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let silent_url = format!("http://{}", silent.local_addr().expect("an address"));
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = silent.accept().await {
            held.push(socket);
        }
    });
    let database = TestDatabase::fresh(DatabaseKind::Sqlite).await;
    let registry = spawn_registry(&silent_url, &database, Duration::from_millis(400)).await;
    let mut desk = registry.registry_client_as("intake").await;
    let id = unique("slow");

    desk.create_subject(tagged(
        intake_request("slow-1", person("Anna Schmidt", None, None)),
        &id,
    ))
    .await
    .expect("recorded as pending");

    let line = call_line(&id).await;
    let duration = &line["fields"]["duration_ms"];
    let ms = duration.as_f64().expect("a number");
    assert!((400.0..10_000.0).contains(&ms), "{line}");
    assert!(
        duration
            .to_string()
            .split('.')
            .nth(1)
            .is_none_or(|d| d.len() <= 2),
        "{line}"
    );
    assert_eq!(line["fields"]["code"], "Ok");
}

#[tokio::test]
async fn reflection_logs_at_debug_and_a_cancelled_stream_leaves_a_line() {
    let (stack, _list) = stack().await;
    let (reflection_id, watch_id) = (unique("reflection"), unique("watch"));
    let mut reflection =
        v1::server_reflection_client::ServerReflectionClient::new(stack.registry.channel().await);
    let list_services = v1::ServerReflectionRequest {
        host: String::new(),
        message_request: Some(v1::server_reflection_request::MessageRequest::ListServices(
            String::new(),
        )),
    };
    let mut answers = reflection
        .server_reflection_info(tagged(tokio_stream::iter([list_services]), &reflection_id))
        .await
        .expect("reflection answers")
        .into_inner();
    while answers.next().await.is_some() {}
    let mut screener = stack.screening.screening_client_as("screener").await;
    let mut watch = screener
        .watch_watchlists(tagged(screening_pb::WatchWatchlistsRequest {}, &watch_id))
        .await
        .expect("the feed opens")
        .into_inner();
    watch.next().await.expect("the lists now").expect("ok");
    drop(watch);

    let reflection_line = call_line(&reflection_id).await;
    assert_eq!(reflection_line["level"], "DEBUG", "{reflection_line}");
    let watch_line = call_line(&watch_id).await;
    assert_eq!(
        watch_line["fields"]["message"], "rpc cancelled by the caller",
        "{watch_line}"
    );
    assert_eq!(watch_line["fields"]["principal"], "test-screener");
    assert_eq!(
        watch_line["fields"]["method"],
        "/screening.v1.ScreeningService/WatchWatchlists"
    );
}

/// The registry's warnings about its link to `screening_addr`.
fn link_warnings(screening_addr: &str, words: &str) -> Vec<Value> {
    lines_where(|l| {
        l["level"] == "WARN"
            && l["fields"]["screening_addr"] == screening_addr
            && l["fields"]["message"]
                .as_str()
                .is_some_and(|m| m.contains(words))
    })
}

#[tokio::test]
async fn the_registry_warns_when_screening_refuses_its_token_without_a_line_per_intake() {
    let (stack, _list) = stack().await;
    let database = TestDatabase::fresh(DatabaseKind::Sqlite).await;
    let registry = spawn_registry_with_token(
        &stack.screening.url(),
        &database,
        Duration::from_secs(5),
        "not-a-screening-token",
    )
    .await;
    let mut desk = registry.registry_client_as("intake").await;

    for i in 0..20 {
        desk.create_subject(intake_request(
            &format!("refused-{i}"),
            person("Anna Schmidt", None, None),
        ))
        .await
        .expect("recorded as pending");
    }

    let warnings = link_warnings(&stack.screening.url(), "refused the registry's token");
    assert!(!warnings.is_empty(), "no warning about the refused token");
    // Twenty refused intakes (and the list feed's retries) within a second or two: the
    // pause between warnings holds most of them back.
    assert!(warnings.len() <= 3, "{warnings:?}");
    assert_eq!(warnings[0]["fields"]["code"], "Unauthenticated");
}

#[tokio::test]
async fn the_registry_warns_at_start_up_when_screening_is_unreachable() {
    logs();
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
        format!("http://{}", listener.local_addr().expect("an address"))
    };
    let database = TestDatabase::fresh(DatabaseKind::Sqlite).await;
    let _registry = spawn_registry(&closed, &database, Duration::from_secs(2)).await;

    // No intake: the registry follows screening's lists from the start, and says so when
    // it cannot.
    for _ in 0..50 {
        if !link_warnings(&closed, "unreachable").is_empty() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no warning about the unreachable screening at {closed}");
}

#[tokio::test]
async fn without_an_endpoint_calls_carry_trace_ids_and_nothing_is_exported() {
    let (stack, _list) = stack().await;
    let mut desk = stack.registry.registry_client_as("intake").await;
    let id = unique("no-export");

    desk.create_subject(tagged(
        intake_request("no-export-1", person("Anna Schmidt", None, None)),
        &id,
    ))
    .await
    .expect("recorded");

    let line = call_line(&id).await;
    let trace_id = line["fields"]["trace_id"].as_str().unwrap_or_default();
    assert!(
        trace_id.len() == 32 && trace_id.bytes().all(|b| b.is_ascii_hexdigit()),
        "{line}"
    );
    // The exporter's thread is named `OpenTelemetry.Traces.BatchProcessor` (15 characters
    // of it in `comm`); none runs.
    let exporters = std::fs::read_dir("/proc/self/task")
        .expect("the process's threads")
        .filter_map(|task| std::fs::read_to_string(task.ok()?.path().join("comm")).ok())
        .filter(|name| name.starts_with("OpenTelemetry"))
        .count();
    assert_eq!(exporters, 0);
}
