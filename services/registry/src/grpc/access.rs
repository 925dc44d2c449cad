//! Which roles may call which registry method (least privilege).

use service_kit::auth::{Access, Principal, is_public_path};

/// Register people, and read back the subjects they register.
pub const INTAKE: &str = "intake";
/// Read subjects and statistics.
pub const VIEWER: &str = "viewer";
/// Confirm or dismiss hits.
pub const REVIEWER: &str = "reviewer";
/// Move cases through their lifecycle.
pub const CASE_OFFICER: &str = "case-officer";
/// Read the audit trail.
pub const AUDITOR: &str = "auditor";
pub const ADMIN: &str = "admin";

/// Roles that read every subject. The intake role reads only the subjects it registered.
const READ_EVERY_SUBJECT: &[&str] = &[VIEWER, REVIEWER, CASE_OFFICER, AUDITOR, ADMIN];

pub fn reads_every_subject(principal: &Principal) -> bool {
    READ_EVERY_SUBJECT
        .iter()
        .any(|role| principal.roles.contains(*role))
}

pub fn policy(path: &str) -> Access {
    match path.strip_prefix("/registry.v1.RegistryService/") {
        Some("CreateSubject" | "BulkCreateSubjects") => Access::AnyOf(&[INTAKE, ADMIN]),
        // The intake role only for the subjects it registered (see `grpc::readable`).
        Some("GetSubject") => {
            Access::AnyOf(&[INTAKE, VIEWER, REVIEWER, CASE_OFFICER, AUDITOR, ADMIN])
        }
        Some("ListSubjects" | "GetSubjectStatistics") => Access::AnyOf(READ_EVERY_SUBJECT),
        Some("ReviewHit") => Access::AnyOf(&[REVIEWER, ADMIN]),
        Some("UpdateSubjectStatus") => Access::AnyOf(&[CASE_OFFICER, ADMIN]),
        Some("ListSubjectHistory") => Access::AnyOf(&[AUDITOR, ADMIN]),
        _ if is_public_path(path) => Access::Public,
        _ => Access::AnyOf(&[]),
    }
}
