//! Persistence of subjects and their screenings, on SQLite (embedded default) or PostgreSQL.

mod audit;
mod group_commit;
mod queue;
mod rows;
mod screenings;
mod statistics;
mod updates;

pub use statistics::{Backlog, PoolUsage, Statistics};

pub use queue::{Claimed, Lease, versions_key};
pub use updates::{ChangeRecord, ScreeningUpdate, Updated};

use anyhow::Context;
use sqlx::AnyPool;
use uuid::Uuid;

use crate::domain::audit::AuditEvent;
use crate::domain::subject::{RequestId, ScreeningState, Subject, SubjectStatus};
use crate::metrics::CommitMetrics;
use group_commit::IntakeWriter;
use rows::SubjectRow;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

pub(crate) const SUBJECT_COLUMNS: &str = "id, request_id, request_fingerprint, person_json, status, \
     screening_state, matched, threshold, hits_json, versions_json, screened_at_ms, \
     created_at_ms, updated_at_ms, revision, created_by, total_hit_count, hits_truncated, \
     engine_version";

#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    backend: db::Backend,
    intake_writer: IntakeWriter,
    commit_metrics: CommitMetrics,
}

/// The outcome of recording an intake.
#[derive(Debug)]
pub enum Inserted {
    Created(Subject),
    /// A subject with this request id already exists (a retry, or a race with one).
    Existing {
        subject: Subject,
        fingerprint: String,
    },
}

/// Which subjects a listing returns.
#[derive(Debug, Clone, Default)]
pub struct SubjectFilter {
    pub screening_state: Option<ScreeningState>,
    pub status: Option<SubjectStatus>,
    /// Only subjects with an id below this one (the previous page's last).
    pub before: Option<Uuid>,
    /// Only subjects that a screening turned from clear (or pending) into a potential match
    /// at or after this time (Unix milliseconds).
    pub newly_matched_since_ms: Option<i64>,
    pub limit: i64,
}

impl Store {
    pub async fn connect(database_url: &str) -> anyhow::Result<Self> {
        Self::connect_with(database_url, db::DEFAULT_BUSY_TIMEOUT).await
    }

    /// `connect`, with statements waiting at most `busy_timeout` for the database.
    pub async fn connect_with(
        database_url: &str,
        busy_timeout: std::time::Duration,
    ) -> anyhow::Result<Self> {
        let pool = db::connect_with(
            database_url,
            &SQLITE_MIGRATIONS,
            &POSTGRES_MIGRATIONS,
            busy_timeout,
        )
        .await
        .context("opening the registry database")?;
        let backend = db::Backend::of(database_url)?;
        let commit_metrics = CommitMetrics::default();
        Ok(Self {
            intake_writer: IntakeWriter::start(pool.clone(), backend, commit_metrics.clone()),
            pool,
            backend,
            commit_metrics,
        })
    }

    /// Group commit's counts: transactions, their sizes and durations.
    pub fn commit_metrics(&self) -> &CommitMetrics {
        &self.commit_metrics
    }

    /// Records a new subject and its first screening. When the request id is taken, nothing
    /// is written and the existing subject is returned instead. Concurrent intakes share
    /// transactions (group commit, `group_commit.rs`): the answer comes once the
    /// transaction holding this subject is committed.
    pub async fn insert_subject(
        &self,
        subject: &Subject,
        fingerprint: &str,
        audit_events: &[AuditEvent],
    ) -> anyhow::Result<Inserted> {
        let intake = (
            subject.clone(),
            fingerprint.to_owned(),
            audit_events.to_vec(),
        );
        self.insert_subjects(vec![intake])
            .await
            .pop()
            .unwrap_or_else(|| Err(anyhow::anyhow!("the intake writer gave no answer")))
    }

    /// `insert_subject` for many subjects at once: (subject, fingerprint, audit events) each.
    #[tracing::instrument(name = "store.insert_subjects", skip_all)]
    pub async fn insert_subjects(
        &self,
        intakes: Vec<(Subject, String, Vec<AuditEvent>)>,
    ) -> Vec<anyhow::Result<Inserted>> {
        let subjects: Vec<Subject> = intakes.iter().map(|(s, _, _)| s.clone()).collect();
        let written = self.intake_writer.write_many(intakes).await;
        let mut outcomes = Vec::with_capacity(written.len());
        for (subject, written) in subjects.into_iter().zip(written) {
            outcomes.push(match written {
                Ok(true) => Ok(Inserted::Created(subject)),
                Ok(false) => self.existing(&subject.request_id).await,
                Err(error) => Err(error),
            });
        }
        outcomes
    }

    async fn existing(&self, request_id: &RequestId) -> anyhow::Result<Inserted> {
        let (subject, fingerprint) = self
            .find_by_request_id(request_id)
            .await?
            .context("a conflicting subject vanished")?;
        Ok(Inserted::Existing {
            subject,
            fingerprint,
        })
    }

    /// The subject created with `request_id`, with the fingerprint of its intake.
    #[tracing::instrument(name = "store.find_by_request_id", skip_all)]
    pub async fn find_by_request_id(
        &self,
        request_id: &RequestId,
    ) -> anyhow::Result<Option<(Subject, String)>> {
        let row: Option<SubjectRow> = sqlx::query_as(&format!(
            "SELECT {SUBJECT_COLUMNS} FROM subjects WHERE request_id = $1"
        ))
        .bind(request_id.as_str())
        .fetch_optional(&self.pool)
        .await
        .context("reading a subject by request id")?;
        let Some(row) = row else { return Ok(None) };
        let fingerprint = row.request_fingerprint.clone();
        let subject = self.with_reviews(vec![row.into_subject()?]).await?;
        Ok(subject.into_iter().next().map(|s| (s, fingerprint)))
    }

    #[tracing::instrument(name = "store.get_subject", skip_all)]
    pub async fn get_subject(&self, id: Uuid) -> anyhow::Result<Option<Subject>> {
        let row: Option<SubjectRow> = sqlx::query_as(&format!(
            "SELECT {SUBJECT_COLUMNS} FROM subjects WHERE id = $1"
        ))
        .bind(id.to_string())
        .fetch_optional(&self.pool)
        .await
        .context("reading a subject")?;
        let Some(row) = row else { return Ok(None) };
        Ok(self.with_reviews(vec![row.into_subject()?]).await?.pop())
    }

    /// Subjects matching `filter`, newest first.
    #[tracing::instrument(name = "store.list_subjects", skip_all)]
    pub async fn list_subjects(&self, filter: &SubjectFilter) -> anyhow::Result<Vec<Subject>> {
        let sql = list_subjects_sql(filter);
        let mut query = sqlx::query_as::<_, SubjectRow>(&sql);
        if let Some(state) = filter.screening_state {
            query = query.bind(state.as_str());
        }
        if let Some(status) = filter.status {
            query = query.bind(status.as_str());
        }
        if let Some(before) = filter.before {
            query = query.bind(before.to_string());
        }
        if let Some(since) = filter.newly_matched_since_ms {
            query = query.bind(since.max(0));
        }
        let rows: Vec<SubjectRow> = query
            .bind(filter.limit)
            .fetch_all(&self.pool)
            .await
            .context("listing subjects")?;
        let subjects = rows
            .into_iter()
            .map(SubjectRow::into_subject)
            .collect::<anyhow::Result<Vec<_>>>()?;
        self.with_reviews(subjects).await
    }

    /// Every recorded screening time of a subject, oldest first (its screening history).
    #[tracing::instrument(name = "store.screening_times", skip_all)]
    pub async fn screening_times(&self, id: Uuid) -> anyhow::Result<Vec<i64>> {
        let times: Vec<(i64,)> = sqlx::query_as(
            "SELECT screened_at_ms FROM screenings WHERE subject_id = $1 ORDER BY screened_at_ms",
        )
        .bind(id.to_string())
        .fetch_all(&self.pool)
        .await
        .context("reading screening history")?;
        Ok(times.into_iter().map(|(t,)| t).collect())
    }
}

/// The statement listing subjects by `filter`, naming only the filters that are set, in the
/// order `list_subjects` binds them: a condition such as `($1 = '' OR status = $1)` would
/// serve every combination with one statement, but neither SQLite nor PostgreSQL's generic
/// plans can use an index through it (1.1 s at 66,000 subjects); `status = $1` meets
/// `subjects_by_status (status, id)` and returns the newest first without sorting.
pub fn list_subjects_sql(filter: &SubjectFilter) -> String {
    let mut conditions: Vec<String> = Vec::new();
    let mut placeholder = 0;
    let mut next = || {
        placeholder += 1;
        format!("${placeholder}")
    };
    if filter.screening_state.is_some() {
        conditions.push(format!("screening_state = {}", next()));
    }
    if filter.status.is_some() {
        conditions.push(format!("status = {}", next()));
    }
    if filter.before.is_some() {
        conditions.push(format!("id < {}", next()));
    }
    if filter.newly_matched_since_ms.is_some() {
        conditions.push(format!("matched_since_ms >= {}", next()));
    }
    let filters = if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    };
    let limit = next();
    format!("SELECT {SUBJECT_COLUMNS} FROM subjects {filters} ORDER BY id DESC LIMIT {limit}")
}
