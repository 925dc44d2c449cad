//! The compose stack (`docker-compose.yml` at the repository root) for end-to-end tests.
//!
//! Each `ComposeStack` is a compose project of its own, with a unique name, its own tokens and
//! lists and certificates folders and its own PostgreSQL volume, run with the images named in the environment
//! (`POSTGRES_IMAGE`, `SCREENING_IMAGE`, `REGISTRY_IMAGE`; `scripts/build-local-images.sh`
//! builds them where no registry is reachable). Tests reach the services as other services
//! would: over gRPC and TLS (trusting the stack's CA, with its `client.pem` for screening's
//! mutual TLS), through ports published on 127.0.0.1. Dropping the stack takes it down
//! with its volumes, also when a test fails (its logs are printed first).
//!
//! `COMPOSE` picks the compose command (`docker compose` or `docker-compose`); by default
//! `docker compose` when the v2 plugin is installed, `docker-compose` otherwise.

use std::future::Future;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tonic::transport::{Certificate, Channel, ClientTlsConfig, Identity};
use wire::registry::v1::registry_service_client::RegistryServiceClient;
use wire::screening::v1::screening_service_client::ScreeningServiceClient;

use crate::{Bearer, RegistryClient, ScreeningClient};

/// The published container ports.
pub const REGISTRY_PORT: u16 = 50051;
pub const SCREENING_PORT: u16 = 50052;

/// How long containers get to become healthy (first start includes PostgreSQL's initdb).
const HEALTHY_TIMEOUT: Duration = Duration::from_secs(180);

/// The images the compose file uses: the variable naming each, and the file's default.
const IMAGES: [(&str, &str); 3] = [
    ("POSTGRES_IMAGE", "postgres:16"),
    ("SCREENING_IMAGE", "watchlist-screening:latest"),
    ("REGISTRY_IMAGE", "watchlist-registry:latest"),
];

pub struct ComposeStack {
    project: String,
    compose: Vec<String>,
    compose_file: PathBuf,
    /// Holds `tokens/`, `lists/` and `certs/`, mounted into the containers.
    dir: tempfile::TempDir,
    env: Vec<(String, String)>,
}

impl ComposeStack {
    /// A project, not started yet, whose screening loads one list in the project's CSV
    /// format, named `e2e`, from `list_content`.
    pub fn new(list_content: &str) -> Self {
        check_images();
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        // Letters and digits only: docker-compose 1.x drops anything else from the name.
        let project = format!(
            "e2e{}x{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let dir = tempfile::tempdir().expect("a temporary folder");
        // The containers' unprivileged user must be able to enter both folders.
        for sub in ["tokens", "lists", "certs"] {
            let path = dir.path().join(sub);
            std::fs::create_dir(&path).expect("a folder for the stack");
            set_mode(&path, 0o755);
        }
        let path_of = |sub: &str| dir.path().join(sub).display().to_string();
        let env = vec![
            ("TOKENS_DIR".to_owned(), path_of("tokens")),
            ("LISTS_DIR".to_owned(), path_of("lists")),
            ("CERTS_DIR".to_owned(), path_of("certs")),
            (
                "SCREENING_WATCHLISTS".to_owned(),
                "e2e=csv:/lists/e2e.csv".to_owned(),
            ),
            // Any free port on loopback: stacks never clash with each other or a user's.
            ("REGISTRY_PORTS".to_owned(), "127.0.0.1:".to_owned()),
            ("SCREENING_PORTS".to_owned(), "127.0.0.1:".to_owned()),
            ("HEALTHCHECK_INTERVAL".to_owned(), "1s".to_owned()),
            (
                "REGISTRY_PENDING_POLL_INTERVAL_MS".to_owned(),
                "200".to_owned(),
            ),
        ];
        let stack = Self {
            project,
            compose: compose_command(),
            compose_file: repository_root().join("docker-compose.yml"),
            dir,
            env,
        };
        stack.write_list(list_content);
        stack
    }

    pub fn project(&self) -> &str {
        &self.project
    }

    /// Starts Prometheus too (the `metrics` profile), published on a free port of
    /// 127.0.0.1; its image is `PROMETHEUS_IMAGE`.
    pub fn with_prometheus(mut self) -> Self {
        check_image("PROMETHEUS_IMAGE", "prom/prometheus:v2.53.0");
        self.env
            .push(("COMPOSE_PROFILES".to_owned(), "metrics".to_owned()));
        self.env
            .push(("PROMETHEUS_PORTS".to_owned(), "127.0.0.1:".to_owned()));
        self
    }

    /// Replaces the `e2e` list's file; screening reads it when it (re)starts.
    pub fn write_list(&self, content: &str) {
        let lists = self.dir.path().join("lists");
        let staged = lists.join(".e2e.csv.new");
        std::fs::write(&staged, content).expect("the list is written");
        set_mode(&staged, 0o644);
        std::fs::rename(&staged, lists.join("e2e.csv")).expect("the list is replaced");
    }

    /// `up -d` with `screening` and `registry` instances each, then waits until every
    /// container is healthy.
    pub fn up(&self, screening: usize, registry: usize) {
        let (screening_scale, registry_scale) = (
            format!("screening={screening}"),
            format!("registry={registry}"),
        );
        self.run(&[
            "up",
            "-d",
            "--no-build",
            "--scale",
            &screening_scale,
            "--scale",
            &registry_scale,
        ]);
        self.wait_healthy("postgres", 1);
        self.wait_healthy("screening", screening);
        self.wait_healthy("registry", registry);
    }

    /// Stops every container of `service`.
    pub fn stop(&self, service: &str) {
        self.run(&["stop", "-t", "15", service]);
    }

    /// Starts the stopped containers of `service` and waits for `count` healthy ones.
    pub fn start(&self, service: &str, count: usize) {
        self.run(&["start", service]);
        self.wait_healthy(service, count);
    }

    /// Restarts the containers of `service` and waits for `count` healthy ones.
    pub fn restart(&self, service: &str, count: usize) {
        self.run(&["restart", "-t", "15", service]);
        self.wait_healthy(service, count);
    }

    /// `down` keeping the volumes, as an operator would before an upgrade.
    pub fn down_keeping_volumes(&self) {
        self.run(&["down", "-t", "15"]);
    }

    /// Where instance `index` (from 1) of `service` is published on this machine. Ask again
    /// after a restart: a container restarted on a random port may get another one.
    pub fn addr(&self, service: &str, container_port: u16, index: usize) -> SocketAddr {
        let out = self.run(&[
            "port",
            &format!("--index={index}"),
            service,
            &container_port.to_string(),
        ]);
        let text = String::from_utf8_lossy(&out.stdout);
        text.trim()
            .parse()
            .unwrap_or_else(|_| panic!("no published address for {service} #{index}: {text:?}"))
    }

    /// The bearer token the stack's tokens service made for `role`.
    pub fn token(&self, role: &str) -> String {
        let path = self.dir.path().join("tokens").join(role);
        std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
            .trim()
            .to_owned()
    }

    pub async fn registry(&self, index: usize, role: &str) -> RegistryClient {
        let channel = self
            .connect(self.addr("registry", REGISTRY_PORT, index))
            .await;
        RegistryServiceClient::with_interceptor(channel, self.bearer(role))
    }

    pub async fn screening(&self, index: usize, role: &str) -> ScreeningClient {
        let channel = self
            .connect(self.addr("screening", SCREENING_PORT, index))
            .await;
        ScreeningServiceClient::with_interceptor(channel, self.bearer(role))
    }

    /// A TLS channel to `addr`, trusting the stack's CA and presenting its client
    /// certificate (made by the `certs` service).
    async fn connect(&self, addr: SocketAddr) -> Channel {
        let certs = self.dir.path().join("certs");
        let read = |file: &str| {
            let path = certs.join(file);
            std::fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
        };
        let tls = ClientTlsConfig::new()
            .ca_certificate(Certificate::from_pem(read("ca.pem")))
            .identity(Identity::from_pem(
                read("client.pem"),
                read("client-key.pem"),
            ))
            .domain_name("localhost");
        let endpoint = Channel::from_shared(format!("https://{addr}"))
            .expect("a valid URL")
            .tls_config(tls)
            .expect("a TLS configuration")
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(20));
        eventually(
            &format!("connecting to {addr}"),
            Duration::from_secs(20),
            || {
                let endpoint = endpoint.clone();
                async move { endpoint.connect().await.ok() }
            },
        )
        .await
    }

    fn bearer(&self, role: &str) -> Bearer {
        let value = format!("Bearer {}", self.token(role));
        Bearer(value.parse().expect("an ASCII token"))
    }

    /// Waits until `count` containers of `service` run and report healthy.
    pub fn wait_healthy(&self, service: &str, count: usize) {
        let deadline = Instant::now() + HEALTHY_TIMEOUT;
        loop {
            let ids = self.container_ids(service);
            let states: Vec<String> = ids.iter().map(|id| container_state(id)).collect();
            let healthy = states.iter().filter(|s| *s == "running healthy").count();
            if ids.len() == count && healthy == count {
                return;
            }
            if let Some(bad) = states
                .iter()
                .find(|s| s.ends_with("unhealthy") || s.starts_with("exited"))
            {
                panic!(
                    "{service} in {} is {bad:?}\n{}",
                    self.project,
                    self.logs(service)
                );
            }
            if Instant::now() > deadline {
                panic!(
                    "{service} in {} not healthy within {HEALTHY_TIMEOUT:?}: {} container(s), \
                     {states:?}\n{}",
                    self.project,
                    ids.len(),
                    self.logs(service)
                );
            }
            std::thread::sleep(Duration::from_millis(500));
        }
    }

    fn container_ids(&self, service: &str) -> Vec<String> {
        // Stopped ones too (`docker compose ps` leaves them out by default), to see them fail.
        let out = self.run(&["ps", "-a", "-q", service]);
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect()
    }

    /// The last lines of the logs of `service` (or of all services for "").
    pub fn logs(&self, service: &str) -> String {
        let mut args = vec!["logs", "--no-color", "--tail", "200"];
        if !service.is_empty() {
            args.push(service);
        }
        match self.try_run(&args) {
            Ok(out) => String::from_utf8_lossy(&out.stdout).into_owned(),
            Err(error) => error,
        }
    }

    /// Runs a compose subcommand on this project; panics when it fails.
    pub fn run(&self, args: &[&str]) -> Output {
        self.try_run(args).unwrap_or_else(|error| panic!("{error}"))
    }

    fn try_run(&self, args: &[&str]) -> Result<Output, String> {
        let (program, first) = self.compose.split_first().expect("a compose command");
        let mut command = Command::new(program);
        command
            .args(first)
            .arg("--project-name")
            .arg(&self.project)
            .arg("--file")
            .arg(&self.compose_file)
            .args(args)
            .envs(self.env.iter().map(|(k, v)| (k, v)));
        let shown = format!("{} {}", self.compose.join(" "), args.join(" "));
        let out = command
            .output()
            .map_err(|e| format!("cannot run `{shown}`: {e}"))?;
        if out.status.success() {
            Ok(out)
        } else {
            Err(format!(
                "`{shown}` failed ({}):\n{}{}",
                out.status,
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ))
        }
    }
}

impl Drop for ComposeStack {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!(
                "--- logs of compose project {} ---\n{}",
                self.project,
                self.logs("")
            );
        }
        // Everything goes: containers, the network, the PostgreSQL volume.
        if let Err(error) = self.try_run(&["down", "-v", "--remove-orphans", "-t", "5"]) {
            eprintln!("tearing down {}: {error}", self.project);
        }
    }
}

/// Polls `check` until it gives a value, or fails the test after `timeout`.
pub async fn eventually<T, F, Fut>(what: &str, timeout: Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(Instant::now() < deadline, "{what}: not within {timeout:?}");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

fn container_state(id: &str) -> String {
    let out = Command::new("docker")
        .args([
            "inspect",
            "--format",
            "{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{end}}",
            id,
        ])
        .output()
        .expect("docker runs");
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

fn compose_command() -> Vec<String> {
    if let Ok(custom) = std::env::var("COMPOSE") {
        return custom.split_whitespace().map(str::to_owned).collect();
    }
    let v2 = Command::new("docker")
        .args(["compose", "version"])
        .output()
        .is_ok_and(|out| out.status.success());
    if v2 {
        vec!["docker".to_owned(), "compose".to_owned()]
    } else {
        vec!["docker-compose".to_owned()]
    }
}

/// Fails early, and says what to do, when an image is missing: compose would otherwise try
/// to pull or build it.
fn check_images() {
    for (variable, default) in IMAGES {
        check_image(variable, default);
    }
}

fn check_image(variable: &str, default: &str) {
    let image = std::env::var(variable).unwrap_or_else(|_| default.to_owned());
    let found = Command::new("docker")
        .args(["image", "inspect", &image])
        .output()
        .is_ok_and(|out| out.status.success());
    assert!(
        found,
        "image {image} ({variable}) is not on this machine: build the images with \
         scripts/build-local-images.sh and export what it prints, or `docker compose build`"
    );
}

fn repository_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is inside the repository")
        .to_path_buf()
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        .unwrap_or_else(|e| panic!("chmod {}: {e}", path.display()));
}
