//! Logging set-up and the per-RPC log line.
//!
//! Each RPC gets one span carrying its method, caller and `x-request-id` (for whatever the
//! handler logs), and one closing line with the status code and the call's duration, also
//! when the caller cancels it or the transport fails. Requests and responses are never
//! logged: they carry names, dates of birth and document numbers.

pub(crate) mod body;
mod caller;
pub(crate) mod rpc;
#[cfg(test)]
mod tests;

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;

pub use caller::{ANONYMOUS, identify_caller};
pub use rpc::{RpcLog, RpcLogLayer, rpc_trace_layer};

/// Installs the global subscriber: `RUST_LOG` filters (default `info`), and `LOG_FORMAT=json`
/// gives one JSON object per line for log shippers. `writer` is where lines go, so tests can
/// keep quiet; colours are used only when standard output is a terminal.
pub fn init<W>(writer: W)
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let json = std::env::var("LOG_FORMAT").is_ok_and(|v| v.eq_ignore_ascii_case("json"));
    install(writer, filter, json);
}

/// `init` with the filter (`RUST_LOG` syntax) and format given rather than read from the
/// environment, for tests that read the lines back.
pub fn init_with<W>(writer: W, filter: &str, json: bool)
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    install(writer, EnvFilter::new(filter), json);
}

fn install<W>(writer: W, filter: EnvFilter, json: bool)
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stdout().is_terminal())
        .with_writer(writer);
    // A second initialisation (several servers in one test process) is harmless.
    let _ = if json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}
