//! The re-screening worker: when screening's lists change, every subject last screened
//! against other versions is screened again, in batches, and the new outcome recorded.
//!
//! Which subjects are out of date is asked of the database (by the indexed versions key),
//! never remembered, so that work interrupted by a restart, a failure or an instance's death
//! is found again by the next look.

use std::time::{Duration, Instant};

use tokio::sync::watch;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use super::recording::screen_and_record;
use super::{Context, backoff, now_ms, sleep_or_stop};
use crate::domain::audit::Actor;

/// How often to look again without a list change: for subjects whose re-screening failed,
/// or that a dead instance held.
const RESCAN_INTERVAL: Duration = Duration::from_secs(30);
const FIRST_RETRY_DELAY: Duration = Duration::from_millis(500);
const MAX_RETRY_DELAY: Duration = Duration::from_secs(30);

/// How a pass over the out-of-date subjects ended.
#[derive(Debug, PartialEq, Eq)]
enum Pass {
    /// None left.
    Done,
    /// Screening could not be reached; try again later.
    Unavailable,
    /// Screening answered with other versions than the ones we are bringing subjects up to:
    /// the lists changed again, and the feed will say so.
    ListsMovedOn,
    Stopped,
}

pub(super) async fn run(
    context: Context,
    mut versions: watch::Receiver<Option<String>>,
    shutdown: CancellationToken,
) {
    let actor = Actor::system("rescreen-worker");
    let mut failures = 0;
    loop {
        let current = versions.borrow_and_update().clone();
        let mut wait = RESCAN_INTERVAL;
        if let Some(current) = current {
            match pass(&context, &current, &actor, &shutdown).await {
                Ok(Pass::Done | Pass::ListsMovedOn) => failures = 0,
                Ok(Pass::Stopped) => return,
                Ok(Pass::Unavailable) => {
                    failures += 1;
                    wait = backoff(failures, FIRST_RETRY_DELAY, MAX_RETRY_DELAY);
                }
                Err(error) => {
                    tracing::warn!(error = format!("{error:#}"), "re-screening pass failed");
                    failures += 1;
                    wait = backoff(failures, FIRST_RETRY_DELAY, MAX_RETRY_DELAY);
                }
            }
        }
        tokio::select! {
            changed = versions.changed() => if changed.is_err() { return },
            stopped = sleep_or_stop(wait, &shutdown) => if stopped { return },
        }
    }
}

/// Re-screens batch after batch until no subject is out of date with `current`.
async fn pass(
    context: &Context,
    current: &str,
    actor: &Actor,
    shutdown: &CancellationToken,
) -> anyhow::Result<Pass> {
    let started = Instant::now();
    let mut recorded = 0;
    let ended = loop {
        if shutdown.is_cancelled() {
            break Pass::Stopped;
        }
        let claimed = context
            .store
            .claim_stale(&context.lease, now_ms(), current, context.batch_size)
            .await?;
        if claimed.is_empty() {
            break Pass::Done;
        }
        let ids: Vec<Uuid> = claimed.iter().map(|c| c.subject.id).collect();
        let batch_id = Uuid::now_v7().to_string();
        let outcome = screen_and_record(context, "rescreen", claimed, actor, &batch_id).await;
        // Subjects that failed keep their lease until it runs out, so that this pass does
        // not take them again and again.
        let failed: Vec<Uuid> = (outcome.rejected.iter().map(|c| c.subject.id))
            .chain(outcome.failed.iter().copied())
            .collect();
        let done: Vec<Uuid> = ids
            .iter()
            .copied()
            .filter(|id| !failed.contains(id))
            .collect();
        context.store.release(&context.lease, &done).await?;
        recorded += outcome.recorded;
        tracing::debug!(
            batch_id,
            claimed = ids.len(),
            recorded = outcome.recorded,
            changed_meanwhile = outcome.stale,
            failed = outcome.failed.len(),
            refused = outcome.rejected.len(),
            "re-screened a batch"
        );
        if !outcome.unavailable.is_empty() {
            break Pass::Unavailable;
        }
        if outcome.result_keys.iter().any(|key| key != current) {
            break Pass::ListsMovedOn;
        }
        if outcome.recorded == 0 && outcome.stale == 0 {
            // Every subject of the batch failed or was refused: taking the same ones again
            // at once would only repeat that.
            break Pass::Unavailable;
        }
    };
    if recorded > 0 {
        let seconds = started.elapsed().as_secs_f64();
        tracing::info!(
            owner = context.lease.owner,
            subjects = recorded,
            seconds,
            per_second = recorded as f64 / seconds.max(f64::EPSILON),
            outcome = ?ended,
            lists = current,
            "re-screened subjects after a list change"
        );
    }
    Ok(ended)
}
