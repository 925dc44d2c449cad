//! The real `screening` and `registry` binaries as child processes, for benches that must
//! not share a runtime (or a scheduler queue) with their clients, as in production.
//!
//! The binaries are looked for next to the running executable (`target/release` for a
//! `--release` bench), so they must have been built from the same tree:
//! `cargo build --release -p screening -p registry`. Each child binds port 0 on loopback,
//! logs JSON to a file (`LOG_FORMAT=json`), and is found at the address of its "listening"
//! line. The children are killed when dropped, so a failed bench leaves none behind.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use screening::config::WatchlistSpec;
use wire::registry::v1::registry_service_client::RegistryServiceClient;
use wire::screening::v1::screening_service_client::ScreeningServiceClient;

use crate::spawn::{REGISTRY_SERVICE_ROLE, registry_tokens_file, screening_tokens_file, token_for};
use crate::{Bearer, RegistryClient, ScreeningClient, TestDatabase, channel_to};

/// Longest a child may take to load its lists and start listening.
const START_TIMEOUT: Duration = Duration::from_secs(120);

/// A service binary running as a child process, killed when dropped.
pub struct ServiceProcess {
    pub name: &'static str,
    pub addr: SocketAddr,
    pub log: PathBuf,
    child: Child,
}

/// Where the children's logs and the registry's token file live while they run.
pub struct ProcessDir(tempfile::TempDir);

impl ProcessDir {
    pub fn new() -> anyhow::Result<Self> {
        Ok(Self(tempfile::tempdir().context("a temporary folder")?))
    }

    fn path(&self) -> &Path {
        self.0.path()
    }
}

/// The binary `name` next to the running executable, or an error saying how to build it.
pub fn sibling_binary(name: &str) -> anyhow::Result<PathBuf> {
    let exe = std::env::current_exe().context("locating the running executable")?;
    let dir = exe
        .parent()
        .context("the running executable has no folder")?;
    let path = dir.join(name);
    if !path.is_file() {
        bail!(
            "the {name} binary is missing: expected {} (build it from this tree first: \
             cargo build --release -p screening -p registry)",
            path.display()
        );
    }
    Ok(path)
}

/// Starts the `screening` binary on a free loopback port with `lists`, the test tokens and
/// `database`; its other settings are its defaults, or the environment's `SCREENING_*`.
pub async fn start_screening_process(
    dir: &ProcessDir,
    lists: &[WatchlistSpec],
    database: &TestDatabase,
) -> anyhow::Result<ServiceProcess> {
    let mut command = Command::new(sibling_binary("screening")?);
    command
        .arg("--listen-addr=127.0.0.1:0")
        .arg(format!("--database-url={}", database.url()))
        .arg(format!(
            "--auth-tokens-file={}",
            screening_tokens_file().display()
        ));
    for list in lists {
        command.arg(format!(
            "--watchlist={}={}:{}",
            list.name,
            list.format.as_str(),
            list.path.display()
        ));
    }
    ServiceProcess::start("screening", command, dir).await
}

/// Starts the `registry` binary on a free loopback port, calling screening at
/// `screening_url` with the registry's test token (from a file, as in production).
pub async fn start_registry_process(
    dir: &ProcessDir,
    screening_url: &str,
    database: &TestDatabase,
) -> anyhow::Result<ServiceProcess> {
    let token_file = dir.path().join("registry-screening-token");
    std::fs::write(&token_file, token_for(REGISTRY_SERVICE_ROLE))
        .context("writing the registry's token for screening")?;
    let mut command = Command::new(sibling_binary("registry")?);
    command
        .arg("--listen-addr=127.0.0.1:0")
        .arg(format!("--screening-addr={screening_url}"))
        .arg(format!("--database-url={}", database.url()))
        .arg(format!(
            "--auth-tokens-file={}",
            registry_tokens_file().display()
        ))
        .arg(format!("--screening-token-file={}", token_file.display()));
    ServiceProcess::start("registry", command, dir).await
}

impl ServiceProcess {
    async fn start(
        name: &'static str,
        mut command: Command,
        dir: &ProcessDir,
    ) -> anyhow::Result<Self> {
        let log = dir.path().join(format!("{name}.log"));
        let file = std::fs::File::create(&log).context("creating a log file")?;
        let child = command
            .env("LOG_FORMAT", "json")
            .stdin(Stdio::null())
            .stdout(file.try_clone().context("sharing the log file")?)
            .stderr(file)
            .spawn()
            .with_context(|| format!("starting {name}"))?;
        // Held from here, so that the child is killed on every early return.
        let mut process = Self {
            name,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            log,
            child,
        };
        process.addr = process.wait_for_listening().await?;
        Ok(process)
    }

    /// The address of the "listening" line, read from the log as the child writes it.
    async fn wait_for_listening(&mut self) -> anyhow::Result<SocketAddr> {
        let started = Instant::now();
        loop {
            let text = std::fs::read_to_string(&self.log).unwrap_or_default();
            if let Some(addr) = text.lines().find_map(listening_addr) {
                return Ok(addr);
            }
            if let Some(status) = self.child.try_wait().context("polling the child")? {
                bail!(
                    "{} exited ({status}) before listening; its log:\n{}",
                    self.name,
                    tail(&text)
                );
            }
            if started.elapsed() > START_TIMEOUT {
                bail!(
                    "{} did not listen within {START_TIMEOUT:?}; its log:\n{}",
                    self.name,
                    tail(&text)
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub async fn screening_client_as(&self, role: &str) -> ScreeningClient {
        ScreeningServiceClient::with_interceptor(
            channel_to(self.addr).await,
            Bearer::for_role(role),
        )
    }

    pub async fn registry_client_as(&self, role: &str) -> RegistryClient {
        RegistryServiceClient::with_interceptor(channel_to(self.addr).await, Bearer::for_role(role))
    }

    /// Kills the child and reaps it; an error, with the end of its log, when it had
    /// already stopped, so that a bench can tell a server that died under load.
    pub fn stop(mut self) -> anyhow::Result<()> {
        let exited = self.child.try_wait().context("polling the child")?;
        self.child.kill().ok();
        self.child.wait().context("reaping the child")?;
        if let Some(status) = exited {
            let text = std::fs::read_to_string(&self.log).unwrap_or_default();
            bail!(
                "{} had stopped ({status}) before the end; its log:\n{}",
                self.name,
                tail(&text)
            );
        }
        Ok(())
    }
}

impl Drop for ServiceProcess {
    fn drop(&mut self) {
        // Nothing to report from a drop: the child may already be gone.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `addr` of a JSON log line whose message is "listening".
fn listening_addr(line: &str) -> Option<SocketAddr> {
    let value: serde_json::Value = serde_json::from_str(line).ok()?;
    let fields = value.get("fields")?;
    if fields.get("message")?.as_str()? != "listening" {
        return None;
    }
    fields.get("addr")?.as_str()?.parse().ok()
}

/// The last lines of a log, enough to see why a child stopped.
fn tail(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(20)..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_address_is_read_from_the_listening_line_only() {
        let line = r#"{"timestamp":"t","level":"INFO","fields":{"message":"listening","addr":"127.0.0.1:4321","transport":"plain TCP"},"target":"service_kit::server"}"#;
        assert_eq!(
            listening_addr(line),
            Some(SocketAddr::from(([127, 0, 0, 1], 4321)))
        );
        let other = r#"{"fields":{"message":"list loaded","addr":"127.0.0.1:1"}}"#;
        assert_eq!(listening_addr(other), None);
        assert_eq!(listening_addr("listening on 127.0.0.1:1"), None);
    }
}
