//! What screening counts for Prometheus: the work and scores of screenings, the lists it
//! serves, and list imports. The per-call counts are service-kit's (`grpc_server_*`).
//!
//! Labels are list names, versions, formats and outcomes: nothing of the people screened.

use std::sync::atomic::AtomicU64;
use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;
use service_kit::metrics::seconds_histogram;
use time::OffsetDateTime;

use crate::domain::catalog::Snapshot;
use crate::domain::screen::ScreenOutcome;
use crate::imports::ImportFailure;
use crate::store::Store;

/// Names aligned in full by one screening: a clear person takes a handful, a listed one a
/// few hundred, and the work budget stops at 50,000 by default.
const CANDIDATE_BUCKETS: [f64; 12] = [
    0.0, 1.0, 5.0, 10.0, 25.0, 50.0, 100.0, 250.0, 500.0, 1000.0, 5000.0, 50_000.0,
];
/// Hits' scores: only those at or above a threshold are reported (0.85 by default; callers
/// may ask for less).
const SCORE_BUCKETS: [f64; 10] = [0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 0.99, 1.0];

/// Where an import came from.
#[derive(Debug, Clone, Copy)]
pub enum ImportSource {
    /// A `--watchlist` file read at start-up.
    Startup,
    /// An `ImportWatchlist` call.
    Request,
    /// A stored import made through another instance (or before a restart), rebuilt here.
    StoreSync,
}

impl ImportSource {
    fn as_str(self) -> &'static str {
        match self {
            ImportSource::Startup => "startup",
            ImportSource::Request => "request",
            ImportSource::StoreSync => "store_sync",
        }
    }
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabels {
    outcome: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct SourceLabels {
    source: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ImportLabels {
    source: &'static str,
    outcome: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct FailureLabels {
    source: &'static str,
    reason: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ListLabels {
    watchlist: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ListInfoLabels {
    watchlist: String,
    version: String,
    format: &'static str,
}

type FloatGauge = Gauge<f64, AtomicU64>;

/// Screening's instruments; cheap to clone (clones count into the same series).
#[derive(Debug, Clone)]
pub struct ScreeningMetrics {
    candidates: Histogram,
    hit_scores: Histogram,
    screenings: Family<OutcomeLabels, Counter>,
    import_seconds: Family<SourceLabels, Histogram, fn() -> Histogram>,
    imports: Family<ImportLabels, Counter>,
    import_failures: Family<FailureLabels, Counter>,
    list_entries: Family<ListLabels, Gauge>,
    list_info: Family<ListInfoLabels, Gauge>,
    list_version_time: Family<ListLabels, FloatGauge>,
    list_age: Family<ListLabels, FloatGauge>,
}

impl Default for ScreeningMetrics {
    fn default() -> Self {
        Self {
            candidates: Histogram::new(CANDIDATE_BUCKETS),
            hit_scores: Histogram::new(SCORE_BUCKETS),
            screenings: Family::default(),
            import_seconds: Family::new_with_constructor(seconds_histogram),
            imports: Family::default(),
            import_failures: Family::default(),
            list_entries: Family::default(),
            list_info: Family::default(),
            list_version_time: Family::default(),
            list_age: Family::default(),
        }
    }
}

impl ScreeningMetrics {
    pub fn register(&self, registry: &mut Registry) {
        registry.register(
            "screening_query_candidates",
            "Candidate list names compared in full by one screening (the index's catch)",
            self.candidates.clone(),
        );
        registry.register(
            "screening_hit_score",
            "Scores of the hits screenings reported",
            self.hit_scores.clone(),
        );
        registry.register(
            "screening_screenings",
            "Screenings done, by outcome: match, no_match, or incomplete (the work budget or the caller's deadline stopped it before it found a match)",
            self.screenings.clone(),
        );
        registry.register(
            "screening_watchlist_import_duration_seconds",
            "Time to read, parse, index, store and serve a list, by source (startup, request, store_sync), failed imports included",
            self.import_seconds.clone(),
        );
        registry.register(
            "screening_watchlist_imports",
            "Lists imported, by source and outcome (changed, or unchanged: the same content again)",
            self.imports.clone(),
        );
        registry.register(
            "screening_watchlist_import_failures",
            "Imports refused or failed, by source and reason (invalid, busy, large_removal, changed_meanwhile, unexpected)",
            self.import_failures.clone(),
        );
        registry.register(
            "screening_watchlist_entries",
            "Entries of each list served",
            self.list_entries.clone(),
        );
        registry.register(
            "screening_watchlist_info",
            "Each list served, with its version (content hash) and format; always 1",
            self.list_info.clone(),
        );
        registry.register(
            "screening_watchlist_version_timestamp_seconds",
            "When the served version of each list was first loaded, by any instance sharing the database (Unix time)",
            self.list_version_time.clone(),
        );
        registry.register(
            "screening_watchlist_age_seconds",
            "Time since the served version of each list was first loaded: how long its content has not changed",
            self.list_age.clone(),
        );
    }

    /// Counts one screening: `aligned` names compared in full, and its hits' scores.
    pub fn observe_screening(&self, outcome: &ScreenOutcome, aligned: u32) {
        self.candidates.observe(f64::from(aligned));
        for hit in &outcome.hits {
            self.hit_scores.observe(hit.score);
        }
        let label = match (outcome.matched(), outcome.complete) {
            (true, _) => "match",
            (false, true) => "no_match",
            (false, false) => "incomplete",
        };
        self.screenings
            .get_or_create(&OutcomeLabels { outcome: label })
            .inc();
    }

    /// Counts one import from `source` that took `elapsed`: whether it changed the list,
    /// or why it failed.
    pub fn observe_import(
        &self,
        source: ImportSource,
        elapsed: Duration,
        result: Result<bool, &ImportFailure>,
    ) {
        let source = source.as_str();
        self.import_seconds
            .get_or_create(&SourceLabels { source })
            .observe(elapsed.as_secs_f64());
        match result {
            Ok(changed) => {
                let outcome = if changed { "changed" } else { "unchanged" };
                self.imports
                    .get_or_create(&ImportLabels { source, outcome })
                    .inc();
            }
            Err(failure) => {
                let reason = match failure {
                    ImportFailure::Invalid(_) => "invalid",
                    ImportFailure::Busy(_) => "busy",
                    ImportFailure::LargeRemoval { .. } => "large_removal",
                    ImportFailure::ChangedMeanwhile(_) => "changed_meanwhile",
                    ImportFailure::Unexpected(_) => "unexpected",
                };
                self.import_failures
                    .get_or_create(&FailureLabels { source, reason })
                    .inc();
            }
        }
    }

    /// Sets the per-list gauges to the lists of `served`, as a scrape begins. A list's first
    /// load comes from the database (every instance records the versions it serves), so
    /// that its age survives restarts; this instance's load time stands in if it is not
    /// there.
    pub async fn refresh_lists(&self, served: &Snapshot, store: &Store) {
        // Cleared first: a deleted list, or a replaced version, leaves no series behind.
        self.list_entries.clear();
        self.list_info.clear();
        self.list_version_time.clear();
        self.list_age.clear();
        let now = OffsetDateTime::now_utc();
        for list in served.values() {
            let labels = ListLabels {
                watchlist: list.name.clone(),
            };
            let first_loaded_ms = match store.versions(&list.name).await {
                Ok(versions) => versions
                    .iter()
                    .find(|v| v.version == list.version)
                    .map(|v| v.loaded_at_ms),
                Err(error) => {
                    tracing::debug!(error = format!("{error:#}"), "list versions not read");
                    None
                }
            };
            let first_loaded = first_loaded_ms.map_or_else(
                || list.loaded_at.unix_timestamp_nanos() as f64 / 1e9,
                |ms| ms as f64 / 1000.0,
            );
            let now_seconds = now.unix_timestamp_nanos() as f64 / 1e9;
            self.list_entries
                .get_or_create(&labels)
                .set(i64::try_from(list.entries.len()).unwrap_or(i64::MAX));
            self.list_info
                .get_or_create(&ListInfoLabels {
                    watchlist: list.name.clone(),
                    version: list.version.clone(),
                    format: list.format.as_str(),
                })
                .set(1);
            self.list_version_time
                .get_or_create(&labels)
                .set(first_loaded);
            self.list_age
                .get_or_create(&labels)
                .set((now_seconds - first_loaded).max(0.0));
        }
    }
}
