//! Loading lists while serving. A list is parsed and indexed completely before it replaces
//! the served version, so a query sees the old list or the new one, never a mix. Imports are
//! stored in the database, which is what every instance sharing it follows: an import on one
//! instance reaches the others at their next sync.
//!
//! An import is refused before anything is stored or served when the files are not a valid
//! list, when the list is already being imported (`limits`), or when it would remove more of
//! the list than the configured share without saying so: a refused import changes nothing.

mod delete;
mod limits;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use tokio_util::sync::CancellationToken;

use crate::domain::catalog::{LoadedList, Snapshot, WatchlistCatalog};
use crate::domain::entry::WatchlistEntry;
use crate::lists::{self, ImportError, ListFiles, ListFormat};
use crate::metrics::{ImportSource, ScreeningMetrics};
use crate::store::{ImportVersion, SaveImportError, Store};
pub use delete::DeleteFailure;
pub use limits::{Busy, ImportSlots, MAX_IMPORTS_IN_FLIGHT};

/// The share of a list's entries (in percent) a replacement may remove unless the request
/// says the removal is intended.
pub const DEFAULT_MAX_REMOVAL_PERCENT: u8 = 20;

#[derive(Debug, Clone)]
pub struct Importer {
    catalog: Arc<WatchlistCatalog>,
    store: Store,
    slots: Arc<ImportSlots>,
    max_removal_percent: u8,
    /// The lists given at start-up: never deleted, and never dropped by a sync for not
    /// being stored.
    configured: Arc<BTreeSet<String>>,
    metrics: ScreeningMetrics,
}

/// One import as asked for.
#[derive(Debug, Clone)]
pub struct ImportOrder {
    pub name: String,
    pub format: ListFormat,
    pub files: ListFiles,
    /// The caller knows that the new version removes more than the allowed share.
    pub allow_large_removal: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportFailure {
    /// The files are not a valid list of the format; the message names file and line.
    #[error(transparent)]
    Invalid(#[from] ImportError),
    /// Another import of the list, or too many imports, are in progress.
    #[error(transparent)]
    Busy(#[from] Busy),
    #[error(
        "the new version of list {list} would remove {removed} of its {before} entries, more \
         than {max_percent} %; set allow_large_removal if that is intended"
    )]
    LargeRemoval {
        list: String,
        removed: usize,
        before: usize,
        max_percent: u8,
    },
    /// The list was replaced through another instance while this import ran.
    #[error("{0}")]
    ChangedMeanwhile(String),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl From<SaveImportError> for ImportFailure {
    fn from(error: SaveImportError) -> Self {
        match error {
            SaveImportError::Changed { .. } => ImportFailure::ChangedMeanwhile(error.to_string()),
            SaveImportError::Unexpected(error) => ImportFailure::Unexpected(error),
        }
    }
}

/// Parses and indexes a list off the async workers: both are CPU work on large files.
pub async fn prepare(
    name: String,
    format: ListFormat,
    files: ListFiles,
) -> Result<LoadedList, ImportFailure> {
    let version = files.version(format);
    let (_, entries) = parse(format, files).await?;
    index(name, format, version, entries).await
}

/// Parses on a blocking thread and hands the files back, so that they need not be copied
/// (they may be tens of megabytes) to be stored afterwards.
async fn parse(
    format: ListFormat,
    files: ListFiles,
) -> Result<(ListFiles, Vec<WatchlistEntry>), ImportFailure> {
    tokio::task::spawn_blocking(move || {
        let entries = lists::parse(format, &files)?;
        Ok((files, entries))
    })
    .await
    .context("list parsing task failed")?
}

async fn index(
    name: String,
    format: ListFormat,
    version: String,
    entries: Vec<WatchlistEntry>,
) -> Result<LoadedList, ImportFailure> {
    tokio::task::spawn_blocking(move || LoadedList::new(name, format, version, entries))
        .await
        .context("list indexing task failed")
        .map_err(ImportFailure::from)
}

impl Importer {
    /// `configured` names the lists given at start-up.
    pub fn new(
        catalog: Arc<WatchlistCatalog>,
        store: Store,
        max_removal_percent: u8,
        configured: BTreeSet<String>,
        metrics: ScreeningMetrics,
    ) -> Self {
        Self {
            catalog,
            store,
            slots: Arc::default(),
            max_removal_percent,
            configured: Arc::new(configured),
            metrics,
        }
    }

    /// Serves `order.files` as list `order.name` from now on, here and (through the database)
    /// on every instance. Returns the list as served and whether it differs from the previous
    /// version. Every check comes before anything is stored, so a refusal changes nothing.
    pub async fn import(
        &self,
        order: ImportOrder,
        imported_by: &str,
    ) -> Result<(Arc<LoadedList>, bool), ImportFailure> {
        let started = Instant::now();
        let imported = self.import_unmeasured(order, imported_by).await;
        self.metrics.observe_import(
            ImportSource::Request,
            started.elapsed(),
            imported.as_ref().map(|(_, changed)| *changed),
        );
        imported
    }

    async fn import_unmeasured(
        &self,
        order: ImportOrder,
        imported_by: &str,
    ) -> Result<(Arc<LoadedList>, bool), ImportFailure> {
        let ImportOrder {
            name,
            format,
            files,
            allow_large_removal,
        } = order;
        let name = name.as_str();
        // Held until the list is stored and served, so that two imports of one list never
        // interleave their store and serve steps.
        let _permit = self.slots.admit(name)?;
        let version = files.version(format);
        let (files, entries) = parse(format, files).await?;
        // The version checked against is the one the store must still hold when this import
        // is saved; otherwise the check was against a version already gone.
        let served = self.catalog.snapshot().get(name).cloned();
        if !allow_large_removal && let Some(served) = &served {
            check_removal(served, &entries, self.max_removal_percent)?;
        }
        let list = index(name.to_owned(), format, version, entries).await?;
        let replacing = served.as_ref().map(|l| l.version.as_str());
        self.store
            .save_import(name, format, &files, imported_by, replacing)
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

    /// Serves every stored import whose version differs from the one served here, and
    /// stops serving imported lists deleted from the store.
    ///
    /// A stored import that cannot be rebuilt (one stored before a stricter rule came in)
    /// does not hold back the others: every other list is served, and the error names each
    /// list that failed. At start-up that error stops the service, as a bad start-up list
    /// does; in the sync loop it is logged.
    pub async fn sync_from_store(&self) -> anyhow::Result<()> {
        // Read before the store: a list served here was stored before it was served, so a
        // list in this snapshot and missing from the store below was deleted.
        let served = self.catalog.snapshot();
        let stored_versions = self.store.import_versions().await?;
        self.drop_deleted(&served, &stored_versions);
        let mut failed = Vec::new();
        for stored in stored_versions {
            if served
                .get(&stored.name)
                .is_some_and(|l| l.version == stored.version)
            {
                continue;
            }
            // Being imported or deleted here: the next sync looks again.
            let Ok(_permit) = self.slots.admit(&stored.name) else {
                continue;
            };
            let Some(import) = self.store.load_import(&stored.name).await? else {
                continue;
            };
            let started = Instant::now();
            let prepared = prepare(import.name.clone(), import.format, import.files).await;
            if let Err(failure) = &prepared {
                self.metrics.observe_import(
                    ImportSource::StoreSync,
                    started.elapsed(),
                    Err(failure),
                );
            }
            match prepared {
                Ok(list) => {
                    if list.version != import.version {
                        // Stored under an older rule for versions (one that hashed file
                        // names too): restamped, or every sync would take it for new, and
                        // every import would find it replaced meanwhile.
                        self.store
                            .restamp_import(&import.name, &import.version, &list.version)
                            .await?;
                    }
                    let changed = self.serve(list).await?;
                    self.metrics.observe_import(
                        ImportSource::StoreSync,
                        started.elapsed(),
                        Ok(changed),
                    );
                    tracing::info!(
                        list = %import.name, version = %import.version, "stored import served"
                    );
                }
                Err(error) => failed.push(format!("stored import {:?}: {error}", import.name)),
            }
        }
        if failed.is_empty() {
            Ok(())
        } else {
            Err(anyhow::anyhow!("rebuilding {}", failed.join("; ")))
        }
    }

    /// Stops serving each list of `served` that was imported (not given at start-up) and is
    /// no longer stored: it was deleted through another instance.
    fn drop_deleted(&self, served: &Snapshot, stored: &[ImportVersion]) {
        for list in served.values() {
            let imported = !self.configured.contains(&list.name);
            let still_stored = stored.iter().any(|s| s.name == list.name);
            if imported && !still_stored && self.catalog.remove(&list.name, &list.version) {
                tracing::info!(list = %list.name, "list deleted through another instance");
            }
        }
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

/// Refuses a version that removes more than `max_percent` of the served one's entries.
fn check_removal(
    served: &LoadedList,
    entries: &[WatchlistEntry],
    max_percent: u8,
) -> Result<(), ImportFailure> {
    let removed = limits::removed_entries(&served.entries, entries);
    if limits::exceeds_share(removed, served.entries.len(), max_percent) {
        return Err(ImportFailure::LargeRemoval {
            list: served.name.clone(),
            removed,
            before: served.entries.len(),
            max_percent,
        });
    }
    Ok(())
}
