//! Validation of `ImportWatchlist` and `DeleteWatchlist` requests.

use person::FieldViolations;
use wire::screening::v1 as pb;

use crate::domain::names::validate_list_name;
use crate::imports::ImportOrder;
use crate::lists::{ImportError, ListFiles, ListFormat};

const MAX_FILES: usize = 8;
const MAX_FILE_NAME_LEN: usize = 255;

/// A validated import: a plain list name, a known format and named, non-empty files.
pub struct ImportRequest {
    pub order: ImportOrder,
    pub files: FileFields,
}

/// The files' names in the order of the request, to name the one at fault.
pub struct FileFields(Vec<String>);

impl FileFields {
    /// The request field an import error is about: `files[i].content` for a fault in one
    /// file, `files` for the list as a whole.
    pub fn field_of(&self, error: &ImportError) -> String {
        error
            .file()
            .and_then(|file| self.0.iter().position(|n| n == file))
            .map_or_else(|| "files".to_owned(), |i| format!("files[{i}].content"))
    }
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
        let mut file_names = Vec::new();
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
            file_names.push(name.to_owned());
            files.insert(name.to_owned(), file.content);
        }
        match format {
            Some(format) if violations.is_empty() => Ok(ImportRequest {
                order: ImportOrder {
                    name: request.name,
                    format,
                    files,
                    allow_large_removal: request.allow_large_removal,
                },
                files: FileFields(file_names),
            }),
            _ => Err(violations),
        }
    }
}

/// A validated deletion: the name of a list.
pub struct DeleteRequest {
    pub name: String,
}

impl TryFrom<pb::DeleteWatchlistRequest> for DeleteRequest {
    type Error = FieldViolations;

    fn try_from(request: pb::DeleteWatchlistRequest) -> Result<Self, Self::Error> {
        let mut violations = FieldViolations::new();
        if let Err(description) = validate_list_name(&request.name) {
            violations.add("name", description);
            return Err(violations);
        }
        Ok(DeleteRequest { name: request.name })
    }
}
