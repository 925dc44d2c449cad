//! Reading watchlists from their published formats into `WatchlistEntry` values.
//!
//! Every format is parsed completely before anything is served, so a malformed file never
//! leaves a half-loaded list behind.

mod common;
mod countries;
mod ofac;
mod ofac_remarks;
mod un_xml;
mod user_csv;

use std::collections::HashSet;
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::domain::entry::WatchlistEntry;

/// Entries one list may hold, whatever its format. The largest public lists hold tens of
/// thousands; the bound keeps a file of tiny or empty records from growing into millions of
/// entries in memory.
pub const MAX_ENTRIES: usize = 1_000_000;

/// Parses a whole list. Any structural problem fails the import with the file and line it
/// was found at; free text the public lists carry (OFAC remarks, UN notes) is read as far as
/// it can be and never fails an import. Every entry id must be unique and the list not empty.
///
/// - `ofac-csv` uses `sdn.csv` (with `alt.csv` and `sdn_comments.csv` when present) and/or
///   `cons_prim.csv` (with `cons_alt.csv` and `cons_comments.csv`).
/// - `un-xml` and `csv` use the one file `files` holds, whatever its name.
///
/// # Errors
///
/// `Malformed` (with file and line) for a file that does not follow its format, or
/// `MalformedAt` (with line and column) for the `csv` format, where any invalid value is an
/// error too; `TooLarge` beyond `MAX_ENTRIES`; `MissingFile`/`Invalid` when the files do not
/// fit the format; `DuplicateId`; `Empty`.
pub fn parse(format: ListFormat, files: &ListFiles) -> Result<Vec<WatchlistEntry>, ImportError> {
    let entries = match format {
        ListFormat::OfacCsv => ofac::parse(files)?,
        ListFormat::UnXml => {
            let (name, bytes) = files.single()?;
            un_xml::parse(name, bytes)?
        }
        ListFormat::Csv => {
            let (name, bytes) = files.single()?;
            user_csv::parse(name, bytes)?
        }
    };
    let mut seen = HashSet::new();
    for entry in &entries {
        if !seen.insert(entry.id.as_str()) {
            return Err(ImportError::DuplicateId {
                id: entry.id.clone(),
            });
        }
    }
    if entries.is_empty() {
        return Err(ImportError::Empty);
    }
    Ok(entries)
}

/// Reads the files of a list from disk, without parsing them.
///
/// For `ofac-csv`, `path` is a folder holding `sdn.csv` and/or `cons_prim.csv` with their
/// companion files, or a single file of SDN rows (such as a dated `sdn-2024-04-26.csv`
/// snapshot), which is read as `sdn.csv`. For `un-xml` and `csv`, `path` is the list's file.
///
/// # Errors
///
/// `MissingFile` for a folder with neither `sdn.csv` nor `cons_prim.csv`; `Io` when a file
/// cannot be read.
pub fn read_files(format: ListFormat, path: &Path) -> Result<ListFiles, ImportError> {
    let read = |path: &Path| {
        std::fs::read(path).map_err(|source| ImportError::Io {
            path: path.display().to_string(),
            source,
        })
    };
    let mut files = ListFiles::new();
    match format {
        ListFormat::OfacCsv if path.is_dir() => {
            for set in [ofac::SDN, ofac::CONSOLIDATED] {
                if !path.join(set.primary).is_file() {
                    continue;
                }
                for name in [set.primary, set.aliases, set.addresses, set.comments] {
                    let file = path.join(name);
                    if file.is_file() {
                        files.insert(name, read(&file)?);
                    }
                }
            }
            if files.is_empty() {
                return Err(ImportError::MissingFile {
                    file: path.join(ofac::SDN.primary).display().to_string(),
                });
            }
        }
        ListFormat::OfacCsv => files.insert(ofac::SDN.primary, read(path)?),
        ListFormat::UnXml | ListFormat::Csv => {
            let name = path.file_name().map_or_else(
                || path.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            files.insert(name, read(path)?);
        }
    }
    Ok(files)
}

/// The formats lists are published in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ListFormat {
    /// OFAC SDN (`sdn.csv` + `alt.csv` + `add.csv`) or consolidated (`cons_prim.csv` + ...).
    OfacCsv,
    /// UN Security Council consolidated list XML.
    UnXml,
    /// The project's own CSV format (see README).
    Csv,
}

/// The raw files of one list, by file name. Hashing their content gives the list's version.
#[derive(Debug, Clone, Default)]
pub struct ListFiles {
    files: Vec<(String, Vec<u8>)>,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{file}: required file is missing")]
    MissingFile { file: String },
    #[error("{file}, line {line}: {reason}")]
    Malformed {
        file: String,
        line: u64,
        reason: String,
    },
    /// A fault at a place in a file that has columns (the `csv` format).
    #[error("{file}, line {line}, column {column}: {reason}")]
    MalformedAt {
        file: String,
        line: u64,
        column: u64,
        reason: String,
    },
    #[error("{file}: {reason}")]
    Invalid { file: String, reason: String },
    /// The file goes beyond a limit that keeps an import's memory bounded (see `MAX_ENTRIES`).
    #[error("{file}: {reason}, beyond what this service accepts")]
    TooLarge { file: String, reason: String },
    #[error("entry id {} appears more than once", person::quoted(.id))]
    DuplicateId { id: String },
    #[error("the list holds no entries")]
    Empty,
    #[error("reading {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

impl ImportError {
    /// The name of the file at fault, when the error is about one file.
    pub fn file(&self) -> Option<&str> {
        match self {
            ImportError::MissingFile { file }
            | ImportError::Malformed { file, .. }
            | ImportError::MalformedAt { file, .. }
            | ImportError::Invalid { file, .. }
            | ImportError::TooLarge { file, .. } => Some(file),
            ImportError::DuplicateId { .. } | ImportError::Empty | ImportError::Io { .. } => None,
        }
    }
}

impl ListFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            ListFormat::OfacCsv => "ofac-csv",
            ListFormat::UnXml => "un-xml",
            ListFormat::Csv => "csv",
        }
    }
}

impl std::str::FromStr for ListFormat {
    type Err = String;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        match raw {
            "ofac-csv" => Ok(ListFormat::OfacCsv),
            "un-xml" => Ok(ListFormat::UnXml),
            "csv" => Ok(ListFormat::Csv),
            other => Err(format!(
                "unknown list format {other:?}; expected ofac-csv, un-xml or csv"
            )),
        }
    }
}

impl ListFiles {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn with_file(mut self, name: impl Into<String>, content: Vec<u8>) -> Self {
        self.insert(name, content);
        self
    }

    pub fn insert(&mut self, name: impl Into<String>, content: Vec<u8>) {
        let name = name.into();
        self.files.retain(|(existing, _)| *existing != name);
        self.files.push((name, content));
        self.files.sort_by(|a, b| a.0.cmp(&b.0));
    }

    pub fn get(&self, name: &str) -> Option<&[u8]> {
        self.files
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, c)| c.as_slice())
    }

    /// Every file with its content, in name order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.files.iter().map(|(n, c)| (n.as_str(), c.as_slice()))
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.files.iter().map(|(n, _)| n.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The one file of a single-file format.
    fn single(&self) -> Result<(&str, &[u8]), ImportError> {
        match self.files.as_slice() {
            [(name, content)] => Ok((name.as_str(), content.as_slice())),
            [] => Err(ImportError::MissingFile {
                file: "the list file".to_owned(),
            }),
            _ => Err(ImportError::Invalid {
                file: self.names().collect::<Vec<_>>().join(", "),
                reason: "this format takes exactly one file".to_owned(),
            }),
        }
    }

    /// The list's version: a hash of its content alone, so that the same content always
    /// gets the same version, whatever the files were called or where they came from, and
    /// any change gets a new one. A file's name counts only where it says what the file
    /// holds: OFAC's `sdn.csv` and `alt.csv` are different parts of a list, while the one
    /// file of `un-xml` and `csv` may be called anything.
    pub fn version(&self, format: ListFormat) -> String {
        let names_matter = match format {
            ListFormat::OfacCsv => true,
            ListFormat::UnXml | ListFormat::Csv => false,
        };
        let mut hasher = Sha256::new();
        for (name, content) in &self.files {
            if names_matter {
                hasher.update((name.len() as u64).to_le_bytes());
                hasher.update(name.as_bytes());
            }
            hasher.update((content.len() as u64).to_le_bytes());
            hasher.update(content);
        }
        hex::encode(&hasher.finalize()[..16])
    }
}

#[cfg(test)]
mod country_coverage;
#[cfg(test)]
mod tests;
