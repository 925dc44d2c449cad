//! The one place where screening's errors become gRPC statuses.

use person::FieldViolations;
use service_kit::errors::{database_busy, internal, invalid_argument};
use tonic::Status;

use crate::domain::screen::ScreenError;
use crate::imports::{Busy, DeleteFailure, ImportFailure};
use crate::lists;

/// Everything a screening handler can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("invalid request: {0}")]
    InvalidArgument(FieldViolations),
    #[error("{0}")]
    NotFound(String),
    /// Another import of the same list is in progress, or replaced it meanwhile: retrying
    /// after it is done can work.
    #[error("{0}")]
    Aborted(String),
    /// Too many imports at once on this instance.
    #[error("{0}")]
    ResourceExhausted(String),
    /// The request would remove more of a list than allowed without saying so, or delete a
    /// list that must stay.
    #[error("{0}")]
    FailedPrecondition(String),
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

impl ApiError {
    /// An import's failure, with `field` naming the request field a bad file came in.
    pub fn from_import(
        failure: ImportFailure,
        field: impl FnOnce(&lists::ImportError) -> String,
    ) -> Self {
        match failure {
            ImportFailure::Invalid(error) => {
                let mut violations = FieldViolations::new();
                violations.add(field(&error), error.to_string());
                ApiError::InvalidArgument(violations)
            }
            ImportFailure::Busy(busy @ Busy::List(_)) => ApiError::Aborted(busy.to_string()),
            ImportFailure::Busy(busy @ Busy::Everything) => {
                ApiError::ResourceExhausted(busy.to_string())
            }
            ImportFailure::ChangedMeanwhile(message) => ApiError::Aborted(message),
            ImportFailure::LargeRemoval { .. } => ApiError::FailedPrecondition(failure.to_string()),
            ImportFailure::Unexpected(error) => ApiError::Unexpected(error),
        }
    }
}

impl From<DeleteFailure> for ApiError {
    fn from(failure: DeleteFailure) -> Self {
        match failure {
            DeleteFailure::NotFound(_) => ApiError::NotFound(failure.to_string()),
            DeleteFailure::Configured(_) | DeleteFailure::LastList(_) => {
                ApiError::FailedPrecondition(failure.to_string())
            }
            DeleteFailure::Busy(busy @ Busy::List(_)) => ApiError::Aborted(busy.to_string()),
            DeleteFailure::Busy(busy @ Busy::Everything) => {
                ApiError::ResourceExhausted(busy.to_string())
            }
            DeleteFailure::ChangedMeanwhile(message) => ApiError::Aborted(message),
            DeleteFailure::Unexpected(error) => ApiError::Unexpected(error),
        }
    }
}

impl From<ApiError> for Status {
    fn from(error: ApiError) -> Self {
        match error {
            ApiError::InvalidArgument(violations) => invalid_argument(&violations),
            ApiError::NotFound(message) => Status::not_found(message),
            ApiError::Aborted(message) => Status::aborted(message),
            ApiError::ResourceExhausted(message) => Status::resource_exhausted(message),
            ApiError::FailedPrecondition(message) => Status::failed_precondition(message),
            ApiError::Unexpected(error) if db::is_busy(&error) => database_busy(&error),
            ApiError::Unexpected(error) => internal(&error),
        }
    }
}
