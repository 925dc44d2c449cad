//! The project's own CSV format, for users' lists: a header row, then one entry per row.
//!
//! Columns come in any order and unknown ones are ignored. Unlike the public lists, which are
//! read leniently because nobody can fix them, a user's file is checked strictly: every bad
//! value is an error naming its line and column, so that the user can correct it.

use std::collections::HashMap;

use csv::StringRecord;
use person::{CountryCode, DocumentKind, Gender, IdentityDocument, PartialDate};

use super::ImportError;
use super::common::{push_name, push_unique, utf8};
use crate::domain::entry::{EntryName, EntryType, NameKind, WatchlistEntry};

const ID: &str = "id";
const NAME: &str = "name";
const ALIASES: &str = "aliases";
const BIRTH_DATES: &str = "birth_dates";
const NATIONALITIES: &str = "nationalities";
const TYPE: &str = "type";
const REMARKS: &str = "remarks";
const GENDER: &str = "gender";
const DOCUMENTS: &str = "documents";
const KNOWN: [&str; 9] = [
    ID,
    NAME,
    ALIASES,
    BIRTH_DATES,
    NATIONALITIES,
    TYPE,
    REMARKS,
    GENDER,
    DOCUMENTS,
];

pub(super) fn parse(file: &str, bytes: &[u8]) -> Result<Vec<WatchlistEntry>, ImportError> {
    let text = utf8(file, bytes)?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(text.as_bytes());
    let csv_error = |err: csv::Error| ImportError::Malformed {
        file: file.to_owned(),
        line: err.position().map_or(1, csv::Position::line),
        reason: err.to_string(),
    };
    let columns = columns(file, reader.headers().map_err(csv_error)?)?;
    let mut entries = Vec::new();
    let mut record = StringRecord::new();
    while reader.read_record(&mut record).map_err(csv_error)? {
        let row = Row {
            file,
            line: record.position().map_or(0, csv::Position::line),
            record: &record,
            columns: &columns,
        };
        entries.push(row.entry()?);
    }
    Ok(entries)
}

/// Where each known column sits; `id` and `name` must be there, and no column twice.
fn columns(
    file: &str,
    headers: &StringRecord,
) -> Result<HashMap<&'static str, usize>, ImportError> {
    let header_error = |reason: String| ImportError::Malformed {
        file: file.to_owned(),
        line: 1,
        reason,
    };
    let mut columns = HashMap::new();
    for (index, header) in headers.iter().enumerate() {
        let header = header.trim().to_ascii_lowercase();
        let Some(known) = KNOWN.iter().find(|k| **k == header) else {
            continue;
        };
        if columns.insert(*known, index).is_some() {
            return Err(header_error(format!("column {known} appears twice")));
        }
    }
    for required in [ID, NAME] {
        if !columns.contains_key(required) {
            return Err(header_error(format!("the header has no {required} column")));
        }
    }
    Ok(columns)
}

struct Row<'a> {
    file: &'a str,
    line: u64,
    record: &'a StringRecord,
    columns: &'a HashMap<&'static str, usize>,
}

impl Row<'_> {
    fn entry(&self) -> Result<WatchlistEntry, ImportError> {
        let id = self.required(ID)?;
        let mut names = vec![EntryName::new(self.required(NAME)?, NameKind::Primary)];
        for alias in self.list(ALIASES) {
            push_name(&mut names, alias, NameKind::Alias);
        }
        let mut birth_dates = Vec::new();
        for date in self.list(BIRTH_DATES) {
            let date: PartialDate = date.parse().map_err(|e| self.bad(BIRTH_DATES, e))?;
            push_unique(&mut birth_dates, date);
        }
        let mut nationalities = Vec::new();
        for code in self.list(NATIONALITIES) {
            let code: CountryCode = code.parse().map_err(|e| self.bad(NATIONALITIES, e))?;
            push_unique(&mut nationalities, code);
        }
        let mut documents = Vec::new();
        for document in self.list(DOCUMENTS) {
            push_unique(&mut documents, self.document(document)?);
        }
        Ok(WatchlistEntry {
            id: id.to_owned(),
            entry_type: self.entry_type()?,
            names,
            birth_dates,
            nationalities,
            gender: self.gender()?,
            documents,
            programs: Vec::new(),
            remarks: self.value(REMARKS).map(str::to_owned),
        })
    }

    fn entry_type(&self) -> Result<EntryType, ImportError> {
        let Some(raw) = self.value(TYPE) else {
            return Ok(EntryType::Person);
        };
        match raw.to_ascii_lowercase().as_str() {
            "person" => Ok(EntryType::Person),
            "organization" => Ok(EntryType::Organization),
            "vessel" => Ok(EntryType::Vessel),
            "aircraft" => Ok(EntryType::Aircraft),
            _ => Err(self.bad(
                TYPE,
                format!("{raw:?} is not one of person, organization, vessel, aircraft"),
            )),
        }
    }

    fn gender(&self) -> Result<Option<Gender>, ImportError> {
        let Some(raw) = self.value(GENDER) else {
            return Ok(None);
        };
        match raw.to_ascii_lowercase().as_str() {
            "male" => Ok(Some(Gender::Male)),
            "female" => Ok(Some(Gender::Female)),
            "other" => Ok(Some(Gender::Other)),
            _ => Err(self.bad(GENDER, format!("{raw:?} is not one of male, female, other"))),
        }
    }

    /// `TYPE:NUMBER` or `TYPE:NUMBER:CC`, e.g. `passport:AB123:TJ`.
    fn document(&self, raw: &str) -> Result<IdentityDocument, ImportError> {
        let invalid = |reason: String| self.bad(DOCUMENTS, format!("{raw:?}: {reason}"));
        let parts: Vec<&str> = raw.split(':').map(str::trim).collect();
        let (kind, number, country) = match parts.as_slice() {
            [kind, number] => (*kind, *number, None),
            [kind, number, country] => (*kind, *number, Some(*country)),
            _ => {
                return Err(invalid(
                    "expected TYPE:NUMBER or TYPE:NUMBER:COUNTRY".into(),
                ));
            }
        };
        let kind = match kind.to_ascii_lowercase().as_str() {
            "passport" => DocumentKind::Passport,
            "national_id" => DocumentKind::NationalId,
            "driving_licence" | "driving_license" => DocumentKind::DrivingLicence,
            "residence_permit" => DocumentKind::ResidencePermit,
            "tax_id" => DocumentKind::TaxId,
            "other" => DocumentKind::Other,
            _ => {
                return Err(invalid(
                    "the type must be passport, national_id, driving_licence, \
                     residence_permit, tax_id or other"
                        .into(),
                ));
            }
        };
        let number = IdentityDocument::normalise_number(number);
        if number.is_empty() || number.len() > person::limits::MAX_DOCUMENT_NUMBER_CHARS {
            return Err(invalid(format!(
                "the number must have 1 to {} letters or digits",
                person::limits::MAX_DOCUMENT_NUMBER_CHARS
            )));
        }
        let issuing_country = country
            .map(|c| c.parse::<CountryCode>())
            .transpose()
            .map_err(|e| invalid(e.to_string()))?;
        Ok(IdentityDocument {
            kind,
            number,
            issuing_country,
        })
    }

    fn value(&self, column: &str) -> Option<&str> {
        let index = *self.columns.get(column)?;
        let value = self.record.get(index)?.trim();
        (!value.is_empty()).then_some(value)
    }

    fn required(&self, column: &str) -> Result<&str, ImportError> {
        self.value(column)
            .ok_or_else(|| self.bad(column, "is required".to_owned()))
    }

    /// The `;`-separated values of a column, empty ones skipped.
    fn list(&self, column: &str) -> impl Iterator<Item = &str> {
        self.value(column)
            .unwrap_or_default()
            .split(';')
            .map(str::trim)
            .filter(|v| !v.is_empty())
    }

    fn bad(&self, column: &str, reason: impl ToString) -> ImportError {
        ImportError::Malformed {
            file: self.file.to_owned(),
            line: self.line,
            reason: format!("column {column}: {}", reason.to_string()),
        }
    }
}

#[cfg(test)]
mod tests;
