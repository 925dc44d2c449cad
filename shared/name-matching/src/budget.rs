//! How much work one screening may do, whatever its input and whatever the lists hold.
//!
//! A screening's cost is the names it aligns in full and the postings it reads to find them.
//! Real people and real lists stay far below these limits (a screening of a listed person
//! against UN + OFAC aligns a few hundred names); a request built to be expensive (many long
//! names of common parts) or a degenerate list (one name a million times) reaches them, and
//! the screening then stops with the best hits found so far and says it is incomplete. So
//! does a screening whose caller has gone away or whose deadline has passed.

use std::cell::Cell;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// What one screening may spend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Names aligned in full, over every query name and list of one screening.
    pub names_aligned: u32,
    /// Postings read (names a query part leads to), over one screening.
    pub postings_read: u64,
    /// The longest a screening runs, whatever its caller's deadline.
    pub time: Duration,
}

impl Default for Limits {
    /// A hundred times what screening a listed person against UN + OFAC takes.
    fn default() -> Self {
        Self {
            names_aligned: 50_000,
            postings_read: 2_000_000,
            time: Duration::from_secs(5),
        }
    }
}

/// How many alignments pass between looks at the clock and the cancellation flag.
const CHECK_EVERY: u32 = 256;

#[derive(Debug)]
pub struct Budget {
    /// The alignments allowed at the start, so that the work done can be told.
    aligned_limit: u32,
    aligned_left: Cell<u32>,
    postings_left: Cell<u64>,
    deadline: Instant,
    /// Set when the caller has gone away.
    cancelled: Option<Arc<AtomicBool>>,
    exhausted: Cell<bool>,
}

impl Budget {
    /// A budget of `limits`, from now, ending as well as soon as `cancelled` is set (the
    /// caller cancelled, or its deadline passed).
    pub fn new(limits: Limits, cancelled: Option<Arc<AtomicBool>>) -> Self {
        Self {
            aligned_limit: limits.names_aligned,
            aligned_left: Cell::new(limits.names_aligned),
            postings_left: Cell::new(limits.postings_read),
            deadline: Instant::now() + limits.time,
            cancelled,
            exhausted: Cell::new(false),
        }
    }

    /// The default limits, no caller to watch.
    pub fn standard() -> Self {
        Self::new(Limits::default(), None)
    }

    /// No limit on names or postings: for measuring the index against an exhaustive
    /// search, which aligns every name on purpose.
    pub fn exhaustive() -> Self {
        Self::new(
            Limits {
                names_aligned: u32::MAX,
                postings_read: u64::MAX,
                time: Duration::from_secs(3600),
            },
            None,
        )
    }

    /// Takes one full alignment from the budget; `false` once it is spent, for good.
    pub fn take_alignment(&self) -> bool {
        if self.exhausted.get() {
            return false;
        }
        let left = self.aligned_left.get();
        if left == 0 || (left.is_multiple_of(CHECK_EVERY) && self.out_of_time()) {
            self.exhausted.set(true);
            return false;
        }
        self.aligned_left.set(left - 1);
        true
    }

    /// Takes `count` postings from the budget; `false` (taking none) when fewer are left.
    /// A refusal marks the screening incomplete, but smaller takes may still fit.
    pub fn take_postings(&self, count: u64) -> bool {
        let left = self.postings_left.get();
        if count > left || self.out_of_time() {
            self.exhausted.set(true);
            return false;
        }
        self.postings_left.set(left - count);
        true
    }

    /// The names aligned in full so far: the candidates a screening compared.
    pub fn names_aligned(&self) -> u32 {
        self.aligned_limit.saturating_sub(self.aligned_left.get())
    }

    /// Whether some limit stopped the screening before every candidate was scored.
    pub fn exhausted(&self) -> bool {
        self.exhausted.get()
    }

    fn out_of_time(&self) -> bool {
        Instant::now() >= self.deadline
            || self
                .cancelled
                .as_ref()
                .is_some_and(|c| c.load(Ordering::Relaxed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limited(names_aligned: u32, postings_read: u64) -> Budget {
        Budget::new(
            Limits {
                names_aligned,
                postings_read,
                ..Limits::default()
            },
            None,
        )
    }

    #[test]
    fn alignments_stop_at_the_limit_and_stay_stopped() {
        let budget = limited(2, 10);
        assert!(budget.take_alignment());
        assert_eq!(budget.names_aligned(), 1);
        assert!(budget.take_alignment());
        assert!(!budget.take_alignment());
        assert!(budget.exhausted());
        assert_eq!(
            budget.names_aligned(),
            2,
            "a refused alignment is not counted"
        );
    }

    #[test]
    fn postings_that_do_not_fit_are_refused_but_smaller_ones_still_fit() {
        let budget = limited(2, 10);
        assert!(!budget.take_postings(11));
        assert!(budget.take_postings(10));
        assert!(budget.exhausted());
    }

    #[test]
    fn a_cancelled_caller_stops_the_work() {
        let cancelled = Arc::new(AtomicBool::new(false));
        let budget = Budget::new(Limits::default(), Some(cancelled.clone()));
        assert!(budget.take_postings(1));
        cancelled.store(true, Ordering::Relaxed);
        assert!(!budget.take_postings(1));
        budget.aligned_left.set(CHECK_EVERY);
        assert!(!budget.take_alignment());
    }

    #[test]
    fn spent_time_stops_the_work() {
        let budget = Budget::new(
            Limits {
                time: Duration::ZERO,
                ..Limits::default()
            },
            None,
        );
        assert!(!budget.take_postings(1));
    }
}
