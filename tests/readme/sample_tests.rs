//! The comparison of shown and printed outputs must be able to fail.

use crate::compare::{Bindings, compare, compare_text};
use crate::sample::parse_shown;

const PRINTED: &str = r#"{
  "id": "01a2113c-0000-7000-8000-000000000001",
  "status": "SUBJECT_STATUS_IDENTIFIED",
  "screening": {
    "hits": [ { "entryId": "DEMO-002", "score": 0.9666666666666667 }, { "entryId": "DEMO-009", "score": 0.86 } ],
    "screenTime": "2026-12-03T16:12:15.652Z"
  },
  "etag": "3"
}"#;

fn check(shown: &str) -> Result<Bindings, String> {
    compare(
        &parse_shown(shown).expect("a shown output"),
        PRINTED,
        &Bindings::new(),
    )
}

#[test]
fn a_trimmed_output_with_other_ids_and_times_matches_and_binds_the_ids() {
    let shown = r#"{
      "id": "01a2113c-ae23-75ac-ad55-ab607602ba74",
      …
      "screening": { "hits": [ { "entryId": "DEMO-002", "score": 0.9666666666666667 }, … ], "screenTime": "2024-01-01T00:00:00Z" },
      "etag": "2"
    }"#;

    let bound = check(shown).expect("matches");

    assert_eq!(
        bound
            .get("01a2113c-ae23-75ac-ad55-ab607602ba74")
            .map(String::as_str),
        Some("01a2113c-0000-7000-8000-000000000001")
    );
    assert_eq!(bound.get("2").map(String::as_str), Some("3"));
}

#[test]
fn a_drifted_score_a_missing_field_or_an_unshown_one_fails() {
    let drifted =
        r#"{ "screening": { "hits": [ { "entryId": "DEMO-002", "score": 0.97 }, … ], … }, … }"#;
    let missing = r#"{ "screening": { "matched": true, … }, … }"#;
    let unshown = r#"{ "id": "x", "status": "SUBJECT_STATUS_IDENTIFIED", "etag": "1" }"#;
    let fewer = r#"{ "screening": { "hits": [ { … } ], … }, … }"#;

    for shown in [drifted, missing, unshown, fewer] {
        assert!(check(shown).is_err(), "{shown}");
    }
}

#[test]
fn an_id_bound_earlier_must_be_printed_again_where_the_readme_shows_it() {
    let earlier = Bindings::from([(
        "01a2113c-ae23-75ac-ad55-ab607602ba74".to_owned(),
        "01a2113c-0000-7000-8000-00000000000f".to_owned(),
    )]);
    let shown = parse_shown(r#"{ "id": "01a2113c-ae23-75ac-ad55-ab607602ba74", … }"#)
        .expect("a shown output");

    assert!(compare(&shown, PRINTED, &earlier).is_err());
}

#[test]
fn stream_messages_match_in_any_order_and_their_count_counts() {
    let printed = "{\n  \"requestId\": \"b\"\n}\n{\n  \"requestId\": \"a\"\n}\n";
    let both = parse_shown(r#"{ "requestId": "a" } { "requestId": "b" }"#).expect("shown");
    let one = parse_shown(r#"{ "requestId": "a" }"#).expect("shown");
    let one_and_more = parse_shown("{ \"requestId\": \"a\" }\n…").expect("shown");

    assert!(compare(&both, printed, &Bindings::new()).is_ok());
    assert!(compare(&one, printed, &Bindings::new()).is_err());
    assert!(compare(&one_and_more, printed, &Bindings::new()).is_ok());
}

#[test]
fn an_error_is_matched_line_by_line_and_an_unexpected_one_fails() {
    let printed = "ERROR:\n  Code: InvalidArgument\n  Message: invalid request: person.names[0].full_name: must not be empty\n";
    let shown = parse_shown(
        "ERROR:\n  Code: InvalidArgument\n  Message: invalid request: …must not be empty",
    )
    .expect("shown");
    let other = parse_shown("ERROR:\n  Code: NotFound\n  Message: …").expect("shown");
    let success = parse_shown("{ … }").expect("shown");

    assert!(compare(&shown, printed, &Bindings::new()).is_ok());
    assert!(compare(&other, printed, &Bindings::new()).is_err());
    assert!(compare(&success, printed, &Bindings::new()).is_err());
    assert!(compare_text("a\nb", "a\nb\nc").is_err(), "an unshown line");
}
