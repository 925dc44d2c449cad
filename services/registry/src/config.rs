//! Configuration from flags, each with an environment variable (flags win).

use std::path::PathBuf;
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

    /// Tokens file: one `PRINCIPAL ROLE[,ROLE] sha256:HEX` per line (see README). Without
    /// it, only health checks and reflection answer.
    #[arg(long, env = "REGISTRY_AUTH_TOKENS_FILE")]
    pub auth_tokens_file: Option<PathBuf>,

    /// The bearer token the registry presents to screening (a principal with the
    /// `screener` role there).
    #[arg(long, env = "REGISTRY_SCREENING_TOKEN", hide_env_values = true)]
    pub screening_token: Option<String>,

    /// How long intake waits for screening before recording the subject as PENDING.
    #[arg(long, env = "REGISTRY_SCREENING_TIMEOUT_MS", default_value_t = 2000)]
    pub screening_timeout_ms: u64,

    /// Background screening of pending subjects and re-screening on list changes.
    #[command(flatten)]
    pub workers: crate::workers::WorkerConfig,
}

impl Config {
    pub fn screening_timeout(&self) -> Duration {
        Duration::from_millis(self.screening_timeout_ms)
    }
}
