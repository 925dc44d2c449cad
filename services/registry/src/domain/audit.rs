//! What the audit trail records about a subject.

use time::OffsetDateTime;
use uuid::Uuid;

/// Who did something: a caller's principal, or the registry itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor(String);

impl Actor {
    pub fn principal(name: &str) -> Self {
        Self(name.to_owned())
    }

    /// The registry acting on its own (background screening, re-screening).
    pub fn system(component: &str) -> Self {
        Self(format!("system:{component}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    Created,
    Screened,
    Read,
    StatusChanged,
    HitReviewed,
}

impl AuditAction {
    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::Created => "created",
            AuditAction::Screened => "screened",
            AuditAction::Read => "read",
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
