//! What the registry says about its connection to screening. Every failure (a refused token,
//! screening unreachable or not answering in time) is a warning, but a screening that stays
//! down would otherwise write one per intake and per retry: after a warning, the next comes
//! no sooner than a pause that doubles each time (1 s up to 5 min) and counts the failures
//! it held back. The first success after failures says so, once.

use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

const FIRST_PAUSE: Duration = Duration::from_secs(1);
const MAX_PAUSE: Duration = Duration::from_secs(300);

/// How a call to screening failed, as far as the connection is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkFailure {
    /// Screening refused the registry's token (unknown, or without the `screener` role).
    TokenRefused,
    /// Screening could not be reached (refused connection, TLS handshake, name) or did not
    /// answer in time.
    Unreachable,
}

impl LinkFailure {
    /// The failure a status stands for; `None` for answers that show the connection works
    /// (a person refused, a screening cut short by its budget).
    pub fn of(code: tonic::Code) -> Option<Self> {
        match code {
            tonic::Code::Unauthenticated | tonic::Code::PermissionDenied => {
                Some(LinkFailure::TokenRefused)
            }
            tonic::Code::Unavailable
            | tonic::Code::DeadlineExceeded
            | tonic::Code::Unknown
            | tonic::Code::Cancelled => Some(LinkFailure::Unreachable),
            _ => None,
        }
    }
}

/// What to log now, if anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Report {
    Warn {
        failure: LinkFailure,
        /// Failures since the last warning, this one included.
        failures: u64,
    },
    Recovered {
        failures: u64,
    },
}

/// The rate limit's state, kept apart from the clock and the logging so it can be tested.
#[derive(Debug, Default)]
pub struct LinkState {
    held_back: u64,
    failures_since_success: u64,
    last_warning: Option<(Instant, LinkFailure)>,
    pause: Duration,
}

impl LinkState {
    pub fn failed(&mut self, failure: LinkFailure, now: Instant) -> Option<Report> {
        self.failures_since_success += 1;
        self.held_back += 1;
        let due = match self.last_warning {
            None => true,
            // A different failure (the token fixed, screening now down) is news at once.
            Some((_, last)) if last != failure => true,
            Some((at, _)) => now.duration_since(at) >= self.pause,
        };
        if !due {
            return None;
        }
        self.pause = if self.last_warning.is_none() {
            FIRST_PAUSE
        } else {
            (self.pause * 2).clamp(FIRST_PAUSE, MAX_PAUSE)
        };
        self.last_warning = Some((now, failure));
        let failures = std::mem::take(&mut self.held_back);
        Some(Report::Warn { failure, failures })
    }

    pub fn succeeded(&mut self) -> Option<Report> {
        let failures = std::mem::take(&mut self.failures_since_success);
        *self = Self::default();
        (failures > 0).then_some(Report::Recovered { failures })
    }
}

/// The connection's log, shared by every clone of the screening client.
#[derive(Debug)]
pub struct ScreeningLink {
    addr: String,
    state: Mutex<LinkState>,
}

impl ScreeningLink {
    pub fn new(addr: &str) -> Self {
        Self {
            addr: addr.to_owned(),
            state: Mutex::new(LinkState::default()),
        }
    }

    /// Records the outcome of a call to screening, with its code when it failed.
    pub fn record(&self, outcome: Result<(), tonic::Code>) {
        let report = {
            let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
            match outcome {
                Ok(()) => state.succeeded(),
                Err(code) => {
                    LinkFailure::of(code).and_then(|failure| state.failed(failure, Instant::now()))
                }
            }
        };
        if let Some(report) = report {
            self.log(&report, outcome.err());
        }
    }

    fn log(&self, report: &Report, code: Option<tonic::Code>) {
        let screening_addr = self.addr.as_str();
        let code = code.map(|c| format!("{c:?}")).unwrap_or_default();
        match report {
            Report::Warn {
                failure: LinkFailure::TokenRefused,
                failures,
            } => tracing::warn!(
                screening_addr,
                %code,
                failures,
                "screening refused the registry's token (--screening-token-file); intakes are recorded as PENDING until it is accepted"
            ),
            Report::Warn {
                failure: LinkFailure::Unreachable,
                failures,
            } => tracing::warn!(
                screening_addr,
                %code,
                failures,
                "screening is unreachable or did not answer in time; intakes are recorded as PENDING and screened once it answers"
            ),
            Report::Recovered { failures } => {
                tracing::info!(screening_addr, failures, "screening answers again")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn warned(report: Option<Report>) -> Option<u64> {
        match report {
            Some(Report::Warn { failures, .. }) => Some(failures),
            _ => None,
        }
    }

    #[test]
    fn the_first_failure_warns_at_once_and_repeats_wait_for_a_doubling_pause() {
        let mut state = LinkState::default();
        let start = Instant::now();
        let at = |ms: u64| start + Duration::from_millis(ms);

        assert_eq!(
            warned(state.failed(LinkFailure::Unreachable, at(0))),
            Some(1)
        );
        // Within the first second: held back.
        for ms in [10, 200, 900] {
            assert_eq!(state.failed(LinkFailure::Unreachable, at(ms)), None);
        }
        // After a second: a warning counting the three held back and itself.
        assert_eq!(
            warned(state.failed(LinkFailure::Unreachable, at(1000))),
            Some(4)
        );
        // Now the pause is two seconds.
        assert_eq!(state.failed(LinkFailure::Unreachable, at(2500)), None);
        assert_eq!(
            warned(state.failed(LinkFailure::Unreachable, at(3000))),
            Some(2)
        );
    }

    #[test]
    fn the_pause_stops_growing_at_five_minutes() {
        let mut state = LinkState::default();
        let mut now = Instant::now();
        for _ in 0..20 {
            state.failed(LinkFailure::Unreachable, now);
            now += MAX_PAUSE;
        }
        assert_eq!(state.pause, MAX_PAUSE);
        assert!(warned(state.failed(LinkFailure::Unreachable, now)).is_some());
    }

    #[test]
    fn another_kind_of_failure_warns_at_once() {
        let mut state = LinkState::default();
        let now = Instant::now();
        state.failed(LinkFailure::Unreachable, now);
        assert_eq!(
            state.failed(LinkFailure::TokenRefused, now),
            Some(Report::Warn {
                failure: LinkFailure::TokenRefused,
                failures: 1
            })
        );
    }

    #[test]
    fn a_success_after_failures_is_reported_once_and_starts_afresh() {
        let mut state = LinkState::default();
        let now = Instant::now();
        assert_eq!(state.succeeded(), None);
        state.failed(LinkFailure::TokenRefused, now);
        state.failed(LinkFailure::TokenRefused, now);
        assert_eq!(state.succeeded(), Some(Report::Recovered { failures: 2 }));
        assert_eq!(state.succeeded(), None);
        assert_eq!(
            warned(state.failed(LinkFailure::TokenRefused, now)),
            Some(1)
        );
    }

    #[test]
    fn answers_that_show_a_working_connection_are_no_failures() {
        assert_eq!(LinkFailure::of(tonic::Code::InvalidArgument), None);
        assert_eq!(LinkFailure::of(tonic::Code::ResourceExhausted), None);
        assert_eq!(
            LinkFailure::of(tonic::Code::Unauthenticated),
            Some(LinkFailure::TokenRefused)
        );
        assert_eq!(
            LinkFailure::of(tonic::Code::Unavailable),
            Some(LinkFailure::Unreachable)
        );
    }
}
