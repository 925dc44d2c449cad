//! Configuration from flags, each with an environment variable (flags win).

use std::time::Duration;

use clap::Parser;

#[derive(Debug, Clone, Parser)]
#[command(
    name = "registry",
    about = "Registers people at intake and screens them against watchlists"
)]
pub struct Config {
    /// Address to listen on; port 0 picks a free port (the bound address is logged).
    #[arg(long, env = "REGISTRY_LISTEN_ADDR", default_value = "127.0.0.1:50051")]
    pub listen_addr: String,

    /// The screening service, as a URL.
    #[arg(
        long,
        env = "REGISTRY_SCREENING_ADDR",
        default_value = "http://127.0.0.1:50052"
    )]
    pub screening_addr: String,

    /// sqlite://PATH or postgres://...
    #[arg(
        long,
        env = "REGISTRY_DATABASE_URL",
        default_value = "sqlite://data/registry.db"
    )]
    pub database_url: String,

    /// How long intake waits for screening before recording the subject as PENDING.
    #[arg(long, env = "REGISTRY_SCREENING_TIMEOUT_MS", default_value_t = 2000)]
    pub screening_timeout_ms: u64,
}

impl Config {
    pub fn screening_timeout(&self) -> Duration {
        Duration::from_millis(self.screening_timeout_ms)
    }
}
