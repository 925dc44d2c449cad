//! The history of a subject's screenings: every screening is kept, the latest also on the
//! subject row.

use anyhow::Context;
use sqlx::{Any, Transaction};
use uuid::Uuid;

use super::rows::millis;
use crate::domain::screening::Screening;

/// Records the screenings of many subjects in one statement.
pub(super) async fn append_many<'a>(
    tx: &mut Transaction<'_, Any>,
    screenings: impl Iterator<Item = (Uuid, &'a Screening)>,
) -> anyhow::Result<()> {
    let mut values = Vec::new();
    for (subject_id, screening) in screenings {
        let screened_at = screening
            .screened_at
            .context("only a completed screening enters the history")?;
        values.push((
            subject_id,
            screening,
            serde_json::to_string(&screening.hits).context("encoding hits")?,
            serde_json::to_string(&screening.versions).context("encoding list versions")?,
            millis(screened_at),
        ));
    }
    let sql = format!(
        "INSERT INTO screenings
           (id, subject_id, state, matched, threshold, hits_json, versions_json, screened_at_ms,
            total_hit_count, hits_truncated, engine_version)
         VALUES {}",
        super::group_commit::placeholders(tx, values.len(), 11)
    );
    let mut query = sqlx::query(&sql);
    for (subject_id, screening, hits, versions, screened_at) in values {
        query = query
            .bind(Uuid::now_v7().to_string())
            .bind(subject_id.to_string())
            .bind(screening.state.as_str())
            .bind(i64::from(screening.matched))
            .bind(screening.threshold)
            .bind(hits)
            .bind(versions)
            .bind(screened_at)
            .bind(i64::from(screening.extent.total_hit_count))
            .bind(i64::from(screening.extent.hits_truncated))
            .bind(screening.extent.engine_version.clone());
    }
    query
        .execute(&mut **tx)
        .await
        .context("recording screenings")?;
    Ok(())
}
