//! The registry's background work: screening subjects left PENDING at intake, and
//! re-screening subjects when screening's lists change.
//!
//! All of the work's state lives in the database (the subject rows), none in memory, so that
//! a restarted instance carries on where the last one stopped, and several instances on one
//! PostgreSQL share the work through leases (see `store::queue`).

mod list_versions;
mod pending;
mod recording;
mod rescreen;

use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use crate::metrics::RegistryMetrics;
use crate::screening_client::ScreeningClient;
use crate::store::{Lease, Store};

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

/// Screening streams at once. A stream's results are written together once it has answered
/// them all, so several streams keep screening busy while others' results are written, and
/// the database's commits overlapping (see BENCHMARKS.md).
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
    metrics: RegistryMetrics,
}

/// The background workers of one registry instance, ready to start.
#[derive(Debug)]
pub struct Workers {
    context: Context,
}

impl Workers {
    pub fn new(
        store: Store,
        screening: ScreeningClient,
        config: &WorkerConfig,
        metrics: RegistryMetrics,
    ) -> Self {
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
                metrics,
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
            self.context.metrics.clone(),
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
    use std::collections::BTreeSet;

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
