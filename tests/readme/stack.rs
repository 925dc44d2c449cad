//! The `stack` binary run as `cargo run` runs it (its data folder in the current directory),
//! on port 0, and the README's commands run beside it in bash with a real grpcurl.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

pub struct Stack {
    child: Child,
    dir: tempfile::TempDir,
    registry: String,
    screening: String,
    grpcurl_dir: PathBuf,
    log: Arc<Mutex<String>>,
}

pub struct Run {
    pub success: bool,
    /// What the command printed, standard output and error together.
    pub output: String,
}

/// Where grpcurl is: `$GRPCURL`, on PATH, or where `scripts/install-grpcurl.sh` puts it.
fn grpcurl() -> PathBuf {
    if let Some(path) = std::env::var_os("GRPCURL") {
        return PathBuf::from(path);
    }
    let on_path = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .map(|dir| dir.join("grpcurl"))
        .find(|path| path.is_file());
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .map(|cache| cache.join("ci-tools/bin/grpcurl"));
    if let Some(found) = on_path.or(cache.clone().filter(|path| path.is_file())) {
        return found;
    }
    // `cargo test` alone must work on a fresh machine (README): install it as CI does.
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/install-grpcurl.sh");
    let installed = Command::new("bash")
        .arg(&script)
        .status()
        .is_ok_and(|status| status.success());
    cache
        .filter(|path| installed && path.is_file())
        .expect("grpcurl could not be installed by scripts/install-grpcurl.sh; set GRPCURL")
}

impl Stack {
    pub fn start() -> Self {
        let grpcurl = grpcurl();
        let dir = tempfile::tempdir().expect("a temporary folder");
        let mut child = Command::new(env!("CARGO_BIN_EXE_stack"))
            .args(["--registry-addr", "127.0.0.1:0"])
            .args(["--screening-addr", "127.0.0.1:0"])
            .current_dir(dir.path())
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the stack starts");
        let log = Arc::new(Mutex::new(String::new()));
        let (lines, received) = mpsc::channel();
        let stdout = child.stdout.take().expect("its output");
        let kept = Arc::clone(&log);
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                kept.lock().expect("the log").push_str(&format!("{line}\n"));
                let _ = lines.send(line);
            }
        });
        let (mut registry, mut screening, mut serving) = (None, None, 0);
        let deadline = Instant::now() + Duration::from_secs(60);
        while serving < 2 {
            let line = received
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
                .unwrap_or_else(|_| panic!("the stack serves: {}", log.lock().expect("the log")));
            let address = |prefix: &str| {
                line.trim()
                    .strip_prefix(prefix)
                    .and_then(|rest| rest.split_whitespace().next())
                    .map(str::to_owned)
            };
            registry = registry.or(address("registry  listening on "));
            screening = screening.or(address("screening listening on "));
            serving += usize::from(line.contains("listening addr="));
        }
        Self {
            child,
            dir,
            registry: registry.expect("the banner names the registry's address"),
            screening: screening.expect("the banner names screening's address"),
            grpcurl_dir: grpcurl.parent().expect("a folder").to_owned(),
            log,
        }
    }

    /// `text` with the README's addresses replaced by the ones this stack listens on.
    pub fn addresses(&self, text: &str) -> String {
        [
            ("127.0.0.1:50051", &self.registry),
            ("127.0.0.1:50052", &self.screening),
        ]
        .iter()
        .fold(text.to_owned(), |text, (readme, real)| {
            text.replace(readme, real)
        })
    }

    /// Runs `text` in bash in the stack's folder, as a reader would in theirs.
    pub fn run(&self, text: &str) -> Run {
        let path = std::env::join_paths(
            std::iter::once(self.grpcurl_dir.clone()).chain(
                std::env::var_os("PATH")
                    .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
                    .unwrap_or_default(),
            ),
        )
        .expect("a PATH");
        let output = Command::new("bash")
            .arg("-c")
            .arg(format!("exec 2>&1\n{text}"))
            .current_dir(self.dir.path())
            .env("PATH", path)
            .stdin(Stdio::null())
            .output()
            .expect("bash runs");
        Run {
            success: output.status.success(),
            output: String::from_utf8_lossy(&output.stdout).into_owned(),
        }
    }

    fn json(&self, command: &str) -> Value {
        let run = self.run(&self.addresses(command));
        assert!(run.success, "{command}: {}", run.output);
        serde_json::from_str(&run.output).expect("JSON")
    }

    /// Waits until every subject's latest screening used the lists screening now serves: a
    /// list imported or deleted makes the registry re-screen in the background, and the
    /// README's later outputs (etags, hits) are those of a registry that has caught up, as a
    /// reader's is by the time they type the next command.
    pub fn wait_for_rescreening(&self) {
        let versions = |list: &Value, name: &str, version: &str| -> Vec<(String, String)> {
            let mut pairs: Vec<_> = list
                .as_array()
                .into_iter()
                .flatten()
                .map(|v| (v[name].to_string(), v[version].to_string()))
                .collect();
            pairs.sort();
            pairs
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let served = self.json(
                "grpcurl -cacert data/tls/ca.pem -cert data/tls/client.pem -key data/tls/client-key.pem \
                 -H \"authorization: Bearer $(cat data/tokens/admin)\" \
                 127.0.0.1:50052 screening.v1.ScreeningService/ListWatchlists",
            );
            let served = versions(&served["watchlists"], "name", "version");
            let subjects = self.json(
                "grpcurl -cacert data/tls/ca.pem -H \"authorization: Bearer $(cat data/tokens/admin)\" \
                 -d '{\"pageSize\": 1000}' 127.0.0.1:50051 registry.v1.RegistryService/ListSubjects",
            );
            let behind = subjects["subjects"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|s| {
                    versions(&s["screening"]["watchlistVersions"], "watchlist", "version") != served
                })
                .count();
            if behind == 0 {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{behind} subjects are still not re-screened against {served:?}"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// Stops the stack as Ctrl+C does, and waits for it to finish.
    pub fn stop(mut self) -> ExitStatus {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill").args(["-INT", &pid]).status();
        assert!(sent.is_ok_and(|s| s.success()), "SIGINT sent to the stack");
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = self.child.try_wait().expect("the stack's status") {
                if !status.success() {
                    eprintln!("{}", self.log.lock().expect("the log"));
                }
                return status;
            }
            assert!(Instant::now() < deadline, "the stack stops within 30 s");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Stack {
    fn drop(&mut self) {
        // A failed test must not leave the stack running.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
