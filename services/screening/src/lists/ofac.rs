//! OFAC's CSV publication: the SDN list (`sdn.csv`, `alt.csv`, `add.csv`, `sdn_comments.csv`)
//! and the consolidated non-SDN list (`cons_prim.csv`, `cons_alt.csv`, ...).
//!
//! The files have no header row, `-0-` marks a missing value, and each file ends with a DOS
//! end-of-file byte (0x1A). Remarks longer than the column allows continue in the comments
//! file, cut mid-word, so the two are joined before the remarks are read.

use std::collections::HashMap;

use csv::StringRecord;

use super::common::{
    LineCounter, MAX_NAMES_PER_ENTRY, MAX_REMARKS_BYTES, push_name, push_unique, utf8_or_latin1,
};
use super::{ImportError, ListFiles, MAX_ENTRIES, ofac_remarks};
use crate::domain::entry::{EntryName, EntryType, NameKind, WatchlistEntry};

/// The files of one OFAC list, by the names OFAC publishes them under.
#[derive(Debug, Clone, Copy)]
pub(super) struct FileSet {
    pub primary: &'static str,
    pub aliases: &'static str,
    /// Read so that an address change gives the list a new version; entries keep no address.
    pub addresses: &'static str,
    pub comments: &'static str,
}

pub(super) const SDN: FileSet = FileSet {
    primary: "sdn.csv",
    aliases: "alt.csv",
    addresses: "add.csv",
    comments: "sdn_comments.csv",
};

pub(super) const CONSOLIDATED: FileSet = FileSet {
    primary: "cons_prim.csv",
    aliases: "cons_alt.csv",
    addresses: "cons_add.csv",
    comments: "cons_comments.csv",
};

const PRIMARY_COLUMNS: usize = 12;
const ALIAS_COLUMNS: usize = 4;
const COMMENT_COLUMNS: usize = 2;

/// Both lists when both are present: OFAC numbers entries across its lists, so they merge
/// without clashes.
pub(super) fn parse(files: &ListFiles) -> Result<Vec<WatchlistEntry>, ImportError> {
    let mut entries = Vec::new();
    let mut found = false;
    for set in [SDN, CONSOLIDATED] {
        if let Some(primary) = files.get(set.primary) {
            found = true;
            entries.extend(parse_set(set, primary, files)?);
        }
    }
    if !found {
        return Err(ImportError::MissingFile {
            file: format!("{} (or {})", SDN.primary, CONSOLIDATED.primary),
        });
    }
    Ok(entries)
}

struct Draft {
    entry: WatchlistEntry,
    remarks: String,
    /// Rows of the aliases file read for this entry, repeated names included.
    alias_rows: usize,
}

fn parse_set(
    set: FileSet,
    primary: &[u8],
    files: &ListFiles,
) -> Result<Vec<WatchlistEntry>, ImportError> {
    let mut drafts: Vec<Draft> = Vec::new();
    let mut by_id: HashMap<String, usize> = HashMap::new();
    for_each_record(set.primary, primary, PRIMARY_COLUMNS, |line, record| {
        if drafts.len() >= MAX_ENTRIES {
            return Err(ImportError::TooLarge {
                file: set.primary.to_owned(),
                reason: format!("more than {MAX_ENTRIES} entries"),
            });
        }
        let draft = primary_row(set.primary, line, record)?;
        if by_id.insert(draft.entry.id.clone(), drafts.len()).is_some() {
            return Err(ImportError::DuplicateId { id: draft.entry.id });
        }
        drafts.push(draft);
        Ok(())
    })?;

    if let Some(comments) = files.get(set.comments) {
        for_each_record(set.comments, comments, COMMENT_COLUMNS, |line, record| {
            let draft = owner(&mut drafts, &by_id, set.comments, line, record)?;
            let more = record.get(1).unwrap_or_default();
            if draft.remarks.len() + more.len() > MAX_REMARKS_BYTES {
                return Err(malformed(
                    set.comments,
                    line,
                    format!(
                        "the remarks of entry {} exceed {MAX_REMARKS_BYTES} bytes",
                        draft.entry.id
                    ),
                ));
            }
            draft.remarks.push_str(more);
            Ok(())
        })?;
    }

    if let Some(aliases) = files.get(set.aliases) {
        for_each_record(set.aliases, aliases, ALIAS_COLUMNS, |line, record| {
            let draft = owner(&mut drafts, &by_id, set.aliases, line, record)?;
            draft.alias_rows += 1;
            if draft.alias_rows >= MAX_NAMES_PER_ENTRY {
                return Err(malformed(
                    set.aliases,
                    line,
                    format!(
                        "entry {} has more than {MAX_NAMES_PER_ENTRY} names",
                        draft.entry.id
                    ),
                ));
            }
            if let Some(name) = field(record, 3) {
                let kind = alias_kind(field(record, 2), field(record, 4));
                push_name(&mut draft.entry.names, name, kind);
            }
            Ok(())
        })?;
    }

    Ok(drafts.into_iter().map(finish).collect())
}

fn primary_row(file: &str, line: u64, record: &StringRecord) -> Result<Draft, ImportError> {
    let id = entry_number(file, line, record)?;
    let Some(name) = field(record, 1) else {
        return Err(malformed(file, line, format!("entry {id} has no name")));
    };
    let entry_type = match field(record, 2).map(str::to_ascii_lowercase).as_deref() {
        None => EntryType::Organization,
        Some("individual") => EntryType::Person,
        Some("vessel") => EntryType::Vessel,
        Some("aircraft") => EntryType::Aircraft,
        Some("entity") => EntryType::Organization,
        Some(other) => {
            return Err(malformed(
                file,
                line,
                format!("entry {id} has an unknown type {}", person::quoted(other)),
            ));
        }
    };
    let programs = field(record, 3).map(programs).unwrap_or_default();
    Ok(Draft {
        entry: WatchlistEntry {
            id,
            entry_type,
            names: vec![EntryName::new(name, NameKind::Primary)],
            birth_dates: Vec::new(),
            nationalities: Vec::new(),
            gender: None,
            documents: Vec::new(),
            programs,
            remarks: None,
        },
        remarks: field(record, 11).unwrap_or_default().to_owned(),
        alias_rows: 0,
    })
}

/// "SDGT] [IRGC" holds two programmes: OFAC strips the outer brackets of "[SDGT] [IRGC]".
fn programs(raw: &str) -> Vec<String> {
    let mut programs = Vec::new();
    for program in raw.split("] [") {
        let program = program.trim_matches(|c: char| c == '[' || c == ']' || c.is_whitespace());
        if !program.is_empty() {
            push_unique(&mut programs, program.to_owned());
        }
    }
    programs
}

fn alias_kind(alias_type: Option<&str>, remarks: Option<&str>) -> NameKind {
    let weak = |s: Option<&str>| s.is_some_and(|s| s.to_ascii_lowercase().contains("weak"));
    if weak(alias_type) || weak(remarks) {
        NameKind::WeakAlias
    } else {
        NameKind::Alias
    }
}

/// Reads the remarks once every continuation has been joined to them.
fn finish(draft: Draft) -> WatchlistEntry {
    let Draft {
        mut entry, remarks, ..
    } = draft;
    let facts = ofac_remarks::parse(&remarks);
    for alias in facts.aliases {
        push_name(&mut entry.names, &alias.full_name, alias.kind);
    }
    entry.birth_dates = facts.birth_dates;
    entry.nationalities = facts.nationalities;
    entry.gender = facts.gender;
    entry.documents = facts.documents;
    let remarks = remarks.trim();
    entry.remarks = (!remarks.is_empty()).then(|| remarks.to_owned());
    entry
}

/// The entry a row of a secondary file belongs to; a row for an entry the primary file lacks
/// means the files come from different publications.
fn owner<'d>(
    drafts: &'d mut [Draft],
    by_id: &HashMap<String, usize>,
    file: &str,
    line: u64,
    record: &StringRecord,
) -> Result<&'d mut Draft, ImportError> {
    let id = entry_number(file, line, record)?;
    by_id
        .get(&id)
        .and_then(|&index| drafts.get_mut(index))
        .ok_or_else(|| {
            malformed(
                file,
                line,
                format!("entry {id} is not in the main list file"),
            )
        })
}

fn entry_number(file: &str, line: u64, record: &StringRecord) -> Result<String, ImportError> {
    match field(record, 0) {
        // OFAC's numbers have up to six digits; twenty leaves room and keeps messages short.
        Some(id) if id.len() <= 20 && id.bytes().all(|b| b.is_ascii_digit()) => Ok(id.to_owned()),
        Some(other) => Err(malformed(
            file,
            line,
            format!(
                "the entry number {} is not a number of up to 20 digits",
                person::quoted(other)
            ),
        )),
        None => Err(malformed(
            file,
            line,
            "the entry number is missing".to_owned(),
        )),
    }
}

/// A trimmed value, or `None` for OFAC's `-0-` and for empty cells.
fn field(record: &StringRecord, index: usize) -> Option<&str> {
    let value = record.get(index)?.trim();
    (!value.is_empty() && value != "-0-").then_some(value)
}

fn for_each_record(
    file: &str,
    bytes: &[u8],
    min_columns: usize,
    mut visit: impl FnMut(u64, &StringRecord) -> Result<(), ImportError>,
) -> Result<(), ImportError> {
    let text = utf8_or_latin1(bytes);
    let text = text.trim_end_matches(|c: char| c == '\u{1a}' || c.is_whitespace());
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut record = StringRecord::new();
    // On OFAC's CRLF line ends the csv crate ends a record at the CR and starts the next at
    // the LF, one line early; so lines are counted from the first byte after the line end.
    let mut lines = LineCounter::default();
    let mut line_at = |position: Option<&csv::Position>| {
        let mut byte = position.map_or(0, |p| usize::try_from(p.byte()).unwrap_or(usize::MAX));
        while matches!(text.as_bytes().get(byte), Some(b'\r' | b'\n')) {
            byte += 1;
        }
        lines.line(text, byte)
    };
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => return Ok(()),
            Ok(true) => {}
            Err(err) => {
                let line = line_at(err.position());
                return Err(malformed(file, line, err.to_string()));
            }
        }
        let line = line_at(record.position());
        if record.len() < min_columns {
            return Err(malformed(
                file,
                line,
                format!(
                    "expected at least {min_columns} columns, found {}",
                    record.len()
                ),
            ));
        }
        visit(line, &record)?;
    }
}

fn malformed(file: &str, line: u64, reason: String) -> ImportError {
    ImportError::Malformed {
        file: file.to_owned(),
        line,
        reason,
    }
}

#[cfg(test)]
mod tests;
