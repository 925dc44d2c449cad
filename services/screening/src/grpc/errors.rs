//! The one place where screening's errors become gRPC statuses.

use person::FieldViolations;
use service_kit::errors::{internal, invalid_argument};
use tonic::Status;

use crate::domain::screen::ScreenError;
use crate::imports::ImportFailure;

/// Everything a screening handler can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("invalid request: {0}")]
    InvalidArgument(FieldViolations),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl From<FieldViolations> for ApiError {
    fn from(violations: FieldViolations) -> Self {
        ApiError::InvalidArgument(violations)
    }
}

impl From<ScreenError> for ApiError {
    fn from(error: ScreenError) -> Self {
        let mut violations = FieldViolations::new();
        match error {
            ScreenError::UnknownWatchlist(_) => violations.add("watchlists", error.to_string()),
        }
        ApiError::InvalidArgument(violations)
    }
}

impl From<ImportFailure> for ApiError {
    fn from(failure: ImportFailure) -> Self {
        match failure {
            ImportFailure::Invalid(error) => {
                let mut violations = FieldViolations::new();
                violations.add("files", error.to_string());
                ApiError::InvalidArgument(violations)
            }
            ImportFailure::Unexpected(error) => ApiError::Unexpected(error),
        }
    }
}

impl From<ApiError> for Status {
    fn from(error: ApiError) -> Self {
        match error {
            ApiError::InvalidArgument(violations) => invalid_argument(&violations),
            ApiError::Unexpected(error) => internal(&error),
        }
    }
}
