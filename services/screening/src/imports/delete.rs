//! Deleting an imported list: from the database first (files, versions, with an audit
//! record, in one transaction), then from serving in one swap, so that no instance keeps
//! serving a list the database no longer holds beyond its next sync.

use std::sync::Arc;

use super::{Busy, Importer};
use crate::domain::catalog::LoadedList;
use crate::store::DeleteImportError;

#[derive(Debug, thiserror::Error)]
pub enum DeleteFailure {
    #[error("no list named {} is served", person::quoted(.0))]
    NotFound(String),
    /// Given at start-up: deleting it would last only until the next start.
    #[error(
        "list {} is loaded at start-up (--watchlist); remove it from the configuration and \
         restart instead",
        person::quoted(.0)
    )]
    Configured(String),
    /// Screening against no list at all would answer every query as clear.
    #[error(
        "list {} is the last list served, and screening against no list would find everyone \
         clear; import its replacement first",
        person::quoted(.0)
    )]
    LastList(String),
    /// An import of the list is in progress on this instance.
    #[error(transparent)]
    Busy(#[from] Busy),
    /// The list was replaced through another instance since this one served it.
    #[error("{0}")]
    ChangedMeanwhile(String),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl Importer {
    /// Deletes imported list `name` everywhere: its stored import, files and recorded
    /// versions go (with a record of who deleted it), and it stops being served here at
    /// once and on every instance sharing the database at its next sync. Returns the list
    /// as it was served.
    pub async fn delete(
        &self,
        name: &str,
        deleted_by: &str,
    ) -> Result<Arc<LoadedList>, DeleteFailure> {
        // The import slot of the list, so that no import or sync of it here interleaves.
        let _permit = self.slots.admit(name)?;
        let snapshot = self.catalog.snapshot();
        let Some(served) = snapshot.get(name).cloned() else {
            return Err(DeleteFailure::NotFound(name.to_owned()));
        };
        if self.configured.contains(name) {
            return Err(DeleteFailure::Configured(name.to_owned()));
        }
        if snapshot.len() == 1 {
            return Err(DeleteFailure::LastList(name.to_owned()));
        }
        match self
            .store
            .delete_import(name, &served.version, deleted_by)
            .await
        {
            Ok(()) => {}
            // Deleted through another instance already: this one stops serving it too.
            Err(DeleteImportError::NotStored { .. }) => {
                self.catalog.remove(name, &served.version);
                return Err(DeleteFailure::NotFound(name.to_owned()));
            }
            Err(error @ DeleteImportError::Changed { .. }) => {
                return Err(DeleteFailure::ChangedMeanwhile(error.to_string()));
            }
            Err(DeleteImportError::Unexpected(error)) => return Err(error.into()),
        }
        self.catalog.remove(name, &served.version);
        tracing::info!(
            list = %name, version = %served.version, by = %deleted_by, "list deleted"
        );
        Ok(served)
    }
}
