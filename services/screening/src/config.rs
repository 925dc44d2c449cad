//! Configuration from flags, each with an environment variable (flags win).

use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use clap::Parser;

use crate::domain::budget::Limits;
use crate::lists::ListFormat;

#[derive(Debug, Clone, Parser)]
#[command(
    name = "screening",
    version = wire::version_with_engine!(),
    about = "Screens people against sanctions and watchlists over gRPC"
)]
pub struct Config {
    /// Address to listen on; port 0 picks a free port (the bound address is logged).
    #[arg(long, env = "SCREENING_LISTEN_ADDR", default_value = "127.0.0.1:50052")]
    pub listen_addr: String,

    /// A list to load at start-up, as NAME=FORMAT:PATH (formats: ofac-csv, un-xml, csv).
    /// Repeat the flag for several lists; in the environment, separate them with commas.
    #[arg(
        long = "watchlist",
        env = "SCREENING_WATCHLISTS",
        value_delimiter = ','
    )]
    pub watchlists: Vec<WatchlistSpec>,

    /// Where list versions are recorded: sqlite://PATH or postgres://...
    #[arg(
        long,
        env = "SCREENING_DATABASE_URL",
        default_value = "sqlite://data/screening.db"
    )]
    pub database_url: String,

    /// Tokens file: one `PRINCIPAL ROLE[,ROLE] sha256:HEX` per line (see README). Without
    /// it, only health checks and reflection answer.
    #[arg(long, env = "SCREENING_AUTH_TOKENS_FILE")]
    pub auth_tokens_file: Option<PathBuf>,

    /// How often to look for lists imported through other instances sharing the database.
    #[arg(
        long,
        env = "SCREENING_IMPORT_SYNC_INTERVAL_MS",
        default_value_t = 5000
    )]
    pub import_sync_interval_ms: u64,

    /// The share of a list's entries, in percent, that an import may remove from the served
    /// version; a larger removal is refused unless the request sets `allow_large_removal`.
    #[arg(
        long,
        env = "SCREENING_MAX_IMPORT_REMOVAL_PERCENT",
        default_value_t = crate::imports::DEFAULT_MAX_REMOVAL_PERCENT,
        value_parser = clap::value_parser!(u8).range(0..=100)
    )]
    pub max_import_removal_percent: u8,

    /// Score (0..1) at or above which a hit is reported when a request sets no threshold.
    #[arg(long, env = "SCREENING_DEFAULT_THRESHOLD", default_value_t = crate::domain::screen::DEFAULT_THRESHOLD)]
    pub default_threshold: f64,

    /// Most names one screening aligns in full before it stops and answers `incomplete`
    /// (its work budget: a listed person against UN + OFAC takes a few hundred).
    #[arg(long, env = "SCREENING_MAX_NAMES_ALIGNED", default_value_t = Limits::default().names_aligned)]
    pub max_names_aligned: u32,

    /// Longest one screening runs, in milliseconds, before it stops and answers
    /// `incomplete`; a caller's earlier deadline stops it sooner.
    #[arg(long, env = "SCREENING_MAX_SCREEN_TIME_MS", default_value_t = Limits::default().time.as_millis() as u64)]
    pub max_screen_time_ms: u64,

    /// Where to serve Prometheus metrics (plain HTTP, at `/metrics`), apart from the gRPC
    /// port; none are served when unset. Port 0 picks a free port (logged).
    #[arg(long, env = "SCREENING_METRICS_ADDR")]
    pub metrics_addr: Option<String>,

    #[command(flatten)]
    pub overload: OverloadConfig,

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
    #[arg(long, env = "SCREENING_MAX_CONCURRENT_CALLS", default_value_t = default_max_concurrent_calls(), value_parser = clap::value_parser!(u32).range(1..))]
    pub max_concurrent_calls: u32,

    /// Calls waiting for a turn; beyond them a call is refused with RESOURCE_EXHAUSTED.
    #[arg(long, env = "SCREENING_MAX_QUEUED_CALLS", default_value_t = service_kit::overload::DEFAULT_MAX_QUEUED_CALLS as u32)]
    pub max_queued_calls: u32,

    /// Longest a call waits for a turn (never past half of what its deadline leaves)
    /// before it is refused with RESOURCE_EXHAUSTED.
    #[arg(long, env = "SCREENING_MAX_QUEUE_WAIT_MS", default_value_t = service_kit::overload::DEFAULT_MAX_QUEUE_WAIT_MS)]
    pub max_queue_wait_ms: u64,

    /// Longest a statement waits for a database connection or lock before the call is
    /// answered UNAVAILABLE.
    #[arg(long, env = "SCREENING_DATABASE_BUSY_TIMEOUT_MS", default_value_t = db::DEFAULT_BUSY_TIMEOUT.as_millis() as u64)]
    pub database_busy_timeout_ms: u64,
}

/// Screening is CPU-bound: two calls per core keep every core busy (one runs while the other
/// reads or writes its messages); more only wait for a core inside the server, where their
/// wait counts against the caller's latency. With 2,000 clients on 2 cores, 4 calls at once
/// kept accepted calls' p99 under 60 ms where 16 let it reach 125–270 ms (BENCHMARKS.md).
pub const CALLS_PER_CORE: u32 = 2;

/// `CALLS_PER_CORE` times the cores this process may use (its CPU quota in a container).
pub fn default_max_concurrent_calls() -> u32 {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    CALLS_PER_CORE.saturating_mul(u32::try_from(cores).unwrap_or(u32::MAX))
}

impl Default for OverloadConfig {
    fn default() -> Self {
        Self {
            max_concurrent_calls: default_max_concurrent_calls(),
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
    /// The work budget of one screening.
    pub fn screen_limits(&self) -> Limits {
        Limits {
            names_aligned: self.max_names_aligned,
            time: Duration::from_millis(self.max_screen_time_ms),
            ..Limits::default()
        }
    }

    pub fn import_sync_interval(&self) -> Duration {
        Duration::from_millis(self.import_sync_interval_ms.max(100))
    }
}

/// TLS for the server, and what happens without it (see README, "TLS").
#[derive(Debug, Clone, Default, clap::Args)]
pub struct TlsConfig {
    /// PEM certificate chain to serve, leaf first. With --tls-key the server speaks TLS only.
    #[arg(long, env = "SCREENING_TLS_CERT")]
    pub tls_cert: Option<PathBuf>,

    /// PEM private key of --tls-cert.
    #[arg(long, env = "SCREENING_TLS_KEY")]
    pub tls_key: Option<PathBuf>,

    /// PEM CA certificates: when set, only clients presenting a certificate that chains to
    /// one of them are served (mutual TLS).
    #[arg(long, env = "SCREENING_TLS_CLIENT_CA")]
    pub tls_client_ca: Option<PathBuf>,

    /// How often certificate, key and CA files are checked for changes; a change is served
    /// without a restart (a file that cannot be loaded keeps the old one, with a warning).
    #[arg(
        long,
        env = "SCREENING_TLS_RELOAD_INTERVAL_MS",
        default_value_t = 10_000
    )]
    pub tls_reload_interval_ms: u64,

    /// Allow plain TCP on addresses other than loopback (logged as a warning at start-up).
    #[arg(long, env = "SCREENING_INSECURE")]
    pub insecure: bool,
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

/// Two start-up lists under one name: one would silently replace the other, so start-up
/// stops instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "list name {} is given twice (--watchlist {}={}:{} and {}={}:{}); give each list its own name",
    person::quoted(.name), .name, .first.0, .first.1, .name, .second.0, .second.1
)]
pub struct DuplicateListName {
    pub name: String,
    /// Format and path of each, as given.
    pub first: (&'static str, String),
    pub second: (&'static str, String),
}

/// Refuses start-up lists that share a name.
///
/// # Errors
///
/// `DuplicateListName` for the first name given twice.
pub fn check_unique_names(specs: &[WatchlistSpec]) -> Result<(), DuplicateListName> {
    for (i, spec) in specs.iter().enumerate() {
        if let Some(earlier) = specs[..i].iter().find(|e| e.name == spec.name) {
            return Err(DuplicateListName {
                name: spec.name.clone(),
                first: (earlier.format.as_str(), earlier.path.display().to_string()),
                second: (spec.format.as_str(), spec.path.display().to_string()),
            });
        }
    }
    Ok(())
}

/// `NAME=FORMAT:PATH`, as given on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatchlistSpec {
    pub name: String,
    pub format: ListFormat,
    pub path: PathBuf,
}

impl FromStr for WatchlistSpec {
    type Err = String;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let usage = || {
            format!(
                "expected NAME=FORMAT:PATH (e.g. un=un-xml:/lists/consolidated.xml), got {raw:?}"
            )
        };
        let (name, rest) = raw.trim().split_once('=').ok_or_else(usage)?;
        let (format, path) = rest.split_once(':').ok_or_else(usage)?;
        crate::domain::names::validate_list_name(name)?;
        if path.is_empty() {
            return Err(usage());
        }
        Ok(Self {
            name: name.to_owned(),
            format: format.parse()?,
            path: PathBuf::from(path),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_watchlist_spec() {
        let spec: WatchlistSpec = "un=un-xml:/data/consolidated.xml".parse().expect("valid");
        assert_eq!(spec.name, "un");
        assert_eq!(spec.format, ListFormat::UnXml);
        assert_eq!(spec.path, PathBuf::from("/data/consolidated.xml"));
    }

    #[test]
    fn rejects_unknown_formats_and_missing_parts() {
        for raw in ["un", "un=un-xml", "un=pdf:/x", "=csv:/x", "bad name=csv:/x"] {
            assert!(raw.parse::<WatchlistSpec>().is_err(), "{raw:?}");
        }
    }

    #[test]
    fn the_removal_share_defaults_to_20_percent_and_stays_within_0_to_100() {
        let config = Config::try_parse_from(["screening"]).expect("valid");
        assert_eq!(config.max_import_removal_percent, 20);
        let config = Config::try_parse_from(["screening", "--max-import-removal-percent", "100"])
            .expect("valid");
        assert_eq!(config.max_import_removal_percent, 100);
        assert!(
            Config::try_parse_from(["screening", "--max-import-removal-percent", "101"]).is_err()
        );
    }

    #[test]
    fn the_tls_flags_are_read_and_a_client_ca_needs_a_certificate_to_serve() {
        let config = Config::try_parse_from([
            "screening",
            "--tls-cert=server.pem",
            "--tls-key=server-key.pem",
            "--tls-client-ca=clients.pem",
            "--tls-reload-interval-ms=500",
        ])
        .expect("valid");
        assert_eq!(config.tls.tls_client_ca, Some(PathBuf::from("clients.pem")));
        assert_eq!(config.tls.reload_interval(), Duration::from_millis(500));
        let config =
            Config::try_parse_from(["screening", "--tls-client-ca=clients.pem"]).expect("valid");
        let error = config.tls.server_tls().expect_err("refused");
        assert!(
            error.to_string().contains("--tls-client-ca needs"),
            "{error}"
        );
        let plain = Config::try_parse_from(["screening", "--insecure"]).expect("valid");
        assert!(plain.tls.insecure);
        assert!(plain.tls.server_tls().expect("no TLS asked for").is_none());
    }

    #[test]
    fn calls_at_once_default_to_two_per_core_and_the_flag_overrides_them() {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get()) as u32;
        let config = Config::try_parse_from(["screening"]).expect("valid");
        assert_eq!(config.overload.max_concurrent_calls, 2 * cores);
        assert_eq!(OverloadConfig::default().max_concurrent_calls, 2 * cores);
        let config =
            Config::try_parse_from(["screening", "--max-concurrent-calls=16"]).expect("valid");
        assert_eq!(config.overload.max_concurrent_calls, 16);
    }

    #[test]
    fn a_list_name_given_twice_is_refused_naming_both_lists() {
        let config = Config::try_parse_from([
            "screening",
            "--watchlist=un=un-xml:/lists/un.xml",
            "--watchlist=own=csv:/lists/own.csv",
            "--watchlist=un=csv:/lists/mine.csv",
        ])
        .expect("each flag is valid alone");
        let error = check_unique_names(&config.watchlists).expect_err("a name twice");
        assert_eq!(
            error.to_string(),
            "list name \"un\" is given twice (--watchlist un=un-xml:/lists/un.xml and \
             un=csv:/lists/mine.csv); give each list its own name"
        );
        assert!(check_unique_names(&config.watchlists[..2]).is_ok());
    }

    #[test]
    fn reads_several_lists_from_the_environment_style_value() {
        let config =
            Config::try_parse_from(["screening", "--watchlist", "a=csv:/a.csv,b=ofac-csv:/ofac"])
                .expect("valid");
        assert_eq!(config.watchlists.len(), 2);
    }
}
