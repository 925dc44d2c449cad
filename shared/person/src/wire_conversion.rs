//! Conversion between the `common.v1` wire messages and the validated types.
//! Field paths in violations are relative to the person (`names[0].full_name`).

use unicode_normalization::UnicodeNormalization;
use wire::common::v1 as pb;

use crate::limits::*;
use crate::{
    CountryCode, DocumentKind, FieldViolations, Gender, IdentityDocument, PartialDate, Person,
    PersonName,
};

impl TryFrom<pb::Person> for Person {
    type Error = FieldViolations;

    fn try_from(raw: pb::Person) -> Result<Self, Self::Error> {
        let mut violations = FieldViolations::new();

        if raw.names.is_empty() {
            violations.add("names", "at least one name is required");
        }
        if raw.names.len() > MAX_NAMES {
            violations.add("names", format!("at most {MAX_NAMES} names are accepted"));
        }
        let names: Vec<PersonName> = raw
            .names
            .into_iter()
            .take(MAX_NAMES)
            .enumerate()
            .filter_map(|(i, name)| {
                collect(&mut violations, &format!("names[{i}]"), parse_name(name))
            })
            .collect();

        let birth_dates = parse_list(
            &mut violations,
            "birth_dates",
            raw.birth_dates,
            MAX_BIRTH_DATES,
            |raw| raw.parse::<PartialDate>().map_err(|e| e.to_string()),
        );
        let nationalities = parse_list(
            &mut violations,
            "nationalities",
            raw.nationalities,
            MAX_NATIONALITIES,
            |raw| raw.parse::<CountryCode>().map_err(|e| e.to_string()),
        );

        let gender = match pb::Gender::try_from(raw.gender) {
            Ok(pb::Gender::Unspecified) => None,
            Ok(pb::Gender::Male) => Some(Gender::Male),
            Ok(pb::Gender::Female) => Some(Gender::Female),
            Ok(pb::Gender::Other) => Some(Gender::Other),
            Err(_) => {
                violations.add("gender", "unknown gender value");
                None
            }
        };

        if raw.identity_documents.len() > MAX_DOCUMENTS {
            violations.add(
                "identity_documents",
                format!("at most {MAX_DOCUMENTS} documents are accepted"),
            );
        }
        let documents = raw
            .identity_documents
            .into_iter()
            .take(MAX_DOCUMENTS)
            .enumerate()
            .filter_map(|(i, doc)| {
                collect(
                    &mut violations,
                    &format!("identity_documents[{i}]"),
                    parse_document(doc),
                )
            })
            .collect();

        violations.into_result(Person {
            names,
            birth_dates,
            nationalities,
            gender,
            documents,
        })
    }
}

fn collect<T>(
    violations: &mut FieldViolations,
    prefix: &str,
    result: Result<T, FieldViolations>,
) -> Option<T> {
    result
        .map_err(|inner| violations.extend_under(prefix, inner))
        .ok()
}

fn parse_list<T>(
    violations: &mut FieldViolations,
    field: &str,
    raw: Vec<String>,
    max: usize,
    parse: impl Fn(&str) -> Result<T, String>,
) -> Vec<T> {
    if raw.len() > max {
        violations.add(field, format!("at most {max} values are accepted"));
    }
    let mut parsed = Vec::with_capacity(raw.len().min(max));
    for (i, value) in raw.iter().take(max).enumerate() {
        match parse(value) {
            Ok(value) => parsed.push(value),
            Err(description) => violations.add(format!("{field}[{i}]"), description),
        }
    }
    parsed
}

fn parse_name(raw: pb::PersonName) -> Result<PersonName, FieldViolations> {
    let mut violations = FieldViolations::new();
    let mut part = |field: &str, value: String| -> Option<String> {
        let cleaned = clean_text(&value);
        if let Err(description) = check_text(&cleaned, MAX_NAME_PART_CHARS) {
            violations.add(field, description);
        }
        (!cleaned.is_empty()).then_some(cleaned)
    };
    let given_name = part("given_name", raw.given_name);
    let middle_name = part("middle_name", raw.middle_name);
    let family_name = part("family_name", raw.family_name);
    let patronymic = part("patronymic", raw.patronymic);

    // A name given only in parts is still a name: compose the full form in the order
    // people write it.
    let mut full_name = clean_text(&raw.full_name);
    if full_name.is_empty() {
        full_name = [&given_name, &middle_name, &patronymic, &family_name]
            .into_iter()
            .flatten()
            .cloned()
            .collect::<Vec<_>>()
            .join(" ");
    }
    if full_name.is_empty() {
        violations.add("full_name", "must not be empty");
    } else if let Err(description) = check_text(&full_name, MAX_NAME_CHARS) {
        violations.add("full_name", description);
    } else if !full_name.chars().any(char::is_alphabetic) {
        violations.add("full_name", "must contain at least one letter");
    } else if full_name.split_whitespace().count() > MAX_NAME_WORDS {
        violations.add(
            "full_name",
            format!("must have at most {MAX_NAME_WORDS} words"),
        );
    }

    violations.into_result(PersonName {
        full_name,
        given_name,
        middle_name,
        family_name,
        patronymic,
    })
}

fn parse_document(raw: pb::IdentityDocument) -> Result<IdentityDocument, FieldViolations> {
    let mut violations = FieldViolations::new();
    let kind = match pb::DocumentType::try_from(raw.r#type) {
        Ok(pb::DocumentType::Unspecified) => DocumentKind::Unspecified,
        Ok(pb::DocumentType::Passport) => DocumentKind::Passport,
        Ok(pb::DocumentType::NationalId) => DocumentKind::NationalId,
        Ok(pb::DocumentType::DrivingLicence) => DocumentKind::DrivingLicence,
        Ok(pb::DocumentType::ResidencePermit) => DocumentKind::ResidencePermit,
        Ok(pb::DocumentType::TaxId) => DocumentKind::TaxId,
        Ok(pb::DocumentType::Other) => DocumentKind::Other,
        Err(_) => {
            violations.add("type", "unknown document type");
            DocumentKind::Unspecified
        }
    };
    let number = IdentityDocument::normalise_number(&raw.number);
    if number.is_empty() {
        violations.add("number", "must contain at least one letter or digit");
    } else if number.chars().count() > MAX_DOCUMENT_NUMBER_CHARS {
        violations.add(
            "number",
            format!("must be at most {MAX_DOCUMENT_NUMBER_CHARS} characters"),
        );
    }
    let issuing_country = if raw.issuing_country.trim().is_empty() {
        None
    } else {
        match raw.issuing_country.parse::<CountryCode>() {
            Ok(code) => Some(code),
            Err(e) => {
                violations.add("issuing_country", e.to_string());
                None
            }
        }
    };
    violations.into_result(IdentityDocument {
        kind,
        number,
        issuing_country,
    })
}

/// Composes to NFC, trims and folds runs of white space, so that stored names are tidy and
/// the same name typed on two keyboards is stored the same way.
fn clean_text(raw: &str) -> String {
    raw.nfc()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn check_text(text: &str, max_chars: usize) -> Result<(), String> {
    if text.chars().count() > max_chars {
        return Err(format!("must be at most {max_chars} characters"));
    }
    if text.chars().any(char::is_control) {
        return Err("must not contain control characters".to_owned());
    }
    Ok(())
}

impl From<&Person> for pb::Person {
    fn from(person: &Person) -> Self {
        pb::Person {
            names: person.names.iter().map(pb::PersonName::from).collect(),
            birth_dates: person.birth_dates.iter().map(ToString::to_string).collect(),
            nationalities: person
                .nationalities
                .iter()
                .map(ToString::to_string)
                .collect(),
            gender: match person.gender {
                None => pb::Gender::Unspecified,
                Some(Gender::Male) => pb::Gender::Male,
                Some(Gender::Female) => pb::Gender::Female,
                Some(Gender::Other) => pb::Gender::Other,
            } as i32,
            identity_documents: person
                .documents
                .iter()
                .map(pb::IdentityDocument::from)
                .collect(),
        }
    }
}

impl From<&PersonName> for pb::PersonName {
    fn from(name: &PersonName) -> Self {
        let part = |value: &Option<String>| value.clone().unwrap_or_default();
        pb::PersonName {
            full_name: name.full_name.clone(),
            given_name: part(&name.given_name),
            middle_name: part(&name.middle_name),
            family_name: part(&name.family_name),
            patronymic: part(&name.patronymic),
        }
    }
}

impl From<&IdentityDocument> for pb::IdentityDocument {
    fn from(doc: &IdentityDocument) -> Self {
        let kind = match doc.kind {
            DocumentKind::Unspecified => pb::DocumentType::Unspecified,
            DocumentKind::Passport => pb::DocumentType::Passport,
            DocumentKind::NationalId => pb::DocumentType::NationalId,
            DocumentKind::DrivingLicence => pb::DocumentType::DrivingLicence,
            DocumentKind::ResidencePermit => pb::DocumentType::ResidencePermit,
            DocumentKind::TaxId => pb::DocumentType::TaxId,
            DocumentKind::Other => pb::DocumentType::Other,
        };
        pb::IdentityDocument {
            r#type: kind as i32,
            number: doc.number.clone(),
            issuing_country: doc
                .issuing_country
                .map(|c| c.to_string())
                .unwrap_or_default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(full: &str) -> pb::PersonName {
        pb::PersonName {
            full_name: full.to_owned(),
            ..Default::default()
        }
    }

    fn fields(err: FieldViolations) -> Vec<String> {
        err.into_iter().map(|v| v.field).collect()
    }

    #[test]
    fn a_name_with_only_a_full_name_is_valid() {
        let person = Person::try_from(pb::Person {
            names: vec![name("  Рахмонов   Эмомали ")],
            ..Default::default()
        })
        .expect("valid");
        assert_eq!(person.names[0].full_name, "Рахмонов Эмомали");
    }

    #[test]
    fn a_name_of_more_words_than_any_person_has_is_refused() {
        let longest = vec!["Abd"; MAX_NAME_WORDS].join(" ");
        assert!(
            Person::try_from(pb::Person {
                names: vec![name(&longest)],
                ..Default::default()
            })
            .is_ok()
        );
        let err = Person::try_from(pb::Person {
            names: vec![name(&format!("{longest} Ali"))],
            ..Default::default()
        })
        .expect_err("too many words");
        assert_eq!(fields(err), ["names[0].full_name"]);
    }

    #[test]
    fn a_name_given_only_in_parts_gets_a_full_name() {
        let person = Person::try_from(pb::Person {
            names: vec![pb::PersonName {
                given_name: "Ivan".into(),
                patronymic: "Petrovich".into(),
                family_name: "Sidorov".into(),
                ..Default::default()
            }],
            ..Default::default()
        })
        .expect("valid");
        assert_eq!(person.names[0].full_name, "Ivan Petrovich Sidorov");
    }

    #[test]
    fn every_bad_field_is_named_in_one_error() {
        let err = Person::try_from(pb::Person {
            names: vec![name("Ivan"), name("   ")],
            birth_dates: vec!["1971".into(), "31/12/1970".into()],
            nationalities: vec!["Tajikistan".into()],
            gender: 42,
            identity_documents: vec![pb::IdentityDocument {
                number: "--".into(),
                issuing_country: "XX".into(),
                ..Default::default()
            }],
        })
        .expect_err("invalid");
        assert_eq!(
            fields(err),
            [
                "names[1].full_name",
                "birth_dates[1]",
                "nationalities[0]",
                "gender",
                "identity_documents[0].number",
                "identity_documents[0].issuing_country",
            ]
        );
    }

    #[test]
    fn a_person_without_names_is_refused() {
        let err = Person::try_from(pb::Person::default()).expect_err("no names");
        assert_eq!(fields(err), ["names"]);
    }

    #[test]
    fn document_numbers_are_normalised() {
        let person = Person::try_from(pb::Person {
            names: vec![name("A B")],
            identity_documents: vec![pb::IdentityDocument {
                r#type: pb::DocumentType::Passport as i32,
                number: "ab 123-456".into(),
                issuing_country: "tj".into(),
            }],
            ..Default::default()
        })
        .expect("valid");
        assert_eq!(person.documents[0].number, "AB123456");
        assert_eq!(
            person.documents[0].issuing_country.map(|c| c.to_string()),
            Some("TJ".into())
        );
    }

    #[test]
    fn converting_to_wire_and_back_is_lossless() {
        let original = pb::Person {
            names: vec![pb::PersonName {
                full_name: "SIDOROV, Ivan".into(),
                given_name: "Ivan".into(),
                family_name: "Sidorov".into(),
                ..Default::default()
            }],
            birth_dates: vec!["1971-03".into()],
            nationalities: vec!["RU".into()],
            gender: pb::Gender::Male as i32,
            identity_documents: vec![pb::IdentityDocument {
                r#type: pb::DocumentType::Passport as i32,
                number: "AB123".into(),
                issuing_country: "RU".into(),
            }],
        };
        let person = Person::try_from(original.clone()).expect("valid");
        assert_eq!(pb::Person::from(&person), original);
    }
}
