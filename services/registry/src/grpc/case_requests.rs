//! Validation of the casework requests (status changes, hit reviews, history).

use person::FieldViolations;
use uuid::Uuid;
use wire::registry::v1 as pb;

use super::convert::{decode_page_token, status_from_wire, subject_id};
use crate::casework::HitDecision;
use crate::domain::screening::Decision;
use crate::domain::subject::SubjectStatus;

const MAX_REASON_CHARS: usize = 2000;
const DEFAULT_HISTORY_PAGE: i64 = 100;
const MAX_HISTORY_PAGE: i64 = 1000;

pub struct StatusChange {
    pub id: Uuid,
    pub status: SubjectStatus,
    pub reason: String,
    pub expected_revision: Option<i64>,
}

pub struct Review {
    pub id: Uuid,
    pub decision: HitDecision,
    pub expected_revision: Option<i64>,
}

pub struct HistoryPage {
    pub id: Uuid,
    pub after: Option<Uuid>,
    pub page_size: i64,
}

fn collect<T>(violations: &mut FieldViolations, result: Result<T, FieldViolations>) -> Option<T> {
    result
        .map_err(|inner| {
            for v in inner {
                violations.add(v.field, v.description);
            }
        })
        .ok()
}

fn reason(violations: &mut FieldViolations, raw: &str) -> String {
    let reason = raw.trim().to_owned();
    if reason.is_empty() {
        violations.add("reason", "is required: say why, for the audit trail");
    } else if reason.chars().count() > MAX_REASON_CHARS {
        violations.add(
            "reason",
            format!("must be at most {MAX_REASON_CHARS} characters"),
        );
    } else if reason.chars().any(|c| c.is_control() && c != '\n') {
        violations.add("reason", "must not contain control characters");
    }
    reason
}

/// The revision an etag names; an empty etag means "whatever is current".
fn etag(violations: &mut FieldViolations, raw: &str) -> Option<i64> {
    if raw.is_empty() {
        return None;
    }
    raw.parse::<i64>()
        .map_err(|_| violations.add("etag", "is not an etag returned by this service"))
        .ok()
}

impl TryFrom<pb::UpdateSubjectStatusRequest> for StatusChange {
    type Error = FieldViolations;

    fn try_from(request: pb::UpdateSubjectStatusRequest) -> Result<Self, Self::Error> {
        let mut violations = FieldViolations::new();
        let id = collect(&mut violations, subject_id("id", &request.id));
        let status = pb::SubjectStatus::try_from(request.status)
            .ok()
            .and_then(status_from_wire);
        if status.is_none() {
            violations.add("status", "must be a case status other than UNSPECIFIED");
        }
        let reason = reason(&mut violations, &request.reason);
        let expected_revision = etag(&mut violations, &request.etag);
        match (id, status) {
            (Some(id), Some(status)) if violations.is_empty() => Ok(StatusChange {
                id,
                status,
                reason,
                expected_revision,
            }),
            _ => Err(violations),
        }
    }
}

impl TryFrom<pb::ReviewHitRequest> for Review {
    type Error = FieldViolations;

    fn try_from(request: pb::ReviewHitRequest) -> Result<Self, Self::Error> {
        let mut violations = FieldViolations::new();
        let id = collect(
            &mut violations,
            subject_id("subject_id", &request.subject_id),
        );
        for (field, value) in [
            ("watchlist", &request.watchlist),
            ("entry_id", &request.entry_id),
        ] {
            if value.trim().is_empty() {
                violations.add(
                    field,
                    "is required: name the hit as the screening reported it",
                );
            }
        }
        let decision = match pb::HitDecision::try_from(request.decision) {
            Ok(pb::HitDecision::Confirmed) => Some(Decision::Confirmed),
            Ok(pb::HitDecision::FalsePositive) => Some(Decision::FalsePositive),
            _ => {
                violations.add("decision", "must be CONFIRMED or FALSE_POSITIVE");
                None
            }
        };
        let reason = reason(&mut violations, &request.reason);
        let expected_revision = etag(&mut violations, &request.etag);
        match (id, decision) {
            (Some(id), Some(decision)) if violations.is_empty() => Ok(Review {
                id,
                decision: HitDecision {
                    watchlist: request.watchlist.trim().to_owned(),
                    entry_id: request.entry_id.trim().to_owned(),
                    decision,
                    reason,
                },
                expected_revision,
            }),
            _ => Err(violations),
        }
    }
}

impl TryFrom<pb::ListSubjectHistoryRequest> for HistoryPage {
    type Error = FieldViolations;

    fn try_from(request: pb::ListSubjectHistoryRequest) -> Result<Self, Self::Error> {
        let mut violations = FieldViolations::new();
        let id = collect(&mut violations, subject_id("id", &request.id));
        let page_size = match i64::from(request.page_size) {
            0 => DEFAULT_HISTORY_PAGE,
            size if size < 0 => {
                violations.add("page_size", "must not be negative");
                DEFAULT_HISTORY_PAGE
            }
            size => size.min(MAX_HISTORY_PAGE),
        };
        let after = if request.page_token.is_empty() {
            None
        } else {
            decode_page_token(&request.page_token)
                .map_err(|_| violations.add("page_token", "is not a token from a previous page"))
                .ok()
        };
        match id {
            Some(id) if violations.is_empty() => Ok(HistoryPage {
                id,
                after,
                page_size,
            }),
            _ => Err(violations),
        }
    }
}
