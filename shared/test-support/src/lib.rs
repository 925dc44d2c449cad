//! Helpers for tests across the workspace.
//!
//! - [`TestDatabase::fresh`]: a new, empty database of a [`DatabaseKind`] (SQLite or
//!   PostgreSQL), for tests that run on both.
//! - [`fresh_postgres_database`]: a new, empty database on a real PostgreSQL server
//!   (`DATABASE_URL`, or a throwaway cluster started once per test process).
//! - [`fresh_sqlite_url`]: a URL for a new SQLite database file.
//! - [`tls::TestPki`]: a CA made at test time, and certificates from it.
//! - [`metrics::scrape`]: a service's `/metrics`, read over TCP and parsed.
//! - [`shared_data_dir`], [`watchlist_path`]: the real data beside the repository.

use std::path::{Path, PathBuf};

mod cluster;
mod database;
pub mod metrics;
mod postgres;
mod sys;
pub mod tls;

pub use database::{DatabaseKind, TestDatabase};
pub use postgres::{PgTestDatabase, fresh_postgres_database};

/// `../shared/data` beside the repository: the real watchlists and labelled sets.
pub fn shared_data_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
    assert!(
        dir.is_dir(),
        "the shared data folder is missing: expected {} (tests read the real lists from it)",
        dir.display()
    );
    dir
}

/// A real watchlist under `../shared/data/watchlists`.
pub fn watchlist_path(relative: &str) -> PathBuf {
    shared_data_dir().join("watchlists").join(relative)
}

/// `sqlite://DIR/test_<uuid>.db?mode=rwc`: a new SQLite database file in `dir` (typically
/// a `tempfile::TempDir`), created on first connection.
pub fn fresh_sqlite_url(dir: &Path) -> String {
    let file = dir.join(format!("test_{}.db", uuid::Uuid::new_v4().simple()));
    format!("sqlite://{}?mode=rwc", file.display())
}

/// Runs each named async test function (taking a `DatabaseKind`) once on SQLite and once on
/// PostgreSQL, as `sqlite::name` and `postgres::name`.
#[macro_export]
macro_rules! on_both_databases {
    ($($test:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $test() {
                    super::$test($crate::DatabaseKind::Sqlite).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $test() {
                    super::$test($crate::DatabaseKind::Postgres).await
                }
            )*
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_fresh_sqlite_url_opens_a_new_database() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let (first, second) = (fresh_sqlite_url(dir.path()), fresh_sqlite_url(dir.path()));
        assert_ne!(first, second);
        let pool = sqlx::SqlitePool::connect(&first).await?;
        let one: i64 = sqlx::query_scalar("SELECT 1").fetch_one(&pool).await?;
        assert_eq!(one, 1);
        pool.close().await;
        assert_eq!(
            std::fs::read_dir(dir.path())?.count(),
            1,
            "one file, for the first URL"
        );
        Ok(())
    }
}
