//! What an import may do: how many run at once, and how much of a list one may remove.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::domain::entry::WatchlistEntry;

/// Imports in flight at once on one instance. Each holds its files (up to the 64 MiB message
/// limit) and a list being parsed and indexed beside the served one, so a few at once are
/// all the memory should ever hold.
pub const MAX_IMPORTS_IN_FLIGHT: usize = 2;

/// Why an import was not admitted. Both are refused at once rather than queued: the request
/// already holds its files in memory, and a refused caller frees them and can retry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Busy {
    #[error(
        "list {} is being imported by another request; try again when that import is done",
        person::quoted(.0)
    )]
    List(String),
    #[error(
        "{MAX_IMPORTS_IN_FLIGHT} imports are already in progress on this instance; try again later"
    )]
    Everything,
}

/// Admits imports: one per list at a time, and at most `MAX_IMPORTS_IN_FLIGHT` in all.
#[derive(Debug)]
pub struct ImportSlots {
    in_flight: Arc<Semaphore>,
    /// Lists with an import in progress. A set rather than a semaphore per list, so that a
    /// name is forgotten when its import ends.
    busy: Arc<Mutex<HashSet<String>>>,
}

/// Held while an import runs; dropping it frees both its slots.
#[derive(Debug)]
pub struct ImportPermit {
    list: String,
    busy: Arc<Mutex<HashSet<String>>>,
    _in_flight: OwnedSemaphorePermit,
}

impl Default for ImportSlots {
    fn default() -> Self {
        Self {
            in_flight: Arc::new(Semaphore::new(MAX_IMPORTS_IN_FLIGHT)),
            busy: Arc::default(),
        }
    }
}

impl ImportSlots {
    /// A permit to import `list` now, or why not.
    ///
    /// # Errors
    ///
    /// `Busy::List` while `list` is being imported, `Busy::Everything` while
    /// `MAX_IMPORTS_IN_FLIGHT` other imports run.
    pub fn admit(&self, list: &str) -> Result<ImportPermit, Busy> {
        let mut busy = self.busy.lock().unwrap_or_else(PoisonError::into_inner);
        if busy.contains(list) {
            return Err(Busy::List(list.to_owned()));
        }
        let in_flight = self
            .in_flight
            .clone()
            .try_acquire_owned()
            .map_err(|_| Busy::Everything)?;
        busy.insert(list.to_owned());
        Ok(ImportPermit {
            list: list.to_owned(),
            busy: self.busy.clone(),
            _in_flight: in_flight,
        })
    }
}

impl Drop for ImportPermit {
    fn drop(&mut self) {
        self.busy
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&self.list);
    }
}

/// How many of `before`'s entries (by id) `after` no longer holds.
pub fn removed_entries(before: &[WatchlistEntry], after: &[WatchlistEntry]) -> usize {
    let kept: HashSet<&str> = after.iter().map(|e| e.id.as_str()).collect();
    before
        .iter()
        .filter(|e| !kept.contains(e.id.as_str()))
        .count()
}

/// True when removing `removed` of `before` entries exceeds `max_percent` of them.
pub fn exceeds_share(removed: usize, before: usize, max_percent: u8) -> bool {
    // In integers: removed / before > max_percent / 100.
    (removed as u128) * 100 > (before as u128) * u128::from(max_percent)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::entry::EntryType;

    fn entries(ids: &[&str]) -> Vec<WatchlistEntry> {
        ids.iter()
            .map(|id| WatchlistEntry::named(id, EntryType::Person, &["Anna Schmidt"]))
            .collect()
    }

    #[test]
    fn a_list_takes_one_import_at_a_time_and_is_free_again_when_it_ends() {
        let slots = ImportSlots::default();
        let first = slots.admit("un").expect("free");
        assert_eq!(
            slots.admit("un").expect_err("busy"),
            Busy::List("un".into())
        );
        drop(first);
        assert!(slots.admit("un").is_ok());
    }

    #[test]
    fn no_more_than_the_global_limit_run_at_once() {
        let slots = ImportSlots::default();
        let held: Vec<ImportPermit> = (0..MAX_IMPORTS_IN_FLIGHT)
            .map(|i| slots.admit(&format!("list-{i}")).expect("a slot"))
            .collect();
        assert_eq!(slots.admit("other").expect_err("full"), Busy::Everything);
        // A refusal for the global limit must not leave its list marked busy.
        drop(held);
        assert!(slots.admit("other").is_ok());
    }

    #[test]
    fn removal_counts_entries_gone_by_id() {
        let before = entries(&["a", "b", "c", "d", "e"]);
        assert_eq!(
            removed_entries(&before, &entries(&["a", "b", "c", "d", "x"])),
            1
        );
        assert_eq!(removed_entries(&before, &entries(&["a"])), 4);
        assert_eq!(removed_entries(&[], &before), 0);
    }

    #[test]
    fn the_share_is_exceeded_only_strictly_above_it() {
        assert!(!exceeds_share(1, 5, 20), "20 % of 5 is allowed");
        assert!(exceeds_share(2, 5, 20));
        assert!(exceeds_share(1, 10_000_000, 0));
        assert!(!exceeds_share(0, 10, 0));
        assert!(!exceeds_share(10, 10, 100));
    }
}
