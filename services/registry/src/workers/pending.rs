//! The pending worker: screens the subjects that intake recorded as PENDING because
//! screening was unreachable or too slow, retrying each with backoff until it succeeds.

use std::time::Duration;

use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use super::recording::{BatchOutcome, screen_and_record};
use super::{Context, backoff, now_ms, sleep_or_stop};
use crate::domain::audit::Actor;
use crate::store::Claimed;

/// The first retry of a subject comes about this soon; later ones wait twice as long each
/// time, up to `MAX_RETRY_DELAY`.
const FIRST_RETRY_DELAY: Duration = Duration::from_millis(500);
const MAX_RETRY_DELAY: Duration = Duration::from_secs(300);

pub(super) async fn run(context: Context, shutdown: CancellationToken) {
    let actor = Actor::system("pending-worker");
    loop {
        let full_batch = match step(&context, &actor).await {
            Ok(claimed) => claimed as i64 >= context.batch_size,
            Err(error) => {
                tracing::warn!(error = format!("{error:#}"), "pending worker step failed");
                false
            }
        };
        // A full batch suggests more are due: take them at once.
        if shutdown.is_cancelled()
            || (!full_batch && sleep_or_stop(context.poll_interval, &shutdown).await)
        {
            return;
        }
    }
}

/// Claims the subjects that are due, screens them and records the results; returns how
/// many were claimed.
async fn step(context: &Context, actor: &Actor) -> anyhow::Result<usize> {
    let claimed = context
        .store
        .claim_pending(&context.lease, now_ms(), context.batch_size)
        .await?;
    if claimed.is_empty() {
        return Ok(0);
    }
    let count = claimed.len();
    let ids: Vec<Uuid> = claimed.iter().map(|c| c.subject.id).collect();
    let batch_id = Uuid::now_v7().to_string();
    let outcome = screen_and_record(context, "pending", claimed, actor, &batch_id).await;
    log(&outcome, count, &batch_id, &context.lease.owner);
    for claimed in outcome.unavailable.iter().chain(&outcome.rejected) {
        defer(context, claimed).await?;
    }
    context.store.release(&context.lease, &ids).await?;
    Ok(count)
}

async fn defer(context: &Context, claimed: &Claimed) -> anyhow::Result<()> {
    let wait = backoff(claimed.attempts, FIRST_RETRY_DELAY, MAX_RETRY_DELAY);
    let next_attempt_at_ms = now_ms().saturating_add(wait.as_millis() as i64);
    context
        .store
        .defer_pending(&context.lease, claimed.subject.id, next_attempt_at_ms)
        .await
}

fn log(outcome: &BatchOutcome, claimed: usize, batch_id: &str, owner: &str) {
    if outcome.recorded > 0 || outcome.stale > 0 || !outcome.failed.is_empty() {
        tracing::info!(
            owner,
            batch_id,
            claimed,
            screened = outcome.recorded,
            changed_meanwhile = outcome.stale,
            failed = outcome.failed.len(),
            still_pending = outcome.unavailable.len() + outcome.rejected.len(),
            "pending subjects screened"
        );
    } else {
        tracing::debug!(
            batch_id,
            claimed,
            "screening still unavailable; pending subjects deferred"
        );
    }
}
