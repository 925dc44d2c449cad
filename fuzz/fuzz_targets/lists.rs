//! Every list parser of the screening service on arbitrary files: `lists::parse` must
//! refuse what it cannot read with an error, never panic, and keep to its documented limits.
//!
//! The first byte chooses the format (and, for OFAC, the SDN or the consolidated set); the
//! rest is the list's file. OFAC's files are separated by a NUL byte, which no CSV file
//! holds: primary, aliases, addresses, comments, in that order.

#![no_main]

use libfuzzer_sys::fuzz_target;
use screening::lists::{self, ImportError, ListFiles, ListFormat};

/// Names one entry may be given, as `lists::common::MAX_NAMES_PER_ENTRY` documents.
const MAX_NAMES_PER_ENTRY: usize = 500;
/// Bytes of one OFAC entry's joined remarks (`lists::common::MAX_REMARKS_BYTES`).
const MAX_REMARKS_BYTES: usize = 64 * 1024;

const SDN: [&str; 4] = ["sdn.csv", "alt.csv", "add.csv", "sdn_comments.csv"];
const CONSOLIDATED: [&str; 4] = [
    "cons_prim.csv",
    "cons_alt.csv",
    "cons_add.csv",
    "cons_comments.csv",
];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, content)) = data.split_first() else {
        return;
    };
    let (format, files) = match selector % 4 {
        0 => (ListFormat::OfacCsv, ofac_files(SDN, content)),
        1 => (ListFormat::OfacCsv, ofac_files(CONSOLIDATED, content)),
        2 => (
            ListFormat::UnXml,
            ListFiles::new().with_file("consolidated.xml", content.to_vec()),
        ),
        _ => (
            ListFormat::Csv,
            ListFiles::new().with_file("list.csv", content.to_vec()),
        ),
    };
    match lists::parse(format, &files) {
        Ok(entries) => {
            assert!(!entries.is_empty(), "an empty list is an error");
            assert!(entries.len() <= lists::MAX_ENTRIES);
            for entry in &entries {
                assert!(!entry.names.is_empty(), "entry {:?} has no name", entry.id);
                assert!(entry.names.len() <= MAX_NAMES_PER_ENTRY);
                let remarks = entry.remarks.as_deref().unwrap_or_default();
                assert!(remarks.len() <= MAX_REMARKS_BYTES);
            }
        }
        Err(error) => check_error(&error),
    }
});

fn ofac_files(names: [&str; 4], content: &[u8]) -> ListFiles {
    let mut files = ListFiles::new();
    for (name, part) in names.into_iter().zip(content.split(|&b| b == 0)) {
        files.insert(name, part.to_vec());
    }
    files
}

/// Errors quote at most a short prefix of a bad value (issue 10, item 5), so no error
/// message grows with the input.
fn check_error(error: &ImportError) {
    let message = error.to_string();
    assert!(
        message.chars().count() <= 1_000,
        "error message of {} characters: {message:.200}",
        message.chars().count()
    );
}
