//! A throwaway PostgreSQL cluster, started once per test process from the machine's
//! `initdb` and `postgres`, and gone when the process is gone.
//!
//! # How the cluster is guaranteed to stop (no orphans)
//!
//! Rust never runs destructors for statics, and a test process may also panic, be
//! interrupted or be `SIGKILL`ed, so nothing in this process can be relied on to stop
//! postgres. Instead the kernel does the signalling: postmaster is started by a tiny
//! `/bin/sh` watchdog (see [`WATCHDOG`]) whose stdin is a pipe. The only write end of
//! that pipe is held by this process (std opens pipes with `O_CLOEXEC`, so no other
//! child inherits it) and nothing is ever written to it. When this process ends, in any
//! way at all, the kernel closes the write end, the watchdog's `read` sees end-of-file,
//! and the watchdog sends postmaster `SIGQUIT` (immediate shutdown: it stops its
//! backends and exits at once, with no checkpoint since the data is thrown away), waits
//! for it to go and deletes the cluster's directory.
//!
//! Why not `prctl(PR_SET_PDEATHSIG)`: it needs `unsafe` `pre_exec` code, and it fires when
//! the *thread* that spawned the child exits, whereas the test harness runs each test
//! on its own short-lived thread. Why not a watchdog polling `kill -0 $PPID`: pid reuse
//! and polling delay. The pipe has neither problem and needs no `unsafe` code.
//!
//! The watchdog and postmaster run in their own process group, so a Ctrl-C aimed at
//! `cargo test` does not kill the watchdog before it can clean up (postmaster is then
//! stopped through the pipe like in every other case).
//!
//! Belt and braces: each cluster lives in `$TMPDIR/test-support-pg-<pid>-<uuid>`; before
//! starting a cluster, directories of processes that no longer exist are removed (after
//! stopping a postmaster still serving one, should a watchdog have been killed).
//!
//! # Running as root
//!
//! PostgreSQL refuses to run as root, and tests (here and in CI) run as root. Then
//! `initdb`, the watchdog and postgres run as the `postgres` system user created by
//! Debian's `postgresql` package (std's `Command::uid`/`gid` drop the privileges in the
//! child, and the cluster's directory is `chown`ed to that user).

use std::fs;
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::{Duration, Instant};

use crate::sys;

/// Every cluster directory is `<temp dir>/<DIR_PREFIX><owner pid>-<uuid>`.
const DIR_PREFIX: &str = "test-support-pg-";
const START_TIMEOUT: Duration = Duration::from_secs(30);
/// Starting again on another port when the chosen one was taken in the meantime.
const START_ATTEMPTS: usize = 3;

/// Run by `/bin/sh -c WATCHDOG test-support-postgres DIR LOG POSTGRES ARGS...` with its
/// stdin a pipe whose write end only the test process holds.
///
/// postmaster runs in the background; a subshell reads the pipe (through fd 3, since an
/// asynchronous list's stdin is `/dev/null`) until end-of-file, which comes when the test
/// process is gone, then stops postmaster and deletes DIR. The main shell waits for
/// postmaster, so it exits when postmaster does (which tells the test process that a
/// start failed).
const WATCHDOG: &str = r#"
dir=$1 log=$2
shift 2
exec 3<&0 0</dev/null
"$@" >>"$log" 2>&1 3<&- &
pg=$!
(
    while read -r _line <&3; do :; done
    kill -QUIT "$pg" 2>/dev/null
    while kill -0 "$pg" 2>/dev/null; do sleep 0.1; done
    rm -rf "$dir"
) >/dev/null 2>&1 &
exec 3<&-
wait "$pg"
"#;

/// A running cluster; lives in a static until the test process ends.
pub(crate) struct Cluster {
    port: u16,
    dir: PathBuf,
    /// Write end of the watchdog's pipe: never written to, closed by the kernel when
    /// this process ends, which makes the watchdog stop postgres.
    _lifeline: ChildStdin,
    /// The watchdog's main shell (never waited for; it exits with postmaster).
    _watchdog: Child,
}

impl Cluster {
    /// A URL for the superuser (`postgres`, trusted) on the maintenance database.
    pub(crate) fn admin_url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// The cluster's directory (data dir, socket, log in `data/postgres.log`).
    pub(crate) fn dir(&self) -> &Path {
        &self.dir
    }

    #[cfg(test)]
    pub(crate) fn postmaster_pid(&self) -> Option<u32> {
        postmaster_pid(&self.dir.join("data"))
    }

    /// Starts a cluster, or says clearly why it cannot.
    pub(crate) fn start() -> Result<Cluster, String> {
        let binaries = Binaries::find().ok_or_else(|| {
            "no PostgreSQL server found for the tests (they need a real one): looked for \
             `initdb` and `postgres` on PATH and in /usr/lib/postgresql/*/bin. Install \
             Debian's `postgresql` package (`apt-get install postgresql`), or set \
             DATABASE_URL to a postgres:// URL of a server where this user may CREATE DATABASE."
                .to_owned()
        })?;
        let run_as = if sys::effective_uid() == 0 {
            let (uid, gid) = sys::lookup_user("postgres").ok_or_else(|| {
                "the tests run as root, which PostgreSQL refuses, and there is no `postgres` \
                 system user to run it as instead. Install Debian's `postgresql` package \
                 (it creates that user), or set DATABASE_URL to a postgres:// URL of a server \
                 where this user may CREATE DATABASE."
                    .to_owned()
            })?;
            Some(User { uid, gid })
        } else {
            None
        };
        let base = base_dir(run_as.is_some());
        remove_stale_dirs(&base);

        let mut last_error = String::new();
        for _ in 0..START_ATTEMPTS {
            match start_once(&binaries, run_as, &base) {
                Ok(cluster) => return Ok(cluster),
                Err(Failure::PortTaken(error)) => last_error = error,
                Err(Failure::Other(error)) => return Err(error),
            }
        }
        Err(last_error)
    }
}

#[derive(Clone, Copy)]
struct User {
    uid: u32,
    gid: u32,
}

enum Failure {
    PortTaken(String),
    Other(String),
}

struct Binaries {
    initdb: PathBuf,
    postgres: PathBuf,
}

impl Binaries {
    /// `initdb` on PATH (with the `postgres` beside its real file, which is the one it
    /// uses itself), else the highest version in Debian's `/usr/lib/postgresql/*/bin`.
    fn find() -> Option<Binaries> {
        if let Some(initdb) = on_path("initdb") {
            let beside = fs::canonicalize(&initdb)
                .ok()
                .and_then(|real| Some(real.parent()?.join("postgres")))
                .filter(|p| is_executable(p));
            if let Some(postgres) = beside.or_else(|| on_path("postgres")) {
                return Some(Binaries { initdb, postgres });
            }
        }
        let mut best: Option<(Vec<u32>, PathBuf)> = None;
        for entry in fs::read_dir("/usr/lib/postgresql").ok()?.flatten() {
            let Some(version) = entry.file_name().to_str().and_then(|v| {
                v.split('.')
                    .map(|n| n.parse::<u32>().ok())
                    .collect::<Option<Vec<_>>>()
            }) else {
                continue;
            };
            let bin = entry.path().join("bin");
            let usable = is_executable(&bin.join("initdb")) && is_executable(&bin.join("postgres"));
            if usable && best.as_ref().is_none_or(|(v, _)| version > *v) {
                best = Some((version, bin));
            }
        }
        best.map(|(_, bin)| Binaries {
            initdb: bin.join("initdb"),
            postgres: bin.join("postgres"),
        })
    }
}

fn on_path(program: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(program))
        .find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// The temp dir, unless postgres will run as another user who cannot reach it (say
/// TMPDIR is under /root), or its path is so long that the socket's path would pass the
/// 107-byte limit of Unix sockets: then `/tmp`.
fn base_dir(for_another_user: bool) -> PathBuf {
    let temp = std::env::temp_dir();
    if temp.as_os_str().len() > 40 {
        return PathBuf::from("/tmp");
    }
    let reachable = temp
        .ancestors()
        .all(|dir| fs::metadata(dir).is_ok_and(|m| m.permissions().mode() & 0o001 != 0));
    if for_another_user && !reachable {
        PathBuf::from("/tmp")
    } else {
        temp
    }
}

/// Removes the cluster directories of test processes that no longer exist (normally
/// their watchdog did it; this covers a watchdog that was itself killed).
fn remove_stale_dirs(base: &Path) {
    if !Path::new("/proc/self").exists() {
        return; // Without /proc we cannot tell dead owners from live ones.
    }
    let Ok(entries) = fs::read_dir(base) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(owner) = name
            .to_str()
            .and_then(|n| n.strip_prefix(DIR_PREFIX))
            .and_then(|rest| rest.split('-').next())
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if owner == std::process::id() || Path::new(&format!("/proc/{owner}")).exists() {
            continue;
        }
        let dir = entry.path();
        stop_leftover_postmaster(&dir.join("data"));
        let _ = fs::remove_dir_all(&dir);
    }
}

/// Sends `SIGQUIT` to the postmaster of `data` if one still runs.
fn stop_leftover_postmaster(data: &Path) {
    let Some(pid) = postmaster_pid(data) else {
        return;
    };
    // Pids get reused: only a process whose command line names this data dir is ours.
    let Ok(cmdline) = fs::read(format!("/proc/{pid}/cmdline")) else {
        return;
    };
    let data = data.as_os_str().as_encoded_bytes();
    if !cmdline.windows(data.len()).any(|w| w == data) {
        return;
    }
    let _ = Command::new("/bin/sh")
        .args(["-c", r#"kill -QUIT "$1""#, "sh", &pid.to_string()])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

/// Line 1 of `postmaster.pid`.
fn postmaster_pid(data: &Path) -> Option<u32> {
    let pid_file = fs::read_to_string(data.join("postmaster.pid")).ok()?;
    pid_file.lines().next()?.trim().parse().ok()
}

/// Ready when postmaster says so in `postmaster.pid` (line 8 is its status, "ready" once
/// it accepts connections: what `pg_ctl -w` waits for) and the port answers.
fn is_ready(data: &Path, port: u16) -> bool {
    let Ok(pid_file) = fs::read_to_string(data.join("postmaster.pid")) else {
        return false;
    };
    let mut lines = pid_file.lines().map(str::trim);
    lines.nth(3) == Some(port.to_string().as_str())
        && lines.nth(3) == Some("ready")
        && TcpStream::connect_timeout(
            &SocketAddr::from((Ipv4Addr::LOCALHOST, port)),
            Duration::from_secs(1),
        )
        .is_ok()
}

fn command(program: &Path, run_as: Option<User>, cwd: &Path) -> Command {
    let mut command = Command::new(program);
    command.current_dir(cwd).stdin(Stdio::null());
    if let Some(user) = run_as {
        // std calls setgroups/setgid/setuid in the child, before exec.
        command.uid(user.uid).gid(user.gid);
    }
    command
}

fn start_once(binaries: &Binaries, run_as: Option<User>, base: &Path) -> Result<Cluster, Failure> {
    let other = Failure::Other;
    let dir = base.join(format!(
        "{DIR_PREFIX}{}-{}",
        std::process::id(),
        uuid::Uuid::new_v4().simple()
    ));
    fs::DirBuilder::new()
        .mode(0o700)
        .create(&dir)
        .map_err(|e| other(format!("cannot create {}: {e}", dir.display())))?;
    if let Some(user) = run_as {
        std::os::unix::fs::chown(&dir, Some(user.uid), Some(user.gid)).map_err(|e| {
            let _ = fs::remove_dir_all(&dir);
            other(format!(
                "cannot hand {} to the postgres user: {e}",
                dir.display()
            ))
        })?;
    }
    let data = dir.join("data");

    let initdb = command(&binaries.initdb, run_as, &dir)
        .arg("-D")
        .arg(&data)
        .args(["-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"])
        .args(["--locale=C.UTF-8", "--no-instructions"])
        .output();
    let initdb_failure = match initdb {
        Ok(out) if out.status.success() => None,
        Ok(out) => Some(format!(
            "{}\n{}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )),
        Err(e) => Some(e.to_string()),
    };
    if let Some(why) = initdb_failure {
        let _ = fs::remove_dir_all(&dir);
        return Err(other(format!(
            "`{} -D {}` failed: {why}",
            binaries.initdb.display(),
            data.display()
        )));
    }

    let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|listener| listener.local_addr())
        .map_err(|e| other(format!("cannot find a free port on 127.0.0.1: {e}")))?
        .port();
    let log = data.join("postgres.log");
    let mut watchdog = command(Path::new("/bin/sh"), run_as, &dir)
        .args(["-c", WATCHDOG, "test-support-postgres"])
        .arg(&dir)
        .arg(&log)
        .arg(&binaries.postgres)
        .arg("-D")
        .arg(&data)
        .args(["-p", &port.to_string(), "-k"])
        .arg(&dir)
        .args(["-h", "127.0.0.1"])
        .args(["-c", "fsync=off", "-c", "synchronous_commit=off"])
        .args(["-c", "full_page_writes=off", "-c", "max_connections=300"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .map_err(|e| {
            let _ = fs::remove_dir_all(&dir);
            other(format!("cannot start {}: {e}", binaries.postgres.display()))
        })?;
    let Some(lifeline) = watchdog.stdin.take() else {
        return Err(other("the watchdog's stdin pipe is missing".to_owned()));
    };

    let deadline = Instant::now() + START_TIMEOUT;
    loop {
        // On failure, `lifeline` is dropped on return: the watchdog then stops postgres
        // (if it runs) and removes the directory, after we have read the log.
        if let Ok(Some(status)) = watchdog.try_wait() {
            let tail = log_tail(&log);
            let error = format!(
                "postgres exited during startup ({status}); last lines of {}:\n{tail}",
                log.display()
            );
            return Err(
                if tail.contains("could not bind") || tail.contains("already in use") {
                    Failure::PortTaken(error)
                } else {
                    Failure::Other(error)
                },
            );
        }
        if is_ready(&data, port) {
            return Ok(Cluster {
                port,
                dir,
                _lifeline: lifeline,
                _watchdog: watchdog,
            });
        }
        if Instant::now() > deadline {
            return Err(other(format!(
                "postgres did not accept connections on 127.0.0.1:{port} within {}s; \
                 last lines of {}:\n{}",
                START_TIMEOUT.as_secs(),
                log.display(),
                log_tail(&log)
            )));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn log_tail(log: &Path) -> String {
    match fs::read_to_string(log) {
        Ok(text) => {
            let lines: Vec<&str> = text.lines().collect();
            lines[lines.len().saturating_sub(40)..].join("\n")
        }
        Err(e) => format!("(cannot read the log: {e})"),
    }
}
