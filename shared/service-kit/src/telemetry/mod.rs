//! Logging set-up, the per-RPC log line, and traces.
//!
//! Each RPC gets one span carrying its method, caller, `x-request-id` and trace id (for
//! whatever the handler logs), and one closing line with the status code and the call's
//! duration, also when the caller cancels it or the transport fails. Requests and responses
//! are never logged: they carry names, dates of birth and document numbers. The same spans
//! make the traces (see `traces`).

pub(crate) mod body;
mod caller;
pub(crate) mod rpc;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod trace_tests;
mod traces;

use std::io::IsTerminal;

use opentelemetry_sdk::trace::SdkTracer;

use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer, Registry};

pub use caller::{ANONYMOUS, identify_caller};
pub use rpc::{RpcLog, RpcLogLayer, rpc_trace_layer};
pub use traces::{TraceArgs, Traces, inject_trace_context, record_client_failure, trace_id};

/// Installs the global subscriber: `RUST_LOG` filters (default `info`), and `LOG_FORMAT=json`
/// gives one JSON object per line for log shippers. `writer` is where lines go, so tests can
/// keep quiet; colours are used only when standard output is a terminal. Trace ids are made
/// and passed on, and nothing is exported.
pub fn init<W>(writer: W)
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    let _ = init_traced(writer, "service", &TraceArgs::default());
}

/// `init`, exporting spans as `service_name` where `traces` says. Keep the returned value
/// for as long as the process runs: dropping it sends the last spans and stops exporting.
pub fn init_traced<W>(writer: W, service_name: &str, traces: &TraceArgs) -> anyhow::Result<Traces>
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    let json = std::env::var("LOG_FORMAT").is_ok_and(|v| v.eq_ignore_ascii_case("json"));
    install(writer, env_filter(), json, service_name, traces)
}

/// `init` with the filter (`RUST_LOG` syntax) and format given rather than read from the
/// environment, for tests that read the lines back.
pub fn init_with<W>(writer: W, filter: &str, json: bool)
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    let _ = install(
        writer,
        EnvFilter::new(filter),
        json,
        "service",
        &TraceArgs::default(),
    );
}

/// `init_with`, exporting spans where `traces` says, for tests that read them back.
pub fn init_with_traces<W>(
    writer: W,
    filter: &str,
    json: bool,
    service_name: &str,
    traces: &TraceArgs,
) -> anyhow::Result<Traces>
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    install(writer, EnvFilter::new(filter), json, service_name, traces)
}

fn env_filter() -> EnvFilter {
    EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"))
}

fn install<W>(
    writer: W,
    filter: EnvFilter,
    json: bool,
    service_name: &str,
    traces: &TraceArgs,
) -> anyhow::Result<Traces>
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    let (tracer, exporting) = traces::tracer(traces, service_name)?;
    // A second initialisation (several servers in one test process) is harmless; its
    // exporter, unused, is stopped at once.
    match subscriber(writer, filter, json, tracer).try_init() {
        Ok(()) => Ok(exporting),
        Err(_) => Ok(Traces::default()),
    }
}

/// Log lines through `writer` as `filter` allows, and spans for `tracer`.
fn subscriber<W>(
    writer: W,
    filter: EnvFilter,
    json: bool,
    tracer: SdkTracer,
) -> impl tracing::Subscriber + Send + Sync + 'static
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    let lines = tracing_subscriber::fmt::layer()
        .with_ansi(std::io::stdout().is_terminal())
        .with_writer(writer);
    let lines: Box<dyn Layer<Registry> + Send + Sync> = if json {
        Box::new(lines.json())
    } else {
        Box::new(lines)
    };
    // Each layer has a filter of its own: `RUST_LOG` decides what is logged, not what is
    // traced, so that a quiet log does not break the traces across services.
    let spans = tracing_opentelemetry::layer()
        .with_tracer(tracer)
        .with_location(false)
        .with_threads(false)
        .with_filter(traces::traced());
    Registry::default()
        .with(lines.with_filter(filter))
        .with(spans)
}
