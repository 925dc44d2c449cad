//! The lists being served. A list is prepared completely (parsed, tokenised and indexed by
//! the `name_matching` library) before it is swapped in, so a query sees either the old
//! version or the new one, never a mix.

use std::collections::BTreeMap;
use std::ops::Deref;
use std::sync::{Arc, RwLock};

use name_matching::index::IndexedList;
use name_matching::record::WatchlistEntry;
use time::OffsetDateTime;
use tokio::sync::watch;

use crate::lists::ListFormat;

/// One version of one list, ready to screen against: the library's index of it, and what
/// the service keeps besides (the format it came in, when it was loaded). It reads as the
/// index (`list.name`, `list.entries`) through `Deref`.
#[derive(Debug)]
pub struct LoadedList {
    pub format: ListFormat,
    pub loaded_at: OffsetDateTime,
    pub index: IndexedList,
}

impl LoadedList {
    /// Prepares every name of `entries` and indexes them; the list is complete before any
    /// query can see it.
    pub fn new(
        name: String,
        format: ListFormat,
        version: String,
        entries: Vec<WatchlistEntry>,
    ) -> Self {
        let index = IndexedList::new(name, version, entries);
        Self {
            format,
            loaded_at: OffsetDateTime::now_utc(),
            index,
        }
    }
}

impl Deref for LoadedList {
    type Target = IndexedList;

    fn deref(&self) -> &IndexedList {
        &self.index
    }
}

impl AsRef<IndexedList> for LoadedList {
    fn as_ref(&self) -> &IndexedList {
        &self.index
    }
}

pub type Snapshot = Arc<BTreeMap<String, Arc<LoadedList>>>;

/// The set of lists being served, and a feed that ticks whenever it changes.
#[derive(Debug)]
pub struct WatchlistCatalog {
    lists: RwLock<Snapshot>,
    changes: watch::Sender<Snapshot>,
}

impl Default for WatchlistCatalog {
    fn default() -> Self {
        let empty: Snapshot = Arc::new(BTreeMap::new());
        let (changes, _) = watch::channel(empty.clone());
        Self {
            lists: RwLock::new(empty),
            changes,
        }
    }
}

impl WatchlistCatalog {
    pub fn new() -> Self {
        Self::default()
    }

    /// The lists as they are now; later replacements do not affect it.
    pub fn snapshot(&self) -> Snapshot {
        match self.lists.read() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Serves `list` under its name, replacing any older version. Returns false, changing
    /// nothing, when that exact version is already served.
    pub fn replace(&self, list: LoadedList) -> bool {
        let mut guard = match self.lists.write() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        if guard
            .get(&list.name)
            .is_some_and(|current| current.version == list.version)
        {
            return false;
        }
        let mut next = (**guard).clone();
        next.insert(list.name.clone(), Arc::new(list));
        let next = Arc::new(next);
        *guard = next.clone();
        drop(guard);
        self.changes.send_replace(next);
        true
    }

    /// Stops serving list `name`, provided that `version` of it is served (a version
    /// served since is left alone). Returns whether it was removed; watchers are told.
    pub fn remove(&self, name: &str, version: &str) -> bool {
        let mut guard = match self.lists.write() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        if guard.get(name).is_none_or(|l| l.version != version) {
            return false;
        }
        let mut next = (**guard).clone();
        next.remove(name);
        let next = Arc::new(next);
        *guard = next.clone();
        drop(guard);
        self.changes.send_replace(next);
        true
    }

    /// A receiver that holds the current snapshot and is notified of every change.
    pub fn subscribe(&self) -> watch::Receiver<Snapshot> {
        self.changes.subscribe()
    }
}
