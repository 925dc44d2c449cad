//! What a screening says beyond its hits (how many entries scored, whether screening cut
//! them at `max_hits`, the engine that scored), kept with the subject and with every
//! screening in its history, on SQLite and PostgreSQL alike; and what screenings recorded
//! before it was kept show after the migration.

use std::path::Path;

use person::Person;
use registry::domain::audit::{Actor, AuditAction, AuditEvent};
use registry::domain::screening::{
    ListVersion, RecordedExplanation, RecordedHit, Screening, ScreeningExtent, ScreeningResult,
};
use registry::domain::subject::{RequestId, Subject, SubjectStatus, now};
use registry::store::{ScreeningUpdate, Store, Updated};
use sqlx::AnyPool;
use sqlx::migrate::Migrator;
use test_support::{DatabaseKind, TestDatabase, on_both_databases};
use uuid::Uuid;

fn hit(entry_id: &str) -> RecordedHit {
    RecordedHit {
        watchlist: "un".into(),
        entry_id: entry_id.into(),
        score: 0.9,
        matched_name: "Ivan Petrov".into(),
        entry_primary_name: "Ivan PETROV".into(),
        entry_type: "ENTRY_TYPE_PERSON".into(),
        watchlist_version: "abc".into(),
        entry_version: "e1".into(),
        explanation: RecordedExplanation {
            query_name: "Ivan Petrov".into(),
            name_score: 0.9,
            summary: String::new(),
            name_parts: Vec::new(),
            adjustments: Vec::new(),
        },
    }
}

fn screened(hits: usize, extent: ScreeningExtent) -> Screening {
    Screening::completed(
        ScreeningResult {
            matched: hits > 0,
            threshold: 0.85,
            hits: (0..hits).map(|i| hit(&format!("E-{i}"))).collect(),
            versions: vec![ListVersion {
                watchlist: "un".into(),
                version: "abc".into(),
            }],
            extent,
        },
        now(),
        &[],
    )
}

fn subject(screening: Screening) -> Subject {
    let at = now();
    Subject {
        id: Uuid::now_v7(),
        request_id: RequestId::parse("r-1").expect("valid"),
        person: Person::named("Ivan Petrov"),
        status: SubjectStatus::Identified,
        screening,
        reviews: Vec::new(),
        created_at: at,
        updated_at: at,
        revision: 1,
        created_by: "test-intake".to_owned(),
    }
}

fn migrations_dir(kind: DatabaseKind) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(match kind {
            DatabaseKind::Sqlite => "sqlite",
            DatabaseKind::Postgres => "postgres",
        })
}

/// The registry's migrations up to (not including) `first_left_out`, copied to `dir`.
async fn migrations_before(kind: DatabaseKind, first_left_out: &str, dir: &Path) -> Migrator {
    let mut files: Vec<_> = std::fs::read_dir(migrations_dir(kind))
        .expect("the migrations folder")
        .map(|entry| entry.expect("an entry").file_name())
        .filter(|name| name.to_str().is_some_and(|n| n < first_left_out))
        .collect();
    files.sort();
    for file in files {
        std::fs::copy(migrations_dir(kind).join(&file), dir.join(&file)).expect("copied");
    }
    Migrator::new(dir).await.expect("the older migrations")
}

/// Every recorded screening of `subject`, oldest first, as (count, truncated, engine).
async fn history(pool: &AnyPool, subject: Uuid) -> Vec<(i64, i64, String)> {
    sqlx::query_as(
        "SELECT total_hit_count, hits_truncated, engine_version FROM screenings
         WHERE subject_id = $1 ORDER BY screened_at_ms, id",
    )
    .bind(subject.to_string())
    .fetch_all(pool)
    .await
    .expect("the screening history")
}

async fn raw_pool(database: &TestDatabase, kind: DatabaseKind) -> AnyPool {
    let migrator = Migrator::new(migrations_dir(kind))
        .await
        .expect("the migrations");
    db::connect(database.url(), &migrator, &migrator)
        .await
        .expect("the database")
}

async fn a_cut_screening_is_kept_with_its_count_and_engine_and_a_later_one_replaces_it(
    kind: DatabaseKind,
) {
    let database = TestDatabase::fresh(kind).await;
    let store = Store::connect(database.url()).await.expect("the store");
    let cut = ScreeningExtent {
        total_hit_count: 14,
        hits_truncated: true,
        engine_version: "screening-engine/9.1.0".into(),
    };
    let created = subject(screened(10, cut.clone()));
    store
        .insert_subject(&created, "fp", &[])
        .await
        .expect("inserted");

    let read = store.get_subject(created.id).await.expect("read");
    assert_eq!(read.expect("present").screening.extent, cut);

    let mut rescreened = created.clone();
    let whole = ScreeningExtent {
        total_hit_count: 2,
        hits_truncated: false,
        engine_version: "screening-engine/9.2.0".into(),
    };
    rescreened.screening = screened(2, whole.clone());
    rescreened.revision = 2;
    let outcome = store
        .record_screenings(&[ScreeningUpdate {
            subject: rescreened,
            expected_revision: 1,
            audit: AuditEvent::new(
                created.id,
                AuditAction::Screened,
                &Actor::system("test"),
                "r-1",
                "again",
            ),
        }])
        .await
        .expect("recorded");
    assert!(matches!(outcome[..], [Updated::Done]), "{outcome:?}");

    let read = store.get_subject(created.id).await.expect("read");
    assert_eq!(read.expect("present").screening.extent, whole);
    assert_eq!(
        history(&raw_pool(&database, kind).await, created.id).await,
        vec![
            (14, 1, "screening-engine/9.1.0".to_owned()),
            (2, 0, "screening-engine/9.2.0".to_owned()),
        ]
    );
}

async fn screenings_recorded_before_the_count_was_kept_count_their_hits_and_name_no_engine(
    kind: DatabaseKind,
) {
    let database = TestDatabase::fresh(kind).await;
    let dir = tempfile::tempdir().expect("a temporary folder");
    let older = migrations_before(kind, "0005", dir.path()).await;
    let pool = db::connect(database.url(), &older, &older)
        .await
        .expect("the older schema");
    let id = Uuid::now_v7();
    let hits = serde_json::to_string(&[hit("E-1"), hit("E-2")]).expect("json");
    let person = serde_json::to_string(&Person::named("Ivan Petrov")).expect("json");
    sqlx::query(
        "INSERT INTO subjects (id, request_id, request_fingerprint, person_json, status,
             screening_state, matched, threshold, hits_json, versions_json, screened_at_ms,
             created_at_ms, updated_at_ms, revision, created_by)
         VALUES ($1, 'old-1', 'fp', $2, 'identified', 'potential_match', 1, 0.85, $3, '[]',
             1, 1, 1, 1, 'desk-7')",
    )
    .bind(id.to_string())
    .bind(&person)
    .bind(&hits)
    .execute(&pool)
    .await
    .expect("an older subject");
    sqlx::query(
        "INSERT INTO screenings (id, subject_id, state, matched, threshold, hits_json,
             versions_json, screened_at_ms)
         VALUES ($1, $2, 'potential_match', 1, 0.85, $3, '[]', 1)",
    )
    .bind(Uuid::now_v7().to_string())
    .bind(id.to_string())
    .bind(&hits)
    .execute(&pool)
    .await
    .expect("an older screening");
    pool.close().await;

    let store = Store::connect(database.url()).await.expect("migrated");
    let read = store.get_subject(id).await.expect("read").expect("present");

    assert_eq!(
        read.screening.extent,
        ScreeningExtent {
            total_hit_count: 2,
            hits_truncated: false,
            engine_version: String::new(),
        }
    );
    assert_eq!(
        history(&raw_pool(&database, kind).await, id).await,
        vec![(2, 0, String::new())]
    );
}

on_both_databases!(
    a_cut_screening_is_kept_with_its_count_and_engine_and_a_later_one_replaces_it,
    screenings_recorded_before_the_count_was_kept_count_their_hits_and_name_no_engine,
);
