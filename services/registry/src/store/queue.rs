//! Background screening work, claimed with leases so that several registry instances on one
//! database never work on the same subject at once.
//!
//! A claim is one statement that marks rows as taken by `owner` until the lease ends and
//! returns them. On PostgreSQL the rows are chosen with `FOR UPDATE SKIP LOCKED`, so that
//! concurrent claimers pass over each other's rows instead of waiting; SQLite has a single
//! writer, so the same statement without the locking clause is already exclusive. A lease
//! that ends (its holder died) frees the row for anyone. Leases do not change a subject's
//! revision: the revision check of `update_subject` is what keeps a result from being
//! written twice, the lease only keeps the work from being done twice.

use std::time::Duration;

use anyhow::Context;
use db::Backend;
use uuid::Uuid;

use super::rows::SubjectRow;
use super::{SUBJECT_COLUMNS, Store};
use crate::domain::screening::ListVersion;
use crate::domain::subject::Subject;

/// The list versions of a screening in the canonical form stored in `screened_versions`:
/// one `name@version` per list, sorted by name, so that equal sets give equal keys whatever
/// order screening answered them in.
pub fn versions_key(versions: &[ListVersion]) -> String {
    let mut parts: Vec<String> = versions
        .iter()
        .map(|v| format!("{}@{}", v.watchlist, v.version))
        .collect();
    parts.sort_unstable();
    parts.join(",")
}

/// A subject taken for screening.
#[derive(Debug)]
pub struct Claimed {
    pub subject: Subject,
    /// Earlier attempts that found screening unavailable.
    pub attempts: u32,
}

#[derive(sqlx::FromRow)]
struct ClaimedRow {
    #[sqlx(flatten)]
    subject: SubjectRow,
    attempts: i64,
}

/// Who claims, and for how long.
#[derive(Debug, Clone)]
pub struct Lease {
    pub owner: String,
    pub duration: Duration,
}

impl Lease {
    fn until_ms(&self, now_ms: i64) -> i64 {
        now_ms.saturating_add(i64::try_from(self.duration.as_millis()).unwrap_or(i64::MAX))
    }
}

// Claims are not traced: polled every second, each poll would be a trace of its own. The
// work a claim finds is (see `workers::recording`).
impl Store {
    /// Takes up to `limit` PENDING subjects whose next attempt is due.
    pub async fn claim_pending(
        &self,
        lease: &Lease,
        now_ms: i64,
        limit: i64,
    ) -> anyhow::Result<Vec<Claimed>> {
        let candidates = "SELECT id FROM subjects
             WHERE screening_state = 'pending' AND next_attempt_at_ms <= $3
               AND lease_until_ms <= $3
             ORDER BY next_attempt_at_ms
             LIMIT $4";
        self.claim(candidates, lease, now_ms, None, limit)
            .await
            .context("claiming pending subjects")
    }

    /// Takes up to `limit` screened subjects whose latest screening used other list
    /// versions than `current_key` (see [`versions_key`]). PENDING subjects are left to
    /// the pending worker.
    pub async fn claim_stale(
        &self,
        lease: &Lease,
        now_ms: i64,
        current_key: &str,
        limit: i64,
    ) -> anyhow::Result<Vec<Claimed>> {
        // Keys below the current one, then keys above it: each a range of the (partial) index
        // on the key, in its order, so that the subjects already up to date are never read
        // past, whatever the planner's statistics say after a mass re-screening.
        let mut claimed = Vec::new();
        for range in ["<", ">"] {
            let wanted = limit - claimed.len() as i64;
            if wanted <= 0 {
                break;
            }
            let candidates = format!(
                "SELECT id FROM subjects
                 WHERE screened_versions {range} $5 AND screening_state <> 'pending'
                   AND lease_until_ms <= $3
                 ORDER BY screened_versions
                 LIMIT $4"
            );
            claimed.extend(
                self.claim(&candidates, lease, now_ms, Some(current_key), wanted)
                    .await
                    .context("claiming subjects to re-screen")?,
            );
        }
        Ok(claimed)
    }

    /// `candidates` selects ids with `$3` = now and `$4` = limit (and `$5` = `key` when
    /// given); `$1` and `$2` are the owner and the lease's end.
    async fn claim(
        &self,
        candidates: &str,
        lease: &Lease,
        now_ms: i64,
        key: Option<&str>,
        limit: i64,
    ) -> anyhow::Result<Vec<Claimed>> {
        let locking = match self.backend {
            Backend::Postgres => "FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let sql = format!(
            "UPDATE subjects SET lease_owner = $1, lease_until_ms = $2
             WHERE id IN ({candidates} {locking})
             RETURNING {SUBJECT_COLUMNS}, attempts"
        );
        let mut query = sqlx::query_as::<_, ClaimedRow>(&sql)
            .bind(&lease.owner)
            .bind(lease.until_ms(now_ms))
            .bind(now_ms)
            .bind(limit);
        if let Some(key) = key {
            query = query.bind(key);
        }
        let rows = query.fetch_all(&self.pool).await?;
        rows.into_iter()
            .map(|row| {
                Ok(Claimed {
                    attempts: u32::try_from(row.attempts).unwrap_or(u32::MAX),
                    subject: row.subject.into_subject()?,
                })
            })
            .collect()
    }

    /// Gives back subjects claimed under `lease` (whether or not their work is done).
    #[tracing::instrument(name = "store.release", skip_all)]
    pub async fn release(&self, lease: &Lease, ids: &[Uuid]) -> anyhow::Result<()> {
        for chunk in ids.chunks(500) {
            let placeholders: Vec<String> = (2..chunk.len() + 2).map(|n| format!("${n}")).collect();
            let sql = format!(
                "UPDATE subjects SET lease_owner = NULL, lease_until_ms = 0
                 WHERE lease_owner = $1 AND id IN ({})",
                placeholders.join(", ")
            );
            let mut query = sqlx::query(&sql).bind(&lease.owner);
            for id in chunk {
                query = query.bind(id.to_string());
            }
            query
                .execute(&self.pool)
                .await
                .context("releasing claimed subjects")?;
        }
        Ok(())
    }

    /// Gives back every subject claimed under `lease`, as an instance does when it stops,
    /// so that the next one need not wait for the leases to run out.
    pub async fn release_all(&self, lease: &Lease) -> anyhow::Result<()> {
        sqlx::query(
            "UPDATE subjects SET lease_owner = NULL, lease_until_ms = 0 WHERE lease_owner = $1",
        )
        .bind(&lease.owner)
        .execute(&self.pool)
        .await
        .context("releasing leases")?;
        Ok(())
    }

    /// Records a failed attempt on a PENDING subject claimed under `lease` and gives it back,
    /// not to be tried again before `next_attempt_at_ms`.
    #[tracing::instrument(name = "store.defer_pending", skip_all)]
    pub async fn defer_pending(
        &self,
        lease: &Lease,
        id: Uuid,
        next_attempt_at_ms: i64,
    ) -> anyhow::Result<()> {
        sqlx::query(
            "UPDATE subjects SET attempts = attempts + 1, next_attempt_at_ms = $1,
                 lease_owner = NULL, lease_until_ms = 0
             WHERE id = $2 AND lease_owner = $3 AND screening_state = 'pending'",
        )
        .bind(next_attempt_at_ms)
        .bind(id.to_string())
        .bind(&lease.owner)
        .execute(&self.pool)
        .await
        .context("deferring a pending subject")?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version(watchlist: &str, version: &str) -> ListVersion {
        ListVersion {
            watchlist: watchlist.into(),
            version: version.into(),
        }
    }

    #[test]
    fn the_versions_key_does_not_depend_on_the_order_of_the_lists() {
        let a = [version("un", "1"), version("ofac", "2")];
        let b = [version("ofac", "2"), version("un", "1")];
        assert_eq!(versions_key(&a), "ofac@2,un@1");
        assert_eq!(versions_key(&a), versions_key(&b));
        assert_ne!(versions_key(&a), versions_key(&[version("un", "1")]));
        assert_eq!(versions_key(&[]), "");
    }
}
