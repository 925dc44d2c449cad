//! Wire messages to domain types (validating) and back.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use person::{FieldViolations, Person};
use prost_types::Timestamp;
use time::OffsetDateTime;
use uuid::Uuid;
use wire::common::v1 as common;
use wire::registry::v1 as pb;

use crate::domain::audit::AuditEvent;
use crate::domain::screening::{Decision, HitReview};
use crate::domain::subject::{RequestId, ScreeningState, Subject, SubjectStatus};
use crate::screening_client::hit_to_wire;
use crate::store::SubjectFilter;

const DEFAULT_PAGE_SIZE: i64 = 50;
const MAX_PAGE_SIZE: i64 = 500;

/// A validated `CreateSubjectRequest`.
#[derive(Debug, Clone)]
pub struct NewIntake {
    pub request_id: RequestId,
    pub person: Person,
}

impl TryFrom<pb::CreateSubjectRequest> for NewIntake {
    type Error = FieldViolations;

    fn try_from(request: pb::CreateSubjectRequest) -> Result<Self, Self::Error> {
        let mut violations = FieldViolations::new();
        let request_id = RequestId::parse(&request.request_id)
            .map_err(|description| violations.add("request_id", description))
            .ok();
        let person = match request.person.map(Person::try_from) {
            None => {
                violations.add("person", "is required");
                None
            }
            Some(Err(inner)) => {
                violations.extend_under("person", inner);
                None
            }
            Some(Ok(person)) => Some(person),
        };
        match (request_id, person) {
            (Some(request_id), Some(person)) if violations.is_empty() => {
                Ok(NewIntake { request_id, person })
            }
            _ => Err(violations),
        }
    }
}

/// A subject id from a request field, or the violation naming that field.
pub fn subject_id(field: &str, raw: &str) -> Result<Uuid, FieldViolations> {
    Uuid::parse_str(raw.trim()).map_err(|_| {
        let mut violations = FieldViolations::new();
        violations.add(field, "must be a subject id (a UUID)");
        violations
    })
}

/// A validated listing request: the filter, with one more row than the page to learn
/// whether another page follows.
impl TryFrom<pb::ListSubjectsRequest> for SubjectFilter {
    type Error = FieldViolations;

    fn try_from(request: pb::ListSubjectsRequest) -> Result<Self, Self::Error> {
        let mut violations = FieldViolations::new();
        let page_size = match i64::from(request.page_size) {
            0 => DEFAULT_PAGE_SIZE,
            size if size < 0 => {
                violations.add("page_size", "must not be negative");
                DEFAULT_PAGE_SIZE
            }
            size => size.min(MAX_PAGE_SIZE),
        };
        let before = if request.page_token.is_empty() {
            None
        } else {
            decode_page_token(&request.page_token)
                .map_err(|_| violations.add("page_token", "is not a token from a previous page"))
                .ok()
        };
        let screening_state = match pb::ScreeningState::try_from(request.screening_state) {
            Ok(state) => screening_state_from_wire(state),
            Err(_) => {
                violations.add("screening_state", "unknown screening state");
                None
            }
        };
        let status = match pb::SubjectStatus::try_from(request.status) {
            Ok(status) => status_from_wire(status),
            Err(_) => {
                violations.add("status", "unknown status");
                None
            }
        };
        let newly_matched_since_ms = request.newly_matched_since.and_then(|at| {
            timestamp_millis(&at)
                .map_err(|_| violations.add("newly_matched_since", "is not a valid time"))
                .ok()
        });
        violations.into_result(SubjectFilter {
            screening_state,
            status,
            before,
            newly_matched_since_ms,
            limit: page_size + 1,
        })
    }
}

pub fn encode_page_token(last: Uuid) -> String {
    URL_SAFE_NO_PAD.encode(last.as_bytes())
}

pub fn decode_page_token(token: &str) -> Result<Uuid, ()> {
    let bytes = URL_SAFE_NO_PAD.decode(token).map_err(|_| ())?;
    Uuid::from_slice(&bytes).map_err(|_| ())
}

pub fn subject(subject: &Subject) -> pb::Subject {
    let screening = &subject.screening;
    pb::Subject {
        id: subject.id.to_string(),
        request_id: subject.request_id.as_str().to_owned(),
        person: Some(common::Person::from(&subject.person)),
        status: status_to_wire(subject.status) as i32,
        screening: Some(pb::Screening {
            state: screening_state_to_wire(screening.state) as i32,
            matched: screening.matched,
            hits: screening.hits.iter().map(hit_to_wire).collect(),
            watchlist_versions: screening
                .versions
                .iter()
                .map(|v| common::WatchlistVersion {
                    watchlist: v.watchlist.clone(),
                    version: v.version.clone(),
                })
                .collect(),
            screen_time: screening.screened_at.map(timestamp),
            threshold: screening.threshold,
            reviews: subject.reviews.iter().map(review).collect(),
            total_hit_count: screening.extent.total_hit_count,
            hits_truncated: screening.extent.hits_truncated,
            engine_version: screening.extent.engine_version.clone(),
        }),
        create_time: Some(timestamp(subject.created_at)),
        update_time: Some(timestamp(subject.updated_at)),
        etag: subject.revision.to_string(),
    }
}

fn review(review: &HitReview) -> pb::HitReview {
    pb::HitReview {
        watchlist: review.watchlist.clone(),
        entry_id: review.entry_id.clone(),
        decision: match review.decision {
            Decision::Confirmed => pb::HitDecision::Confirmed,
            Decision::FalsePositive => pb::HitDecision::FalsePositive,
        } as i32,
        reason: review.reason.clone(),
        reviewer: review.reviewer.clone(),
        review_time: Some(timestamp(review.reviewed_at)),
        entry_version: review.entry_version.clone(),
    }
}

pub fn history_event(event: &AuditEvent) -> pb::HistoryEvent {
    pb::HistoryEvent {
        action: event.action.as_str().to_owned(),
        actor: event.actor.as_str().to_owned(),
        request_id: event.request_id.clone(),
        event_time: Some(timestamp(event.at)),
        details: event.details.clone(),
        caller_request_id: event
            .actor
            .caller_request_id()
            .unwrap_or_default()
            .to_owned(),
    }
}

/// The wire name of a status or state, as statistics key them.
pub fn status_name(status: SubjectStatus) -> &'static str {
    status_to_wire(status).as_str_name()
}

pub fn screening_state_name(state: ScreeningState) -> &'static str {
    screening_state_to_wire(state).as_str_name()
}

/// A wire time as Unix milliseconds, the precision the store keeps; refuses times before
/// 1970 and nanoseconds out of range.
fn timestamp_millis(at: &Timestamp) -> Result<i64, ()> {
    if at.seconds < 0 || !(0..1_000_000_000).contains(&at.nanos) {
        return Err(());
    }
    at.seconds
        .checked_mul(1000)
        .and_then(|ms| ms.checked_add(i64::from(at.nanos / 1_000_000)))
        .ok_or(())
}

fn timestamp(at: OffsetDateTime) -> Timestamp {
    Timestamp {
        seconds: at.unix_timestamp(),
        nanos: at.nanosecond() as i32,
    }
}

fn status_to_wire(status: SubjectStatus) -> pb::SubjectStatus {
    match status {
        SubjectStatus::Identified => pb::SubjectStatus::Identified,
        SubjectStatus::Located => pb::SubjectStatus::Located,
        SubjectStatus::InCustody => pb::SubjectStatus::InCustody,
        SubjectStatus::Released => pb::SubjectStatus::Released,
        SubjectStatus::Removed => pb::SubjectStatus::Removed,
        SubjectStatus::WhereaboutsUnknown => pb::SubjectStatus::WhereaboutsUnknown,
        SubjectStatus::Closed => pb::SubjectStatus::Closed,
    }
}

pub fn status_from_wire(status: pb::SubjectStatus) -> Option<SubjectStatus> {
    SubjectStatus::ALL
        .into_iter()
        .find(|s| status_to_wire(*s) == status)
}

fn screening_state_to_wire(state: ScreeningState) -> pb::ScreeningState {
    match state {
        ScreeningState::Pending => pb::ScreeningState::Pending,
        ScreeningState::Clear => pb::ScreeningState::Clear,
        ScreeningState::PotentialMatch => pb::ScreeningState::PotentialMatch,
        ScreeningState::ConfirmedMatch => pb::ScreeningState::ConfirmedMatch,
    }
}

fn screening_state_from_wire(state: pb::ScreeningState) -> Option<ScreeningState> {
    ScreeningState::ALL
        .into_iter()
        .find(|s| screening_state_to_wire(*s) == state)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_tokens_round_trip() {
        let id = Uuid::now_v7();
        assert_eq!(decode_page_token(&encode_page_token(id)), Ok(id));
        assert!(decode_page_token("not-a-token").is_err());
    }

    #[test]
    fn newly_matched_since_is_read_to_the_millisecond_and_times_before_1970_are_refused() {
        let at = |seconds, nanos| Timestamp { seconds, nanos };
        assert_eq!(
            timestamp_millis(&at(1_714_694_400, 123_456_789)),
            Ok(1_714_694_400_123)
        );
        assert!(timestamp_millis(&at(-1, 0)).is_err());
        assert!(timestamp_millis(&at(0, 1_000_000_000)).is_err());
    }

    #[test]
    fn unset_wire_enums_mean_no_filter() {
        assert_eq!(status_from_wire(pb::SubjectStatus::Unspecified), None);
        assert_eq!(
            screening_state_from_wire(pb::ScreeningState::Unspecified),
            None
        );
    }
}
