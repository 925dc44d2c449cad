//! What the registry counts for Prometheus: intakes, reviews, background screening, the
//! backlog of pending and out-of-date subjects, group commit and the database pool. The
//! per-call counts are service-kit's: `grpc_server_*` for the calls it answers,
//! `grpc_client_*` for its calls to screening.
//!
//! Labels are outcomes, decisions and worker names: nothing of the people registered.

use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;
use service_kit::metrics::seconds_histogram;
use time::OffsetDateTime;

use crate::domain::subject::ScreeningState;
use crate::store::Store;

type FloatGauge = Gauge<f64, AtomicU64>;

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabels {
    outcome: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct DecisionLabels {
    decision: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct WorkerLabels {
    worker: &'static str,
    outcome: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StateLabels {
    state: &'static str,
}

/// How an intake ended, as `registry_intakes_total` counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntakeOutcome {
    /// A new subject, committed with this screening state (`pending` when screening did not
    /// answer in time).
    Created(ScreeningState),
    /// A retry of an intake, answered with the subject it created.
    Replayed,
    /// A request id already taken for another person or by another principal.
    Refused,
    /// Not recorded: the database failed.
    Failed,
}

/// Group commit's instruments, owned by the store's intake writer.
#[derive(Debug, Clone)]
pub struct CommitMetrics {
    batch_size: Histogram,
    seconds: Histogram,
    failures: Counter,
}

impl Default for CommitMetrics {
    fn default() -> Self {
        Self {
            // Up to `MAX_BATCH` (256) intakes share a transaction.
            batch_size: Histogram::new([1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0]),
            seconds: seconds_histogram(),
            failures: Counter::default(),
        }
    }
}

impl CommitMetrics {
    /// Counts one transaction of `size` intakes that took `elapsed`, from its start to its
    /// commit (or its failure).
    pub fn observe(&self, size: usize, elapsed: Duration, committed: bool) {
        self.batch_size.observe(size as f64);
        self.seconds.observe(elapsed.as_secs_f64());
        if !committed {
            self.failures.inc();
        }
    }

    fn register(&self, registry: &mut Registry) {
        registry.register(
            "registry_intake_commit_batch_size",
            "Intakes written in one shared transaction (group commit)",
            self.batch_size.clone(),
        );
        registry.register(
            "registry_intake_commit_duration_seconds",
            "Time of one shared intake transaction, from its start to its durable commit",
            self.seconds.clone(),
        );
        registry.register(
            "registry_intake_commit_failures",
            "Shared intake transactions that failed (their intakes are then written one by one)",
            self.failures.clone(),
        );
    }
}

/// The registry's instruments; cheap to clone (clones count into the same series).
#[derive(Debug, Clone, Default)]
pub struct RegistryMetrics {
    intakes: Family<OutcomeLabels, Counter>,
    reviews: Family<DecisionLabels, Counter>,
    background: Family<WorkerLabels, Counter>,
    pending: Gauge,
    pending_oldest_age: FloatGauge,
    outdated: Gauge,
    rescreen_lag: FloatGauge,
    versions_seen_at: FloatGauge,
    /// The list versions (`versions_key`) screening serves, and when this instance first
    /// heard of them (Unix seconds).
    current_versions: Arc<Mutex<Option<(String, f64)>>>,
    pool: Family<StateLabels, Gauge>,
    pool_max: Gauge,
}

impl RegistryMetrics {
    pub fn register(&self, registry: &mut Registry, store: &Store) {
        registry.register(
            "registry_intakes",
            "Intakes, by outcome: the new subject's screening state (clear, potential_match, pending, …), replayed, refused (request id taken) or failed",
            self.intakes.clone(),
        );
        registry.register(
            "registry_reviews",
            "Hit reviews recorded, by decision",
            self.reviews.clone(),
        );
        registry.register(
            "registry_background_screenings",
            "Subjects taken by a background worker (pending, rescreen), by outcome: recorded, changed_meanwhile, unavailable, refused, failed",
            self.background.clone(),
        );
        registry.register(
            "registry_pending_subjects",
            "Subjects waiting for their first screening (state PENDING)",
            self.pending.clone(),
        );
        registry.register(
            "registry_pending_oldest_age_seconds",
            "Time since the oldest PENDING subject was taken in; 0 when none waits",
            self.pending_oldest_age.clone(),
        );
        registry.register(
            "registry_rescreen_outdated_subjects",
            "Screened subjects whose latest screening used other list versions than screening serves now: re-screening still to do",
            self.outdated.clone(),
        );
        registry.register(
            "registry_rescreen_lag_seconds",
            "Time since this instance learned of the list versions screening serves, while subjects are still out of date with them; 0 when none is",
            self.rescreen_lag.clone(),
        );
        registry.register(
            "registry_watchlist_versions_seen_timestamp_seconds",
            "When this instance learned of the list versions screening serves now (Unix time)",
            self.versions_seen_at.clone(),
        );
        registry.register(
            "registry_db_pool_connections",
            "Database connections open, by state (in_use, idle)",
            self.pool.clone(),
        );
        registry.register(
            "registry_db_pool_max_connections",
            "Most database connections the pool opens",
            self.pool_max.clone(),
        );
        store.commit_metrics().register(registry);
    }

    pub fn intake(&self, outcome: IntakeOutcome) {
        let outcome = match outcome {
            IntakeOutcome::Created(state) => state.as_str(),
            IntakeOutcome::Replayed => "replayed",
            IntakeOutcome::Refused => "refused",
            IntakeOutcome::Failed => "failed",
        };
        self.intakes.get_or_create(&OutcomeLabels { outcome }).inc();
    }

    pub fn review(&self, decision: &'static str) {
        self.reviews
            .get_or_create(&DecisionLabels { decision })
            .inc();
    }

    /// Counts `count` subjects of one `worker`'s batch that ended with `outcome`.
    pub fn background(&self, worker: &'static str, outcome: &'static str, count: usize) {
        if count > 0 {
            self.background
                .get_or_create(&WorkerLabels { worker, outcome })
                .inc_by(count as u64);
        }
    }

    /// Notes the list versions screening serves; the time is kept only when they change.
    pub fn versions_seen(&self, key: &str) {
        let mut current = self
            .current_versions
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if current.as_ref().is_none_or(|(known, _)| known != key) {
            let now = unix_seconds(OffsetDateTime::now_utc());
            *current = Some((key.to_owned(), now));
            self.versions_seen_at.set(now);
        }
    }

    /// Reads the backlog and the pool as a scrape begins.
    pub async fn refresh(&self, store: &Store) {
        let current = self
            .current_versions
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        let now = unix_seconds(OffsetDateTime::now_utc());
        match store
            .backlog(current.as_ref().map(|(key, _)| key.as_str()))
            .await
        {
            Ok(backlog) => {
                self.pending.set(backlog.pending);
                self.pending_oldest_age.set(
                    backlog
                        .oldest_pending_ms
                        .map_or(0.0, |ms| (now - ms as f64 / 1000.0).max(0.0)),
                );
                self.outdated.set(backlog.outdated);
                let lag = match &current {
                    Some((_, seen_at)) if backlog.outdated > 0 => (now - seen_at).max(0.0),
                    _ => 0.0,
                };
                self.rescreen_lag.set(lag);
            }
            Err(error) => {
                tracing::debug!(error = format!("{error:#}"), "backlog not read for metrics");
            }
        }
        let pool = store.pool_usage();
        self.pool
            .get_or_create(&StateLabels { state: "in_use" })
            .set(i64::from(pool.size) - pool.idle as i64);
        self.pool
            .get_or_create(&StateLabels { state: "idle" })
            .set(pool.idle as i64);
        self.pool_max.set(i64::from(pool.max));
    }
}

fn unix_seconds(at: OffsetDateTime) -> f64 {
    at.unix_timestamp_nanos() as f64 / 1e9
}
