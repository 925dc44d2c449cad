//! Prometheus metrics: the per-call instruments both services share (server side, and the
//! client side of one service calling another), and the HTTP listener that serves every
//! instrument of a service at `/metrics` in the Prometheus text format.
//!
//! Each component owns its instruments from the moment it is built, whether or not metrics
//! are served: they are a few atomics, and a component never needs to know whether anyone
//! reads them. A service that serves metrics registers them all in one `Registry` at
//! start-up. Labels name methods, codes, lists and outcomes only, never anything a caller
//! sent about a person.

mod client;
mod endpoint;
mod methods;
pub(crate) mod rpc;
#[cfg(test)]
mod tests;

pub use client::{MeasuredChannel, MeasuredChannelFuture};
pub use endpoint::{CONTENT_TYPE, MetricsListener, Refresh, encode};
pub use rpc::{RpcMetrics, record_shed};

use prometheus_client::metrics::histogram::Histogram;

/// Durations in seconds, from a millisecond to a minute: a health check, a screening, a
/// committed intake and a list import each fall well inside.
pub const SECONDS_BUCKETS: [f64; 15] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0,
];

/// A histogram of durations in seconds, with `SECONDS_BUCKETS`.
pub fn seconds_histogram() -> Histogram {
    Histogram::new(SECONDS_BUCKETS)
}
