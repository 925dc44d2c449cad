//! Validation of `ImportWatchlist` requests.

use person::FieldViolations;
use wire::screening::v1 as pb;

use crate::domain::names::validate_list_name;
use crate::lists::{ListFiles, ListFormat};

const MAX_FILES: usize = 8;
const MAX_FILE_NAME_LEN: usize = 255;

/// A validated import: a plain list name, a known format and named, non-empty files.
pub struct ImportRequest {
    pub name: String,
    pub format: ListFormat,
    pub files: ListFiles,
}

impl TryFrom<pb::ImportWatchlistRequest> for ImportRequest {
    type Error = FieldViolations;

    fn try_from(request: pb::ImportWatchlistRequest) -> Result<Self, Self::Error> {
        let mut violations = FieldViolations::new();
        if let Err(description) = validate_list_name(&request.name) {
            violations.add("name", description);
        }
        let format = match pb::WatchlistFormat::try_from(request.format) {
            Ok(pb::WatchlistFormat::OfacCsv) => Some(ListFormat::OfacCsv),
            Ok(pb::WatchlistFormat::UnXml) => Some(ListFormat::UnXml),
            Ok(pb::WatchlistFormat::Csv) => Some(ListFormat::Csv),
            _ => {
                violations.add("format", "must be OFAC_CSV, UN_XML or CSV");
                None
            }
        };
        if request.files.is_empty() {
            violations.add("files", "at least one file is required");
        } else if request.files.len() > MAX_FILES {
            violations.add("files", format!("at most {MAX_FILES} files are accepted"));
        }
        let mut files = ListFiles::new();
        for (i, file) in request.files.into_iter().enumerate() {
            let name = file.file_name.trim();
            let plain = !name.is_empty()
                && name.len() <= MAX_FILE_NAME_LEN
                && !name.contains(['/', '\\'])
                && !name.chars().any(char::is_control);
            if !plain {
                violations.add(
                    format!("files[{i}].file_name"),
                    "must be a plain file name such as sdn.csv",
                );
            } else if files.get(name).is_some() {
                violations.add(format!("files[{i}].file_name"), "appears twice");
            }
            if file.content.is_empty() {
                violations.add(format!("files[{i}].content"), "must not be empty");
            }
            files.insert(name.to_owned(), file.content);
        }
        match format {
            Some(format) if violations.is_empty() => Ok(ImportRequest {
                name: request.name,
                format,
                files,
            }),
            _ => Err(violations),
        }
    }
}
