//! Counting subjects by case status and screening state.

use anyhow::Context;

use super::Store;
use crate::domain::subject::{ScreeningState, SubjectStatus};

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
}
