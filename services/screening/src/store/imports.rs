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

impl Store {
    /// Replaces the stored import of `name` with `files`, in one transaction, provided that
    /// the stored import is `replacing` (the version the import was checked against) or
    /// that there is none. The check and the write are one statement each, so two instances
    /// replacing one list at once cannot both succeed: the second finds the version changed.
    ///
    /// # Errors
    ///
    /// `Changed` when another version is stored; `Unexpected` for database failures.
    pub async fn save_import(
        &self,
        name: &str,
        format: ListFormat,
        files: &ListFiles,
        imported_by: &str,
        replacing: Option<&str>,
    ) -> Result<(), SaveImportError> {
        let mut tx = self.pool.begin().await.context("starting a transaction")?;
        let imported_at_ms = (OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64;
        let mut swapped = false;
        if let Some(replacing) = replacing {
            swapped = sqlx::query(
                "UPDATE watchlist_imports
                 SET format = $2, version = $3, imported_by = $4, imported_at_ms = $5
                 WHERE name = $1 AND version = $6",
            )
            .bind(name)
            .bind(format.as_str())
            .bind(files.content_hash())
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
            .bind(files.content_hash())
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
