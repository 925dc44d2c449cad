//! One way to open a database for both services, whichever kind the URL names.
//!
//! Queries go through sqlx's `Any` driver so that one set of SQL (with `$1` placeholders,
//! which both SQLite and PostgreSQL accept) serves both; only the migrations differ per kind.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use anyhow::{Context, bail};
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::migrate::Migrator;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sqlx::{AnyPool, ConnectOptions, Connection, Executor};

/// The kind of database a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn of(database_url: &str) -> anyhow::Result<Self> {
        if database_url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if database_url.starts_with("postgres://")
            || database_url.starts_with("postgresql://")
        {
            Ok(Backend::Postgres)
        } else {
            bail!("the database URL must start with sqlite:// or postgres://")
        }
    }
}

/// How long a statement waits for a connection from the pool or for a lock another holds
/// (SQLite's busy timeout, PostgreSQL's `lock_timeout`) before it fails as busy (`is_busy`),
/// unless the service is configured otherwise.
pub const DEFAULT_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Opens a pool on `database_url` and brings its schema up to date with the migrations for
/// its kind. A SQLite file and its folder are created when missing; SQLite runs in WAL mode
/// with full synchronous commits, so that an acknowledged write survives a crash.
pub async fn connect(
    database_url: &str,
    sqlite_migrations: &Migrator,
    postgres_migrations: &Migrator,
) -> anyhow::Result<AnyPool> {
    connect_with(
        database_url,
        sqlite_migrations,
        postgres_migrations,
        DEFAULT_BUSY_TIMEOUT,
    )
    .await
}

/// `connect`, with statements waiting at most `busy_timeout` for a connection or a lock.
pub async fn connect_with(
    database_url: &str,
    sqlite_migrations: &Migrator,
    postgres_migrations: &Migrator,
    busy_timeout: Duration,
) -> anyhow::Result<AnyPool> {
    install_default_drivers();
    let backend = Backend::of(database_url)?;
    let (url, max_connections) = match backend {
        Backend::Sqlite => (prepare_sqlite(database_url, busy_timeout).await?, 8),
        Backend::Postgres => (database_url.to_owned(), 16),
    };
    let busy_ms = busy_timeout.as_millis().max(1);
    let pool = AnyPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(busy_timeout)
        .after_connect(move |conn, _meta| {
            Box::pin(async move {
                match backend {
                    Backend::Sqlite => {
                        conn.execute(format!("PRAGMA busy_timeout = {busy_ms}; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;").as_str())
                            .await?;
                    }
                    Backend::Postgres => {
                        conn.execute(format!("SET lock_timeout = {busy_ms}").as_str())
                            .await?;
                    }
                }
                Ok(())
            })
        })
        .connect(&url)
        .await
        .context("connecting to the database")?;
    let migrator = match backend {
        Backend::Sqlite => sqlite_migrations,
        Backend::Postgres => postgres_migrations,
    };
    migrator
        .run(&pool)
        .await
        .context("running database migrations")?;
    Ok(pool)
}

/// A database that did not answer in time: no connection free within the busy timeout, a
/// lock held by another (SQLite `SQLITE_BUSY`/`SQLITE_LOCKED`, PostgreSQL `lock_timeout`),
/// a server out of connections or unreachable. Retrying later can work, so callers are told
/// UNAVAILABLE rather than INTERNAL.
pub fn is_busy(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause.downcast_ref::<Busy>().is_some()
            || cause
                .downcast_ref::<sqlx::Error>()
                .is_some_and(is_busy_sqlx)
    })
}

/// The error to hand on for work that failed because the database was busy, where the
/// original error has already been reported (one failed transaction shared by many calls).
#[derive(Debug, Clone, Copy)]
pub struct Busy;

impl std::fmt::Display for Busy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the database is busy")
    }
}

impl std::error::Error for Busy {}

fn is_busy_sqlx(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => true,
        sqlx::Error::Database(database) => {
            if database
                .try_downcast_ref::<sqlx::sqlite::SqliteError>()
                .is_some()
            {
                // Extended result codes keep the primary code in their low byte.
                let code: i32 = database.code().and_then(|c| c.parse().ok()).unwrap_or(0);
                matches!(code & 0xff, SQLITE_BUSY | SQLITE_LOCKED)
            } else if let Some(postgres) =
                database.try_downcast_ref::<sqlx::postgres::PgDatabaseError>()
            {
                // lock_not_available, cannot_connect_now, and class 53: insufficient
                // resources (too many connections, out of memory or disk).
                let code = postgres.code();
                code == "55P03" || code == "57P03" || code.starts_with("53")
            } else {
                false
            }
        }
        _ => false,
    }
}

const SQLITE_BUSY: i32 = 5;
const SQLITE_LOCKED: i32 = 6;

/// Creates the file and sets the modes that persist in it (WAL), returning the URL to open.
async fn prepare_sqlite(database_url: &str, busy_timeout: Duration) -> anyhow::Result<String> {
    let options = SqliteConnectOptions::from_str(database_url)
        .context("parsing the SQLite URL")?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .busy_timeout(busy_timeout);
    let path = options.get_filename().to_owned();
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating the folder {}", parent.display()))?;
    }
    owner_only(&path)?;
    // One connection with typed options switches the file to WAL; the `Any` pool that
    // follows inherits it because the journal mode is stored in the file.
    let conn = options
        .connect()
        .await
        .with_context(|| format!("opening {}", path.display()))?;
    conn.close().await.ok();
    Ok(sqlite_url(&path))
}

/// Creates the database file readable by its owner only, or makes an existing one so: it
/// holds personal data. SQLite gives its -wal and -shm files the database file's mode.
fn owner_only(path: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    file.set_permissions(std::fs::Permissions::from_mode(0o600))
        .with_context(|| format!("restricting {}", path.display()))
}

fn sqlite_url(path: &Path) -> String {
    format!("sqlite://{}?mode=rwc", path.display())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_sqlite_database_and_its_journal_are_readable_by_their_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("a folder");
        let path = dir.path().join("personal.db");
        // A file left world-readable by an earlier version is tightened too.
        std::fs::write(&path, b"").expect("written");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("set");
        install_default_drivers();
        let url = prepare_sqlite(&sqlite_url(&path), DEFAULT_BUSY_TIMEOUT)
            .await
            .expect("prepared");
        let pool = sqlx::AnyPool::connect(&url).await.expect("opened");
        sqlx::query("CREATE TABLE t (x INTEGER)")
            .execute(&pool)
            .await
            .expect("written");
        for file in ["personal.db", "personal.db-wal", "personal.db-shm"] {
            let mode = std::fs::metadata(dir.path().join(file))
                .expect("exists")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600, "{file}");
        }
    }

    #[test]
    fn recognises_backends_by_scheme() {
        assert_eq!(Backend::of("sqlite://x.db").ok(), Some(Backend::Sqlite));
        assert_eq!(
            Backend::of("postgres://u@h/db").ok(),
            Some(Backend::Postgres)
        );
        assert!(Backend::of("mysql://h/db").is_err());
    }
}
