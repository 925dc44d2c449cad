//! Persistence of list versions, on SQLite (embedded default) or PostgreSQL.

mod imports;

pub use imports::{DeleteImportError, Deletion, ImportVersion, SaveImportError, StoredImport};

use anyhow::Context;
use sqlx::{AnyPool, Row};

use crate::domain::catalog::LoadedList;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
}

/// A recorded list version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionRecord {
    pub name: String,
    pub version: String,
    pub format: String,
    pub entry_count: i64,
    pub loaded_at_ms: i64,
}

impl Store {
    /// Connects, creating the SQLite file (and its folder) when needed, and migrates.
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
        .context("opening the screening database")?;
        Ok(Self { pool })
    }

    #[tracing::instrument(name = "store.record_version", skip_all)]
    pub async fn record_version(&self, list: &LoadedList) -> anyhow::Result<()> {
        sqlx::query(
            "INSERT INTO watchlist_versions (name, version, format, entry_count, loaded_at_ms)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (name, version) DO NOTHING",
        )
        .bind(&list.name)
        .bind(&list.version)
        .bind(list.format.as_str())
        .bind(list.entries.len() as i64)
        .bind((list.loaded_at.unix_timestamp_nanos() / 1_000_000) as i64)
        .execute(&self.pool)
        .await
        .context("recording a list version")?;
        Ok(())
    }

    #[tracing::instrument(name = "store.versions", skip_all)]
    pub async fn versions(&self, name: &str) -> anyhow::Result<Vec<VersionRecord>> {
        let rows = sqlx::query(
            "SELECT name, version, format, entry_count, loaded_at_ms
             FROM watchlist_versions WHERE name = $1 ORDER BY loaded_at_ms, version",
        )
        .bind(name)
        .fetch_all(&self.pool)
        .await
        .context("reading list versions")?;
        rows.iter()
            .map(|row| {
                Ok(VersionRecord {
                    name: row.try_get("name")?,
                    version: row.try_get("version")?,
                    format: row.try_get("format")?,
                    entry_count: row.try_get("entry_count")?,
                    loaded_at_ms: row.try_get("loaded_at_ms")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .context("decoding list versions")
    }
}
