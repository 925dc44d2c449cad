//! Reloading a TLS configuration when its files change on disk, without a restart.
//!
//! The files' modification times and sizes are checked every interval (rather than reloading
//! on SIGHUP): certificate managers and orchestrators (cert-manager, mounted secrets, a cron
//! job renewing from an ACME CA) replace files without signalling the process. A change is
//! taken only if the whole set loads and fits together; otherwise the configuration in use
//! stays, a warning is logged, and the files are tried again once they change again (a
//! certificate written before its key is picked up when the key arrives).

use std::path::PathBuf;
use std::sync::{Arc, RwLock, Weak};
use std::time::{Duration, SystemTime};

/// A configuration that is swapped whole when its files change. Readers take the current
/// one per connection, so a connection keeps the configuration it started with.
pub(crate) struct Reloading<T> {
    current: RwLock<Arc<T>>,
}

impl<T> Reloading<T> {
    pub(crate) fn new(initial: T) -> Arc<Self> {
        Arc::new(Self {
            current: RwLock::new(Arc::new(initial)),
        })
    }

    pub(crate) fn current(&self) -> Arc<T> {
        // A poisoned lock still holds a complete configuration: the swap is one assignment.
        match self.current.read() {
            Ok(current) => current.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn replace(&self, next: T) {
        let next = Arc::new(next);
        match self.current.write() {
            Ok(mut current) => *current = next,
            Err(poisoned) => *poisoned.into_inner() = next,
        }
    }
}

/// What the files looked like: a change of any modification time or size is a change.
type Fingerprint = Vec<Option<(SystemTime, u64)>>;

fn fingerprint(files: &[PathBuf]) -> Fingerprint {
    files
        .iter()
        .map(|path| {
            let metadata = std::fs::metadata(path).ok()?;
            Some((metadata.modified().ok()?, metadata.len()))
        })
        .collect()
}

/// Checks `files` every `interval` and, when they changed, replaces `target`'s configuration
/// with what `load` makes of them. Stops once `target` is dropped (the server or client that
/// used it is gone).
pub(crate) fn watch<T, F>(
    target: &Arc<Reloading<T>>,
    what: &'static str,
    files: Vec<PathBuf>,
    interval: Duration,
    load: F,
) where
    T: Send + Sync + 'static,
    F: Fn() -> anyhow::Result<T> + Send + 'static,
{
    let target: Weak<Reloading<T>> = Arc::downgrade(target);
    let mut seen = fingerprint(&files);
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(interval);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        ticks.tick().await;
        loop {
            ticks.tick().await;
            let Some(target) = target.upgrade() else {
                return;
            };
            let now = fingerprint(&files);
            if now == seen {
                continue;
            }
            seen = now;
            match load() {
                Ok(next) => {
                    target.replace(next);
                    tracing::info!(what, files = ?files, "TLS files changed; reloaded");
                }
                Err(error) => tracing::warn!(
                    what,
                    files = ?files,
                    error = format!("{error:#}"),
                    "TLS files changed but cannot be loaded; keeping the ones in use"
                ),
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_change_is_taken_and_a_failed_load_keeps_the_old_value() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let file = dir.path().join("value");
        std::fs::write(&file, "1").expect("written");
        let target = Reloading::new(1u32);
        let path = file.clone();
        watch(
            &target,
            "test",
            vec![file.clone()],
            Duration::from_millis(20),
            move || Ok(std::fs::read_to_string(&path)?.trim().parse::<u32>()?),
        );

        std::fs::write(&file, "22").expect("written");
        wait_for(&target, 22).await;
        std::fs::write(&file, "not a number").expect("written");
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert_eq!(
            *target.current(),
            22,
            "a failed load keeps the value in use"
        );
        std::fs::write(&file, "333").expect("written");
        wait_for(&target, 333).await;
    }

    async fn wait_for(target: &Reloading<u32>, expected: u32) {
        for _ in 0..100 {
            if *target.current() == expected {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("never reloaded to {expected}, still {}", target.current());
    }
}
