//! The registry's background work: screening subjects left PENDING at intake, and
//! re-screening subjects when screening's lists change.
//!
//! All of the work's state lives in the database (the subject rows), none in memory, so that
//! a restarted instance carries on where the last one stopped, and several instances on one
//! PostgreSQL share the work through leases (see `store::queue`).

mod list_versions;
mod pending;
mod rescreen;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use person::Person;
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use crate::domain::audit::Actor;
use crate::domain::screening::{Screening, ScreeningResult};
use crate::domain::subject::{Subject, now};
use crate::intake::screened_event;
use crate::screening_client::ScreeningClient;
use crate::store::{ChangeRecord, Claimed, Lease, Store, Updated, versions_key};

pub const DEFAULT_PENDING_POLL_INTERVAL_MS: u64 = 1000;
pub const DEFAULT_WORKER_LEASE_MS: u64 = 60_000;
pub const DEFAULT_WORKER_BATCH_SIZE: u32 = 512;

#[derive(Debug, Clone, clap::Args)]
pub struct WorkerConfig {
    /// How often the pending worker looks for PENDING subjects that are due for screening.
    #[arg(long, env = "REGISTRY_PENDING_POLL_INTERVAL_MS", default_value_t = DEFAULT_PENDING_POLL_INTERVAL_MS)]
    pub pending_poll_interval_ms: u64,

    /// How long an instance holds the subjects it took for screening; when it dies
    /// holding them, another instance takes them over after this long.
    #[arg(long, env = "REGISTRY_WORKER_LEASE_MS", default_value_t = DEFAULT_WORKER_LEASE_MS)]
    pub worker_lease_ms: u64,

    /// Subjects taken at once by a worker, screened over several streams in parallel.
    #[arg(long, env = "REGISTRY_WORKER_BATCH_SIZE", default_value_t = DEFAULT_WORKER_BATCH_SIZE)]
    pub worker_batch_size: u32,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        Self {
            pending_poll_interval_ms: DEFAULT_PENDING_POLL_INTERVAL_MS,
            worker_lease_ms: DEFAULT_WORKER_LEASE_MS,
            worker_batch_size: DEFAULT_WORKER_BATCH_SIZE,
        }
    }
}

/// Screening streams at once. Screening answers one stream's requests one after another and
/// a stream's results are written one after another, so several streams are what keeps all
/// of screening's cores busy and the database's commits overlapping (on PostgreSQL, 8 gave
/// nearly twice the rate of 4; see BENCHMARKS.md).
pub const CONCURRENT_STREAMS: usize = 8;

/// Subjects per stream: small enough that results are written while the rest of the batch
/// is being screened, large enough that opening a stream costs little beside the work.
pub const SUBJECTS_PER_STREAM: usize = 32;

/// What every worker needs; cheap to clone.
#[derive(Debug, Clone)]
struct Context {
    store: Store,
    screening: ScreeningClient,
    lease: Lease,
    poll_interval: Duration,
    batch_size: i64,
}

/// The background workers of one registry instance, ready to start.
#[derive(Debug)]
pub struct Workers {
    context: Context,
}

impl Workers {
    pub fn new(store: Store, screening: ScreeningClient, config: &WorkerConfig) -> Self {
        // A new identity per start: leases taken by an earlier run of this instance are
        // not mistaken for its own.
        let owner = format!("registry-{}", Uuid::new_v4());
        tracing::info!(%owner, "background workers configured");
        Self {
            context: Context {
                store,
                screening,
                lease: Lease {
                    owner,
                    duration: Duration::from_millis(config.worker_lease_ms.max(1)),
                },
                poll_interval: Duration::from_millis(config.pending_poll_interval_ms.max(1)),
                batch_size: i64::from(config.worker_batch_size.max(1)),
            },
        }
    }

    /// Starts the workers; they run until `stop` on the returned handle.
    pub fn start(self) -> RunningWorkers {
        let shutdown = CancellationToken::new();
        let (versions_sender, versions) = watch::channel(None);
        let mut tasks = JoinSet::new();
        tasks.spawn(list_versions::follow(
            self.context.screening.clone(),
            versions_sender,
            shutdown.clone(),
        ));
        tasks.spawn(pending::run(self.context.clone(), shutdown.clone()));
        tasks.spawn(rescreen::run(
            self.context.clone(),
            versions,
            shutdown.clone(),
        ));
        RunningWorkers {
            shutdown,
            tasks,
            store: self.context.store,
            lease: self.context.lease,
        }
    }
}

pub struct RunningWorkers {
    shutdown: CancellationToken,
    tasks: JoinSet<()>,
    store: Store,
    lease: Lease,
}

impl RunningWorkers {
    /// Stops the workers between two steps (an interrupted write is rolled back) and gives
    /// back the subjects they held, so that another instance need not wait for the leases.
    pub async fn stop(mut self) {
        self.shutdown.cancel();
        while let Some(joined) = self.tasks.join_next().await {
            if let Err(error) = joined {
                tracing::error!(%error, "a background worker failed");
            }
        }
        if let Err(error) = self.store.release_all(&self.lease).await {
            tracing::warn!(
                error = format!("{error:#}"),
                "leases not released; they will run out"
            );
        }
    }
}

/// What became of a batch of claimed subjects.
#[derive(Debug, Default)]
struct BatchOutcome {
    recorded: usize,
    /// Changed by someone else since claimed: left alone.
    stale: usize,
    /// Not screened because screening was unavailable.
    unavailable: Vec<Claimed>,
    /// Refused by screening as invalid.
    rejected: Vec<Claimed>,
    /// The list versions (`versions_key`) of the results recorded.
    result_keys: BTreeSet<String>,
    /// Not recorded because the database failed.
    failed: Vec<Uuid>,
}

impl BatchOutcome {
    fn merge(&mut self, other: BatchOutcome) {
        self.recorded += other.recorded;
        self.stale += other.stale;
        self.unavailable.extend(other.unavailable);
        self.rejected.extend(other.rejected);
        self.result_keys.extend(other.result_keys);
        self.failed.extend(other.failed);
    }
}

/// Screens `claimed` over several streams in parallel and records each result on its
/// subject. `batch_id` names the batch in the audit trail and the logs.
async fn screen_and_record(
    context: &Context,
    claimed: Vec<Claimed>,
    actor: &Actor,
    batch_id: &str,
) -> BatchOutcome {
    let streams = Arc::new(Semaphore::new(CONCURRENT_STREAMS));
    let mut tasks = JoinSet::new();
    let mut rest = claimed;
    while !rest.is_empty() {
        let chunk = rest.split_off(rest.len().saturating_sub(SUBJECTS_PER_STREAM));
        let (context, actor, batch_id) = (context.clone(), actor.clone(), batch_id.to_owned());
        let streams = streams.clone();
        tasks.spawn(async move {
            let _stream = streams.acquire_owned().await;
            screen_chunk(&context, chunk, &actor, &batch_id).await
        });
    }
    let mut outcome = BatchOutcome::default();
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok(part) => outcome.merge(part),
            Err(error) => tracing::error!(%error, "a screening task failed"),
        }
    }
    outcome
}

async fn screen_chunk(
    context: &Context,
    chunk: Vec<Claimed>,
    actor: &Actor,
    batch_id: &str,
) -> BatchOutcome {
    let people: Vec<&Person> = chunk.iter().map(|c| &c.subject.person).collect();
    let results = match context.screening.screen_many(&people).await {
        Ok(results) => results,
        Err(unavailable) => {
            tracing::debug!(code = ?unavailable.code, batch_id, "screening unavailable");
            return BatchOutcome {
                unavailable: chunk,
                ..Default::default()
            };
        }
    };
    let mut outcome = BatchOutcome::default();
    for (claimed, result) in chunk.into_iter().zip(results) {
        let result = match result {
            Ok(result) => result,
            Err(rejected) => {
                tracing::warn!(subject = %claimed.subject.id, fields = ?rejected.fields, batch_id,
                    "screening refused a stored person");
                outcome.rejected.push(claimed);
                continue;
            }
        };
        let key = versions_key(&result.versions);
        let id = claimed.subject.id;
        match record(&context.store, claimed.subject, result, actor, batch_id).await {
            Ok(Updated::Done) => {
                outcome.recorded += 1;
                outcome.result_keys.insert(key);
            }
            Ok(Updated::Stale) => outcome.stale += 1,
            Err(error) => {
                tracing::warn!(subject = %id, error = format!("{error:#}"), batch_id,
                    "screening result not recorded; the subject will be taken again");
                outcome.failed.push(id);
            }
        }
    }
    outcome
}

/// Records `result` as the subject's new screening, in the light of its reviews (a dismissed
/// hit stays dismissed while its entry is unchanged), with its audit event, unless the
/// subject changed since it was read.
async fn record(
    store: &Store,
    mut subject: Subject,
    result: ScreeningResult,
    actor: &Actor,
    batch_id: &str,
) -> anyhow::Result<Updated> {
    let reviews = store.reviews(subject.id).await?;
    let at = now();
    let expected_revision = subject.revision;
    subject.screening = Screening::completed(result, at, &reviews);
    subject.revision += 1;
    subject.updated_at = at;
    let audit = [screened_event(&subject, actor, batch_id)];
    store
        .update_subject(
            &subject,
            expected_revision,
            ChangeRecord {
                new_screening: true,
                audit: &audit,
                ..Default::default()
            },
        )
        .await
}

fn now_ms() -> i64 {
    (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

/// Exponential backoff from `base`, doubling per failure up to `max`, of which a random
/// half is jitter: subjects (and instances) that failed together do not retry together.
fn backoff(failures: u32, base: Duration, max: Duration) -> Duration {
    let full = base
        .saturating_mul(2u32.saturating_pow(failures.min(30)))
        .min(max);
    let half = full / 2;
    half + half.mul_f64(random_fraction())
}

/// A uniformly distributed number in [0, 1), from the random bits of a v4 UUID (the low 53
/// bits hold none of its fixed version and variant bits).
fn random_fraction() -> f64 {
    let bits = Uuid::new_v4().as_u128() & ((1u128 << 53) - 1);
    bits as f64 / (1u64 << 53) as f64
}

/// Waits `duration`, or less when `shutdown` comes first; true when it did.
async fn sleep_or_stop(duration: Duration, shutdown: &CancellationToken) -> bool {
    tokio::select! {
        () = tokio::time::sleep(duration) => false,
        () = shutdown.cancelled() => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap_and_keeps_at_least_half_of_it() {
        let (base, max) = (Duration::from_millis(100), Duration::from_secs(10));
        for failures in 0..40 {
            let expected = (base * 2u32.saturating_pow(failures.min(30))).min(max);
            for _ in 0..50 {
                let wait = backoff(failures, base, max);
                assert!(
                    wait >= expected / 2 && wait <= expected,
                    "{failures}: {wait:?}"
                );
            }
        }
    }

    #[test]
    fn jitter_spreads_retries() {
        let waits: BTreeSet<Duration> = (0..20)
            .map(|_| backoff(3, Duration::from_millis(100), Duration::from_secs(10)))
            .collect();
        assert!(waits.len() > 10, "{waits:?}");
    }
}
