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
    service_kit::telemetry::init(std::io::stdout);
    let options = demo::Options::parse();
    let stack = demo::Stack::build(options).await?;
    stack.print_welcome()?;
    stack
        .run_until_stopped(service_kit::shutdown_signal())
        .await
}
