//! Proto → domain conversion: the input is decoded as a `ScreenRequest` protobuf message,
//! as tonic would decode it off the wire, and converted with `Person::try_from` and
//! `screening::grpc::screen_query`. Conversion must accept or name every bad field, never panic,
//! and what it accepts must be within the person's documented limits.

#![no_main]

use libfuzzer_sys::fuzz_target;
use person::limits::{
    MAX_BIRTH_DATES, MAX_DOCUMENTS, MAX_NAME_CHARS, MAX_NAME_WORDS, MAX_NAMES, MAX_NATIONALITIES,
};
use person::{FieldViolations, Person, QUOTED_PREFIX_CHARS};
use prost::Message;
use screening::grpc::screen_query;
use wire::screening::v1 as pb;

/// The longest description a violation may carry: each quotes at most `QUOTED_PREFIX_CHARS`
/// characters of the bad value (issue 10, item 5), escaped as `{:?}` does, which writes a
/// control character as up to ten (`\u{10ffff}`); the rest is the rule in words.
const MAX_DESCRIPTION_CHARS: usize = QUOTED_PREFIX_CHARS * 10 + 200;

fuzz_target!(|data: &[u8]| {
    let Ok(request) = pb::ScreenRequest::decode(data) else {
        return;
    };
    let person = request.person.clone().map(Person::try_from);
    match screen_query(request) {
        Ok(query) => {
            assert!(
                matches!(person, Some(Ok(_))),
                "a query needs a valid person"
            );
            check_person(&query.person);
        }
        Err(violations) => check_violations(&violations),
    }
    match person {
        Some(Ok(person)) => check_person(&person),
        Some(Err(violations)) => check_violations(&violations),
        None => {}
    }
});

fn check_person(person: &Person) {
    assert!(!person.names.is_empty() && person.names.len() <= MAX_NAMES);
    for name in &person.names {
        assert!(!name.full_name.trim().is_empty());
        assert!(name.full_name.chars().count() <= MAX_NAME_CHARS);
        assert!(name.full_name.split_whitespace().count() <= MAX_NAME_WORDS);
    }
    assert!(person.birth_dates.len() <= MAX_BIRTH_DATES);
    assert!(person.nationalities.len() <= MAX_NATIONALITIES);
    assert!(person.documents.len() <= MAX_DOCUMENTS);
}

fn check_violations(violations: &FieldViolations) {
    assert!(!violations.is_empty(), "an error names at least one field");
    for violation in violations.iter() {
        let chars = violation.description.chars().count();
        assert!(
            chars <= MAX_DESCRIPTION_CHARS,
            "{}: description of {chars} characters",
            violation.field
        );
    }
}
