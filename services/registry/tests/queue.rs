//! Claiming background work with leases, on SQLite (one statement, one writer) and on
//! PostgreSQL (`FOR UPDATE SKIP LOCKED`) alike.

use std::collections::BTreeSet;
use std::time::Duration;

use person::Person;
use registry::domain::screening::{ListVersion, Screening, ScreeningResult};
use registry::domain::subject::{RequestId, Subject, SubjectStatus, now};
use registry::store::{Lease, Store, versions_key};
use test_support::{DatabaseKind, TestDatabase, on_both_databases};
use uuid::Uuid;

const NOW: i64 = 1_000_000;

fn lease(owner: &str) -> Lease {
    Lease {
        owner: owner.to_owned(),
        duration: Duration::from_secs(60),
    }
}

fn screened_against(version: &str) -> Screening {
    Screening::completed(
        ScreeningResult {
            matched: false,
            threshold: 0.85,
            hits: Vec::new(),
            versions: vec![ListVersion {
                watchlist: "un".into(),
                version: version.into(),
            }],
            extent: Default::default(),
        },
        now(),
        &[],
    )
}

fn key(version: &str) -> String {
    versions_key(&screened_against(version).versions)
}

async fn store_with(
    kind: DatabaseKind,
    screenings: Vec<Screening>,
) -> (Store, TestDatabase, Vec<Uuid>) {
    let database = TestDatabase::fresh(kind).await;
    let store = Store::connect(database.url())
        .await
        .expect("the store opens");
    let mut ids = Vec::new();
    for (i, screening) in screenings.into_iter().enumerate() {
        let at = now();
        let subject = Subject {
            id: Uuid::now_v7(),
            request_id: RequestId::parse(&format!("queue-{i}")).expect("valid"),
            person: Person::named("Ivan Petrov"),
            status: SubjectStatus::Identified,
            screening,
            reviews: Vec::new(),
            created_at: at,
            updated_at: at,
            revision: 1,
            created_by: "test-intake".to_owned(),
        };
        store
            .insert_subject(&subject, "fp", &[])
            .await
            .expect("insert");
        ids.push(subject.id);
    }
    (store, database, ids)
}

fn ids(claimed: &[registry::store::Claimed]) -> BTreeSet<Uuid> {
    claimed.iter().map(|c| c.subject.id).collect()
}

async fn concurrent_claims_share_out_pending_subjects_without_overlap(kind: DatabaseKind) {
    let (store, _db, all) = store_with(kind, (0..40).map(|_| Screening::pending()).collect()).await;
    let (a, b) = (lease("a"), lease("b"));
    let (first, second) = tokio::join!(
        store.claim_pending(&a, NOW, 25),
        store.claim_pending(&b, NOW, 25)
    );
    let (first, second) = (ids(&first.expect("claim")), ids(&second.expect("claim")));
    assert!(
        first.is_disjoint(&second),
        "{first:?} and {second:?} overlap"
    );
    assert_eq!(first.len() + second.len(), all.len());
    assert!(
        store
            .claim_pending(&lease("c"), NOW, 25)
            .await
            .expect("claim")
            .is_empty()
    );
}

async fn a_lease_keeps_others_off_until_it_runs_out_or_is_released(kind: DatabaseKind) {
    let (store, _db, all) =
        store_with(kind, vec![Screening::pending(), Screening::pending()]).await;
    let holder = lease("holder");
    assert_eq!(
        store
            .claim_pending(&holder, NOW, 10)
            .await
            .expect("claim")
            .len(),
        2
    );
    let other = lease("other");
    assert!(
        store
            .claim_pending(&other, NOW + 59_000, 10)
            .await
            .expect("claim")
            .is_empty()
    );

    store.release(&holder, &all[..1]).await.expect("release");
    assert_eq!(
        ids(&store
            .claim_pending(&other, NOW + 1_000, 10)
            .await
            .expect("claim")),
        all[..1].iter().copied().collect()
    );
    // The holder died without releasing the other one: it is free once the lease ends.
    assert_eq!(
        ids(&store
            .claim_pending(&other, NOW + 60_000, 10)
            .await
            .expect("claim")),
        all[1..].iter().copied().collect()
    );
}

async fn a_deferred_subject_waits_for_its_next_attempt_and_counts_its_failures(kind: DatabaseKind) {
    let (store, _db, all) = store_with(kind, vec![Screening::pending()]).await;
    let worker = lease("worker");
    let claimed = store.claim_pending(&worker, NOW, 10).await.expect("claim");
    assert_eq!(claimed[0].attempts, 0);
    store
        .defer_pending(&worker, all[0], NOW + 5_000)
        .await
        .expect("defer");

    assert!(
        store
            .claim_pending(&worker, NOW + 4_999, 10)
            .await
            .expect("claim")
            .is_empty()
    );
    let again = store
        .claim_pending(&worker, NOW + 5_000, 10)
        .await
        .expect("claim");
    assert_eq!(again[0].attempts, 1);
}

async fn only_screened_subjects_on_other_list_versions_are_claimed_for_re_screening(
    kind: DatabaseKind,
) {
    let screenings = vec![
        screened_against("old"),
        screened_against("current"),
        Screening::pending(),
        screened_against("zzz-other"),
    ];
    let (store, _db, all) = store_with(kind, screenings).await;
    let worker = lease("worker");
    let claimed = store
        .claim_stale(&worker, NOW, &key("current"), 10)
        .await
        .expect("claim");
    assert_eq!(
        ids(&claimed),
        BTreeSet::from([all[0], all[3]]),
        "below and above the key"
    );
    assert!(
        store
            .claim_stale(&lease("other"), NOW, &key("current"), 10)
            .await
            .expect("claim")
            .is_empty(),
        "held by the first worker"
    );
    store.release_all(&worker).await.expect("release");
    let limited = store
        .claim_stale(&worker, NOW, &key("current"), 1)
        .await
        .expect("claim");
    assert_eq!(limited.len(), 1);
}

/// What the metrics show of the background work: read from the database, so that every
/// instance sharing it shows the same backlog.
async fn the_backlog_counts_pending_subjects_their_oldest_and_subjects_on_other_versions(
    kind: DatabaseKind,
) {
    let before = now().unix_timestamp_nanos() / 1_000_000;
    let (store, _db, _) = store_with(
        kind,
        vec![
            Screening::pending(),
            Screening::pending(),
            screened_against("old"),
            screened_against("current"),
            screened_against("current"),
        ],
    )
    .await;
    let after = now().unix_timestamp_nanos() / 1_000_000;

    let backlog = store
        .backlog(Some(&key("current")))
        .await
        .expect("the backlog is read");
    assert_eq!(backlog.pending, 2);
    assert_eq!(
        backlog.outdated, 1,
        "only the subject screened against \"old\""
    );
    let oldest = i128::from(
        backlog
            .oldest_pending_ms
            .expect("an oldest pending subject"),
    );
    assert!(
        (before..=after).contains(&oldest),
        "{oldest} not in {before}..={after}"
    );

    let unknown_versions = store.backlog(None).await.expect("the backlog is read");
    assert_eq!(unknown_versions.outdated, 0);
    let (empty, _db) = {
        let (store, db, _) = store_with(kind, Vec::new()).await;
        (store.backlog(None).await.expect("read"), db)
    };
    assert_eq!((empty.pending, empty.oldest_pending_ms), (0, None));
}

on_both_databases!(
    the_backlog_counts_pending_subjects_their_oldest_and_subjects_on_other_versions,
    concurrent_claims_share_out_pending_subjects_without_overlap,
    a_lease_keeps_others_off_until_it_runs_out_or_is_released,
    a_deferred_subject_waits_for_its_next_attempt_and_counts_its_failures,
    only_screened_subjects_on_other_list_versions_are_claimed_for_re_screening,
);
