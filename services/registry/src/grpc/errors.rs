//! The one place where the registry's errors become gRPC statuses.

use person::FieldViolations;
use service_kit::errors::{database_busy, internal, invalid_argument};
use tonic::Status;

use crate::casework::CaseError;
use crate::intake::IntakeError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("invalid request: {0}")]
    InvalidArgument(FieldViolations),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    AlreadyExists(String),
    #[error("{0}")]
    PermissionDenied(String),
    #[error("{0}")]
    FailedPrecondition(String),
    #[error("{0}")]
    Aborted(String),

    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl ApiError {
    pub fn subject_not_found() -> Self {
        ApiError::NotFound("subject not found".to_owned())
    }

    /// An intake principal asking for a subject it did not register (or for an id that
    /// names no subject: the answer is the same).
    pub fn not_registered_by_caller() -> Self {
        ApiError::PermissionDenied(
            "the intake role reads only the subjects its own intakes registered".to_owned(),
        )
    }

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
            IntakeError::RequestIdReused(_) | IntakeError::RequestIdTaken(_) => {
                ApiError::AlreadyExists(error.to_string())
            }
            IntakeError::Unexpected(error) => ApiError::Unexpected(error),
        }
    }
}

impl From<CaseError> for ApiError {
    fn from(error: CaseError) -> Self {
        match error {
            CaseError::NotFound => ApiError::subject_not_found(),
            CaseError::Stale => ApiError::Aborted(error.to_string()),
            CaseError::NotAllowedNow(message) => ApiError::FailedPrecondition(message),
            CaseError::NoSuchHit { .. } => ApiError::NotFound(error.to_string()),
            CaseError::Unexpected(error) => ApiError::Unexpected(error),
        }
    }
}

impl From<ApiError> for Status {
    fn from(error: ApiError) -> Self {
        match error {
            ApiError::InvalidArgument(violations) => invalid_argument(&violations),
            ApiError::NotFound(message) => Status::not_found(message),
            ApiError::AlreadyExists(message) => Status::already_exists(message),
            ApiError::PermissionDenied(message) => Status::permission_denied(message),
            ApiError::FailedPrecondition(message) => Status::failed_precondition(message),
            ApiError::Aborted(message) => Status::aborted(message),
            ApiError::Unexpected(error) if db::is_busy(&error) => database_busy(&error),
            ApiError::Unexpected(error) => internal(&error),
        }
    }
}
