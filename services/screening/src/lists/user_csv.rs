//! The project's own CSV format, for users' lists: a header row, then one entry per row.
//!
//! Columns come in any order and unknown ones are ignored. Unlike the public lists, which are
//! read leniently because nobody can fix them, a user's file is checked strictly: every bad
//! value is an error naming its line and column, so that the user can correct it.

use std::collections::HashMap;

use person::{CountryCode, DocumentKind, Gender, IdentityDocument, PartialDate, quoted};

use super::common::{push_name, push_unique, utf8};
use super::{ImportError, MAX_ENTRIES};
use crate::domain::entry::{EntryName, EntryType, NameKind, WatchlistEntry};
use strict::{Field, Reader, Record, SyntaxError};

mod strict;

#[cfg(test)]
use strict::MAX_FIELD_BYTES;

/// Limits no real entry reaches (the longest names on the public lists are under 200 bytes,
/// the most aliases of one entry under 100); a file beyond them is a mistake or an attack.
pub(super) const MAX_ID_BYTES: usize = 256;
pub(super) const MAX_NAME_BYTES: usize = 1_000;
pub(super) const MAX_ALIASES: usize = 200;
/// Dates of birth, nationalities or documents of one entry.
pub(super) const MAX_VALUES: usize = 100;

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

/// Reads the whole file or refuses it whole: the first fault found fails the import.
pub(super) fn parse(file: &str, bytes: &[u8]) -> Result<Vec<WatchlistEntry>, ImportError> {
    let text = utf8(file, bytes)?;
    let syntax = |error: SyntaxError| ImportError::MalformedAt {
        file: file.to_owned(),
        line: error.line,
        column: error.column,
        reason: error.reason,
    };
    let mut reader = Reader::new(text);
    let Some(header) = reader.record().map_err(syntax)? else {
        return Err(ImportError::Malformed {
            file: file.to_owned(),
            line: 1,
            reason: "the file is empty; it needs a header row".to_owned(),
        });
    };
    let columns = columns(file, &header)?;
    reader.allow_free_text_in(columns.get(REMARKS).copied());
    let mut entries = Vec::new();
    while let Some(record) = reader.record().map_err(syntax)? {
        if record.fields.len() != header.fields.len() {
            return Err(wrong_field_count(file, &record, header.fields.len()));
        }
        if entries.len() >= MAX_ENTRIES {
            return Err(ImportError::TooLarge {
                file: file.to_owned(),
                reason: format!("more than {MAX_ENTRIES} entries"),
            });
        }
        let row = Row {
            file,
            record: &record,
            columns: &columns,
        };
        entries.push(row.entry()?);
    }
    Ok(entries)
}

fn wrong_field_count(file: &str, record: &Record<'_>, expected: usize) -> ImportError {
    let (line, column) = record
        .fields
        .get(expected)
        .or(record.fields.last())
        .map_or((record.line, 1), |f| (f.line, f.column));
    ImportError::MalformedAt {
        file: file.to_owned(),
        line,
        column,
        reason: format!(
            "this row has {} cells and the header {expected}",
            record.fields.len()
        ),
    }
}

/// Where each known column sits; `id` and `name` must be there, and no column twice.
fn columns(file: &str, header: &Record<'_>) -> Result<HashMap<&'static str, usize>, ImportError> {
    let header_error = |reason: String| ImportError::Malformed {
        file: file.to_owned(),
        line: header.line,
        reason,
    };
    let mut columns = HashMap::new();
    for (index, cell) in header.fields.iter().enumerate() {
        let header = cell.text.trim().to_ascii_lowercase();
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
    record: &'a Record<'a>,
    columns: &'a HashMap<&'static str, usize>,
}

impl Row<'_> {
    fn entry(&self) -> Result<WatchlistEntry, ImportError> {
        let id = self.required(ID)?;
        if id.len() > MAX_ID_BYTES {
            return Err(self.bad(ID, format!("must be at most {MAX_ID_BYTES} bytes")));
        }
        let name = self.required(NAME)?;
        self.check_name(NAME, name)?;
        let mut names = vec![EntryName::new(name, NameKind::Primary)];
        for alias in self.list(ALIASES, MAX_ALIASES)? {
            self.check_name(ALIASES, alias)?;
            push_name(&mut names, alias, NameKind::Alias);
        }
        let mut birth_dates = Vec::new();
        for date in self.list(BIRTH_DATES, MAX_VALUES)? {
            let date: PartialDate = date.parse().map_err(|e| self.bad(BIRTH_DATES, e))?;
            push_unique(&mut birth_dates, date);
        }
        let mut nationalities = Vec::new();
        for code in self.list(NATIONALITIES, MAX_VALUES)? {
            let code: CountryCode = code.parse().map_err(|e| self.bad(NATIONALITIES, e))?;
            push_unique(&mut nationalities, code);
        }
        let mut documents = Vec::new();
        for document in self.list(DOCUMENTS, MAX_VALUES)? {
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
                format!(
                    "{} is not one of person, organization, vessel, aircraft",
                    quoted(raw)
                ),
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
            _ => Err(self.bad(
                GENDER,
                format!("{} is not one of male, female, other", quoted(raw)),
            )),
        }
    }

    /// `TYPE:NUMBER` or `TYPE:NUMBER:CC`, e.g. `passport:AB123:TJ`.
    fn document(&self, raw: &str) -> Result<IdentityDocument, ImportError> {
        let invalid = |reason: String| self.bad(DOCUMENTS, format!("{}: {reason}", quoted(raw)));
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

    fn cell(&self, column: &str) -> Option<&Field<'_>> {
        self.record.fields.get(*self.columns.get(column)?)
    }

    fn value(&self, column: &str) -> Option<&str> {
        let value = self.cell(column)?.text.trim();
        (!value.is_empty()).then_some(value)
    }

    fn required(&self, column: &str) -> Result<&str, ImportError> {
        self.value(column)
            .ok_or_else(|| self.bad(column, "is required".to_owned()))
    }

    fn check_name(&self, column: &str, name: &str) -> Result<(), ImportError> {
        if name.len() > MAX_NAME_BYTES {
            return Err(self.bad(
                column,
                format!(
                    "a name must be at most {MAX_NAME_BYTES} bytes, not {} ({})",
                    name.len(),
                    quoted(name)
                ),
            ));
        }
        Ok(())
    }

    /// The `;`-separated values of a column, empty ones skipped, at most `max` of them.
    fn list(&self, column: &str, max: usize) -> Result<Vec<&str>, ImportError> {
        let values: Vec<&str> = self
            .value(column)
            .unwrap_or_default()
            .split(';')
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .collect();
        if values.len() > max {
            return Err(self.bad(column, format!("at most {max} values are accepted")));
        }
        Ok(values)
    }

    /// An error at the start of `column`'s cell, naming the column.
    fn bad(&self, column: &str, reason: impl ToString) -> ImportError {
        let (line, at) = self
            .cell(column)
            .map_or((self.record.line, 1), |f| (f.line, f.column));
        ImportError::MalformedAt {
            file: self.file.to_owned(),
            line,
            column: at,
            reason: format!("column {column}: {}", reason.to_string()),
        }
    }
}

#[cfg(test)]
mod tests;
