//! Lists imported at run time: their files, so that any instance can rebuild them.

use anyhow::Context;
use sqlx::Row;
use time::OffsetDateTime;

use super::Store;
use crate::lists::{ListFiles, ListFormat};

/// The name and version of a stored import, to tell whether it changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportVersion {
    pub name: String,
    pub version: String,
}

#[derive(Debug, Clone)]
pub struct StoredImport {
    pub name: String,
    pub format: ListFormat,
    pub version: String,
    pub files: ListFiles,
}

/// The stored import is not the version an import was checked against: another instance
/// replaced the list meanwhile, or this one has not yet served the newest import.
#[derive(Debug, thiserror::Error)]
pub enum SaveImportError {
    #[error(
        "list {} was replaced through another instance meanwhile; retry once it is served here",
        person::quoted(.list)
    )]
    Changed { list: String },
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// Why a stored import was not deleted.
#[derive(Debug, thiserror::Error)]
pub enum DeleteImportError {
    /// No import of that name is stored (deleted through another instance, or never
    /// imported).
    #[error("no imported list named {} is stored", person::quoted(.list))]
    NotStored { list: String },
    /// The stored import is another version than the one the deletion was asked for.
    #[error(
        "list {} was replaced through another instance meanwhile; retry once it is served here",
        person::quoted(.list)
    )]
    Changed { list: String },
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// A deleted import, as its audit record has it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deletion {
    pub name: String,
    pub format: String,
    pub version: String,
    pub deleted_by: String,
    pub deleted_at_ms: i64,
}

impl Store {
    /// Deletes the stored import of `name`, its files and every recorded version of the
    /// list, and records who deleted it, in one transaction, provided that the stored import
    /// is `version` (the one served where the deletion was asked for): a list replaced
    /// through another instance meanwhile is not deleted unseen.
    ///
    /// # Errors
    ///
    /// `NotStored` when there is no such import; `Changed` when another version is stored;
    /// `Unexpected` for database failures.
    #[tracing::instrument(name = "store.delete_import", skip_all)]
    pub async fn delete_import(
        &self,
        name: &str,
        version: &str,
        deleted_by: &str,
    ) -> Result<(), DeleteImportError> {
        let mut tx = self.pool.begin().await.context("starting a transaction")?;
        let stored: Option<(String, String)> =
            sqlx::query_as("SELECT format, version FROM watchlist_imports WHERE name = $1")
                .bind(name)
                .fetch_optional(&mut *tx)
                .await
                .context("reading an import")?;
        let Some((format, stored_version)) = stored else {
            return Err(DeleteImportError::NotStored {
                list: name.to_owned(),
            });
        };
        // Conditional on the version, so that an import committed through another instance
        // between the read above and here is not deleted (PostgreSQL re-reads the row).
        let deleted = sqlx::query("DELETE FROM watchlist_imports WHERE name = $1 AND version = $2")
            .bind(name)
            .bind(version)
            .execute(&mut *tx)
            .await
            .context("deleting an import")?
            .rows_affected();
        if stored_version != version || deleted != 1 {
            return Err(DeleteImportError::Changed {
                list: name.to_owned(),
            });
        }
        // The foreign key cascades already; said here too, so that the files never outlive
        // their import whatever the connection's settings.
        sqlx::query("DELETE FROM watchlist_import_files WHERE name = $1")
            .bind(name)
            .execute(&mut *tx)
            .await
            .context("deleting an import's files")?;
        sqlx::query("DELETE FROM watchlist_versions WHERE name = $1")
            .bind(name)
            .execute(&mut *tx)
            .await
            .context("deleting a list's versions")?;
        sqlx::query(
            "INSERT INTO watchlist_deletions (name, format, version, deleted_by, deleted_at_ms)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(name)
        .bind(&format)
        .bind(version)
        .bind(deleted_by)
        .bind(now_ms())
        .execute(&mut *tx)
        .await
        .context("recording a deletion")?;
        tx.commit().await.context("committing a deletion")?;
        Ok(())
    }

    /// Every recorded deletion of list `name`, oldest first.
    #[tracing::instrument(name = "store.deletions", skip_all)]
    pub async fn deletions(&self, name: &str) -> anyhow::Result<Vec<Deletion>> {
        let rows: Vec<(String, String, String, String, i64)> = sqlx::query_as(
            "SELECT name, format, version, deleted_by, deleted_at_ms
             FROM watchlist_deletions WHERE name = $1 ORDER BY deleted_at_ms",
        )
        .bind(name)
        .fetch_all(&self.pool)
        .await
        .context("reading deletions")?;
        Ok(rows
            .into_iter()
            .map(
                |(name, format, version, deleted_by, deleted_at_ms)| Deletion {
                    name,
                    format,
                    version,
                    deleted_by,
                    deleted_at_ms,
                },
            )
            .collect())
    }

    /// Whether files of an import of `name` are stored (for tests of deletion).
    #[tracing::instrument(name = "store.has_import_files", skip_all)]
    pub async fn has_import_files(&self, name: &str) -> anyhow::Result<bool> {
        let count: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM watchlist_import_files WHERE name = $1")
                .bind(name)
                .fetch_one(&self.pool)
                .await
                .context("counting imported files")?;
        Ok(count > 0)
    }

    /// Replaces the stored import of `name` with `files`, in one transaction, provided that
    /// the stored import is `replacing` (the version the import was checked against) or
    /// that there is none. The check and the write are one statement each, so two instances
    /// replacing one list at once cannot both succeed: the second finds the version changed.
    ///
    /// # Errors
    ///
    /// `Changed` when another version is stored; `Unexpected` for database failures.
    #[tracing::instrument(name = "store.save_import", skip_all)]
    pub async fn save_import(
        &self,
        name: &str,
        format: ListFormat,
        files: &ListFiles,
        imported_by: &str,
        replacing: Option<&str>,
    ) -> Result<(), SaveImportError> {
        let mut tx = self.pool.begin().await.context("starting a transaction")?;
        let imported_at_ms = now_ms();
        let mut swapped = false;
        if let Some(replacing) = replacing {
            swapped = sqlx::query(
                "UPDATE watchlist_imports
                 SET format = $2, version = $3, imported_by = $4, imported_at_ms = $5
                 WHERE name = $1 AND version = $6",
            )
            .bind(name)
            .bind(format.as_str())
            .bind(files.version(format))
            .bind(imported_by)
            .bind(imported_at_ms)
            .bind(replacing)
            .execute(&mut *tx)
            .await
            .context("replacing an import")?
            .rows_affected()
                == 1;
        }
        if !swapped {
            let inserted = sqlx::query(
                "INSERT INTO watchlist_imports (name, format, version, imported_by, imported_at_ms)
                 VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (name) DO NOTHING",
            )
            .bind(name)
            .bind(format.as_str())
            .bind(files.version(format))
            .bind(imported_by)
            .bind(imported_at_ms)
            .execute(&mut *tx)
            .await
            .context("recording an import")?
            .rows_affected();
            if inserted == 0 {
                return Err(SaveImportError::Changed {
                    list: name.to_owned(),
                });
            }
        }
        sqlx::query("DELETE FROM watchlist_import_files WHERE name = $1")
            .bind(name)
            .execute(&mut *tx)
            .await
            .context("removing the previous import's files")?;
        for (file_name, content) in files.iter() {
            sqlx::query(
                "INSERT INTO watchlist_import_files (name, file_name, content) VALUES ($1, $2, $3)",
            )
            .bind(name)
            .bind(file_name)
            .bind(content.to_vec())
            .execute(&mut *tx)
            .await
            .context("storing an imported file")?;
        }
        tx.commit().await.context("committing an import")?;
        Ok(())
    }

    /// Records `version` as the stored import's version in place of `stored`, which an
    /// older rule computed from the same files; nothing changes if the import was replaced
    /// meanwhile.
    #[tracing::instrument(name = "store.restamp_import", skip_all)]
    pub async fn restamp_import(
        &self,
        name: &str,
        stored: &str,
        version: &str,
    ) -> anyhow::Result<()> {
        sqlx::query("UPDATE watchlist_imports SET version = $3 WHERE name = $1 AND version = $2")
            .bind(name)
            .bind(stored)
            .bind(version)
            .execute(&self.pool)
            .await
            .context("restamping an import's version")?;
        Ok(())
    }

    /// Names and versions of every stored import: cheap enough to poll.
    pub async fn import_versions(&self) -> anyhow::Result<Vec<ImportVersion>> {
        let rows: Vec<(String, String)> =
            sqlx::query_as("SELECT name, version FROM watchlist_imports ORDER BY name")
                .fetch_all(&self.pool)
                .await
                .context("reading import versions")?;
        Ok(rows
            .into_iter()
            .map(|(name, version)| ImportVersion { name, version })
            .collect())
    }

    #[tracing::instrument(name = "store.load_import", skip_all)]
    pub async fn load_import(&self, name: &str) -> anyhow::Result<Option<StoredImport>> {
        let Some(row) =
            sqlx::query("SELECT format, version FROM watchlist_imports WHERE name = $1")
                .bind(name)
                .fetch_optional(&self.pool)
                .await
                .context("reading an import")?
        else {
            return Ok(None);
        };
        let format: String = row.try_get("format")?;
        let version: String = row.try_get("version")?;
        let file_rows: Vec<(String, Vec<u8>)> =
            sqlx::query_as("SELECT file_name, content FROM watchlist_import_files WHERE name = $1")
                .bind(name)
                .fetch_all(&self.pool)
                .await
                .context("reading imported files")?;
        let mut files = ListFiles::new();
        for (file_name, content) in file_rows {
            files.insert(file_name, content);
        }
        Ok(Some(StoredImport {
            name: name.to_owned(),
            format: format
                .parse()
                .map_err(anyhow::Error::msg)
                .context("a stored import's format")?,
            version,
            files,
        }))
    }
}

fn now_ms() -> i64 {
    (OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}
