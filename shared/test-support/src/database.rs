//! A fresh database of either kind the services support, for tests that run on both.

use std::fmt;

use crate::postgres::{PgTestDatabase, fresh_postgres_database};

/// Which database engine a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DatabaseKind {
    /// An embedded SQLite file in a temporary folder.
    Sqlite,
    /// A real PostgreSQL server (see [`fresh_postgres_database`]).
    Postgres,
}

impl fmt::Display for DatabaseKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DatabaseKind::Sqlite => "sqlite",
            DatabaseKind::Postgres => "postgres",
        })
    }
}

/// A new, empty database of some [`DatabaseKind`]; keep it alive as long as it is used
/// (dropping it deletes the SQLite folder, or the PostgreSQL database on a
/// `DATABASE_URL` server).
#[derive(Debug)]
pub struct TestDatabase {
    kind: DatabaseKind,
    url: String,
    _keep: Keep,
}

/// Held only for its `Drop`, which deletes the database.
#[derive(Debug)]
#[allow(dead_code)] // The fields are never read, only dropped.
enum Keep {
    Sqlite(tempfile::TempDir),
    Postgres(PgTestDatabase),
}

impl TestDatabase {
    /// A fresh database of `kind`; panics, saying why, when there is none to be had
    /// (tests never skip for want of PostgreSQL).
    pub async fn fresh(kind: DatabaseKind) -> TestDatabase {
        match TestDatabase::try_fresh(kind).await {
            Ok(database) => database,
            Err(error) => panic!("no fresh {kind} database for this test: {error:#}"),
        }
    }

    /// Like [`TestDatabase::fresh`], returning the error instead.
    pub async fn try_fresh(kind: DatabaseKind) -> anyhow::Result<TestDatabase> {
        Ok(match kind {
            DatabaseKind::Sqlite => {
                let dir = tempfile::tempdir()?;
                TestDatabase {
                    kind,
                    url: crate::fresh_sqlite_url(dir.path()),
                    _keep: Keep::Sqlite(dir),
                }
            }
            DatabaseKind::Postgres => {
                let database = fresh_postgres_database().await?;
                TestDatabase {
                    kind,
                    url: database.url().to_owned(),
                    _keep: Keep::Postgres(database),
                }
            }
        })
    }

    pub fn kind(&self) -> DatabaseKind {
        self.kind
    }

    /// `sqlite://…?mode=rwc` or `postgres://…/test_<uuid>`.
    pub fn url(&self) -> &str {
        &self.url
    }
}

#[cfg(test)]
mod tests {
    use sqlx::any::AnyPoolOptions;

    use super::*;

    #[tokio::test]
    async fn gives_a_working_empty_database_of_each_kind() -> anyhow::Result<()> {
        sqlx::any::install_default_drivers();
        for kind in [DatabaseKind::Sqlite, DatabaseKind::Postgres] {
            let database = TestDatabase::fresh(kind).await;
            assert_eq!(database.kind(), kind);
            assert!(
                database.url().starts_with(&format!("{kind}:")),
                "{}",
                database.url()
            );
            let pool = AnyPoolOptions::new()
                .max_connections(1)
                .connect(database.url())
                .await?;
            sqlx::query("CREATE TABLE t (n INTEGER)")
                .execute(&pool)
                .await?;
            let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM t")
                .fetch_one(&pool)
                .await?;
            assert_eq!(rows, 0);
            pool.close().await;
        }
        Ok(())
    }
}
