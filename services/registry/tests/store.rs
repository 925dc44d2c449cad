//! The registry's store on SQLite and PostgreSQL alike.

use person::Person;
use registry::domain::audit::{Actor, AuditAction, AuditEvent};
use registry::domain::screening::{ListVersion, Screening, ScreeningResult};
use registry::domain::subject::{RequestId, ScreeningState, Subject, SubjectStatus, now};
use registry::store::{
    Inserted, ScreeningUpdate, Store, SubjectFilter, Updated, list_subjects_sql,
};
use test_support::{DatabaseKind, TestDatabase, on_both_databases};
use uuid::Uuid;

fn subject(request_id: &str, screening: Screening) -> Subject {
    let at = now();
    Subject {
        id: Uuid::now_v7(),
        request_id: RequestId::parse(request_id).expect("valid"),
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

fn clear_screening() -> Screening {
    Screening::completed(
        ScreeningResult {
            matched: false,
            threshold: 0.85,
            hits: Vec::new(),
            versions: vec![ListVersion {
                watchlist: "un".into(),
                version: "abc".into(),
            }],
            extent: Default::default(),
        },
        now(),
        &[],
    )
}

async fn store(kind: DatabaseKind) -> (Store, TestDatabase) {
    let database = TestDatabase::fresh(kind).await;
    let store = Store::connect(database.url())
        .await
        .expect("the store opens");
    (store, database)
}

async fn a_screened_subject_is_stored_with_its_first_screening(kind: DatabaseKind) {
    let (store, _db) = store(kind).await;
    let created = subject("r-1", clear_screening());

    let inserted = store
        .insert_subject(&created, "fp", &[])
        .await
        .expect("insert");

    assert!(matches!(inserted, Inserted::Created(_)));
    let read = store
        .get_subject(created.id)
        .await
        .expect("read")
        .expect("present");
    assert_eq!(read, created);
    assert_eq!(
        store
            .screening_times(created.id)
            .await
            .expect("history")
            .len(),
        1
    );
}

async fn a_pending_subject_has_no_screening_in_its_history(kind: DatabaseKind) {
    let (store, _db) = store(kind).await;
    let created = subject("r-2", Screening::pending());

    store
        .insert_subject(&created, "fp", &[])
        .await
        .expect("insert");

    let read = store
        .get_subject(created.id)
        .await
        .expect("read")
        .expect("present");
    assert_eq!(read.screening.state, ScreeningState::Pending);
    assert!(
        store
            .screening_times(created.id)
            .await
            .expect("history")
            .is_empty()
    );
}

async fn a_taken_request_id_returns_the_first_subject_and_writes_nothing(kind: DatabaseKind) {
    let (store, _db) = store(kind).await;
    let first = subject("r-3", clear_screening());
    store
        .insert_subject(&first, "fp-1", &[])
        .await
        .expect("insert");

    let second = subject("r-3", clear_screening());
    let outcome = store
        .insert_subject(&second, "fp-2", &[])
        .await
        .expect("insert");

    match outcome {
        Inserted::Existing {
            subject,
            fingerprint,
        } => {
            assert_eq!(subject.id, first.id);
            assert_eq!(fingerprint, "fp-1");
        }
        Inserted::Created(_) => panic!("a second subject was created"),
    }
    assert!(store.get_subject(second.id).await.expect("read").is_none());
    assert!(
        store
            .screening_times(second.id)
            .await
            .expect("history")
            .is_empty()
    );
}

async fn listing_filters_and_pages_by_id(kind: DatabaseKind) {
    let (store, _db) = store(kind).await;
    let mut ids = Vec::new();
    for i in 0..5 {
        let screening = if i % 2 == 0 {
            clear_screening()
        } else {
            Screening::pending()
        };
        let created = subject(&format!("page-{i}"), screening);
        store
            .insert_subject(&created, "fp", &[])
            .await
            .expect("insert");
        ids.push(created.id);
    }

    let pending = store
        .list_subjects(&SubjectFilter {
            screening_state: Some(ScreeningState::Pending),
            limit: 10,
            ..Default::default()
        })
        .await
        .expect("list");
    let after_newest = store
        .list_subjects(&SubjectFilter {
            before: Some(ids[4]),
            limit: 2,
            ..Default::default()
        })
        .await
        .expect("list");

    assert_eq!(
        pending.iter().map(|s| s.id).collect::<Vec<_>>(),
        [ids[3], ids[1]]
    );
    assert_eq!(
        after_newest.iter().map(|s| s.id).collect::<Vec<_>>(),
        [ids[3], ids[2]]
    );
}

async fn reopening_a_database_keeps_its_data_and_migrations(kind: DatabaseKind) {
    let (store, database) = store(kind).await;
    let created = subject("r-4", clear_screening());
    store
        .insert_subject(&created, "fp", &[])
        .await
        .expect("insert");

    let reopened = Store::connect(database.url()).await.expect("reopens");

    assert!(
        reopened
            .get_subject(created.id)
            .await
            .expect("read")
            .is_some()
    );
}

async fn concurrent_intakes_share_commits_and_each_is_answered_for_itself(kind: DatabaseKind) {
    let (store, _db) = store(kind).await;
    // Enough at once that they are written in shared transactions, with one request id
    // used twice so that both uses can land in the same transaction.
    let mut subjects: Vec<Subject> = (0..300)
        .map(|n| subject(&format!("batch-{n}"), clear_screening()))
        .collect();
    subjects.push(subject("batch-7", clear_screening()));
    let writes: Vec<_> = subjects
        .iter()
        .map(|s| {
            let store = store.clone();
            let s = s.clone();
            tokio::spawn(async move { store.insert_subject(&s, "fp", &[]).await })
        })
        .collect();

    let mut created = 0;
    for (written, write) in subjects.iter().zip(writes) {
        let outcome = write.await.expect("the write task runs");
        match outcome.expect("every intake is answered") {
            Inserted::Created(subject) => {
                created += 1;
                let stored = store.get_subject(subject.id).await.expect("read");
                assert_eq!(
                    stored.map(|s| s.request_id),
                    Some(written.request_id.clone())
                );
                assert_eq!(
                    store
                        .screening_times(subject.id)
                        .await
                        .expect("history")
                        .len(),
                    1
                );
            }
            Inserted::Existing { subject, .. } => {
                assert_eq!(subject.request_id.as_str(), "batch-7");
                assert!(store.get_subject(written.id).await.expect("read").is_none());
            }
        }
    }
    assert_eq!(created, 300);
}

async fn screenings_recorded_together_skip_a_subject_changed_meanwhile(kind: DatabaseKind) {
    let (store, _db) = store(kind).await;
    let (current, changed) = (
        subject("r-10", clear_screening()),
        subject("r-11", clear_screening()),
    );
    for subject in [&current, &changed] {
        store
            .insert_subject(subject, "fp", &[])
            .await
            .expect("insert");
    }
    let rescreened = |subject: &Subject, expected_revision: i64| {
        let mut subject = subject.clone();
        subject.screening = clear_screening();
        subject.revision = expected_revision + 1;
        let audit = AuditEvent::new(
            subject.id,
            AuditAction::Screened,
            &Actor::system("test"),
            "batch-1",
            "re-screened",
        );
        ScreeningUpdate {
            subject,
            expected_revision,
            audit,
        }
    };
    // Someone else has moved `changed` on to revision 2 since it was read at revision 1.
    let updates = [rescreened(&current, 1), rescreened(&changed, 0)];

    let outcomes = store.record_screenings(&updates).await.expect("recorded");

    assert!(
        matches!(outcomes[..], [Updated::Done, Updated::Stale]),
        "{outcomes:?}"
    );
    let history = |id| store.screening_times(id);
    assert_eq!(history(current.id).await.expect("history").len(), 2);
    assert_eq!(history(changed.id).await.expect("history").len(), 1);
    let trail = store.history(current.id, None, 10).await.expect("trail");
    assert!(trail.iter().any(|e| e.request_id == "batch-1"));
    assert!(
        store
            .history(changed.id, None, 10)
            .await
            .expect("trail")
            .iter()
            .all(|e| e.request_id != "batch-1")
    );
    let read = store
        .get_subject(current.id)
        .await
        .expect("read")
        .expect("present");
    assert_eq!(read.revision, 2);
}

/// The plan the database makes for listing subjects by status: it must reach the rows
/// through `subjects_by_status`, not by reading every subject.
async fn listing_by_status_plan(kind: DatabaseKind) -> String {
    let database = TestDatabase::fresh(kind).await;
    Store::connect(database.url()).await.expect("store");
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(database.url())
        .await
        .expect("a pool");
    let filter = SubjectFilter {
        status: Some(SubjectStatus::InCustody),
        limit: 50,
        ..Default::default()
    };
    let sql = list_subjects_sql(&filter);
    let rows: Vec<(String,)> = match kind {
        DatabaseKind::Sqlite => {
            // EXPLAIN QUERY PLAN rows are (id, parent, notused, detail).
            let plan: Vec<(i64, i64, i64, String)> =
                sqlx::query_as(&format!("EXPLAIN QUERY PLAN {sql}"))
                    .bind("in_custody")
                    .bind(50_i64)
                    .fetch_all(&pool)
                    .await
                    .expect("a plan");
            plan.into_iter().map(|row| (row.3,)).collect()
        }
        DatabaseKind::Postgres => {
            // On an empty table any plan is cheap: forbid the full scan to see whether the
            // index can serve the condition at all.
            let mut connection = pool.acquire().await.expect("a connection");
            sqlx::query("SET enable_seqscan = off")
                .execute(&mut *connection)
                .await
                .expect("set");
            sqlx::query_as(&format!("EXPLAIN {sql}"))
                .bind("in_custody")
                .bind(50_i64)
                .fetch_all(&mut *connection)
                .await
                .expect("a plan")
        }
    };
    rows.into_iter()
        .map(|(line,)| line)
        .collect::<Vec<_>>()
        .join("\n")
}

async fn listing_by_status_uses_the_status_index(kind: DatabaseKind) {
    let plan = listing_by_status_plan(kind).await;
    assert!(plan.contains("subjects_by_status"), "{plan}");
    assert!(
        !plan.contains("Seq Scan") && !plan.contains("SCAN subjects"),
        "{plan}"
    );
}

on_both_databases!(
    listing_by_status_uses_the_status_index,
    screenings_recorded_together_skip_a_subject_changed_meanwhile,
    concurrent_intakes_share_commits_and_each_is_answered_for_itself,
    a_screened_subject_is_stored_with_its_first_screening,
    a_pending_subject_has_no_screening_in_its_history,
    a_taken_request_id_returns_the_first_subject_and_writes_nothing,
    listing_filters_and_pages_by_id,
    reopening_a_database_keeps_its_data_and_migrations,
);

#[tokio::test]
async fn the_embedded_database_runs_in_wal_mode() {
    let dir = tempfile::tempdir().expect("a folder");
    let path = dir.path().join("nested/registry.db");
    Store::connect(&format!("sqlite://{}", path.display()))
        .await
        .expect("the file and its folder are created");

    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display()))
        .await
        .expect("opens");
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&pool)
        .await
        .expect("pragma");
    assert_eq!(mode, "wal");
}
