//! Counting subjects by case status and screening state.

use anyhow::Context;

use super::Store;
use crate::domain::subject::{ScreeningState, SubjectStatus};

/// The background work waiting, as metrics show it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Backlog {
    /// Subjects waiting for their first screening.
    pub pending: i64,
    /// When the oldest of them was taken in (Unix milliseconds).
    pub oldest_pending_ms: Option<i64>,
    /// Screened subjects whose latest screening used other list versions than the current
    /// ones; 0 while the current ones are unknown.
    pub outdated: i64,
}

/// The database pool's connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolUsage {
    pub size: u32,
    pub idle: usize,
    pub max: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Statistics {
    pub by_status: Vec<(SubjectStatus, i64)>,
    pub by_screening_state: Vec<(ScreeningState, i64)>,
    pub total: i64,
}

impl Store {
    #[tracing::instrument(name = "store.statistics", skip_all)]
    pub async fn statistics(&self) -> anyhow::Result<Statistics> {
        let by_status: Vec<(String, i64)> =
            sqlx::query_as("SELECT status, COUNT(*) FROM subjects GROUP BY status")
                .fetch_all(&self.pool)
                .await
                .context("counting subjects by status")?;
        let by_state: Vec<(String, i64)> = sqlx::query_as(
            "SELECT screening_state, COUNT(*) FROM subjects GROUP BY screening_state",
        )
        .fetch_all(&self.pool)
        .await
        .context("counting subjects by screening state")?;
        let by_status = by_status
            .into_iter()
            .map(|(name, count)| {
                SubjectStatus::parse(&name)
                    .map(|status| (status, count))
                    .with_context(|| format!("unknown stored status {name:?}"))
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        let by_screening_state = by_state
            .into_iter()
            .map(|(name, count)| {
                ScreeningState::parse(&name)
                    .map(|state| (state, count))
                    .with_context(|| format!("unknown stored screening state {name:?}"))
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        Ok(Statistics {
            total: by_status.iter().map(|(_, count)| count).sum(),
            by_status,
            by_screening_state,
        })
    }

    /// The pending subjects and the age of the oldest, and the subjects out of date with
    /// `current_versions` (a `versions_key`). Both counts read an index only: the pending
    /// subjects by state, the out-of-date ones as the two ranges of the versions index on
    /// either side of the current key, as `claim_stale` reads them.
    pub async fn backlog(&self, current_versions: Option<&str>) -> anyhow::Result<Backlog> {
        let (pending, oldest_pending_ms): (i64, Option<i64>) = sqlx::query_as(
            "SELECT COUNT(*), MIN(created_at_ms) FROM subjects WHERE screening_state = 'pending'",
        )
        .fetch_one(&self.pool)
        .await
        .context("counting pending subjects")?;
        let outdated = match current_versions {
            Some(key) => {
                let (outdated,): (i64,) = sqlx::query_as(
                    "SELECT COUNT(*) FROM subjects
                     WHERE screening_state <> 'pending'
                       AND (screened_versions < $1 OR screened_versions > $1)",
                )
                .bind(key)
                .fetch_one(&self.pool)
                .await
                .context("counting subjects to re-screen")?;
                outdated
            }
            None => 0,
        };
        Ok(Backlog {
            pending,
            oldest_pending_ms,
            outdated,
        })
    }

    pub fn pool_usage(&self) -> PoolUsage {
        PoolUsage {
            size: self.pool.size(),
            idle: self.pool.num_idle(),
            max: self.pool.options().get_max_connections(),
        }
    }
}
