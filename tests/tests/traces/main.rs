//! Traces across both services, over real TCP: a caller's `traceparent` reaches screening
//! through the registry (in the per-call lines and in the exported spans, parent by parent),
//! a call without one or with a malformed one gets a new trace that screening continues,
//! and the registry's own streams to screening carry their trace too.
//!
//! Tests in this file share the process's subscriber and collector; each finds its own
//! lines and spans by a trace id or an `x-request-id` of its own.

mod collector;

use collector::{CLIENT, SERVER, Span, call, hex, named, names, shown};
use system_tests::{CsvList, DatabaseKind, TestStack, intake_request, person};
use wire::registry::v1 as registry_pb;

const INTAKE: &str = "/registry.v1.RegistryService/CreateSubject";
const BULK: &str = "/registry.v1.RegistryService/BulkCreateSubjects";
const SCREEN: &str = "/screening.v1.ScreeningService/Screen";
const SCREEN_STREAM: &str = "/screening.v1.ScreeningService/ScreenStream";
const WATCH: &str = "/screening.v1.ScreeningService/WatchWatchlists";

async fn stack() -> (TestStack, CsvList) {
    collector::install();
    let list = CsvList::write("test", "id,name,birth_dates\nA-1,Zarina KHOLMATOVA,1984\n");
    (
        TestStack::spawn(DatabaseKind::Sqlite, vec![list.spec.clone()]).await,
        list,
    )
}

/// A random trace id and a caller's span id, as a caller would make them.
fn caller_context() -> (String, String) {
    let id = uuid::Uuid::new_v4().simple().to_string();
    let span = id[..16].to_owned();
    (uuid::Uuid::new_v4().simple().to_string(), span)
}

fn unique(name: &str) -> String {
    format!("{name}-{}", uuid::Uuid::new_v4().simple())
}

fn with_headers<T>(message: T, headers: &[(&'static str, String)]) -> tonic::Request<T> {
    let mut request = tonic::Request::new(message);
    for (name, value) in headers {
        request
            .metadata_mut()
            .insert(*name, value.parse().expect("ascii"));
    }
    request
}

fn trace_id_of(line: &serde_json::Value) -> String {
    line["fields"]["trace_id"]
        .as_str()
        .unwrap_or_else(|| panic!("no trace id: {line}"))
        .to_owned()
}

fn parent_is(child: &Span, parent: &Span) -> bool {
    !child.parent_span_id.is_empty() && child.parent_span_id == parent.span_id
}

#[tokio::test]
async fn one_intake_is_one_trace_from_the_callers_traceparent_to_screenings_matcher() {
    let (stack, _list) = stack().await;
    let mut desk = stack.registry.registry_client_as("intake").await;
    let (trace, caller_span) = caller_context();
    let traceparent = format!("00-{trace}-{caller_span}-01");

    desk.create_subject(with_headers(
        intake_request(
            &unique("traced"),
            person("Zarina Kholmatova", Some("1984"), Some("TJ")),
        ),
        &[
            ("traceparent", traceparent),
            ("tracestate", "desk=7".into()),
        ],
    ))
    .await
    .expect("recorded");

    // The per-call lines of both services name the caller's trace.
    let intake = collector::call_line(INTAKE, |l| l["fields"]["trace_id"] == trace.as_str()).await;
    let screen = collector::call_line(SCREEN, |l| l["fields"]["trace_id"] == trace.as_str()).await;
    assert_eq!(intake["fields"]["code"], "Ok", "{intake}");
    assert_eq!(
        screen["fields"]["principal"], "test-registry-service",
        "{screen}"
    );

    // And the exported spans make one tree under the caller's span.
    let spans = collector::spans_of(&trace, |spans| {
        ["registry.v1.RegistryService/CreateSubject", "align"]
            .iter()
            .all(|name| spans.iter().any(|s| s.name == *name))
    })
    .await;
    let intake = call(&spans, "registry.v1.RegistryService/CreateSubject", SERVER);
    let screening_call = call(&spans, "screening.v1.ScreeningService/Screen", CLIENT);
    let screen = call(&spans, "screening.v1.ScreeningService/Screen", SERVER);
    let matcher = named(&spans, "matcher");
    let insert = named(&spans, "store.insert_subjects");
    assert_eq!(hex(&intake.parent_span_id), caller_span);
    assert!(parent_is(screening_call, intake), "{:?}", names(&spans));
    assert!(parent_is(screen, screening_call), "{:?}", names(&spans));
    assert!(parent_is(matcher, screen), "{:?}", names(&spans));
    assert!(parent_is(insert, intake), "{:?}", names(&spans));
    for phase in ["candidates", "align"] {
        assert!(parent_is(named(&spans, phase), matcher), "{phase}");
    }
    // The shared commit is a trace of its own, linked to the intake's wait for it.
    let commits = collector::all_spans().await;
    assert!(
        commits.iter().any(|s| s.name == "store.group_commit"
            && s.links
                .iter()
                .any(|l| l.span_id == insert.span_id && hex(&l.trace_id) == trace)),
        "no group commit linked to the intake"
    );
    // Nothing of the person in any span: not the name, not the year of birth.
    for span in &spans {
        let shown = shown(span).to_lowercase();
        for personal in ["zarina", "kholmatova", "1984"] {
            assert!(!shown.contains(personal), "{shown}");
        }
    }
}

#[tokio::test]
async fn an_intake_without_a_traceparent_gets_a_new_trace_that_screening_continues() {
    let (stack, _list) = stack().await;
    let mut desk = stack.registry.registry_client_as("intake").await;
    let x_request_id = unique("untraced");

    desk.create_subject(with_headers(
        intake_request(&unique("untraced"), person("Anna Schmidt", None, None)),
        &[("x-request-id", x_request_id.clone())],
    ))
    .await
    .expect("recorded");

    let intake = collector::call_line(INTAKE, |l| {
        l["fields"]["x_request_id"] == x_request_id.as_str()
    })
    .await;
    let trace = trace_id_of(&intake);
    assert_eq!(trace.len(), 32, "{intake}");
    collector::call_line(SCREEN, |l| l["fields"]["trace_id"] == trace.as_str()).await;
}

#[tokio::test]
async fn an_invalid_traceparent_is_ignored_and_the_intake_gets_a_new_trace() {
    let (stack, _list) = stack().await;
    let mut desk = stack.registry.registry_client_as("intake").await;
    let (trace, _) = caller_context();
    let x_request_id = unique("malformed");

    desk.create_subject(with_headers(
        intake_request(&unique("malformed"), person("Anna Schmidt", None, None)),
        &[
            ("traceparent", format!("00-{trace}-0000000000000000-01")),
            ("tracestate", "=,=,not valid".into()),
            ("x-request-id", x_request_id.clone()),
        ],
    ))
    .await
    .expect("the intake is answered all the same");

    let intake = collector::call_line(INTAKE, |l| {
        l["fields"]["x_request_id"] == x_request_id.as_str()
    })
    .await;
    let new_trace = trace_id_of(&intake);
    assert_ne!(new_trace, trace);
    assert_eq!(intake["fields"]["code"], "Ok", "{intake}");
    collector::call_line(SCREEN, |l| l["fields"]["trace_id"] == new_trace.as_str()).await;
}

#[tokio::test]
async fn a_bulk_intake_carries_its_trace_onto_screenings_stream() {
    let (stack, _list) = stack().await;
    let mut desk = stack.registry.registry_client_as("intake").await;
    let (trace, caller_span) = caller_context();
    let items =
        ["Anna Schmidt", "Zarina Kholmatova"].map(|name| registry_pb::BulkCreateSubjectsRequest {
            subject: Some(intake_request(&unique("bulk"), person(name, None, None))),
        });

    let mut answers = desk
        .bulk_create_subjects(with_headers(
            tokio_stream::iter(items),
            &[("traceparent", format!("00-{trace}-{caller_span}-01"))],
        ))
        .await
        .expect("the stream opens")
        .into_inner();
    while answers.message().await.expect("answers").is_some() {}

    collector::call_line(BULK, |l| l["fields"]["trace_id"] == trace.as_str()).await;
    collector::call_line(SCREEN_STREAM, |l| l["fields"]["trace_id"] == trace.as_str()).await;
}

#[tokio::test]
async fn the_registrys_feed_of_list_versions_joins_its_trace_in_screening() {
    let (stack, _list) = stack().await;
    let TestStack {
        registry,
        screening,
        ..
    } = stack;
    // The registry follows screening's lists from the start; stopping it ends the feed, and
    // screening's side of the call with it.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    registry.stop().await.expect("the registry stops");

    let line = collector::call_line(WATCH, |l| {
        l["fields"]["principal"] == "test-registry-service"
    })
    .await;
    let trace = trace_id_of(&line);
    let spans = collector::spans_of(&trace, |spans| spans.len() >= 2).await;
    let feed = "screening.v1.ScreeningService/WatchWatchlists";
    let served = call(&spans, feed, SERVER);
    assert!(
        parent_is(served, call(&spans, feed, CLIENT)),
        "{:?}",
        names(&spans)
    );
    drop(screening);
}
