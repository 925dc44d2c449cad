//! Configuration from flags, each with an environment variable (flags win).

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use clap::Parser;

#[derive(Debug, Clone, Parser)]
#[command(
    name = "registry",
    version = wire::version_with_engine!(),
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

    /// A file holding the token to present to screening, so that it stays out of the process
    /// list and the environment.
    #[arg(
        long,
        env = "REGISTRY_SCREENING_TOKEN_FILE",
        conflicts_with = "screening_token"
    )]
    pub screening_token_file: Option<PathBuf>,

    /// How long intake waits for screening before recording the subject as PENDING.
    #[arg(long, env = "REGISTRY_SCREENING_TIMEOUT_MS", default_value_t = 2000)]
    pub screening_timeout_ms: u64,

    /// Background screening of pending subjects and re-screening on list changes.
    #[command(flatten)]
    pub workers: crate::workers::WorkerConfig,

    /// Where to serve Prometheus metrics (plain HTTP, at `/metrics`), apart from the gRPC
    /// port; none are served when unset. Port 0 picks a free port (logged).
    #[arg(long, env = "REGISTRY_METRICS_ADDR")]
    pub metrics_addr: Option<String>,
    /// Load shedding and the database's busy timeout.
    #[command(flatten)]
    pub overload: OverloadConfig,

    /// TLS for the server and towards screening.
    #[command(flatten)]
    pub tls: TlsConfig,

    /// Where spans are exported (OTLP); nowhere unless set.
    #[command(flatten)]
    pub traces: service_kit::telemetry::TraceArgs,
}

/// Load shedding and the database's busy timeout (see README, "Under overload").
#[derive(Debug, Clone, clap::Args)]
pub struct OverloadConfig {
    /// Calls served at once; more wait for a turn, up to --max-queued-calls.
    #[arg(long, env = "REGISTRY_MAX_CONCURRENT_CALLS", default_value_t = DEFAULT_MAX_CONCURRENT_CALLS, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_concurrent_calls: u32,

    /// Calls waiting for a turn; beyond them a call is refused with RESOURCE_EXHAUSTED.
    #[arg(long, env = "REGISTRY_MAX_QUEUED_CALLS", default_value_t = service_kit::overload::DEFAULT_MAX_QUEUED_CALLS as u32)]
    pub max_queued_calls: u32,

    /// Longest a call waits for a turn (never past half of what its deadline leaves)
    /// before it is refused with RESOURCE_EXHAUSTED.
    #[arg(long, env = "REGISTRY_MAX_QUEUE_WAIT_MS", default_value_t = service_kit::overload::DEFAULT_MAX_QUEUE_WAIT_MS)]
    pub max_queue_wait_ms: u64,

    /// Longest a statement waits for a database connection or lock before the call is
    /// answered UNAVAILABLE.
    #[arg(long, env = "REGISTRY_DATABASE_BUSY_TIMEOUT_MS", default_value_t = db::DEFAULT_BUSY_TIMEOUT.as_millis() as u64)]
    pub database_busy_timeout_ms: u64,
}

/// Intake mostly waits (for screening, for a commit): many calls at once fill shared transactions.
pub const DEFAULT_MAX_CONCURRENT_CALLS: u32 = 64;

impl Default for OverloadConfig {
    fn default() -> Self {
        Self {
            max_concurrent_calls: DEFAULT_MAX_CONCURRENT_CALLS,
            max_queued_calls: service_kit::overload::DEFAULT_MAX_QUEUED_CALLS as u32,
            max_queue_wait_ms: service_kit::overload::DEFAULT_MAX_QUEUE_WAIT_MS,
            database_busy_timeout_ms: db::DEFAULT_BUSY_TIMEOUT.as_millis() as u64,
        }
    }
}

impl OverloadConfig {
    pub fn limits(&self) -> service_kit::overload::Limits {
        service_kit::overload::Limits {
            max_concurrent_calls: self.max_concurrent_calls as usize,
            max_queued_calls: self.max_queued_calls as usize,
            max_queue_wait: Duration::from_millis(self.max_queue_wait_ms),
        }
    }

    pub fn database_busy_timeout(&self) -> Duration {
        Duration::from_millis(self.database_busy_timeout_ms)
    }
}

impl Config {
    pub fn screening_timeout(&self) -> Duration {
        Duration::from_millis(self.screening_timeout_ms)
    }

    /// The token towards screening, from --screening-token or the file it is kept in.
    pub fn screening_token(&self) -> anyhow::Result<Option<String>> {
        match (&self.screening_token, &self.screening_token_file) {
            (Some(token), _) => Ok(Some(token.clone())),
            (None, Some(path)) => {
                let token = std::fs::read_to_string(path)
                    .with_context(|| format!("reading {}", path.display()))?;
                let token = token.trim();
                anyhow::ensure!(!token.is_empty(), "{}: holds no token", path.display());
                Ok(Some(token.to_owned()))
            }
            (None, None) => Ok(None),
        }
    }
}

/// TLS for the server, and what happens without it (see README, "TLS").
#[derive(Debug, Clone, Default, clap::Args)]
pub struct TlsConfig {
    /// PEM certificate chain to serve, leaf first. With --tls-key the server speaks TLS only.
    #[arg(long, env = "REGISTRY_TLS_CERT")]
    pub tls_cert: Option<PathBuf>,

    /// PEM private key of --tls-cert.
    #[arg(long, env = "REGISTRY_TLS_KEY")]
    pub tls_key: Option<PathBuf>,

    /// PEM CA certificates: when set, only clients presenting a certificate that chains to
    /// one of them are served (mutual TLS).
    #[arg(long, env = "REGISTRY_TLS_CLIENT_CA")]
    pub tls_client_ca: Option<PathBuf>,

    /// How often certificate, key and CA files are checked for changes; a change is served
    /// without a restart (a file that cannot be loaded keeps the old one, with a warning).
    #[arg(
        long,
        env = "REGISTRY_TLS_RELOAD_INTERVAL_MS",
        default_value_t = 10_000
    )]
    pub tls_reload_interval_ms: u64,

    /// Allow plain TCP on addresses other than loopback (logged as a warning at start-up).
    #[arg(long, env = "REGISTRY_INSECURE")]
    pub insecure: bool,

    /// PEM CA that screening's certificate must chain to: TLS towards screening, whose
    /// address must then be https://.
    #[arg(long, env = "REGISTRY_SCREENING_CA")]
    pub screening_ca: Option<PathBuf>,

    /// The name screening's certificate must carry; by default the host of --screening-addr.
    #[arg(long, env = "REGISTRY_SCREENING_SERVER_NAME")]
    pub screening_server_name: Option<String>,

    /// PEM client certificate presented to screening (mutual TLS).
    #[arg(
        long,
        env = "REGISTRY_SCREENING_CLIENT_CERT",
        requires = "screening_client_key"
    )]
    pub screening_client_cert: Option<PathBuf>,

    /// PEM private key of --screening-client-cert.
    #[arg(
        long,
        env = "REGISTRY_SCREENING_CLIENT_KEY",
        requires = "screening_client_cert"
    )]
    pub screening_client_key: Option<PathBuf>,
}

impl TlsConfig {
    pub fn reload_interval(&self) -> Duration {
        Duration::from_millis(self.tls_reload_interval_ms.max(100))
    }

    /// The server's TLS, loaded now so that a bad file stops start-up; `None` for plain TCP.
    pub fn server_tls(&self) -> anyhow::Result<Option<service_kit::tls::ServerTls>> {
        service_kit::tls::ServerTlsFiles::from_flags(
            self.tls_cert.clone(),
            self.tls_key.clone(),
            self.tls_client_ca.clone(),
            self.reload_interval(),
        )?
        .map(service_kit::tls::ServerTls::load)
        .transpose()
    }
}

impl TlsConfig {
    /// TLS towards screening, loaded now; `None` without --screening-ca.
    pub fn screening_tls(&self) -> anyhow::Result<Option<service_kit::tls::ClientTls>> {
        let Some(ca) = &self.screening_ca else {
            anyhow::ensure!(
                self.screening_client_cert.is_none() && self.screening_server_name.is_none(),
                "--screening-client-cert and --screening-server-name need --screening-ca"
            );
            return Ok(None);
        };
        let pair = match (&self.screening_client_cert, &self.screening_client_key) {
            (Some(cert), Some(key)) => Some(service_kit::tls::KeyPairFiles {
                cert: cert.clone(),
                key: key.clone(),
            }),
            _ => None,
        };
        service_kit::tls::ClientTls::load(service_kit::tls::ClientTlsFiles {
            ca: ca.clone(),
            pair,
            server_name: self.screening_server_name.clone(),
            reload_interval: self.reload_interval(),
        })
        .map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tls_flags_are_read_and_a_client_certificate_needs_its_key() {
        let config = Config::try_parse_from([
            "registry",
            "--tls-cert=server.pem",
            "--tls-key=server-key.pem",
            "--screening-addr=https://screening:50052",
            "--screening-ca=ca.pem",
            "--screening-client-cert=client.pem",
            "--screening-client-key=client-key.pem",
            "--screening-server-name=screening.internal",
        ])
        .expect("valid");
        assert_eq!(config.tls.tls_cert, Some(PathBuf::from("server.pem")));
        assert_eq!(config.tls.screening_ca, Some(PathBuf::from("ca.pem")));
        assert_eq!(
            config.tls.screening_server_name.as_deref(),
            Some("screening.internal")
        );
        assert!(!config.tls.insecure);
        assert!(
            Config::try_parse_from(["registry", "--screening-client-cert=client.pem"]).is_err()
        );
    }

    #[test]
    fn a_certificate_without_its_key_stops_start_up() {
        let config = Config::try_parse_from(["registry", "--tls-cert=server.pem"]).expect("valid");
        let error = config.tls.server_tls().expect_err("refused");
        assert!(error.to_string().contains("--tls-key"), "{error}");
        let config = Config::try_parse_from([
            "registry",
            "--screening-client-cert=c.pem",
            "--screening-client-key=k.pem",
        ])
        .expect("valid");
        assert!(
            config.tls.screening_tls().is_err(),
            "a client certificate without a CA"
        );
    }

    #[test]
    fn the_screening_token_comes_from_its_file_and_not_also_from_the_flag() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let file = dir.path().join("token");
        std::fs::write(&file, "s3cret\n").expect("written");
        let config = Config::try_parse_from([
            "registry".to_owned(),
            format!("--screening-token-file={}", file.display()),
        ])
        .expect("valid");
        assert_eq!(
            config.screening_token().expect("read").as_deref(),
            Some("s3cret")
        );
        assert!(
            Config::try_parse_from([
                "registry".to_owned(),
                "--screening-token=x".to_owned(),
                format!("--screening-token-file={}", file.display()),
            ])
            .is_err()
        );
    }
}
