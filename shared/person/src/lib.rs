//! The person both services validate at their boundary: names in any script, partial dates
//! of birth, ISO country codes and identity documents.
//!
//! Wire messages become these types through `TryFrom` (feature `wire`), which reports every
//! bad field at once so that a caller can fix a request in one round trip.

mod country;
mod date;
mod violations;
#[cfg(feature = "wire")]
mod wire_conversion;

pub use country::CountryCode;
pub use date::PartialDate;
pub use violations::{FieldViolation, FieldViolations, QUOTED_PREFIX_CHARS, quoted, shortened};

use serde::{Deserialize, Serialize};

/// Limits that keep one request from exhausting memory or the matcher.
pub mod limits {
    pub const MAX_NAMES: usize = 20;
    pub const MAX_NAME_CHARS: usize = 300;
    /// Words in one full name: a full Arabic nasab with titles and nisbas runs to about 15.
    pub const MAX_NAME_WORDS: usize = 24;
    pub const MAX_NAME_PART_CHARS: usize = 100;
    pub const MAX_BIRTH_DATES: usize = 10;
    pub const MAX_NATIONALITIES: usize = 10;
    pub const MAX_DOCUMENTS: usize = 10;
    pub const MAX_DOCUMENT_NUMBER_CHARS: usize = 64;
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub names: Vec<PersonName>,
    #[serde(default)]
    pub birth_dates: Vec<PartialDate>,
    #[serde(default)]
    pub nationalities: Vec<CountryCode>,
    #[serde(default)]
    pub gender: Option<Gender>,
    #[serde(default)]
    pub documents: Vec<IdentityDocument>,
}

/// One name as written, in any script. `full_name` is always present; the parts are hints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonName {
    pub full_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub given_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub middle_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patronymic: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    Male,
    Female,
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityDocument {
    pub kind: DocumentKind,
    /// Upper-case letters and digits only, so that `AB 123-456` and `ab123456` compare equal.
    pub number: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuing_country: Option<CountryCode>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    Unspecified,
    Passport,
    NationalId,
    DrivingLicence,
    ResidencePermit,
    TaxId,
    Other,
}

impl IdentityDocument {
    /// The comparable form of a document number: letters and digits, upper-cased.
    pub fn normalise_number(raw: &str) -> String {
        raw.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_uppercase)
            .collect()
    }
}

impl PersonName {
    /// A name known only by its full form.
    pub fn full(full_name: impl Into<String>) -> Self {
        Self {
            full_name: full_name.into(),
            given_name: None,
            middle_name: None,
            family_name: None,
            patronymic: None,
        }
    }
}

impl Person {
    /// A person known by one name and nothing else.
    pub fn named(full_name: impl Into<String>) -> Self {
        Self {
            names: vec![PersonName::full(full_name)],
            birth_dates: Vec::new(),
            nationalities: Vec::new(),
            gender: None,
            documents: Vec::new(),
        }
    }
}
