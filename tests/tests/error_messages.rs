//! Error messages quote at most a short prefix of a bad value, in both services: a client
//! must see which field is wrong, not get its own 100 KB back (which, past a few KB, no
//! longer fits the `grpc-message` header and turns into an unrelated error).

use system_tests::{DatabaseKind, TestStack, intake_request as intake, person, violated_fields};
use wire::screening::v1 as pb;

/// Long enough to have exceeded the header limit when echoed whole.
const HUGE: usize = 100 * 1024;

/// The quoted prefix and the text around it, with room for the field's name.
const SHORT_MESSAGE: usize = 400;

fn assert_short_and_cut(status: &tonic::Status, prefix: &str) {
    let message = status.message();
    assert!(
        message.len() < SHORT_MESSAGE,
        "{} bytes: {}…",
        message.len(),
        message.chars().take(200).collect::<String>()
    );
    assert!(message.contains(&format!("{prefix}…")), "{message}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_100_kb_bad_date_at_intake_comes_back_as_a_short_message_naming_the_field() {
    let stack = TestStack::spawn(DatabaseKind::Sqlite, Vec::new()).await;
    let mut registry = stack.registry_client().await;
    let date = "1".repeat(HUGE);

    let refused = registry
        .create_subject(intake(
            "huge-date-1",
            person("Anna Schmidt", Some(&date), None),
        ))
        .await
        .expect_err("a bad date");

    assert_eq!(violated_fields(&refused), ["person.birth_dates[0]"]);
    assert_short_and_cut(&refused, &"1".repeat(64));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_100_kb_bad_date_or_list_name_on_screen_comes_back_as_a_short_message() {
    let stack = TestStack::spawn(DatabaseKind::Sqlite, Vec::new()).await;
    let mut screening = stack.screening_client().await;
    let nationality = "é".repeat(HUGE / 2);

    let bad_nationality = screening
        .screen(pb::ScreenRequest {
            person: Some(person("Anna Schmidt", None, Some(&nationality))),
            ..Default::default()
        })
        .await
        .expect_err("a bad nationality");
    let bad_list = screening
        .screen(pb::ScreenRequest {
            person: Some(person("Anna Schmidt", None, None)),
            watchlists: vec!["L".repeat(HUGE)],
            ..Default::default()
        })
        .await
        .expect_err("a bad list name");

    assert_eq!(
        violated_fields(&bad_nationality),
        ["person.nationalities[0]"]
    );
    assert_short_and_cut(&bad_nationality, &"é".repeat(64));
    assert_eq!(violated_fields(&bad_list), ["watchlists[0]"]);
    assert_short_and_cut(&bad_list, &"L".repeat(64));
}
