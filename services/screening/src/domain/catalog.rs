//! The lists being served. A list is prepared completely (parsed and tokenised) before it is
//! swapped in, so a query sees either the old version or the new one, never a mix.

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

use time::OffsetDateTime;
use tokio::sync::watch;

use crate::domain::entry::{NameKind, WatchlistEntry};
use crate::domain::matching::{Part, PartStatistics, Vocabulary, prepare};
use crate::lists::ListFormat;

/// One version of one list, ready to screen against.
#[derive(Debug)]
pub struct LoadedList {
    pub name: String,
    pub format: ListFormat,
    /// Content hash of the files the list was read from.
    pub version: String,
    pub loaded_at: OffsetDateTime,
    pub entries: Vec<WatchlistEntry>,
    pub(crate) names: Vec<PreparedName>,
    /// How common each name part is on this list, which sets how much it weighs.
    pub(crate) statistics: PartStatistics,
    /// The distinct parts of the list's names.
    pub(crate) vocabulary: Vocabulary,
}

/// An entry name with its parts, their comparison keys and weights computed once at load
/// time.
#[derive(Debug)]
pub(crate) struct PreparedName {
    pub entry: usize,
    pub name: usize,
    pub kind: NameKind,
    pub parts: Vec<Part>,
    /// `statistics.weight` of each part.
    pub weights: Vec<f64>,
    /// `vocabulary` id of each part.
    pub part_ids: Vec<u32>,
}

impl LoadedList {
    pub fn new(
        name: String,
        format: ListFormat,
        version: String,
        entries: Vec<WatchlistEntry>,
    ) -> Self {
        let mut names: Vec<PreparedName> = entries
            .iter()
            .enumerate()
            .flat_map(|(entry_index, entry)| {
                entry
                    .names
                    .iter()
                    .enumerate()
                    .map(move |(name_index, name)| PreparedName {
                        entry: entry_index,
                        name: name_index,
                        kind: name.kind,
                        parts: prepare(&name.full_name),
                        weights: Vec::new(),
                        part_ids: Vec::new(),
                    })
            })
            .filter(|prepared| !prepared.parts.is_empty())
            .collect();
        // Names are in entry order, so each entry's names are one run.
        let statistics = PartStatistics::from_entries(
            names
                .chunk_by(|a, b| a.entry == b.entry)
                .map(|run| run.iter().map(|n| n.parts.as_slice())),
        );
        let mut vocabulary = Vocabulary::default();
        for name in &mut names {
            name.weights = statistics.weights(&name.parts);
            name.part_ids = name.parts.iter().map(|p| vocabulary.intern(p)).collect();
        }
        Self {
            name,
            format,
            version,
            loaded_at: OffsetDateTime::now_utc(),
            entries,
            names,
            statistics,
            vocabulary,
        }
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

    /// A receiver that holds the current snapshot and is notified of every change.
    pub fn subscribe(&self) -> watch::Receiver<Snapshot> {
        self.changes.subscribe()
    }
}
