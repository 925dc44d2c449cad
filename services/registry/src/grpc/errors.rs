//! The one place where the registry's errors become gRPC statuses.

use person::FieldViolations;
use service_kit::errors::{internal, invalid_argument};
use tonic::Status;

use crate::intake::IntakeError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("invalid request: {0}")]
    InvalidArgument(FieldViolations),
    #[error("subject not found")]
    NotFound,
    #[error("{0}")]
    AlreadyExists(String),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl ApiError {
    pub fn invalid(field: &str, description: impl Into<String>) -> Self {
        let mut violations = FieldViolations::new();
        violations.add(field, description);
        ApiError::InvalidArgument(violations)
    }
}

impl From<FieldViolations> for ApiError {
    fn from(violations: FieldViolations) -> Self {
        ApiError::InvalidArgument(violations)
    }
}

impl From<IntakeError> for ApiError {
    fn from(error: IntakeError) -> Self {
        match error {
            IntakeError::RequestIdReused(_) => ApiError::AlreadyExists(error.to_string()),
            IntakeError::Unexpected(error) => ApiError::Unexpected(error),
        }
    }
}

impl From<ApiError> for Status {
    fn from(error: ApiError) -> Self {
        match error {
            ApiError::InvalidArgument(violations) => invalid_argument(&violations),
            ApiError::NotFound => Status::not_found("subject not found"),
            ApiError::AlreadyExists(message) => Status::already_exists(message),
            ApiError::Unexpected(error) => internal(&error),
        }
    }
}
