//! What the audit trail records about a subject.

use time::OffsetDateTime;
use uuid::Uuid;

/// Who did something: a caller's principal, or the registry itself; for a caller, also the
/// `x-request-id` it sent (sanitised), so that the trail can be matched with the caller's
/// own logs without that header ever standing in for the registry's request id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    name: String,
    caller_request_id: Option<String>,
}

impl Actor {
    pub fn principal(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            caller_request_id: None,
        }
    }

    /// The registry acting on its own (background screening, re-screening).
    pub fn system(component: &str) -> Self {
        Self::principal(&format!("system:{component}"))
    }

    /// This actor, calling under `caller_request_id` (already sanitised, see
    /// `service_kit::request_id`).
    pub fn with_caller_request_id(mut self, caller_request_id: Option<String>) -> Self {
        self.caller_request_id = caller_request_id;
        self
    }

    pub fn as_str(&self) -> &str {
        &self.name
    }

    pub fn caller_request_id(&self) -> Option<&str> {
        self.caller_request_id.as_deref()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    Created,
    Screened,
    Read,
    /// A read the caller's role does not allow (an intake principal asking for a subject
    /// another one registered): refused, and recorded so that probing leaves a trace.
    ReadRefused,
    /// A `CreateSubject` with a request id already taken, refused with `ALREADY_EXISTS`
    /// (another person under the id, or another principal's intake).
    ReplayRefused,
    StatusChanged,
    HitReviewed,
}

impl AuditAction {
    pub const ALL: [AuditAction; 7] = [
        AuditAction::Created,
        AuditAction::Screened,
        AuditAction::Read,
        AuditAction::ReadRefused,
        AuditAction::ReplayRefused,
        AuditAction::StatusChanged,
        AuditAction::HitReviewed,
    ];
}

impl AuditAction {
    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::Created => "created",
            AuditAction::Screened => "screened",
            AuditAction::Read => "read",
            AuditAction::ReadRefused => "read_refused",
            AuditAction::ReplayRefused => "replay_refused",
            AuditAction::StatusChanged => "status_changed",
            AuditAction::HitReviewed => "hit_reviewed",
        }
    }
}

/// One line of a subject's history. `details` describe the change without repeating the
/// person's data (states, list versions, decisions, reasons).
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEvent {
    pub id: Uuid,
    pub subject_id: Uuid,
    pub action: AuditAction,
    pub actor: Actor,
    /// The intake's `request_id` for events of an intake; otherwise an id the registry made
    /// for the call. Never a caller's header: that is `actor.caller_request_id()`.
    pub request_id: String,
    pub at: OffsetDateTime,
    pub details: String,
}

impl AuditEvent {
    pub fn new(
        subject_id: Uuid,
        action: AuditAction,
        actor: &Actor,
        request_id: &str,
        details: impl Into<String>,
    ) -> Self {
        Self {
            id: Uuid::now_v7(),
            subject_id,
            action,
            actor: actor.clone(),
            request_id: request_id.to_owned(),
            at: super::subject::now(),
            details: details.into(),
        }
    }
}
