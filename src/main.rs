//! Runs the whole system on one machine: screening with a demo watchlist, and the registry,
//! each on embedded SQLite under the data folder. For production, run the `screening` and
//! `registry` binaries separately (see README).

mod banner;
mod certs;
mod demo;
mod private_files;
mod tokens;

use clap::Parser;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let options = demo::Options::parse();
    // Both services run in this process and share its tracer, so their spans are exported
    // under one service name (each call's span names its method).
    let _traces = service_kit::telemetry::init_traced(std::io::stdout, "stack", &options.traces)?;
    let stack = demo::Stack::build(options).await?;
    stack.print_welcome()?;
    stack
        .run_until_stopped(service_kit::shutdown_signal())
        .await
}
