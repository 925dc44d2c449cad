//! Loading lists while serving. A list is parsed and indexed completely before it replaces
//! the served version, so a query sees the old list or the new one, never a mix. Imports are
//! stored in the database, which is what every instance sharing it follows: an import on one
//! instance reaches the others at their next sync.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use tokio_util::sync::CancellationToken;

use crate::domain::catalog::{LoadedList, WatchlistCatalog};
use crate::lists::{self, ImportError, ListFiles, ListFormat};
use crate::store::Store;

#[derive(Debug, Clone)]
pub struct Importer {
    catalog: Arc<WatchlistCatalog>,
    store: Store,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportFailure {
    /// The files are not a valid list of the format; the message names file and line.
    #[error(transparent)]
    Invalid(#[from] ImportError),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// Parses and indexes a list off the async workers: both are CPU work on large files.
pub async fn prepare(
    name: String,
    format: ListFormat,
    files: ListFiles,
) -> Result<LoadedList, ImportFailure> {
    tokio::task::spawn_blocking(move || {
        let entries = lists::parse(format, &files)?;
        Ok(LoadedList::new(name, format, files.content_hash(), entries))
    })
    .await
    .context("list preparation task failed")?
}

impl Importer {
    pub fn new(catalog: Arc<WatchlistCatalog>, store: Store) -> Self {
        Self { catalog, store }
    }

    /// Serves `files` as list `name` from now on, here and (through the database) on every
    /// instance. Returns the list as served and whether it differs from the previous version.
    pub async fn import(
        &self,
        name: &str,
        format: ListFormat,
        files: ListFiles,
        imported_by: &str,
    ) -> Result<(Arc<LoadedList>, bool), ImportFailure> {
        let list = prepare(name.to_owned(), format, files.clone()).await?;
        self.store
            .save_import(name, format, &files, imported_by)
            .await?;
        let changed = self.serve(list).await?;
        tracing::info!(list = %name, by = %imported_by, changed, "list imported");
        let served = self
            .catalog
            .snapshot()
            .get(name)
            .cloned()
            .context("an imported list is not served")?;
        Ok((served, changed))
    }

    /// Serves every stored import whose version differs from the one served here.
    pub async fn sync_from_store(&self) -> anyhow::Result<()> {
        let served = self.catalog.snapshot();
        for stored in self.store.import_versions().await? {
            if served
                .get(&stored.name)
                .is_some_and(|l| l.version == stored.version)
            {
                continue;
            }
            let Some(import) = self.store.load_import(&stored.name).await? else {
                continue;
            };
            let list = prepare(import.name.clone(), import.format, import.files)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))
                .with_context(|| format!("rebuilding stored import {:?}", import.name))?;
            self.serve(list).await?;
            tracing::info!(list = %import.name, version = %import.version, "stored import served");
        }
        Ok(())
    }

    /// Keeps this instance in step with imports made through other instances.
    pub fn spawn_sync_loop(self, every: Duration, shutdown: CancellationToken) {
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    () = tokio::time::sleep(every) => {}
                    () = shutdown.cancelled() => return,
                }
                if let Err(error) = self.sync_from_store().await {
                    tracing::warn!(
                        error = format!("{error:#}"),
                        "syncing imported lists failed"
                    );
                }
            }
        });
    }

    async fn serve(&self, list: LoadedList) -> anyhow::Result<bool> {
        self.store.record_version(&list).await?;
        Ok(self.catalog.replace(list))
    }
}
