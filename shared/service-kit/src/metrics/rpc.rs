//! Per-call instruments, one set for the calls a server answers and one for the calls a
//! service makes to another: calls started, calls ended by status code, their durations
//! and the calls under way; on the server, also the calls shed under load.
//!
//! Names follow the conventions of go-grpc-prometheus, which Grafana's gRPC dashboards
//! expect: `grpc_server_handled_total{grpc_service, grpc_method, grpc_code}` and so on.

use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

use super::methods::service_and_method;
use super::seconds_histogram;

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub(crate) struct MethodLabels {
    grpc_service: String,
    grpc_method: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CodeLabels {
    grpc_service: String,
    grpc_method: String,
    /// As tonic names it (`Ok`, `InvalidArgument`), the way the per-call log line does.
    grpc_code: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Server,
    Client,
}

/// The per-call instruments of one side; cheap to clone (every clone counts into the same
/// series).
#[derive(Debug, Clone)]
pub struct RpcMetrics {
    side: Side,
    started: Family<MethodLabels, Counter>,
    handled: Family<CodeLabels, Counter>,
    handling: Family<MethodLabels, Histogram, fn() -> Histogram>,
    in_flight: Family<MethodLabels, Gauge>,
    shed: Family<MethodLabels, Counter>,
}

impl RpcMetrics {
    /// The calls a server answers (`grpc_server_*`).
    pub fn server() -> Self {
        Self::new(Side::Server)
    }

    /// The calls a service makes to another (`grpc_client_*`).
    pub fn client() -> Self {
        Self::new(Side::Client)
    }

    fn new(side: Side) -> Self {
        Self {
            side,
            started: Family::default(),
            handled: Family::default(),
            handling: Family::new_with_constructor(seconds_histogram),
            in_flight: Family::default(),
            shed: Family::default(),
        }
    }

    /// Adds these instruments to `registry`.
    pub fn register(&self, registry: &mut Registry) {
        let (prefix, calls) = match self.side {
            Side::Server => ("grpc_server", "calls received"),
            Side::Client => ("grpc_client", "calls made"),
        };
        registry.register(
            format!("{prefix}_started"),
            format!("gRPC {calls}, counted when they start"),
            self.started.clone(),
        );
        registry.register(
            format!("{prefix}_handled"),
            format!("gRPC {calls} that ended, by status code (Cancelled: the caller went away)"),
            self.handled.clone(),
        );
        registry.register(
            format!("{prefix}_handling_seconds"),
            format!("Duration of gRPC {calls}, from arrival to status (a stream: its whole life)"),
            self.handling.clone(),
        );
        registry.register(
            format!("{prefix}_calls_in_flight"),
            format!("gRPC {calls} that have started and not ended"),
            self.in_flight.clone(),
        );
        if self.side == Side::Server {
            registry.register(
                format!("{prefix}_shed"),
                "gRPC calls refused by load shedding before a handler saw them",
                self.shed.clone(),
            );
        }
    }

    /// Counts a call to `path` as started; the returned call counts its end.
    pub(crate) fn begin(&self, path: &str) -> CallMetrics {
        let (grpc_service, grpc_method) = service_and_method(path);
        let labels = MethodLabels {
            grpc_service,
            grpc_method,
        };
        self.started.get_or_create(&labels).inc();
        self.in_flight.get_or_create(&labels).inc();
        CallMetrics {
            metrics: self.clone(),
            labels,
            ended: false,
        }
    }

    /// Counts a call to `path` refused by load shedding, for a shedding layer that sits
    /// where no call has begun (outside the per-call layer). Inside it, `record_shed`
    /// needs only the request.
    pub fn shed(&self, path: &str) {
        let (grpc_service, grpc_method) = service_and_method(path);
        self.shed
            .get_or_create(&MethodLabels {
                grpc_service,
                grpc_method,
            })
            .inc();
    }
}

/// The shed counter of a call's method, put in the request's extensions by the per-call
/// layer, so that a layer inside it can count a shed call with `record_shed`.
#[derive(Debug, Clone)]
pub(crate) struct ShedCounter(Counter);

/// Counts the call of `extensions` (its request's) as shed under load. Call it from a
/// load-shedding layer inside the per-call layer when it refuses the call; the call's
/// status is counted in `grpc_server_handled_total` as well, as for any call. Without the
/// per-call layer in front (a layer tested on its own) it does nothing.
pub fn record_shed(extensions: &http::Extensions) {
    if let Some(ShedCounter(counter)) = extensions.get::<ShedCounter>() {
        counter.inc();
    }
}

/// One call under way: ends once, with its code, or as cancelled when dropped first.
#[derive(Debug)]
pub(crate) struct CallMetrics {
    metrics: RpcMetrics,
    labels: MethodLabels,
    ended: bool,
}

impl CallMetrics {
    /// What `record_shed` counts into, for the request's extensions.
    pub(crate) fn shed_hook(&self) -> ShedCounter {
        ShedCounter(self.metrics.shed.get_or_create_owned(&self.labels))
    }

    pub(crate) fn end(&mut self, code: tonic::Code, elapsed: Duration) {
        if std::mem::replace(&mut self.ended, true) {
            return;
        }
        let metrics = &self.metrics;
        metrics.in_flight.get_or_create(&self.labels).dec();
        metrics
            .handling
            .get_or_create(&self.labels)
            .observe(elapsed.as_secs_f64());
        metrics
            .handled
            .get_or_create(&CodeLabels {
                grpc_service: self.labels.grpc_service.clone(),
                grpc_method: self.labels.grpc_method.clone(),
                grpc_code: format!("{code:?}"),
            })
            .inc();
    }
}

impl Drop for CallMetrics {
    /// A call dropped before its end is one its owner gave up on; its code is left to the
    /// owner, who ends it first when it knows better (`end` counts once).
    fn drop(&mut self) {
        if !self.ended {
            self.metrics.in_flight.get_or_create(&self.labels).dec();
            self.ended = true;
        }
    }
}
