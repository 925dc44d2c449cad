//! The facts OFAC writes into the free-text Remarks column.
//!
//! Since OFAC's 2024 CSV snapshots carry no `alt.csv`, aliases, dates of birth, nationalities
//! and documents are only found here: `a.k.a. 'X'; DOB 10 Dec 1948; nationality Iran;
//! Passport 1084010 (Egypt); Gender Male.` Segments are separated by `;`. The column is
//! informal, so anything not understood is left in the remarks and never fails an import.

use person::{CountryCode, DocumentKind, Gender, IdentityDocument, PartialDate};

use super::common::{best_date, push_name, push_unique, strip_prefix_ci, year_range};
use super::countries::code_for_name;
use crate::domain::entry::{EntryName, NameKind};

#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct RemarkFacts {
    pub aliases: Vec<EntryName>,
    pub birth_dates: Vec<PartialDate>,
    pub nationalities: Vec<CountryCode>,
    pub gender: Option<Gender>,
    pub documents: Vec<IdentityDocument>,
}

/// One understood segment of the remarks, before values are validated.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Segment<'a> {
    Alias {
        name: &'a str,
        weak: bool,
    },
    BirthDate(&'a str),
    Nationality(&'a str),
    Gender(Gender),
    Document {
        kind: DocumentKind,
        number: &'a str,
        country: Option<&'a str>,
    },
}

/// Identity documents by the label OFAC writes before the number.
const DOCUMENT_LABELS: &[(&str, DocumentKind)] = &[
    ("Passport", DocumentKind::Passport),
    ("Diplomatic Passport", DocumentKind::Passport),
    ("National ID No.", DocumentKind::NationalId),
    ("National Foreign ID Number", DocumentKind::NationalId),
    ("Identification Number", DocumentKind::NationalId),
    ("Personal ID Card", DocumentKind::NationalId),
    ("Cedula No.", DocumentKind::NationalId),
    ("D.N.I.", DocumentKind::NationalId),
    ("C.U.R.P.", DocumentKind::NationalId),
    ("C.U.I.", DocumentKind::NationalId),
    ("Turkish Identification Number", DocumentKind::NationalId),
    ("Numero de Identidad", DocumentKind::NationalId),
    ("Citizen's Card Number", DocumentKind::NationalId),
    ("SSN", DocumentKind::NationalId),
    ("Tax ID No.", DocumentKind::TaxId),
    ("R.F.C.", DocumentKind::TaxId),
    ("RFC", DocumentKind::TaxId),
    ("NIT #", DocumentKind::TaxId),
    ("Italian Fiscal Code", DocumentKind::TaxId),
    ("Driver's License No.", DocumentKind::DrivingLicence),
    ("Residency Number", DocumentKind::ResidencePermit),
];

/// Words that end a document number: `Passport X (Iran) issued 01 Jan 2000 expires ...`.
const AFTER_NUMBER: &[&str] = &[" issued", " expires", " valid", ","];

pub(super) fn parse(remarks: &str) -> RemarkFacts {
    let mut facts = RemarkFacts::default();
    for segment in segments(remarks) {
        match segment {
            Segment::Alias { name, weak } => {
                let kind = if weak {
                    NameKind::WeakAlias
                } else {
                    NameKind::Alias
                };
                push_name(&mut facts.aliases, name, kind);
            }
            Segment::BirthDate(text) => {
                for date in birth_dates(text) {
                    push_unique(&mut facts.birth_dates, date);
                }
            }
            Segment::Nationality(name) => {
                if let Some(code) = code_for_name(name) {
                    push_unique(&mut facts.nationalities, code);
                }
            }
            Segment::Gender(gender) => {
                facts.gender.get_or_insert(gender);
            }
            Segment::Document {
                kind,
                number,
                country,
            } => {
                let number = IdentityDocument::normalise_number(number);
                let document = IdentityDocument {
                    kind,
                    number,
                    issuing_country: country.and_then(code_for_name),
                };
                push_unique(&mut facts.documents, document);
            }
        }
    }
    facts
}

/// The segments of `remarks` this parser understands, in order.
pub(super) fn segments(remarks: &str) -> impl Iterator<Item = Segment<'_>> {
    remarks.split(';').filter_map(segment)
}

fn segment(raw: &str) -> Option<Segment<'_>> {
    let text = raw.trim();
    let text = strip_prefix_ci(text, "alt. ").unwrap_or(text).trim_start();
    for marker in ["a.k.a.", "f.k.a.", "n.k.a."] {
        if let Some(rest) = strip_prefix_ci(text, marker) {
            return alias(rest);
        }
    }
    // Everything after this point may end the whole column, and so carry its full stop.
    let text = text.trim_end_matches('.').trim_end();
    if let Some(rest) = strip_prefix_ci(text, "DOB ") {
        return Some(Segment::BirthDate(rest));
    }
    if let Some(name) = nationality(text) {
        return Some(Segment::Nationality(name));
    }
    if let Some(rest) = strip_prefix_ci(text, "Gender ") {
        return match rest.trim().to_ascii_lowercase().as_str() {
            "male" => Some(Segment::Gender(Gender::Male)),
            "female" => Some(Segment::Gender(Gender::Female)),
            _ => None,
        };
    }
    DOCUMENT_LABELS.iter().find_map(|(label, kind)| {
        let rest = text.strip_prefix(label)?.strip_prefix(' ')?;
        document(*kind, rest)
    })
}

/// `'NAME'`, `'NAME' (weak)` or, rarely, an unquoted name. Names hold apostrophes
/// (`'AL-QA'IDA'`), so the name runs to the last quote of the segment.
fn alias(rest: &str) -> Option<Segment<'_>> {
    let rest = rest.trim();
    let (name, suffix) = match rest.strip_prefix('\'') {
        Some(quoted) => quoted.rsplit_once('\'').unwrap_or((quoted, "")),
        None => match rest.split_once('(') {
            Some((name, suffix)) => (name.trim_end_matches('.'), suffix),
            None => (rest.trim_end_matches('.'), ""),
        },
    };
    let name = name.trim();
    if name.is_empty() {
        return None;
    }
    let weak = suffix.to_ascii_lowercase().contains("weak");
    Some(Segment::Alias { name, weak })
}

/// `nationality Iran`, `citizen Iran`, `Nationality: Iran`, and for companies and vessels
/// `Nationality of Registration Russia`.
fn nationality(text: &str) -> Option<&str> {
    let rest = ["Nationality of Registration", "nationality", "citizen"]
        .iter()
        .find_map(|label| strip_prefix_ci(text, label))?;
    // "Citizen's Card Number" is a document, not a citizenship.
    if !rest.starts_with([' ', ':']) {
        return None;
    }
    let name = rest.trim_start_matches(':').trim();
    (!name.is_empty()).then_some(name)
}

/// `NUMBER`, `NUMBER (Country)`, `NUMBER (Country) issued ... expires ...`. Brackets can
/// belong to the number (Hong Kong's `D489833(9)`, Burma's `12/BAHANA(N)010023`), so only a
/// bracketed group standing apart at the end names the country; an earlier one standing apart
/// is a note (`32071216470 (Texas) (United States)`).
fn document(kind: DocumentKind, rest: &str) -> Option<Segment<'_>> {
    let end = AFTER_NUMBER
        .iter()
        .filter_map(|word| rest.find(word))
        .min()
        .unwrap_or(rest.len());
    let mut number = rest.get(..end).unwrap_or(rest).trim();
    let mut country = None;
    while let Some((before, group)) = trailing_group(number) {
        country = country.or(Some(group.trim()));
        number = before;
    }
    // A number is a code, not prose.
    let plausible = number.chars().any(|c| c.is_ascii_digit())
        && number.split_whitespace().count() <= 5
        && IdentityDocument::normalise_number(number).len()
            <= person::limits::MAX_DOCUMENT_NUMBER_CHARS;
    plausible.then_some(Segment::Document {
        kind,
        number,
        country,
    })
}

/// `("X", "Iran")` for `"X (Iran)"`; `None` when the text does not end in a group set off by
/// a space.
fn trailing_group(text: &str) -> Option<(&str, &str)> {
    let body = text.trim_end().strip_suffix(')')?;
    let (before, group) = body.rsplit_once('(')?;
    before
        .ends_with(char::is_whitespace)
        .then(|| (before.trim_end(), group))
}

/// `10 Dec 1948`, `Dec 1948`, `1962`, `circa 1970`, `1955 to 1958`, `circa 1955-1958`,
/// `01 Jan 1960 to 31 Dec 1962`. Approximate dates keep only their year.
fn birth_dates(text: &str) -> Vec<PartialDate> {
    let text = text.trim();
    let (circa, text) = match strip_prefix_ci(text, "circa ") {
        Some(rest) => (true, rest.trim()),
        None => (false, text),
    };
    let range = text.split_once(" to ").or_else(|| {
        let (from, to) = text.split_once('-')?;
        let is_year = |s: &str| s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit());
        (is_year(from) && is_year(to)).then_some((from, to))
    });
    if let Some((from, to)) = range {
        let (Some(from), Some(to)) = (date_parts(from), date_parts(to)) else {
            return Vec::new();
        };
        if from.0 == to.0 && !circa {
            let month = if from.1 == to.1 { from.1 } else { None };
            return best_date(from.0, month, None).into_iter().collect();
        }
        return year_range(from.0, to.0);
    }
    let Some((year, month, day)) = date_parts(text) else {
        // Not OFAC's own style, but unambiguous.
        let date = text.parse::<PartialDate>().ok();
        let date = if circa {
            date.and_then(|d| best_date(d.year(), None, None))
        } else {
            date
        };
        return date.into_iter().collect();
    };
    let date = if circa {
        best_date(year, None, None)
    } else {
        best_date(year, month, day)
    };
    date.into_iter().collect()
}

type DateParts = (u16, Option<u8>, Option<u8>);

/// `DD Mon YYYY`, `Mon YYYY` or `YYYY`.
fn date_parts(text: &str) -> Option<DateParts> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let year = |s: &str| (s.len() == 4).then(|| s.parse::<u16>().ok()).flatten();
    match words.as_slice() {
        [y] => Some((year(y)?, None, None)),
        [m, y] => Some((year(y)?, Some(month(m)?), None)),
        [d, m, y] => {
            let day = d.parse::<u8>().ok().filter(|d| (1..=31).contains(d))?;
            Some((year(y)?, Some(month(m)?), Some(day)))
        }
        _ => None,
    }
}

fn month(word: &str) -> Option<u8> {
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let word = word.trim_end_matches('.').to_ascii_lowercase();
    if word.len() < 3 {
        return None;
    }
    let index = MONTHS.iter().position(|m| m.starts_with(&word))?;
    u8::try_from(index + 1).ok()
}

#[cfg(test)]
mod tests;
