//! Screening a batch of claimed subjects and recording the results: what both workers do
//! with the subjects they take.

use std::collections::BTreeSet;
use std::sync::Arc;

use person::Person;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tracing::Instrument;
use uuid::Uuid;

use super::{CONCURRENT_STREAMS, Context, SUBJECTS_PER_STREAM};
use crate::domain::audit::Actor;
use crate::domain::screening::{Screening, ScreeningResult};
use crate::domain::subject::{Subject, now};
use crate::intake::screened_event;
use crate::store::{Claimed, ScreeningUpdate, Store, Updated, versions_key};

/// What became of a batch of claimed subjects.
#[derive(Debug, Default)]
pub(super) struct BatchOutcome {
    pub recorded: usize,
    /// Changed by someone else since claimed: left alone.
    pub stale: usize,
    /// Not screened because screening was unavailable.
    pub unavailable: Vec<Claimed>,
    /// Refused by screening as invalid.
    pub rejected: Vec<Claimed>,
    /// The list versions (`versions_key`) of the results recorded.
    pub result_keys: BTreeSet<String>,
    /// Not recorded because the database failed.
    pub failed: Vec<Uuid>,
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
/// subject. `batch_id` names the batch in the audit trail and the logs; `worker` names the
/// worker in the metrics. One trace per batch, from here to screening's matcher and back to
/// the store.
#[tracing::instrument(name = "background screening", skip_all, fields(subjects = claimed.len(), batch_id))]
pub(super) async fn screen_and_record(
    context: &Context,
    worker: &'static str,
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
        tasks.spawn(
            async move {
                let _stream = streams.acquire_owned().await;
                screen_chunk(&context, chunk, &actor, &batch_id).await
            }
            .in_current_span(),
        );
    }
    let mut outcome = BatchOutcome::default();
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok(part) => outcome.merge(part),
            Err(error) => tracing::error!(%error, "a screening task failed"),
        }
    }
    let metrics = &context.metrics;
    metrics.background(worker, "recorded", outcome.recorded);
    metrics.background(worker, "changed_meanwhile", outcome.stale);
    metrics.background(worker, "unavailable", outcome.unavailable.len());
    metrics.background(worker, "refused", outcome.rejected.len());
    metrics.background(worker, "failed", outcome.failed.len());
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
    let mut screened = Vec::with_capacity(chunk.len());
    for (claimed, result) in chunk.into_iter().zip(results) {
        match result {
            Ok(result) => screened.push((claimed.subject, result)),
            Err(rejected) => {
                tracing::warn!(subject = %claimed.subject.id, fields = ?rejected.fields, batch_id,
                    "screening refused a stored person");
                outcome.rejected.push(claimed);
            }
        }
    }
    outcome.merge(record(&context.store, screened, actor, batch_id).await);
    outcome
}

/// Records each result as its subject's new screening, in the light of the subject's reviews
/// (a dismissed hit stays dismissed while its entry is unchanged), with its audit event,
/// unless the subject changed since it was read. One transaction for them all; should that
/// fail, one per subject, so that one bad row does not hold up the others.
async fn record(
    store: &Store,
    screened: Vec<(Subject, ScreeningResult)>,
    actor: &Actor,
    batch_id: &str,
) -> BatchOutcome {
    let mut outcome = BatchOutcome::default();
    let ids: Vec<Uuid> = screened.iter().map(|(subject, _)| subject.id).collect();
    let mut reviews = match store.reviews_of(&ids).await {
        Ok(reviews) => reviews,
        Err(error) => {
            tracing::warn!(
                error = format!("{error:#}"),
                batch_id,
                "reviews not read; the subjects will be taken again"
            );
            outcome.failed = ids;
            return outcome;
        }
    };
    let at = now();
    let updates: Vec<ScreeningUpdate> = screened
        .into_iter()
        .map(|(mut subject, result)| {
            let reviews = reviews.remove(&subject.id).unwrap_or_default();
            let expected_revision = subject.revision;
            subject.screening = Screening::completed(result, at, &reviews);
            subject.revision += 1;
            subject.updated_at = at;
            let audit = screened_event(&subject, actor, batch_id);
            ScreeningUpdate {
                subject,
                expected_revision,
                audit,
            }
        })
        .collect();
    let written = match store.record_screenings(&updates).await {
        Ok(written) => written.into_iter().map(Ok).collect(),
        Err(error) => {
            tracing::warn!(
                error = format!("{error:#}"),
                batch_id,
                "screenings not recorded together; recording them one by one"
            );
            let mut written = Vec::with_capacity(updates.len());
            for update in &updates {
                written.push(
                    store
                        .record_screenings(std::slice::from_ref(update))
                        .await
                        .map(|mut one| one.pop().unwrap_or(Updated::Stale)),
                );
            }
            written
        }
    };
    for (update, written) in updates.iter().zip(written) {
        match written {
            Ok(Updated::Done) => {
                outcome.recorded += 1;
                let versions = &update.subject.screening.versions;
                outcome.result_keys.insert(versions_key(versions));
            }
            Ok(Updated::Stale) => outcome.stale += 1,
            Err(error) => {
                tracing::warn!(subject = %update.subject.id, error = format!("{error:#}"), batch_id,
                    "screening result not recorded; the subject will be taken again");
                outcome.failed.push(update.subject.id);
            }
        }
    }
    outcome
}
