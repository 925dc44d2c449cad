//! Hit review, the case lifecycle with etags, and the audit trail.

use system_tests::{
    CsvList, DatabaseKind, RegistryClient, TestStack, on_both_databases, person, violated_fields,
};
use wire::registry::v1 as pb;

const TEST_LIST: &str = "\
id,name,aliases,birth_dates
C-1,Dmitri Alekseyevich VORONTSOV-KRUGLOV,Dmitriy Vorontsov,1966-11-02
C-2,Dmitri VORONTSOV,,1966
";

async fn stack(kind: DatabaseKind) -> (TestStack, CsvList) {
    let list = CsvList::write("test", TEST_LIST);
    (TestStack::spawn(kind, vec![list.spec.clone()]).await, list)
}

/// Registers a subject that hits both entries.
async fn matched_subject(registry: &mut RegistryClient) -> pb::Subject {
    let subject = registry
        .create_subject(pb::CreateSubjectRequest {
            request_id: "case-1".into(),
            person: Some(person("Dmitri Vorontsov", Some("1966"), None)),
        })
        .await
        .expect("intake")
        .into_inner();
    let entries: Vec<String> = hits(&subject).iter().map(|h| h.entry_id.clone()).collect();
    assert_eq!(entries.len(), 2, "both test entries are hit: {entries:?}");
    subject
}

fn hits(subject: &pb::Subject) -> Vec<wire::common::v1::Hit> {
    subject.screening.clone().expect("a screening").hits
}

fn state(subject: &pb::Subject) -> pb::ScreeningState {
    subject.screening.as_ref().expect("a screening").state()
}

fn review(
    subject: &pb::Subject,
    entry_id: &str,
    decision: pb::HitDecision,
) -> pb::ReviewHitRequest {
    pb::ReviewHitRequest {
        subject_id: subject.id.clone(),
        watchlist: "test".into(),
        entry_id: entry_id.into(),
        decision: decision as i32,
        reason: "compared photograph and place of birth".into(),
        etag: String::new(),
    }
}

fn status_change(
    subject: &pb::Subject,
    status: pb::SubjectStatus,
    etag: &str,
) -> pb::UpdateSubjectStatusRequest {
    pb::UpdateSubjectStatusRequest {
        id: subject.id.clone(),
        status: status as i32,
        reason: "reported by the field office".into(),
        etag: etag.into(),
    }
}

async fn dismissing_every_hit_clears_the_subject(kind: DatabaseKind) {
    let (stack, _list) = stack(kind).await;
    let mut reviewer = stack.registry.registry_client_as("reviewer").await;
    let mut intake = stack.registry.registry_client_as("intake").await;
    let subject = matched_subject(&mut intake).await;

    let after_one = reviewer
        .review_hit(review(&subject, "C-1", pb::HitDecision::FalsePositive))
        .await
        .expect("reviewed")
        .into_inner();
    let after_both = reviewer
        .review_hit(review(&subject, "C-2", pb::HitDecision::FalsePositive))
        .await
        .expect("reviewed")
        .into_inner();

    assert_eq!(state(&after_one), pb::ScreeningState::PotentialMatch);
    assert_eq!(state(&after_both), pb::ScreeningState::Clear);
    let reviews = after_both.screening.clone().expect("a screening").reviews;
    assert_eq!(reviews.len(), 2);
    assert!(
        reviews.iter().all(
            |r| r.reviewer == "test-reviewer" && r.decision() == pb::HitDecision::FalsePositive
        )
    );
    assert_ne!(after_both.etag, subject.etag);
    let stored = reviewer
        .get_subject(pb::GetSubjectRequest {
            id: subject.id.clone(),
        })
        .await
        .expect("read")
        .into_inner();
    assert_eq!(stored, after_both);
}

async fn confirming_a_hit_makes_a_confirmed_match(kind: DatabaseKind) {
    let (stack, _list) = stack(kind).await;
    let mut admin = stack.registry_client().await;
    let subject = matched_subject(&mut admin).await;

    let confirmed = admin
        .review_hit(review(&subject, "C-1", pb::HitDecision::Confirmed))
        .await
        .expect("reviewed")
        .into_inner();

    assert_eq!(state(&confirmed), pb::ScreeningState::ConfirmedMatch);
}

async fn reviews_of_unknown_hits_or_without_reasons_are_refused(kind: DatabaseKind) {
    let (stack, _list) = stack(kind).await;
    let mut admin = stack.registry_client().await;
    let subject = matched_subject(&mut admin).await;

    let unknown = admin
        .review_hit(review(&subject, "NOT-A-HIT", pb::HitDecision::Confirmed))
        .await
        .expect_err("no such hit");
    let incomplete = admin
        .review_hit(pb::ReviewHitRequest {
            subject_id: subject.id.clone(),
            ..Default::default()
        })
        .await
        .expect_err("incomplete");

    assert_eq!(unknown.code(), tonic::Code::NotFound);
    assert_eq!(
        violated_fields(&incomplete),
        ["watchlist", "entry_id", "decision", "reason"]
    );
}

async fn the_case_moves_only_along_its_lifecycle(kind: DatabaseKind) {
    let (stack, _list) = stack(kind).await;
    let mut admin = stack.registry_client().await;
    let subject = matched_subject(&mut admin).await;

    let impossible = admin
        .update_subject_status(status_change(&subject, pb::SubjectStatus::InCustody, ""))
        .await
        .expect_err("must be located first");
    let located = admin
        .update_subject_status(status_change(
            &subject,
            pb::SubjectStatus::Located,
            &subject.etag,
        ))
        .await
        .expect("allowed")
        .into_inner();
    let in_custody = admin
        .update_subject_status(status_change(
            &located,
            pb::SubjectStatus::InCustody,
            &located.etag,
        ))
        .await
        .expect("allowed")
        .into_inner();

    assert_eq!(impossible.code(), tonic::Code::FailedPrecondition);
    assert_eq!(located.status(), pb::SubjectStatus::Located);
    assert_eq!(in_custody.status(), pb::SubjectStatus::InCustody);
    assert_ne!(located.etag, in_custody.etag);
}

async fn an_edit_made_with_a_stale_etag_is_aborted(kind: DatabaseKind) {
    let (stack, _list) = stack(kind).await;
    let mut admin = stack.registry_client().await;
    let subject = matched_subject(&mut admin).await;
    admin
        .update_subject_status(status_change(
            &subject,
            pb::SubjectStatus::Located,
            &subject.etag,
        ))
        .await
        .expect("first edit");

    let stale = admin
        .update_subject_status(status_change(
            &subject,
            pb::SubjectStatus::WhereaboutsUnknown,
            &subject.etag,
        ))
        .await
        .expect_err("second edit with the old etag");

    assert_eq!(stale.code(), tonic::Code::Aborted);
}

async fn concurrent_edits_with_one_etag_let_exactly_one_through(kind: DatabaseKind) {
    let (stack, _list) = stack(kind).await;
    let mut admin = stack.registry_client().await;
    let subject = matched_subject(&mut admin).await;

    let edits = [
        pb::SubjectStatus::Located,
        pb::SubjectStatus::WhereaboutsUnknown,
        pb::SubjectStatus::Closed,
    ]
    .map(|status| {
        let mut client = admin.clone();
        let request = status_change(&subject, status, &subject.etag);
        tokio::spawn(async move { client.update_subject_status(request).await })
    });
    let mut codes = Vec::new();
    for edit in edits {
        codes.push(match edit.await.expect("task") {
            Ok(_) => tonic::Code::Ok,
            Err(status) => status.code(),
        });
    }

    assert_eq!(
        codes.iter().filter(|c| **c == tonic::Code::Ok).count(),
        1,
        "{codes:?}"
    );
    assert!(
        codes
            .iter()
            .all(|c| matches!(c, tonic::Code::Ok | tonic::Code::Aborted)),
        "{codes:?}"
    );
}

async fn the_history_records_who_did_what_and_under_which_request(kind: DatabaseKind) {
    let (stack, _list) = stack(kind).await;
    let mut intake = stack.registry.registry_client_as("intake").await;
    let subject = matched_subject(&mut intake).await;
    let mut reviewer = stack.registry.registry_client_as("reviewer").await;
    let mut read = tonic::Request::new(pb::GetSubjectRequest {
        id: subject.id.clone(),
    });
    read.metadata_mut()
        .insert("x-request-id", "desk-7-lookup-42".parse().expect("ascii"));
    reviewer.get_subject(read).await.expect("read");
    reviewer
        .review_hit(review(&subject, "C-1", pb::HitDecision::FalsePositive))
        .await
        .expect("reviewed");
    let mut officer = stack.registry.registry_client_as("case-officer").await;
    officer
        .update_subject_status(status_change(&subject, pb::SubjectStatus::Located, ""))
        .await
        .expect("moved");

    let mut auditor = stack.registry.registry_client_as("auditor").await;
    let history = auditor
        .list_subject_history(pb::ListSubjectHistoryRequest {
            id: subject.id.clone(),
            ..Default::default()
        })
        .await
        .expect("history")
        .into_inner();

    let trail: Vec<(&str, &str)> = history
        .events
        .iter()
        .map(|e| (e.action.as_str(), e.actor.as_str()))
        .collect();
    assert_eq!(
        trail,
        [
            ("created", "test-intake"),
            ("screened", "test-intake"),
            ("read", "test-reviewer"),
            ("hit_reviewed", "test-reviewer"),
            ("status_changed", "test-case-officer"),
        ]
    );
    assert_eq!(history.events[0].request_id, "case-1");
    // The caller's header is kept apart from the registry's own id for the call.
    assert_eq!(history.events[2].caller_request_id, "desk-7-lookup-42");
    assert_ne!(history.events[2].request_id, "desk-7-lookup-42");
    assert!(!history.events[2].request_id.is_empty());
    assert!(history.events.iter().all(|e| e.event_time.is_some()));
    assert!(history.events[4].details.contains("identified -> located"));
}

async fn history_pages_and_refuses_unknown_subjects(kind: DatabaseKind) {
    let (stack, _list) = stack(kind).await;
    let mut admin = stack.registry_client().await;
    let subject = matched_subject(&mut admin).await;
    for _ in 0..3 {
        admin
            .get_subject(pb::GetSubjectRequest {
                id: subject.id.clone(),
            })
            .await
            .expect("read");
    }

    let first = admin
        .list_subject_history(pb::ListSubjectHistoryRequest {
            id: subject.id.clone(),
            page_size: 3,
            page_token: String::new(),
        })
        .await
        .expect("page")
        .into_inner();
    let second = admin
        .list_subject_history(pb::ListSubjectHistoryRequest {
            id: subject.id.clone(),
            page_size: 3,
            page_token: first.next_page_token.clone(),
        })
        .await
        .expect("page")
        .into_inner();
    let unknown = admin
        .list_subject_history(pb::ListSubjectHistoryRequest {
            id: "0190a3c2-0000-7000-8000-000000000000".into(),
            ..Default::default()
        })
        .await
        .expect_err("unknown");

    // Created, screened, three reads, and the read of the first page itself.
    assert_eq!((first.events.len(), second.events.len()), (3, 3));
    assert_eq!(second.events[2].action, "read");
    assert_eq!(second.events[2].details, "ListSubjectHistory");
    assert!(second.next_page_token.is_empty());
    assert_eq!(unknown.code(), tonic::Code::NotFound);
}

on_both_databases!(
    dismissing_every_hit_clears_the_subject,
    confirming_a_hit_makes_a_confirmed_match,
    reviews_of_unknown_hits_or_without_reasons_are_refused,
    the_case_moves_only_along_its_lifecycle,
    an_edit_made_with_a_stale_etag_is_aborted,
    concurrent_edits_with_one_etag_let_exactly_one_through,
    the_history_records_who_did_what_and_under_which_request,
    history_pages_and_refuses_unknown_subjects,
);
