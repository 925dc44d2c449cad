//! The parts of error-to-status mapping that are the same in every service.

use person::FieldViolations;
use tonic::{Code, Status};
use tonic_types::{ErrorDetails, StatusExt};

/// `INVALID_ARGUMENT` with a `google.rpc.BadRequest` naming every bad field. The message
/// names them too, for clients that do not decode details.
pub fn invalid_argument(violations: &FieldViolations) -> Status {
    let mut details = ErrorDetails::new();
    for violation in violations.iter() {
        details.add_bad_request_violation(&violation.field, &violation.description);
    }
    Status::with_error_details(
        Code::InvalidArgument,
        format!("invalid request: {violations}"),
        details,
    )
}

/// `INTERNAL` with a generic message; the cause is logged here and never sent to the client.
pub fn internal(error: &anyhow::Error) -> Status {
    tracing::error!(error = format!("{error:#}"), "internal error");
    Status::internal("internal error")
}
