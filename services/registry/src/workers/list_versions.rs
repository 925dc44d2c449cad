//! Following screening's list versions through `WatchWatchlists`, reconnecting with backoff
//! whenever screening is down or the stream breaks.

use std::time::Duration;

use tokio::sync::watch;
use tokio_util::sync::CancellationToken;
use wire::screening::v1 as pb;

use super::{backoff, sleep_or_stop};
use crate::domain::screening::ListVersion;
use crate::metrics::RegistryMetrics;
use crate::screening_client::ScreeningClient;
use crate::store::versions_key;

const FIRST_RECONNECT_DELAY: Duration = Duration::from_millis(200);
const MAX_RECONNECT_DELAY: Duration = Duration::from_secs(5);

/// Publishes the `versions_key` of the lists screening serves, each time it changes. While
/// screening is unreachable the last known key stays: subjects screened against it are no
/// less up to date for screening being down.
pub(super) async fn follow(
    screening: ScreeningClient,
    metrics: RegistryMetrics,
    versions: watch::Sender<Option<String>>,
    shutdown: CancellationToken,
) {
    let mut failures = 0;
    loop {
        match screening.watch_watchlists().await {
            Ok(mut stream) => loop {
                let message = tokio::select! {
                    message = stream.message() => message,
                    () = shutdown.cancelled() => return,
                };
                match message {
                    Ok(Some(update)) => {
                        failures = 0;
                        screening.record(Ok(()));
                        publish(&versions, &metrics, &update.watchlists);
                    }
                    Ok(None) => break,
                    Err(status) => {
                        tracing::debug!(code = ?status.code(), "list version feed broke");
                        screening.record(Err(status.code()));
                        break;
                    }
                }
            },
            Err(unavailable) => {
                tracing::debug!(code = ?unavailable.code, "list version feed unavailable");
            }
        }
        failures += 1;
        let wait = backoff(failures, FIRST_RECONNECT_DELAY, MAX_RECONNECT_DELAY);
        if sleep_or_stop(wait, &shutdown).await {
            return;
        }
    }
}

fn publish(
    versions: &watch::Sender<Option<String>>,
    metrics: &RegistryMetrics,
    lists: &[pb::Watchlist],
) {
    let key = key_of(lists);
    metrics.versions_seen(&key);
    versions.send_if_modified(|known| {
        if known.as_deref() == Some(key.as_str()) {
            return false;
        }
        tracing::info!(lists = %key, "screening serves new list versions");
        *known = Some(key);
        true
    });
}

fn key_of(lists: &[pb::Watchlist]) -> String {
    let versions: Vec<ListVersion> = lists
        .iter()
        .map(|list| ListVersion {
            watchlist: list.name.clone(),
            version: list.version.clone(),
        })
        .collect();
    versions_key(&versions)
}
