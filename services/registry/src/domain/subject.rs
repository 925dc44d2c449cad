//! A registered person and the state of their case.

use person::Person;
use time::OffsetDateTime;
use uuid::Uuid;

use super::screening::{HitReview, Screening};

#[derive(Debug, Clone, PartialEq)]
pub struct Subject {
    /// Time-ordered (UUIDv7), so that the newest subjects sort first by id alone.
    pub id: Uuid,
    pub request_id: RequestId,
    pub person: Person,
    pub status: SubjectStatus,
    pub screening: Screening,
    /// Reviewers' decisions on hits, one per list entry.
    pub reviews: Vec<HitReview>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    /// Incremented on every change; the etag clients send back.
    pub revision: i64,
    /// The principal whose intake created the subject ('' for subjects older than the
    /// record of it, with no `created` event to take it from).
    pub created_by: String,
}

impl Subject {
    /// Whether `principal`'s intake created the subject (one with no recorded creator is no
    /// one's).
    pub fn registered_by(&self, principal: &str) -> bool {
        !self.created_by.is_empty() && self.created_by == principal
    }
}

/// The caller's idempotency key for an intake.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RequestId(String);

const MAX_REQUEST_ID_LEN: usize = 128;

impl RequestId {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err("is required (an idempotency key, e.g. a UUID)".to_owned());
        }
        if trimmed.len() > MAX_REQUEST_ID_LEN {
            return Err(format!("must be at most {MAX_REQUEST_ID_LEN} bytes"));
        }
        if trimmed.chars().any(|c| c.is_control() || c.is_whitespace()) {
            return Err("must not contain spaces or control characters".to_owned());
        }
        Ok(Self(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The lifecycle of the person's case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SubjectStatus {
    Identified,
    Located,
    InCustody,
    Released,
    Removed,
    WhereaboutsUnknown,
    Closed,
}

impl SubjectStatus {
    pub const ALL: [SubjectStatus; 7] = [
        SubjectStatus::Identified,
        SubjectStatus::Located,
        SubjectStatus::InCustody,
        SubjectStatus::Released,
        SubjectStatus::Removed,
        SubjectStatus::WhereaboutsUnknown,
        SubjectStatus::Closed,
    ];

    /// The stored form; stable across releases.
    pub fn as_str(self) -> &'static str {
        match self {
            SubjectStatus::Identified => "identified",
            SubjectStatus::Located => "located",
            SubjectStatus::InCustody => "in_custody",
            SubjectStatus::Released => "released",
            SubjectStatus::Removed => "removed",
            SubjectStatus::WhereaboutsUnknown => "whereabouts_unknown",
            SubjectStatus::Closed => "closed",
        }
    }

    pub fn parse(stored: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == stored)
    }

    /// The moves the case lifecycle allows. A person must be located before being taken
    /// into custody, and leaves custody by release or removal; a closed case stays closed.
    pub fn can_move_to(self, next: SubjectStatus) -> bool {
        use SubjectStatus::*;
        matches!(
            (self, next),
            (Identified, Located | WhereaboutsUnknown | Closed)
                | (Located, InCustody | WhereaboutsUnknown | Closed)
                | (InCustody, Released | Removed)
                | (Released, Located | WhereaboutsUnknown | Closed)
                | (Removed, Closed)
                | (WhereaboutsUnknown, Located | Closed)
        )
    }
}

/// Where a subject stands with respect to the watchlists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScreeningState {
    /// Not screened yet; the background worker will.
    Pending,
    Clear,
    PotentialMatch,
    ConfirmedMatch,
}

impl ScreeningState {
    pub const ALL: [ScreeningState; 4] = [
        ScreeningState::Pending,
        ScreeningState::Clear,
        ScreeningState::PotentialMatch,
        ScreeningState::ConfirmedMatch,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ScreeningState::Pending => "pending",
            ScreeningState::Clear => "clear",
            ScreeningState::PotentialMatch => "potential_match",
            ScreeningState::ConfirmedMatch => "confirmed_match",
        }
    }

    pub fn parse(stored: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == stored)
    }
}

/// The current time at the precision the store keeps (milliseconds), so that a subject
/// returned at intake is identical to the same subject read back later.
pub fn now() -> OffsetDateTime {
    let now = OffsetDateTime::now_utc();
    now.replace_nanosecond(now.nanosecond() / 1_000_000 * 1_000_000)
        .unwrap_or(now)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_forms_round_trip() {
        for status in SubjectStatus::ALL {
            assert_eq!(SubjectStatus::parse(status.as_str()), Some(status));
        }
        for state in ScreeningState::ALL {
            assert_eq!(ScreeningState::parse(state.as_str()), Some(state));
        }
    }

    #[test]
    fn the_case_lifecycle_refuses_impossible_moves() {
        use SubjectStatus::*;
        assert!(Identified.can_move_to(Located));
        assert!(Located.can_move_to(InCustody));
        assert!(InCustody.can_move_to(Released));
        assert!(!Identified.can_move_to(InCustody), "must be located first");
        assert!(
            !InCustody.can_move_to(Closed),
            "custody ends by release or removal"
        );
        assert!(!Removed.can_move_to(Located));
        for next in SubjectStatus::ALL {
            assert!(!Closed.can_move_to(next), "a closed case stays closed");
            assert!(!next.can_move_to(next), "a move changes the status");
        }
    }

    #[test]
    fn request_ids_must_be_present_and_plain() {
        assert!(RequestId::parse("intake-2026-0001").is_ok());
        for bad in ["", "   ", "has space", &"x".repeat(129)] {
            assert!(RequestId::parse(bad).is_err(), "{bad:?}");
        }
    }
}
