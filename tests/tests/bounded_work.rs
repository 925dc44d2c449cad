//! Each screening's work is bounded, whatever the list holds: a degenerate list makes a
//! screening stop at its budget and say it is incomplete, and the registry never records
//! such a screening as clear.

use std::time::Duration;

use screening::domain::budget::Limits;
use system_tests::{
    CsvList, DatabaseKind, TestDatabase, intake_request as intake, on_both_databases, person,
    screening_state as state, spawn_registry, spawn_screening_with_limits,
};
use wire::registry::v1 as pb;
use wire::screening::v1 as screening_pb;

/// `count` entries all named `name`: one name a list administrator repeated.
fn repeated_name_list(name: &str, count: usize) -> String {
    let mut csv = String::from("id,name\n");
    for i in 0..count {
        csv.push_str(&format!("R-{i},{name}\n"));
    }
    csv
}

/// `count` entries "Mohammed Ali X" with a different, unrelated X each: a two-part query
/// "Mohammed Ali" is worth aligning with every one of them and matches none (the family name
/// it lacks keeps each below the threshold).
fn shared_given_names_list(count: usize) -> String {
    const FIRST: [&str; 10] = [
        "bar", "dor", "kel", "mun", "pas", "rit", "sol", "tev", "vok", "wen",
    ];
    const SECOND: [&str; 10] = [
        "gard", "holm", "lund", "mark", "nest", "por", "quist", "rup", "stam", "tof",
    ];
    let mut csv = String::from("id,name\n");
    for i in 0..count {
        let family = format!("{}{}", FIRST[i % 10], SECOND[(i / 10) % 10]);
        csv.push_str(&format!("S-{i},Mohammed Ali {family}\n"));
    }
    csv
}

fn limited(names_aligned: u32) -> Limits {
    Limits {
        names_aligned,
        ..Limits::default()
    }
}

fn screen_request(name: &str) -> screening_pb::ScreenRequest {
    screening_pb::ScreenRequest {
        person: Some(person(name, None, None)),
        ..Default::default()
    }
}

#[tokio::test]
async fn a_list_of_one_name_repeated_stops_each_screening_at_its_budget_and_says_so() {
    let database = TestDatabase::fresh(DatabaseKind::Sqlite).await;
    let list = CsvList::write(
        "repeated",
        &repeated_name_list("Mohammed Ali Hassan", 3_000),
    );
    let server =
        spawn_screening_with_limits(vec![list.spec.clone()], &database, limited(500)).await;
    let mut client = server.screening_client_as("screener").await;

    let degenerate = client
        .screen(screen_request("Mohammed Ali Hassan"))
        .await
        .expect("answers")
        .into_inner();
    assert!(degenerate.incomplete);
    assert!(degenerate.matched);
    assert_eq!(
        degenerate.hits.len(),
        10,
        "the best hits found, cut at max_hits"
    );

    let unrelated = client
        .screen(screen_request("Margaret Ellen Thompson"))
        .await
        .expect("answers")
        .into_inner();
    assert!(!unrelated.incomplete);
    assert!(unrelated.hits.is_empty());
}

#[tokio::test]
async fn a_screening_within_its_budget_is_complete() {
    let database = TestDatabase::fresh(DatabaseKind::Sqlite).await;
    let list = CsvList::write("shared", &shared_given_names_list(200));
    let server =
        spawn_screening_with_limits(vec![list.spec.clone()], &database, Limits::default()).await;
    let mut client = server.screening_client_as("screener").await;

    let response = client
        .screen(screen_request("Mohammed Ali"))
        .await
        .expect("answers")
        .into_inner();
    assert!(!response.incomplete);
    assert!(response.hits.is_empty(), "{:?}", response.hits);
}

async fn an_intake_screened_incompletely_without_a_hit_stays_pending_not_clear(kind: DatabaseKind) {
    let screening_database = TestDatabase::fresh(DatabaseKind::Sqlite).await;
    let list = CsvList::write("shared", &shared_given_names_list(200));
    let screening =
        spawn_screening_with_limits(vec![list.spec.clone()], &screening_database, limited(5)).await;
    let database = TestDatabase::fresh(kind).await;
    let registry = spawn_registry(&screening.url(), &database, Duration::from_secs(5)).await;
    let mut client = registry.registry_client_as("admin").await;

    let subject = client
        .create_subject(intake("bounded-1", person("Mohammed Ali", None, None)))
        .await
        .expect("the intake is acknowledged")
        .into_inner();

    assert_eq!(state(&subject), pb::ScreeningState::Pending);
}

on_both_databases!(an_intake_screened_incompletely_without_a_hit_stays_pending_not_clear);
