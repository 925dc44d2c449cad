//! Group commit for intake: concurrent intakes are written in shared transactions, so that
//! many subjects cost one durable commit (one fsync on SQLite) instead of one each.
//!
//! Each intake hands its rows to a writer task and waits for the answer, which comes only
//! after the transaction holding them is committed: nothing is acknowledged before it is
//! durable. A writer takes whatever is queued (up to `MAX_BATCH`) as soon as it is free, so
//! a lone intake is written at once and batches grow only under load. If a shared
//! transaction fails, its intakes are written again one by one, so that one bad row cannot
//! fail the others.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use sqlx::{Any, AnyConnection, AnyPool, Transaction};
use tokio::sync::{Mutex, mpsc, oneshot};
use tracing::Instrument;

use super::rows::SubjectRow;
use super::{SUBJECT_COLUMNS, audit, screenings};
use crate::domain::audit::AuditEvent;
use crate::domain::subject::Subject;
use crate::metrics::CommitMetrics;

/// Most intakes in one transaction: enough to amortise a commit, small enough to keep the
/// transaction short.
const MAX_BATCH: usize = 256;
/// Intakes waiting for a writer before callers wait to queue.
const QUEUE: usize = 4096;

struct Job {
    subject: Subject,
    fingerprint: String,
    audit: Vec<AuditEvent>,
    /// `Ok(true)` once committed, `Ok(false)` when the request id was already taken.
    reply: oneshot::Sender<anyhow::Result<bool>>,
    /// The span the intake waits in: the shared commit's span links to it.
    waiting: tracing::Span,
}

#[derive(Debug, Clone)]
pub struct IntakeWriter {
    jobs: mpsc::Sender<Job>,
}

impl IntakeWriter {
    /// Starts the writer tasks: one on SQLite (a single writer is all it allows), several
    /// on PostgreSQL, where transactions on different connections commit in parallel.
    pub fn start(pool: AnyPool, backend: db::Backend, metrics: CommitMetrics) -> Self {
        let (jobs, queue) = mpsc::channel(QUEUE);
        let queue = Arc::new(Mutex::new(queue));
        let writers = match backend {
            db::Backend::Sqlite => 1,
            db::Backend::Postgres => 4,
        };
        for _ in 0..writers {
            tokio::spawn(run_writer(pool.clone(), queue.clone(), metrics.clone()));
        }
        Self { jobs }
    }

    /// Writes intakes, queued together so that they share transactions; per intake, true
    /// once it is committed, false if its request id was already taken.
    pub async fn write_many(
        &self,
        intakes: Vec<(Subject, String, Vec<AuditEvent>)>,
    ) -> Vec<anyhow::Result<bool>> {
        let mut answers = Vec::with_capacity(intakes.len());
        for (subject, fingerprint, audit) in intakes {
            let (reply, answer) = oneshot::channel();
            let job = Job {
                subject,
                fingerprint,
                audit,
                reply,
                waiting: tracing::Span::current(),
            };
            match self.jobs.send(job).await {
                Ok(()) => answers.push(Ok(answer)),
                Err(_) => answers.push(Err(anyhow::anyhow!("the intake writer has stopped"))),
            }
        }
        let mut outcomes = Vec::with_capacity(answers.len());
        for answer in answers {
            outcomes.push(match answer {
                Ok(answer) => answer.await.unwrap_or_else(|_| {
                    Err(anyhow::anyhow!("the intake writer dropped an intake"))
                }),
                Err(error) => Err(error),
            });
        }
        outcomes
    }
}

async fn run_writer(pool: AnyPool, queue: Arc<Mutex<mpsc::Receiver<Job>>>, metrics: CommitMetrics) {
    loop {
        let batch = {
            let mut queue = queue.lock().await;
            let Some(first) = queue.recv().await else {
                return;
            };
            let mut batch = vec![first];
            while batch.len() < MAX_BATCH {
                match queue.try_recv() {
                    Ok(job) => batch.push(job),
                    Err(_) => break,
                }
            }
            batch
        };
        write_batch(&pool, batch, &metrics).await;
    }
}

/// Writes `batch` in its own trace, linked to each intake's: one commit serves many.
async fn write_batch(pool: &AnyPool, batch: Vec<Job>, metrics: &CommitMetrics) {
    let span = tracing::info_span!(parent: None, "store.group_commit", intakes = batch.len());
    for job in &batch {
        span.follows_from(&job.waiting);
    }
    write_batch_in_span(pool, batch, metrics)
        .instrument(span)
        .await;
}

async fn write_batch_in_span(pool: &AnyPool, batch: Vec<Job>, metrics: &CommitMetrics) {
    let size = batch.len();
    match write_together(pool, &batch, metrics).await {
        Ok(inserted) => {
            for (job, inserted) in batch.into_iter().zip(inserted) {
                let _ = job.reply.send(Ok(inserted));
            }
        }
        Err(error) if size == 1 => {
            if let Some(job) = batch.into_iter().next() {
                let _ = job.reply.send(Err(error));
            }
        }
        Err(error) if db::is_busy(&error) => {
            // One by one, each intake would wait for the database again.
            tracing::warn!(error = %format!("{error:#}"), size, "the database is busy; a shared intake transaction failed");
            for job in batch {
                let _ = job.reply.send(Err(anyhow::Error::new(db::Busy)));
            }
        }
        Err(error) => {
            tracing::warn!(error = %format!("{error:#}"), size, "a shared intake transaction failed; writing its intakes one by one");
            for job in batch {
                let outcome = write_together(pool, std::slice::from_ref(&job), metrics)
                    .await
                    .map(|inserted| inserted.first().copied().unwrap_or(false));
                let _ = job.reply.send(outcome);
            }
        }
    }
}

/// Writes `jobs` in one transaction; per job, whether it was inserted. Rows go in
/// multi-row statements (`ROWS_PER_STATEMENT` subjects each): on SQLite every statement is
/// a hand-over to the connection's thread, so fewer statements is most of the saving.
async fn write_together(
    pool: &AnyPool,
    jobs: &[Job],
    metrics: &CommitMetrics,
) -> anyhow::Result<Vec<bool>> {
    let started = Instant::now();
    let written = write_in_one_transaction(pool, jobs).await;
    metrics.observe(jobs.len(), started.elapsed(), written.is_ok());
    written
}

async fn write_in_one_transaction(pool: &AnyPool, jobs: &[Job]) -> anyhow::Result<Vec<bool>> {
    let mut tx = pool.begin().await.context("starting a transaction")?;
    let mut inserted = Vec::with_capacity(jobs.len());
    for chunk in jobs.chunks(ROWS_PER_STATEMENT) {
        inserted.extend(insert_chunk(&mut tx, chunk).await?);
    }
    tx.commit().await.context("committing intakes")?;
    Ok(inserted)
}

/// Subjects per multi-row statement: with `SUBJECT_PARAMETERS` each, a statement stays under
/// SQLite's historical limit of 999 parameters.
const ROWS_PER_STATEMENT: usize = 999 / SUBJECT_PARAMETERS;

/// The columns of `SUBJECT_COLUMNS` and `screened_versions`, bound per subject.
const SUBJECT_PARAMETERS: usize = 19;

/// Audit events per multi-row statement, under the same limit.
pub(super) const EVENTS_PER_STATEMENT: usize = 999 / audit::AUDIT_COLUMNS;

async fn insert_chunk(tx: &mut Transaction<'_, Any>, jobs: &[Job]) -> anyhow::Result<Vec<bool>> {
    let rows = jobs
        .iter()
        .map(|job| SubjectRow::from_subject(&job.subject, &job.fingerprint))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let sql = format!(
        "INSERT INTO subjects ({SUBJECT_COLUMNS}, screened_versions) VALUES {}
         ON CONFLICT (request_id) DO NOTHING RETURNING id",
        placeholders(tx, rows.len(), SUBJECT_PARAMETERS)
    );
    let mut query = sqlx::query_as::<_, (String,)>(&sql);
    for row in &rows {
        query = query
            .bind(&row.id)
            .bind(&row.request_id)
            .bind(&row.request_fingerprint)
            .bind(&row.person_json)
            .bind(&row.status)
            .bind(&row.screening_state)
            .bind(row.matched)
            .bind(row.threshold)
            .bind(&row.hits_json)
            .bind(&row.versions_json)
            .bind(row.screened_at_ms)
            .bind(row.created_at_ms)
            .bind(row.updated_at_ms)
            .bind(row.revision)
            .bind(&row.created_by)
            .bind(row.total_hit_count)
            .bind(row.hits_truncated)
            .bind(&row.engine_version)
            .bind(&row.screened_versions);
    }
    let created: HashSet<String> = query
        .fetch_all(&mut **tx)
        .await
        .context("inserting subjects")?
        .into_iter()
        .map(|(id,)| id)
        .collect();
    let inserted: Vec<bool> = rows.iter().map(|row| created.contains(&row.id)).collect();
    let written: Vec<&Job> = jobs
        .iter()
        .zip(&inserted)
        .filter_map(|(job, &inserted)| inserted.then_some(job))
        .collect();
    let screened: Vec<&Job> = written
        .iter()
        .copied()
        .filter(|job| job.subject.screening.screened_at.is_some())
        .collect();
    if !screened.is_empty() {
        screenings::append_many(
            tx,
            screened
                .iter()
                .map(|job| (job.subject.id, &job.subject.screening)),
        )
        .await?;
    }
    let events: Vec<&AuditEvent> = written.iter().flat_map(|job| &job.audit).collect();
    for events in events.chunks(EVENTS_PER_STATEMENT) {
        audit::append_many(tx, events).await?;
    }
    Ok(inserted)
}

/// `($1, $2, …), ($n+1, …)` for `rows` rows of `columns` values; anonymous `?`s on SQLite,
/// whose lookup of a numbered parameter scans every earlier one (quadratic in a
/// statement of a thousand parameters; it was a tenth of bulk intake's time).
pub(super) fn placeholders(connection: &AnyConnection, rows: usize, columns: usize) -> String {
    let anonymous = connection.backend_name() == "SQLite";
    (0..rows)
        .map(|row| {
            let values: Vec<String> = (1..=columns)
                .map(|column| {
                    if anonymous {
                        "?".to_owned()
                    } else {
                        format!("${}", row * columns + column)
                    }
                })
                .collect();
            format!("({})", values.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}
