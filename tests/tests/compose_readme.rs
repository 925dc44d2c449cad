//! The README's compose section, run as written (issue 11): the block marked
//! `<!-- readme-test: compose -->` runs with bash in a copy of `docker-compose.yml` and
//! `deploy/`, as a user would run it from a checkout, under a project name of its own
//! (`COMPOSE_PROJECT_NAME`) and on free ports of loopback (`REGISTRY_PORTS`,
//! `SCREENING_PORTS`), so that it never meets a user's stack. The images are the local
//! ones (`scripts/build-local-images.sh`), as for the other compose tests; `COMPOSE` picks
//! the tool there, the README's own first line picks it here.
//!
//! `cargo test -p system-tests --test compose_readme -- --ignored` (CI runs it).

#[path = "../readme/blocks.rs"]
mod blocks;

use std::path::{Path, PathBuf};
use std::process::Command;

/// The longest the block may take: images are there, so this is start-up and health.
const BLOCK_TIMEOUT_SECONDS: &str = "600";

fn repository_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is inside the repository")
        .to_path_buf()
}

/// Copies `from` into `to`, leaving out what a checkout does not have (generated tokens
/// and certificates are ignored by git, so a user's first `up` makes them).
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("a folder");
    for entry in std::fs::read_dir(from).expect("a readable folder") {
        let entry = entry.expect("an entry");
        let (source, target) = (entry.path(), to.join(entry.file_name()));
        if entry.file_type().expect("a file type").is_dir() {
            copy_tree(&source, &target);
        } else if !is_generated(&source) {
            std::fs::copy(&source, &target).expect("a copy");
        }
    }
}

fn is_generated(path: &Path) -> bool {
    let under = |dir: &str| path.parent().is_some_and(|p| p.ends_with(dir));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    (under("deploy/compose/tokens") || under("deploy/compose/certs")) && name != ".gitignore"
}

/// Where grpcurl is for the block: on PATH, or where `scripts/install-grpcurl.sh` puts it.
fn path_with_grpcurl() -> String {
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .map(|cache| cache.join("ci-tools/bin"));
    let path = std::env::var("PATH").unwrap_or_default();
    match cache {
        Some(dir) => format!("{path}:{}", dir.display()),
        None => path,
    }
}

/// Takes the project down with its volume when the test ends, passed or failed.
struct Teardown {
    dir: PathBuf,
    project: String,
}

impl Drop for Teardown {
    fn drop(&mut self) {
        let script = "COMPOSE=\"docker compose\"; $COMPOSE version >/dev/null 2>&1 || \
                      COMPOSE=docker-compose; $COMPOSE down -v --remove-orphans -t 5";
        let _ = Command::new("bash")
            .args(["-c", script])
            .current_dir(&self.dir)
            .env("COMPOSE_PROJECT_NAME", &self.project)
            .status();
    }
}

#[test]
#[ignore = "needs Docker and the local images (scripts/build-local-images.sh); CI runs it"]
fn the_readmes_compose_example_runs_as_written() {
    let root = repository_root();
    let readme = std::fs::read_to_string(root.join("README.md")).expect("the README");
    let blocks = blocks::marked_blocks(&readme).expect("the README's blocks");
    let block = blocks
        .iter()
        .find(|b| b.kind == "compose")
        .expect("a block marked `<!-- readme-test: compose -->`");
    let script: Vec<&str> = block.commands.iter().map(|c| c.text.as_str()).collect();

    let checkout = tempfile::tempdir().expect("a temporary folder");
    std::fs::copy(
        root.join("docker-compose.yml"),
        checkout.path().join("docker-compose.yml"),
    )
    .expect("the compose file is copied");
    copy_tree(&root.join("deploy"), &checkout.path().join("deploy"));
    // Letters and digits, as docker-compose 1.x keeps them; CI's clean-up knows the form.
    let project = format!("e2e{}x900", std::process::id());
    let _teardown = Teardown {
        dir: checkout.path().to_path_buf(),
        project: project.clone(),
    };

    let out = Command::new("timeout")
        .args([BLOCK_TIMEOUT_SECONDS, "bash", "-euo", "pipefail", "-c"])
        .arg(script.join("\n"))
        .current_dir(checkout.path())
        .env("COMPOSE_PROJECT_NAME", &project)
        .env("REGISTRY_PORTS", "127.0.0.1:")
        .env("SCREENING_PORTS", "127.0.0.1:")
        .env("HEALTHCHECK_INTERVAL", "1s")
        .env("PATH", path_with_grpcurl())
        .output()
        .expect("bash runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "the README's compose block (line {}) failed ({}):\n{stdout}\n{stderr}",
        block.line,
        out.status
    );
    // The intake's answer and the list of lists, as the README's commands print them.
    for shown in [
        "\"id\":",
        "\"state\":",
        "\"watchlists\":",
        "\"name\": \"demo\"",
    ] {
        assert!(stdout.contains(shown), "no {shown} in:\n{stdout}");
    }
}
