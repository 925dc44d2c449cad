//! One fresh, empty PostgreSQL database per test, on a real server.

use std::sync::OnceLock;
use std::time::Duration;

use anyhow::{Context, anyhow, bail};
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::{Connection, PgConnection};

use crate::cluster::Cluster;

/// Where the databases are created.
enum Server {
    /// `DATABASE_URL`: a server where we may `CREATE DATABASE`.
    External { admin_url: String },
    /// Our own throwaway cluster, one per test process.
    Cluster(Cluster),
}

impl Server {
    fn admin_url(&self) -> String {
        match self {
            Server::External { admin_url } => admin_url.clone(),
            Server::Cluster(cluster) => cluster.admin_url(),
        }
    }

    /// For error messages; DATABASE_URL may hold a password, so it is not shown.
    fn describe(&self) -> String {
        match self {
            Server::External { .. } => "the server of DATABASE_URL".to_owned(),
            Server::Cluster(cluster) => format!(
                "the test cluster at {} (in {})",
                cluster.admin_url(),
                cluster.dir().display()
            ),
        }
    }
}

/// Initialised once per process; an error is kept too, so that every test reports it
/// instead of each one trying (and waiting) again.
static SERVER: OnceLock<Result<Server, String>> = OnceLock::new();

/// Blocks while the cluster starts: call from a blocking thread.
fn server() -> Result<&'static Server, String> {
    SERVER
        .get_or_init(|| match std::env::var("DATABASE_URL") {
            Ok(url) if url.trim().is_empty() => Cluster::start().map(Server::Cluster),
            Ok(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                Ok(Server::External { admin_url: url })
            }
            Ok(_) => Err(
                "DATABASE_URL is set but is not a postgres:// URL; the tests need a \
                          PostgreSQL server where they may CREATE DATABASE (or unset it, and \
                          they start their own from Debian's `postgresql` package)"
                    .to_owned(),
            ),
            Err(std::env::VarError::NotUnicode(_)) => {
                Err("DATABASE_URL is not valid UTF-8".to_owned())
            }
            Err(std::env::VarError::NotPresent) => Cluster::start().map(Server::Cluster),
        })
        .as_ref()
        .map_err(Clone::clone)
}

async fn server_async() -> anyhow::Result<&'static Server> {
    tokio::task::spawn_blocking(server)
        .await
        .context("starting the test PostgreSQL server panicked")?
        .map_err(|e| anyhow!(e))
}

/// A newly created, empty database with a unique name (`test_<uuid>`).
///
/// On the throwaway cluster it is left in place (the whole cluster is deleted when the
/// test process ends); on a `DATABASE_URL` server it is dropped, best effort, when this
/// value is dropped.
#[derive(Debug)]
pub struct PgTestDatabase {
    url: String,
    name: String,
    /// The admin URL to drop the database with, when it must be dropped.
    drop_with: Option<String>,
}

impl PgTestDatabase {
    /// `postgres://…/test_<uuid>`: connect to it with any PostgreSQL client.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The database's name, `test_<uuid>`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// A small pool on this database (max 5 connections).
    pub async fn pool(&self) -> anyhow::Result<PgPool> {
        PgPoolOptions::new()
            .max_connections(5)
            .connect(&self.url)
            .await
            .with_context(|| format!("connecting to the test database {}", self.url))
    }
}

/// Creates a fresh, empty database on a real PostgreSQL server and returns it.
///
/// The server is the one of `DATABASE_URL` (a `postgres://` URL of a server where we may
/// `CREATE DATABASE`) when that is set; otherwise a throwaway cluster this process
/// starts on first use (shared by all its tests) from the machine's `initdb` and
/// `postgres` (PATH, else `/usr/lib/postgresql/<highest>/bin`), stopped and deleted when
/// the process ends however it ends. Fails, saying what to install, when there is
/// neither. Must be called within a tokio runtime.
pub async fn fresh_postgres_database() -> anyhow::Result<PgTestDatabase> {
    let server = server_async().await?;
    let (admin_url, description) = (server.admin_url(), server.describe());
    let drop_when_done = matches!(server, Server::External { .. });
    create_database(&admin_url, drop_when_done)
        .await
        .with_context(|| format!("creating a test database on {description}"))
}

async fn create_database(admin_url: &str, drop_when_done: bool) -> anyhow::Result<PgTestDatabase> {
    let name = format!("test_{}", uuid::Uuid::new_v4().simple());
    let url = with_database(admin_url, &name)?;
    let mut conn = PgConnection::connect(admin_url)
        .await
        .context("connecting as superuser")?;
    let create = format!(r#"CREATE DATABASE "{name}""#);
    // `sqlx::query`, not `raw_sql`: with the latter rustc cannot prove that callers'
    // futures are `Send` (so tests could not create databases from `tokio::spawn`).
    sqlx::query(&create)
        .persistent(false)
        .execute(&mut conn)
        .await
        .with_context(|| format!("CREATE DATABASE \"{name}\""))?;
    let _ = conn.close().await;
    Ok(PgTestDatabase {
        url,
        name,
        drop_with: drop_when_done.then(|| admin_url.to_owned()),
    })
}

impl Drop for PgTestDatabase {
    fn drop(&mut self) {
        let Some(admin_url) = self.drop_with.take() else {
            return;
        };
        let name = self.name.clone();
        // `drop` cannot await and may run inside a runtime (where blocking on another
        // one panics): drop the database from a short-lived thread with its own runtime.
        let _ = std::thread::spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            runtime.block_on(async {
                let _ =
                    tokio::time::timeout(Duration::from_secs(10), drop_database(&admin_url, &name))
                        .await;
            });
        })
        .join();
    }
}

async fn drop_database(admin_url: &str, name: &str) -> Result<(), sqlx::Error> {
    let mut conn = PgConnection::connect(admin_url).await?;
    // FORCE (PostgreSQL 13+) ends connections a test's pool may still hold.
    let forced = sqlx::raw_sql(&format!(r#"DROP DATABASE IF EXISTS "{name}" WITH (FORCE)"#))
        .execute(&mut conn)
        .await;
    if forced.is_err() {
        sqlx::raw_sql(&format!(r#"DROP DATABASE IF EXISTS "{name}""#))
            .execute(&mut conn)
            .await?;
    }
    conn.close().await
}

/// `url` with its database (the path) replaced, keeping user, host and parameters.
fn with_database(url: &str, database: &str) -> anyhow::Result<String> {
    let Some((scheme, rest)) = url.split_once("://") else {
        bail!("not a URL: the server URL has no `://`");
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let parameters = tail.find(['?', '#']).map_or("", |i| &tail[i..]);
    Ok(format!("{scheme}://{authority}/{database}{parameters}"))
}

#[cfg(test)]
mod tests {
    use std::io::{BufRead, BufReader};
    use std::path::PathBuf;
    use std::process::{Command, Stdio};
    use std::time::Instant;

    use super::*;

    async fn table_names(pool: &PgPool) -> anyhow::Result<Vec<String>> {
        Ok(sqlx::query_scalar(
            "SELECT table_name::text FROM information_schema.tables \
             WHERE table_schema = 'public' ORDER BY 1",
        )
        .fetch_all(pool)
        .await?)
    }

    #[tokio::test]
    async fn starts_a_cluster_and_gives_each_test_its_own_database() -> anyhow::Result<()> {
        let first = fresh_postgres_database().await?;
        let second = fresh_postgres_database().await?;
        assert_ne!(first.name(), second.name());
        assert_ne!(first.url(), second.url());
        assert!(first.url().starts_with("postgres://"), "{}", first.url());
        assert!(
            first.url().ends_with(first.name())
                || first.url().contains(&format!("/{}?", first.name()))
        );

        let (a, b) = (first.pool().await?, second.pool().await?);
        for pool in [&a, &b] {
            let one: i32 = sqlx::query_scalar("SELECT 1").fetch_one(pool).await?;
            assert_eq!(one, 1);
            assert!(
                table_names(pool).await?.is_empty(),
                "a fresh database is empty"
            );
        }
        let current: String = sqlx::query_scalar("SELECT current_database()::text")
            .fetch_one(&a)
            .await?;
        assert_eq!(current, first.name());

        sqlx::query("CREATE TABLE only_in_first (id bigint PRIMARY KEY)")
            .execute(&a)
            .await?;
        sqlx::query("CREATE TABLE only_in_second (id bigint PRIMARY KEY)")
            .execute(&b)
            .await?;
        assert_eq!(table_names(&a).await?, ["only_in_first"]);
        assert_eq!(table_names(&b).await?, ["only_in_second"]);
        Ok(())
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn gives_concurrent_tasks_distinct_working_databases() -> anyhow::Result<()> {
        let tasks: Vec<_> = (0..12)
            .map(|i| {
                tokio::spawn(async move {
                    let db = fresh_postgres_database().await?;
                    let pool = db.pool().await?;
                    sqlx::query("CREATE TABLE t (n int)").execute(&pool).await?;
                    sqlx::query("INSERT INTO t VALUES ($1)")
                        .bind(i)
                        .execute(&pool)
                        .await?;
                    let values: Vec<i32> = sqlx::query_scalar("SELECT n FROM t")
                        .fetch_all(&pool)
                        .await?;
                    anyhow::ensure!(values == [i], "database {} holds {values:?}", db.name());
                    pool.close().await;
                    anyhow::Ok(db)
                })
            })
            .collect();
        let mut names = Vec::new();
        for task in tasks {
            names.push(task.await??.name().to_owned());
        }
        names.sort();
        names.dedup();
        assert_eq!(names.len(), 12, "every task got its own database");
        Ok(())
    }

    #[tokio::test]
    async fn databases_on_a_given_server_are_dropped_when_done() -> anyhow::Result<()> {
        // What happens with DATABASE_URL, tried on whichever server the tests use.
        let admin_url = server_async().await?.admin_url();
        let db = create_database(&admin_url, true).await?;
        let name = db.name().to_owned();
        let admin = PgPoolOptions::new()
            .max_connections(1)
            .connect(&admin_url)
            .await?;
        let exists = "SELECT count(*) FROM pg_database WHERE datname = $1";
        let count: i64 = sqlx::query_scalar(exists)
            .bind(&name)
            .fetch_one(&admin)
            .await?;
        assert_eq!(count, 1);

        let user = db.pool().await?; // Still open when the database is dropped.
        sqlx::query("SELECT 1").execute(&user).await?;
        drop(db);
        let count: i64 = sqlx::query_scalar(exists)
            .bind(&name)
            .fetch_one(&admin)
            .await?;
        assert_eq!(count, 0, "{name} was dropped");
        Ok(())
    }

    #[test]
    fn replaces_the_database_of_a_url() -> anyhow::Result<()> {
        let cases = [
            ("postgres://u:p@h:5432/db", "postgres://u:p@h:5432/new"),
            ("postgres://u@h", "postgres://u@h/new"),
            (
                "postgresql://h/db?sslmode=disable",
                "postgresql://h/new?sslmode=disable",
            ),
            ("postgres://h?host=/run/pg", "postgres://h/new?host=/run/pg"),
            (
                "postgres:///db?host=/run/pg",
                "postgres:///new?host=/run/pg",
            ),
        ];
        for (url, expected) in cases {
            assert_eq!(with_database(url, "new")?, expected);
        }
        assert!(with_database("nonsense", "new").is_err());
        Ok(())
    }

    const HELPER_ENV: &str = "TEST_SUPPORT_ORPHAN_HELPER";

    /// Run by `the_cluster_stops_when_the_test_process_is_killed` in a child process.
    #[tokio::test]
    #[ignore = "helper of the_cluster_stops_when_the_test_process_is_killed; does nothing by itself"]
    async fn helper_starts_a_cluster_then_waits_to_be_killed() -> anyhow::Result<()> {
        if std::env::var_os(HELPER_ENV).is_none() {
            return Ok(());
        }
        fresh_postgres_database().await?;
        let Server::Cluster(cluster) = server_async().await? else {
            bail!("the helper must run its own cluster");
        };
        let pid = cluster.postmaster_pid().context("no postmaster pid")?;
        println!("CLUSTER {pid} {}", cluster.dir().display());
        tokio::time::sleep(Duration::from_secs(600)).await;
        bail!("was not killed")
    }

    #[test]
    fn the_cluster_stops_when_the_test_process_is_killed() -> anyhow::Result<()> {
        if std::env::var("DATABASE_URL").is_ok_and(|url| !url.trim().is_empty()) {
            eprintln!("DATABASE_URL is set: the throwaway cluster is not used, nothing to check");
            return Ok(());
        }
        let mut child = Command::new(std::env::current_exe()?)
            .args([
                "--exact",
                "postgres::tests::helper_starts_a_cluster_then_waits_to_be_killed",
                "--ignored",
                "--nocapture",
            ])
            .env(HELPER_ENV, "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()?;
        let stdout = child.stdout.take().context("no stdout")?;
        let mut cluster = None;
        for line in BufReader::new(stdout).lines() {
            if let Some(rest) = line?.strip_prefix("CLUSTER ") {
                let (pid, dir) = rest.split_once(' ').context("bad helper line")?;
                cluster = Some((pid.parse::<u32>()?, PathBuf::from(dir)));
                break;
            }
        }
        let (pid, dir) = cluster.context("the helper did not start a cluster")?;
        let proc_dir = PathBuf::from(format!("/proc/{pid}"));
        assert!(
            proc_dir.exists() && dir.exists(),
            "the helper's cluster runs"
        );

        child.kill()?; // SIGKILL: no destructor, no panic handler, nothing runs.
        child.wait()?;

        let deadline = Instant::now() + Duration::from_secs(20);
        while proc_dir.exists() || dir.exists() {
            assert!(
                Instant::now() < deadline,
                "postmaster {pid} still runs ({}) or {} still exists",
                proc_dir.exists(),
                dir.display()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(())
    }
}
