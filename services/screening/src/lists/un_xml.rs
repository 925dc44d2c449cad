//! The UN Security Council consolidated list (`consolidated.xml`).
//!
//! The document is streamed (`tree.rs`): each entry becomes a small element tree of its own
//! and its fields are picked out of it by element name, so elements this parser does not
//! know, and their order, never matter.
//! The UN reference number (`QDi.001`) has no field of its own: it opens the remarks as
//! "UN reference QDi.001." so that an analyst can find the entry on the UN's pages.

mod tree;

use person::{DocumentKind, Gender, IdentityDocument, PartialDate};

use super::common::{
    MAX_NAMES_PER_ENTRY, best_date, push_name, push_unique, strip_prefix_ci, utf8, year_range,
};
use super::countries::code_for_name;
use super::{ImportError, MAX_ENTRIES};
use crate::domain::entry::{EntryName, EntryType, NameKind, WatchlistEntry};
pub(super) use tree::Element;
#[cfg(test)]
pub(super) use tree::read_entries;
use tree::read_entries as read;

pub(super) const ROOT: &str = "CONSOLIDATED_LIST";

/// Reads the entries one at a time as the document streams by (see `tree.rs`): individuals
/// first, then entities, as the UN publishes them.
pub(super) fn parse(file: &str, bytes: &[u8]) -> Result<Vec<WatchlistEntry>, ImportError> {
    let (mut individuals, mut entities) = (Vec::new(), Vec::new());
    read(file, utf8(file, bytes)?, ROOT, is_entry, |element| {
        if individuals.len() + entities.len() >= MAX_ENTRIES {
            return Err(ImportError::TooLarge {
                file: file.to_owned(),
                reason: format!("more than {MAX_ENTRIES} entries"),
            });
        }
        if element.name == "INDIVIDUAL" {
            individuals.push(individual_entry(file, &element)?);
        } else {
            entities.push(entity_entry(file, &element)?);
        }
        Ok(())
    })?;
    individuals.append(&mut entities);
    Ok(individuals)
}

/// An entry is an `INDIVIDUAL` in the root's `INDIVIDUALS` or an `ENTITY` in its `ENTITIES`.
pub(super) fn is_entry(ancestors: &[String], name: &str) -> bool {
    match ancestors {
        [_, group] => {
            (group == "INDIVIDUALS" && name == "INDIVIDUAL")
                || (group == "ENTITIES" && name == "ENTITY")
        }
        _ => false,
    }
}

fn individual_entry(file: &str, element: &Element) -> Result<WatchlistEntry, ImportError> {
    let mut entry = common_entry(file, element, EntryType::Person, "INDIVIDUAL_ALIAS")?;
    for dob in element.all("INDIVIDUAL_DATE_OF_BIRTH") {
        for date in birth_dates(dob) {
            push_unique(&mut entry.birth_dates, date);
        }
    }
    // A date of birth used with an alias is one the person has presented, so it is kept.
    for alias in element.all("INDIVIDUAL_ALIAS") {
        if let Some(date) = alias.text_of("DATE_OF_BIRTH").and_then(date) {
            push_unique(&mut entry.birth_dates, date);
        }
    }
    for value in element.all("NATIONALITY").flat_map(|n| n.all("VALUE")) {
        if let Some(code) = code_for_name(&value.text) {
            push_unique(&mut entry.nationalities, code);
        }
    }
    entry.gender = match element
        .text_of("GENDER")
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("male") => Some(Gender::Male),
        Some("female") => Some(Gender::Female),
        _ => None,
    };
    for document in element.all("INDIVIDUAL_DOCUMENT").filter_map(document) {
        push_unique(&mut entry.documents, document);
    }
    Ok(entry)
}

fn entity_entry(file: &str, element: &Element) -> Result<WatchlistEntry, ImportError> {
    common_entry(file, element, EntryType::Organization, "ENTITY_ALIAS")
}

/// Identity, names, programme and remarks, which individuals and entities share.
fn common_entry(
    file: &str,
    element: &Element,
    entry_type: EntryType,
    alias_element: &str,
) -> Result<WatchlistEntry, ImportError> {
    let malformed = |reason: String| ImportError::Malformed {
        file: file.to_owned(),
        line: element.line,
        reason,
    };
    let Some(id) = element.text_of("DATAID") else {
        return Err(malformed(format!(
            "<{}> without a DATAID",
            person::shortened(&element.name, person::QUOTED_PREFIX_CHARS)
        )));
    };
    let primary = ["FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME"]
        .iter()
        .filter_map(|part| element.text_of(part))
        .collect::<Vec<_>>()
        .join(" ");
    if primary.is_empty() {
        return Err(malformed(format!(
            "entry {} has no name",
            person::quoted(id)
        )));
    }
    let offered = element.all(alias_element).count() + element.all("NAME_ORIGINAL_SCRIPT").count();
    if offered >= MAX_NAMES_PER_ENTRY {
        return Err(malformed(format!(
            "entry {} has more than {MAX_NAMES_PER_ENTRY} names",
            person::quoted(id)
        )));
    }
    let mut names = vec![EntryName::new(primary, NameKind::Primary)];
    for alias in element.all(alias_element) {
        let Some(name) = alias.text_of("ALIAS_NAME") else {
            continue;
        };
        let kind = match alias.text_of("QUALITY") {
            Some(quality) if quality.eq_ignore_ascii_case("low") => NameKind::WeakAlias,
            _ => NameKind::Alias,
        };
        push_name(&mut names, name, kind);
    }
    for original in element.all("NAME_ORIGINAL_SCRIPT") {
        push_name(&mut names, &original.text, NameKind::OriginalScript);
    }
    // Some aliases carry their own original script only in a note: "original script: Абу Джихад".
    for note in element.all(alias_element).filter_map(|a| a.text_of("NOTE")) {
        if let Some(original) = strip_prefix_ci(note, "original script:") {
            push_name(&mut names, original, NameKind::OriginalScript);
        }
    }
    let reference = element.text_of("REFERENCE_NUMBER");
    let comments = element.text_of("COMMENTS1");
    let remarks = match (reference, comments) {
        (Some(reference), Some(comments)) => Some(format!("UN reference {reference}. {comments}")),
        (Some(reference), None) => Some(format!("UN reference {reference}.")),
        (None, comments) => comments.map(str::to_owned),
    };
    Ok(WatchlistEntry {
        id: id.to_owned(),
        entry_type,
        names,
        birth_dates: Vec::new(),
        nationalities: Vec::new(),
        gender: None,
        documents: Vec::new(),
        programs: element
            .text_of("UN_LIST_TYPE")
            .map(str::to_owned)
            .into_iter()
            .collect(),
        remarks,
    })
}

/// `EXACT` gives a date or a year, `APPROXIMATELY` keeps only the year, `BETWEEN` gives every
/// year of its range.
fn birth_dates(dob: &Element) -> Vec<PartialDate> {
    let kind = dob.text_of("TYPE_OF_DATE").unwrap_or_default();
    let year = |name: &str| dob.text_of(name).and_then(|y| y.parse::<u16>().ok());
    if kind.eq_ignore_ascii_case("BETWEEN")
        && let (Some(from), Some(to)) = (year("FROM_YEAR"), year("TO_YEAR"))
    {
        return year_range(from, to);
    }
    let exact = dob
        .text_of("DATE")
        .and_then(date)
        .or_else(|| year("YEAR").and_then(|y| best_date(y, None, None)));
    let exact = if kind.eq_ignore_ascii_case("APPROXIMATELY") {
        exact.and_then(|d| best_date(d.year(), None, None))
    } else {
        exact
    };
    exact.into_iter().collect()
}

/// `1957-04-15`, tolerating a time part; a broken date keeps its year when it has one.
fn date(text: &str) -> Option<PartialDate> {
    let text = text.trim();
    text.parse()
        .ok()
        .or_else(|| text.get(..10)?.parse().ok())
        .or_else(|| best_date(text.get(..4)?.parse().ok()?, None, None))
}

fn document(element: &Element) -> Option<IdentityDocument> {
    let number = document_number(element.text_of("NUMBER")?)?;
    let kind_text = element
        .text_of("TYPE_OF_DOCUMENT")
        .unwrap_or_default()
        .to_lowercase();
    let kind = if kind_text.is_empty() {
        DocumentKind::Unspecified
    } else if ["passport", "passeport", "pasaporte"]
        .iter()
        .any(|w| kind_text.contains(w))
    {
        DocumentKind::Passport
    } else if kind_text.starts_with("national identification") {
        DocumentKind::NationalId
    } else {
        DocumentKind::Other
    };
    let country = element
        .text_of("ISSUING_COUNTRY")
        .or_else(|| element.text_of("COUNTRY_OF_ISSUE"))
        .and_then(code_for_name);
    Some(IdentityDocument {
        kind,
        number,
        issuing_country: country,
    })
}

/// The number out of the UN's free-text `NUMBER`: "CAR diplomatic passport no. D00000898",
/// "381110042 (Expired 25 Jan. 2016)", "OB 0243318". Notes in brackets go, then whatever
/// follows the last "no."/"number"/":" is kept, then the trailing code-like words.
fn document_number(raw: &str) -> Option<String> {
    let mut text = String::new();
    let mut depth = 0usize;
    for c in raw.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => text.push(c),
            _ => {}
        }
    }
    let lower = text.to_ascii_lowercase();
    let start = ["no.", "number", ":"]
        .iter()
        .filter_map(|marker| lower.rfind(marker).map(|at| at + marker.len()))
        .max()
        .unwrap_or(0);
    let text = text.get(start..).unwrap_or(&text);
    let code_like =
        |w: &&&str| w.chars().any(|c| c.is_ascii_digit()) || !w.chars().any(char::is_lowercase);
    let words: Vec<&str> = text.split_whitespace().collect();
    let trailing = words.iter().rev().take_while(code_like).count();
    let kept = words.get(words.len() - trailing..).unwrap_or_default();
    let number = IdentityDocument::normalise_number(&kept.join(" "));
    let plausible = number.chars().any(|c| c.is_ascii_digit())
        && number.len() <= person::limits::MAX_DOCUMENT_NUMBER_CHARS;
    plausible.then_some(number)
}

#[cfg(test)]
mod tests;
