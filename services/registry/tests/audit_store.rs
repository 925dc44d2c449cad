//! The audit columns of the store on SQLite and PostgreSQL alike: the caller's own request
//! id beside the registry's, and the creator of subjects stored before it was recorded.

use std::path::Path;

use person::Person;
use registry::domain::audit::{Actor, AuditAction, AuditEvent};
use registry::domain::screening::Screening;
use registry::domain::subject::{RequestId, Subject, SubjectStatus, now};
use registry::store::Store;
use sqlx::migrate::Migrator;
use test_support::{DatabaseKind, TestDatabase, on_both_databases};
use uuid::Uuid;

fn subject(request_id: &str, created_by: &str) -> Subject {
    let at = now();
    Subject {
        id: Uuid::now_v7(),
        request_id: RequestId::parse(request_id).expect("valid"),
        person: Person::named("Ivan Petrov"),
        status: SubjectStatus::Identified,
        screening: Screening::pending(),
        reviews: Vec::new(),
        created_at: at,
        updated_at: at,
        revision: 1,
        created_by: created_by.to_owned(),
    }
}

async fn the_trail_keeps_the_callers_request_id_beside_the_registrys(kind: DatabaseKind) {
    let database = TestDatabase::fresh(kind).await;
    let store = Store::connect(database.url())
        .await
        .expect("the store opens");
    let created = subject("r-1", "desk-7");
    let desk = Actor::principal("desk-7").with_caller_request_id(Some("desk-7-call-1".into()));
    let creation = AuditEvent::new(created.id, AuditAction::Created, &desk, "r-1", "created");
    store
        .insert_subject(&created, "fp", &[creation])
        .await
        .expect("insert");
    // More reads than one statement holds, as a long listing records.
    let reader = Actor::principal("viewer-1");
    let reads: Vec<AuditEvent> = (0..300)
        .map(|_| {
            AuditEvent::new(
                created.id,
                AuditAction::Read,
                &reader,
                "call-2",
                "ListSubjects",
            )
        })
        .collect();
    store.record_reads(&reads).await.expect("reads recorded");

    let trail = store.history(created.id, None, 1000).await.expect("trail");

    assert_eq!(trail.len(), 301);
    assert_eq!(trail[0].request_id, "r-1");
    assert_eq!(trail[0].actor.as_str(), "desk-7");
    assert_eq!(trail[0].actor.caller_request_id(), Some("desk-7-call-1"));
    assert!(trail[1..].iter().all(|e| e.action == AuditAction::Read
        && e.request_id == "call-2"
        && e.actor.caller_request_id().is_none()));
    let read = store
        .get_subject(created.id)
        .await
        .expect("read")
        .expect("present");
    assert_eq!(read.created_by, "desk-7");
}

/// The migrations up to (not including) the one that records creators, copied to `dir`.
async fn migrations_before_creators(kind: DatabaseKind, dir: &Path) -> Migrator {
    let source = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(match kind {
            DatabaseKind::Sqlite => "sqlite",
            DatabaseKind::Postgres => "postgres",
        });
    for file in [
        "0001_subjects.sql",
        "0002_audit_and_reviews.sql",
        "0003_background_screening.sql",
    ] {
        std::fs::copy(source.join(file), dir.join(file)).expect("a migration copied");
    }
    Migrator::new(dir).await.expect("the older migrations")
}

async fn subjects_stored_before_creators_were_recorded_take_theirs_from_the_trail(
    kind: DatabaseKind,
) {
    let database = TestDatabase::fresh(kind).await;
    let dir = tempfile::tempdir().expect("a temporary folder");
    let older = migrations_before_creators(kind, dir.path()).await;
    let pool = db::connect(database.url(), &older, &older)
        .await
        .expect("the older schema");
    let person = serde_json::to_string(&Person::named("Ivan Petrov")).expect("json");
    let (with_event, without_event) = (Uuid::now_v7(), Uuid::now_v7());
    for (id, request_id) in [(with_event, "old-1"), (without_event, "old-2")] {
        sqlx::query(
            "INSERT INTO subjects (id, request_id, request_fingerprint, person_json, status,
                 screening_state, matched, threshold, hits_json, versions_json, screened_at_ms,
                 created_at_ms, updated_at_ms, revision)
             VALUES ($1, $2, 'fp', $3, 'identified', 'pending', 0, 0.85, '[]', '[]', NULL,
                 1, 1, 1)",
        )
        .bind(id.to_string())
        .bind(request_id)
        .bind(&person)
        .execute(&pool)
        .await
        .expect("an older subject");
    }
    sqlx::query(
        "INSERT INTO audit_events (id, subject_id, action, actor, request_id, at_ms, details)
         VALUES ($1, $2, 'created', 'desk-7', 'old-1', 1, ''),
                ($3, $2, 'read', 'viewer-1', 'call-1', 2, '')",
    )
    .bind(Uuid::now_v7().to_string())
    .bind(with_event.to_string())
    .bind(Uuid::now_v7().to_string())
    .execute(&pool)
    .await
    .expect("older events");
    pool.close().await;

    let store = Store::connect(database.url()).await.expect("migrated");
    let creator = |id| {
        let store = store.clone();
        async move {
            store
                .get_subject(id)
                .await
                .expect("read")
                .expect("present")
                .created_by
        }
    };

    assert_eq!(creator(with_event).await, "desk-7");
    assert_eq!(creator(without_event).await, "");
}

on_both_databases!(
    the_trail_keeps_the_callers_request_id_beside_the_registrys,
    subjects_stored_before_creators_were_recorded_take_theirs_from_the_trail,
);
