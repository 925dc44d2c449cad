//! `ListSubjects` with filters on a large registry: how long a filtered page takes, first
//! and deep, with the indexes the listing relies on (issue 10 item 7).
//!
//! The store is filled directly through the registry's own store code (the intake writer,
//! in shared transactions), without screening: `--subjects` subjects, 2 % PENDING and the
//! rest CLEAR, 1.4 % LOCATED (a fifth of them PENDING) and 0.1 % CLOSED and the rest IDENTIFIED. Then each filter is
//! timed on its first page and on a page reached by following the cursor 20 pages deep.
//!
//! ```text
//! cargo bench -p registry --bench listing -- --database sqlite --subjects 1000000
//! cargo bench -p registry --bench listing -- --database postgres --subjects 1000000
//! ```

use std::time::{Duration, Instant};

use anyhow::bail;
use clap::Parser;
use person::Person;
use registry::domain::screening::{ListVersion, Screening, ScreeningExtent, ScreeningResult};
use registry::domain::subject::{RequestId, ScreeningState, Subject, SubjectStatus, now};
use registry::store::{Store, SubjectFilter};
use test_support::{DatabaseKind, TestDatabase};
use uuid::Uuid;

const PAGE: i64 = 50;
const DEEP_PAGES: usize = 20;
const REPEATS: usize = 9;
const WRITE_BATCH: usize = 2_000;

#[derive(Debug, Parser)]
struct Options {
    /// sqlite or postgres.
    #[arg(long, default_value = "sqlite")]
    database: String,
    #[arg(long, default_value_t = 1_000_000)]
    subjects: usize,
    /// Passed by `cargo bench`; ignored.
    #[arg(long, hide = true)]
    bench: bool,
}

fn subject(i: usize, clear: &Screening) -> Subject {
    let at = now();
    Subject {
        id: Uuid::now_v7(),
        request_id: RequestId::parse(&format!("listing-{i}")).expect("a valid request id"),
        person: Person::named(format!("Person {i}")),
        status: if i % 1_000 == 7 {
            SubjectStatus::Closed
        } else if i % 70 == 1 {
            SubjectStatus::Located
        } else {
            SubjectStatus::Identified
        },
        screening: if i % 50 == 1 {
            Screening::pending()
        } else {
            clear.clone()
        },
        reviews: Vec::new(),
        created_by: "listing-bench".into(),
        created_at: at,
        updated_at: at,
        revision: 1,
    }
}

async fn fill(store: &Store, subjects: usize) -> anyhow::Result<()> {
    let clear = Screening::completed(
        ScreeningResult {
            matched: false,
            threshold: 0.85,
            hits: Vec::new(),
            versions: vec![ListVersion {
                watchlist: "un".into(),
                version: "abc".into(),
            }],
            extent: ScreeningExtent::default(),
        },
        now(),
        &[],
    );
    let started = Instant::now();
    let mut next = 0;
    while next < subjects {
        let end = (next + WRITE_BATCH).min(subjects);
        let intakes = (next..end)
            .map(|i| (subject(i, &clear), format!("fingerprint-{i}"), Vec::new()))
            .collect();
        for outcome in store.insert_subjects(intakes).await {
            outcome?;
        }
        next = end;
    }
    println!(
        "filled {subjects} subjects in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Times `filter`'s first page, and the page `DEEP_PAGES` pages in.
async fn time_filter(store: &Store, name: &str, filter: SubjectFilter) -> anyhow::Result<()> {
    let mut first = Vec::new();
    let mut deep = Vec::new();
    let mut rows = 0;
    for _ in 0..REPEATS {
        let started = Instant::now();
        let page = store.list_subjects(&filter).await?;
        first.push(started.elapsed());
        rows = page.len();
        // Follow the cursor to the deep page, timing only that one.
        let mut cursor = page.last().map(|s| s.id);
        for _ in 1..DEEP_PAGES {
            let page = store
                .list_subjects(&SubjectFilter {
                    before: cursor,
                    ..filter.clone()
                })
                .await?;
            cursor = page.last().map(|s| s.id);
        }
        let started = Instant::now();
        store
            .list_subjects(&SubjectFilter {
                before: cursor,
                ..filter.clone()
            })
            .await?;
        deep.push(started.elapsed());
    }
    first.sort();
    deep.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{name:<38} {rows:>3} rows; first page median {:>7.2} ms (max {:>7.2}); page {DEEP_PAGES} median {:>7.2} ms (max {:>7.2})",
        ms(first[REPEATS / 2]),
        ms(first[REPEATS - 1]),
        ms(deep[REPEATS / 2]),
        ms(deep[REPEATS - 1]),
    );
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let options = Options::parse();
    let kind = match options.database.as_str() {
        "sqlite" => DatabaseKind::Sqlite,
        "postgres" => DatabaseKind::Postgres,
        other => bail!("--database must be sqlite or postgres, not {other:?}"),
    };
    let database = TestDatabase::try_fresh(kind).await?;
    let store = Store::connect(database.url()).await?;
    println!("database {kind:?}; {} subjects", options.subjects);
    fill(&store, options.subjects).await?;
    if kind == DatabaseKind::Postgres {
        // As autovacuum would after a load this size: the planner's statistics.
        sqlx::query("ANALYZE")
            .execute(&sqlx::AnyPool::connect(database.url()).await?)
            .await?;
    }
    let filter = |state: Option<ScreeningState>, status: Option<SubjectStatus>| SubjectFilter {
        screening_state: state,
        status,
        limit: PAGE,
        ..SubjectFilter::default()
    };
    time_filter(&store, "no filter", filter(None, None)).await?;
    time_filter(
        &store,
        "state CLEAR (98 %)",
        filter(Some(ScreeningState::Clear), None),
    )
    .await?;
    time_filter(
        &store,
        "state PENDING (2 %)",
        filter(Some(ScreeningState::Pending), None),
    )
    .await?;
    time_filter(
        &store,
        "status LOCATED (1.4 %)",
        filter(None, Some(SubjectStatus::Located)),
    )
    .await?;
    time_filter(
        &store,
        "status CLOSED (0.1 %)",
        filter(None, Some(SubjectStatus::Closed)),
    )
    .await?;
    time_filter(
        &store,
        "PENDING and LOCATED (0.29 %)",
        filter(Some(ScreeningState::Pending), Some(SubjectStatus::Located)),
    )
    .await?;
    time_filter(
        &store,
        "CONFIRMED_MATCH (none)",
        filter(Some(ScreeningState::ConfirmedMatch), None),
    )
    .await?;
    Ok(())
}
