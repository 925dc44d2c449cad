//! The parts of error-to-status mapping that are the same in every service.

use person::FieldViolations;
use tonic::{Code, Status};
use tonic_types::{ErrorDetails, StatusExt};

/// The most of one violation's description a client gets. Descriptions quote values by a
/// short prefix (`person::quoted`); this is the net for text that quotes something else,
/// such as an XML parser's error naming an element, so that no message outgrows the size
/// clients accept for the `grpc-message` header.
const MAX_DESCRIPTION_CHARS: usize = 1_000;

/// `INVALID_ARGUMENT` with a `google.rpc.BadRequest` naming every bad field. The message
/// names them too, for clients that do not decode details.
pub fn invalid_argument(violations: &FieldViolations) -> Status {
    let mut details = ErrorDetails::new();
    let mut message = String::from("invalid request: ");
    for (i, violation) in violations.iter().enumerate() {
        let field = person::shortened(&violation.field, MAX_DESCRIPTION_CHARS);
        let description = person::shortened(&violation.description, MAX_DESCRIPTION_CHARS);
        details.add_bad_request_violation(field.as_ref(), description.as_ref());
        if i > 0 {
            message.push_str("; ");
        }
        message.push_str(&format!("{field}: {description}"));
    }
    Status::with_error_details(Code::InvalidArgument, message, details)
}

/// `UNAVAILABLE` for a database that was busy or out of reach (`db::is_busy`): the caller
/// may retry later. The cause is logged here and never sent to the client.
pub fn database_busy(error: &anyhow::Error) -> Status {
    tracing::warn!(error = format!("{error:#}"), "database busy");
    Status::unavailable("the database is busy; retry with backoff")
}

/// `INTERNAL` with a generic message; the cause is logged here and never sent to the client.
pub fn internal(error: &anyhow::Error) -> Status {
    tracing::error!(error = format!("{error:#}"), "internal error");
    Status::internal("internal error")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_description_is_cut_in_the_message_and_the_details() {
        let mut violations = FieldViolations::new();
        violations.add("files[0].content", "x".repeat(100_000));
        violations.add("name", "must not be empty");

        let status = invalid_argument(&violations);

        assert!(status.message().len() < 1_200, "{}", status.message().len());
        assert!(
            status.message().ends_with("…; name: must not be empty"),
            "{}",
            status.message()
        );
        let details = status.get_details_bad_request().expect("details");
        assert_eq!(
            details.field_violations[0].description.chars().count(),
            MAX_DESCRIPTION_CHARS + 1
        );
    }
}
