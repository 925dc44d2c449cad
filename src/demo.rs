//! The all-in-one stack: both services in one process, talking gRPC over TCP.

use std::future::Future;
use std::path::PathBuf;

use anyhow::Context;
use clap::Parser;
use tokio::sync::broadcast;

use crate::{certs, tokens};

/// The demo list, written by the stack itself: fictional people, some with names in Cyrillic
/// and Arabic script beside their Latin spellings.
const DEMO_WATCHLIST: &str = include_str!("demo-watchlist.csv");
/// The name the demo list is served under.
const DEMO_NAME: &str = "demo";

/// How often the servers look for renewed certificates in the data folder.
const RELOAD_INTERVAL_MS: u64 = 10_000;

#[derive(Debug, Parser)]
#[command(
    name = "stack",
    version = wire::version_with_engine!(),
    about = "Runs screening and registry together on embedded SQLite"
)]
pub struct Options {
    /// Folder for the databases and the demo list.
    #[arg(long, env = "STACK_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,

    /// Where the registry listens.
    #[arg(long, env = "STACK_REGISTRY_ADDR", default_value = "127.0.0.1:50051")]
    pub registry_addr: String,

    /// Where screening listens.
    #[arg(long, env = "STACK_SCREENING_ADDR", default_value = "127.0.0.1:50052")]
    pub screening_addr: String,

    /// More lists to load beside the demo list, as NAME=FORMAT:PATH (repeatable).
    #[arg(long = "watchlist", env = "STACK_WATCHLISTS", value_delimiter = ',')]
    pub watchlists: Vec<screening::config::WatchlistSpec>,

    /// Where both services' spans are exported (OTLP); nowhere unless set.
    #[command(flatten)]
    pub traces: service_kit::telemetry::TraceArgs,

    /// Where the registry serves Prometheus metrics (plain HTTP, `/metrics`); off when unset.
    #[arg(long, env = "STACK_REGISTRY_METRICS_ADDR")]
    pub registry_metrics_addr: Option<String>,

    /// Where screening serves Prometheus metrics (plain HTTP, `/metrics`); off when unset.
    #[arg(long, env = "STACK_SCREENING_METRICS_ADDR")]
    pub screening_metrics_addr: Option<String>,
}

pub struct Stack {
    certificates: certs::DemoCertificates,
    data_dir: PathBuf,
    screening: screening::startup::Application,
    registry: registry::startup::Application,
}

impl Stack {
    pub async fn build(options: Options) -> anyhow::Result<Self> {
        // Two lists under one name: one would silently replace the other.
        if let Some(own) = options.watchlists.iter().find(|s| s.name == DEMO_NAME) {
            anyhow::bail!(
                "--watchlist {DEMO_NAME}={}:{}: the name {DEMO_NAME:?} is the built-in demo list's; \
                 give your list another name",
                own.format.as_str(),
                own.path.display()
            );
        }
        // Databases of personal data, tokens and keys: the owner's only.
        crate::private_files::private_dir(&options.data_dir)?;
        let demo_list = options.data_dir.join("demo-watchlist.csv");
        std::fs::write(&demo_list, DEMO_WATCHLIST)
            .with_context(|| format!("writing {}", demo_list.display()))?;

        let credentials = tokens::prepare(&options.data_dir)?;
        let certificates = certs::prepare(&options.data_dir)?;

        let mut watchlists = vec![screening::config::WatchlistSpec {
            name: DEMO_NAME.to_owned(),
            format: screening::lists::ListFormat::Csv,
            path: demo_list,
        }];
        watchlists.extend(options.watchlists);

        let screening = screening::startup::Application::build(screening::config::Config {
            listen_addr: options.screening_addr,
            watchlists,
            database_url: sqlite_url(&options.data_dir, "screening.db"),
            auth_tokens_file: Some(credentials.screening_tokens_file),
            import_sync_interval_ms: 5000,
            max_import_removal_percent: screening::imports::DEFAULT_MAX_REMOVAL_PERCENT,
            default_threshold: screening::domain::screen::DEFAULT_THRESHOLD,
            max_names_aligned: screening::domain::budget::Limits::default().names_aligned,
            max_screen_time_ms: screening::domain::budget::Limits::default()
                .time
                .as_millis() as u64,
            metrics_addr: options.screening_metrics_addr,
            overload: Default::default(),
            // Mutual TLS: screening serves only clients with a certificate from the demo CA.
            tls: screening::config::TlsConfig {
                tls_cert: Some(certificates.screening.cert.clone()),
                tls_key: Some(certificates.screening.key.clone()),
                tls_client_ca: Some(certificates.ca.clone()),
                tls_reload_interval_ms: RELOAD_INTERVAL_MS,
                insecure: false,
            },
            // Tracing is the process's, set up from `Options::traces` before either starts.
            traces: Default::default(),
        })
        .await
        .context("starting screening")?;

        let registry = registry::startup::Application::build(registry::config::Config {
            listen_addr: options.registry_addr,
            screening_addr: format!("https://{}", screening.local_addr()?),
            database_url: sqlite_url(&options.data_dir, "registry.db"),
            auth_tokens_file: Some(credentials.registry_tokens_file),
            screening_token: Some(credentials.registry_service_token),
            screening_token_file: None,
            screening_timeout_ms: 2000,
            workers: Default::default(),
            metrics_addr: options.registry_metrics_addr,
            overload: Default::default(),
            tls: registry::config::TlsConfig {
                tls_cert: Some(certificates.registry.cert.clone()),
                tls_key: Some(certificates.registry.key.clone()),
                tls_client_ca: None,
                tls_reload_interval_ms: RELOAD_INTERVAL_MS,
                insecure: false,
                screening_ca: Some(certificates.ca.clone()),
                // Whatever address screening listens on, its certificate names localhost.
                screening_server_name: Some("localhost".to_owned()),
                screening_client_cert: Some(certificates.registry_client.cert.clone()),
                screening_client_key: Some(certificates.registry_client.key.clone()),
            },
            traces: Default::default(),
        })
        .await
        .context("starting registry")?;

        Ok(Self {
            certificates,
            data_dir: options.data_dir,
            screening,
            registry,
        })
    }

    pub fn print_welcome(&self) -> anyhow::Result<()> {
        let registry = self.registry.local_addr()?;
        let screening = self.screening.local_addr()?;
        let tokens = self.data_dir.join("tokens");
        let certs = &self.certificates;
        let demo_version = screening::lists::ListFiles::new()
            .with_file("demo-watchlist.csv", DEMO_WATCHLIST.as_bytes().to_vec())
            .version(screening::lists::ListFormat::Csv);
        let metrics: String = [
            ("registry ", self.registry.metrics_addr()),
            ("screening", self.screening.metrics_addr()),
        ]
        .into_iter()
        .filter_map(|(name, addr)| Some(format!("  {name} metrics at http://{}/metrics\n", addr?)))
        .collect();
        let lists = crate::banner::lines(
            &crate::banner::served(&self.screening.served_lists()),
            DEMO_NAME,
            &demo_version,
        );
        println!(
            "\n  registry  listening on {registry} (TLS)\n  screening listening on {screening} (mutual TLS), serving:\n{lists}  tokens per role in {tokens}/ (admin, intake, reviewer, viewer, case-officer, auditor, screener)\n  local CA and certificates in {tls}/ (screening asks for a client certificate: client.pem)\n{metrics}\n  try:\n    grpcurl -cacert {ca} -cert {cert} -key {key} \\\n      -H \"authorization: Bearer $(cat {tokens}/screener)\" \\\n      -d '{{\"person\": {{\"names\": [{{\"fullName\": \"Зарина Холматова\"}}], \"birthDates\": [\"1984\"]}}}}' \\\n      {screening} screening.v1.ScreeningService/Screen\n    grpcurl -cacert {ca} {registry} list\n",
            tokens = tokens.display(),
            tls = certs.dir.display(),
            ca = certs.ca.display(),
            cert = certs.client.cert.display(),
            key = certs.client.key.display(),
        );
        Ok(())
    }

    /// Runs both until `stop` resolves, then shuts both down. If either service fails, the
    /// other is stopped too and the failure is returned.
    pub async fn run_until_stopped(self, stop: impl Future<Output = ()>) -> anyhow::Result<()> {
        let (stop_all, _) = broadcast::channel::<()>(1);
        let stopped = |mut receiver: broadcast::Receiver<()>| async move {
            let _ = receiver.recv().await;
        };
        let mut screening = tokio::spawn(
            self.screening
                .run_until_stopped(stopped(stop_all.subscribe())),
        );
        let mut registry = tokio::spawn(
            self.registry
                .run_until_stopped(stopped(stop_all.subscribe())),
        );
        // Whichever finishes first decides; the other is then stopped and awaited.
        let failed_first = tokio::select! {
            () = stop => None,
            result = &mut screening => Some(("screening", result)),
            result = &mut registry => Some(("registry", result)),
        };
        let _ = stop_all.send(());
        match failed_first {
            None => {
                screening.await.context("screening task")??;
                registry.await.context("registry task")??;
            }
            Some((name, result)) => {
                let other = if name == "screening" {
                    registry
                } else {
                    screening
                };
                let _ = other.await;
                result.with_context(|| format!("{name} task"))??;
                anyhow::bail!("{name} stopped unexpectedly");
            }
        }
        Ok(())
    }
}

fn sqlite_url(dir: &std::path::Path, file: &str) -> String {
    format!("sqlite://{}", dir.join(file).display())
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn the_version_names_the_matching_engine() {
        assert_eq!(
            Options::command().render_version().trim(),
            format!(
                "stack {} (matching engine {})",
                env!("CARGO_PKG_VERSION"),
                wire::ENGINE_VERSION
            )
        );
    }

    #[tokio::test]
    async fn an_own_list_under_the_demo_name_is_refused_before_anything_starts() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let options = Options::try_parse_from([
            "stack",
            "--data-dir",
            &dir.path().display().to_string(),
            "--watchlist",
            "demo=csv:/lists/mine.csv",
        ])
        .expect("valid flags");

        let error = Stack::build(options).await.err().expect("refused");

        assert!(
            error
                .to_string()
                .contains("the name \"demo\" is the built-in demo list's"),
            "{error}"
        );
        assert!(!dir.path().join("tokens").exists(), "nothing was made");
    }
}
