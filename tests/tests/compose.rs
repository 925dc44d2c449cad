//! End to end in containers: docker-compose.yml brought up for real (PostgreSQL, screening,
//! registry), driven over gRPC from outside through the published ports, through outages,
//! restarts, a list replacement and two instances of each service.
//!
//! Ignored by plain `cargo test` (they need Docker and the images); CI runs them with
//! `cargo test -p system-tests --test compose -- --ignored --test-threads=1` after building
//! the images with scripts/build-local-images.sh (see README, "Running with compose").

use std::collections::BTreeSet;
use std::time::Duration;

use system_tests::RegistryClient;
use system_tests::compose::{ComposeStack, eventually};
use system_tests::person;
use wire::registry::v1 as pb;

/// Fictional people, as on the project's demo list; none of them exists.
const LIST: &str = "\
id,name,aliases,birth_dates,nationalities,type
E2E-1,Ilsabet MORGENROTH-QUIST,Ильзабет Моргенрот-Квист,1969-02-11,DK,person
E2E-2,Bartholomew OKONKWO-LINDGREN,,1980-07-30,NG,person
";

/// The same list with E2E-1 taken off and an entry added for the person `UNLISTED` names.
const REPLACEMENT_LIST: &str = "\
id,name,aliases,birth_dates,nationalities,type
E2E-2,Bartholomew OKONKWO-LINDGREN,,1980-07-30,NG,person
E2E-3,Clarimond WINTERBOTTOM-ASHE,,1992-05-03,GB,person
";

const LISTED: (&str, &str, &str) = ("Ilsabet Morgenroth-Quist", "1969", "DK");
const ALSO_LISTED: (&str, &str, &str) = ("Bartholomew Okonkwo-Lindgren", "1980", "NG");
const UNLISTED: (&str, &str, &str) = ("Clarimond Winterbottom-Ashe", "1992", "GB");

/// Long enough for a pending subject's next retry after a short outage (the worker backs off
/// from 0.5 s, doubling) and for a re-screening after screening comes back.
const SETTLE: Duration = Duration::from_secs(90);

async fn intake(
    registry: &mut RegistryClient,
    request_id: &str,
    who: (&str, &str, &str),
) -> pb::Subject {
    registry
        .create_subject(pb::CreateSubjectRequest {
            request_id: request_id.to_owned(),
            person: Some(person(who.0, Some(who.1), Some(who.2))),
        })
        .await
        .unwrap_or_else(|status| panic!("intake {request_id}: {status:?}"))
        .into_inner()
}

async fn get(registry: &mut RegistryClient, id: &str) -> pb::Subject {
    registry
        .get_subject(pb::GetSubjectRequest { id: id.to_owned() })
        .await
        .unwrap_or_else(|status| panic!("subject {id}: {status:?}"))
        .into_inner()
}

fn state(subject: &pb::Subject) -> pb::ScreeningState {
    subject.screening.as_ref().expect("a screening").state()
}

/// The list versions the subject was last screened against, as `list@version`.
fn versions(subject: &pb::Subject) -> Vec<String> {
    let screening = subject.screening.as_ref().expect("a screening");
    screening
        .watchlist_versions
        .iter()
        .map(|v| format!("{}@{}", v.watchlist, v.version))
        .collect()
}

/// The details of every `screened` event in the subject's history, oldest first.
async fn screened_events(registry: &mut RegistryClient, id: &str) -> Vec<String> {
    let history = registry
        .list_subject_history(pb::ListSubjectHistoryRequest {
            id: id.to_owned(),
            page_size: 1000,
            page_token: String::new(),
        })
        .await
        .unwrap_or_else(|status| panic!("history of {id}: {status:?}"))
        .into_inner();
    assert!(history.next_page_token.is_empty(), "one page holds it all");
    history
        .events
        .into_iter()
        .filter(|e| e.action == "screened")
        .map(|e| e.details)
        .collect()
}

/// Waits until the subject's screening is in `expected`, and returns the subject.
async fn settles(registry: &RegistryClient, id: &str, expected: pb::ScreeningState) -> pb::Subject {
    eventually(
        &format!("subject {id} becomes {expected:?}"),
        SETTLE,
        || {
            let (mut registry, id) = (registry.clone(), id.to_owned());
            async move {
                let subject = get(&mut registry, &id).await;
                (state(&subject) == expected).then_some(subject)
            }
        },
    )
    .await
}

#[tokio::test]
#[ignore = "needs Docker and the images; run by .ci/run (see README)"]
async fn intake_survives_a_screening_outage_and_restarts() {
    let stack = ComposeStack::new(LIST);
    stack.up(1, 1);
    let mut registry = stack.registry(1, "admin").await;

    let listed = intake(&mut registry, "e2e-listed", LISTED).await;
    assert_eq!(state(&listed), pb::ScreeningState::PotentialMatch);
    let hit = &listed.screening.as_ref().expect("a screening").hits[0];
    assert_eq!(
        (hit.watchlist.as_str(), hit.entry_id.as_str()),
        ("e2e", "E2E-1")
    );
    let unlisted = intake(&mut registry, "e2e-unlisted", UNLISTED).await;
    assert_eq!(state(&unlisted), pb::ScreeningState::Clear);

    // Screening down: intake is still recorded, as PENDING.
    stack.stop("screening");
    let pending = intake(&mut registry, "e2e-during-outage", ALSO_LISTED).await;
    assert_eq!(state(&pending), pb::ScreeningState::Pending);

    // Back up: the registry's pending worker screens it, once.
    stack.start("screening", 1);
    let screened = settles(&registry, &pending.id, pb::ScreeningState::PotentialMatch).await;
    assert_eq!(
        screened.screening.expect("a screening").hits[0].entry_id,
        "E2E-2"
    );
    assert_eq!(screened_events(&mut registry, &pending.id).await.len(), 1);

    // A restarted registry, and then the whole stack taken down and up again (keeping its
    // volume), still has every subject as it was.
    let ids = [&listed.id, &unlisted.id, &pending.id];
    stack.restart("registry", 1);
    let mut registry = stack.registry(1, "admin").await;
    for id in ids {
        assert_eq!(get(&mut registry, id).await.id, *id);
    }
    stack.down_keeping_volumes();
    stack.up(1, 1);
    let mut registry = stack.registry(1, "viewer").await;
    let all = registry
        .list_subjects(pb::ListSubjectsRequest {
            page_size: 50,
            ..Default::default()
        })
        .await
        .expect("listing")
        .into_inner();
    let found: BTreeSet<&String> = all.subjects.iter().map(|s| &s.id).collect();
    assert_eq!(found, BTreeSet::from(ids));
    let again = get(&mut registry, &listed.id).await;
    assert_eq!(state(&again), pb::ScreeningState::PotentialMatch);
}

#[tokio::test]
#[ignore = "needs Docker and the images; run by .ci/run (see README)"]
async fn replacing_a_list_rescreens_the_subjects() {
    let stack = ComposeStack::new(LIST);
    stack.up(1, 1);
    let mut registry = stack.registry(1, "admin").await;
    let was_listed = intake(&mut registry, "e2e-was-listed", LISTED).await;
    assert_eq!(state(&was_listed), pb::ScreeningState::PotentialMatch);
    let now_listed = intake(&mut registry, "e2e-now-listed", UNLISTED).await;
    assert_eq!(state(&now_listed), pb::ScreeningState::Clear);

    // The operator's way: a new file in the mounted folder, and a restart.
    stack.write_list(REPLACEMENT_LIST);
    stack.restart("screening", 1);

    let rescreened = settles(
        &registry,
        &now_listed.id,
        pb::ScreeningState::PotentialMatch,
    )
    .await;
    assert_eq!(
        rescreened.screening.as_ref().expect("a screening").hits[0].entry_id,
        "E2E-3"
    );
    let cleared = settles(&registry, &was_listed.id, pb::ScreeningState::Clear).await;
    assert_ne!(
        versions(&cleared),
        versions(&was_listed),
        "screened against the new list"
    );
    assert_eq!(versions(&cleared), versions(&rescreened));
    for subject in [&was_listed, &now_listed] {
        let events = screened_events(&mut registry, &subject.id).await;
        assert_eq!(events.len(), 2, "intake and the list change: {events:#?}");
    }
}

#[tokio::test]
#[ignore = "needs Docker and the images; run by .ci/run (see README)"]
async fn two_instances_of_each_service_share_the_work_without_doing_it_twice() {
    let stack = ComposeStack::new(LIST);
    stack.up(2, 2);
    let mut registries = [
        stack.registry(1, "admin").await,
        stack.registry(2, "admin").await,
    ];

    // Each screening instance loads the same lists.
    let mut loaded = Vec::new();
    for index in [1, 2] {
        let mut screening = stack.screening(index, "screener").await;
        let lists = screening
            .list_watchlists(wire::screening::v1::ListWatchlistsRequest {})
            .await
            .expect("lists")
            .into_inner();
        loaded.push(
            lists
                .watchlists
                .into_iter()
                .map(|l| (l.name, l.version))
                .collect::<Vec<_>>(),
        );
    }
    assert_eq!(loaded[0].len(), 1);
    assert_eq!(loaded[0], loaded[1]);

    let people = [LISTED, ALSO_LISTED, UNLISTED];
    let mut ids = Vec::new();
    for n in 0..6 {
        let registry = &mut registries[n % 2];
        let subject = intake(registry, &format!("e2e-scaled-{n}"), people[n % 3]).await;
        assert_ne!(state(&subject), pb::ScreeningState::Pending);
        ids.push(subject.id);
    }

    // Both screening instances down: intake on both registries is PENDING, then screened
    // exactly once by whichever registry's worker took it.
    stack.stop("screening");
    let mut pending = Vec::new();
    for n in 0..6 {
        let registry = &mut registries[n % 2];
        let subject = intake(registry, &format!("e2e-scaled-pending-{n}"), people[n % 3]).await;
        assert_eq!(state(&subject), pb::ScreeningState::Pending);
        pending.push(subject.id);
    }
    stack.start("screening", 2);
    for id in &pending {
        eventually(&format!("{id} screened"), SETTLE, || {
            let (mut registry, id) = (registries[0].clone(), id.clone());
            async move {
                let subject = get(&mut registry, &id).await;
                (state(&subject) != pb::ScreeningState::Pending).then_some(())
            }
        })
        .await;
    }
    ids.extend(pending);
    for id in &ids {
        let events = screened_events(&mut registries[1], id).await;
        assert_eq!(events.len(), 1, "{id}: {events:#?}");
    }

    // A new list for both screening instances: every subject is re-screened once, by one
    // registry or the other.
    stack.stop("screening");
    stack.write_list(REPLACEMENT_LIST);
    stack.start("screening", 2);
    let new_versions = eventually("the registry sees the new list", SETTLE, || {
        let mut registry = registries[0].clone();
        let id = ids[2].clone(); // UNLISTED, now on the list
        async move {
            let subject = get(&mut registry, &id).await;
            (state(&subject) == pb::ScreeningState::PotentialMatch).then(|| versions(&subject))
        }
    })
    .await;
    for id in &ids {
        eventually(&format!("{id} re-screened"), SETTLE, || {
            let (mut registry, id, expected) =
                (registries[1].clone(), id.clone(), new_versions.clone());
            async move { (versions(&get(&mut registry, &id).await) == expected).then_some(()) }
        })
        .await;
    }
    for id in &ids {
        let events = screened_events(&mut registries[0], id).await;
        assert_eq!(events.len(), 2, "{id}: {events:#?}");
        let distinct: BTreeSet<&String> = events.iter().collect();
        assert_eq!(distinct.len(), 2, "{id}: {events:#?}");
    }
}

#[tokio::test]
#[ignore = "needs Docker and the images; run by .ci/run (see README)"]
async fn prometheus_scrapes_every_instance_and_shows_an_intake() {
    let stack = ComposeStack::new(LIST).with_prometheus();
    stack.up(2, 1);
    let prometheus = stack.addr("prometheus", 9090, 1);
    let mut registry = stack.registry(1, "intake").await;
    let subject = intake(&mut registry, "e2e-metrics-1", LISTED).await;
    assert_eq!(state(&subject), pb::ScreeningState::PotentialMatch);

    // Both screening instances and the registry, each found through the network's DNS.
    let targets = eventually("every instance scraped", SETTLE, || async {
        let up = system_tests::prometheus::query(prometheus, "up == 1")
            .await
            .ok()?;
        let jobs: Vec<String> = up
            .iter()
            .filter_map(|(labels, _)| labels.get("job")?.as_str().map(str::to_owned))
            .collect();
        let count = |job: &str| jobs.iter().filter(|j| *j == job).count();
        (count("screening") == 2 && count("registry") == 1).then_some(jobs)
    })
    .await;
    assert_eq!(targets.len(), 3, "{targets:?}");

    let intakes = eventually("the intake in Prometheus", SETTLE, || async {
        let found = system_tests::prometheus::query(
            prometheus,
            r#"sum(registry_intakes_total{outcome="potential_match"})"#,
        )
        .await
        .ok()?;
        found.first().map(|(_, value)| *value).filter(|v| *v >= 1.0)
    })
    .await;
    assert_eq!(intakes, 1.0);
    let lists = system_tests::prometheus::query(
        prometheus,
        r#"screening_watchlist_entries{watchlist="e2e"}"#,
    )
    .await
    .expect("a query");
    assert_eq!(
        lists.len(),
        2,
        "one series per screening instance: {lists:?}"
    );
    assert!(
        lists.iter().all(|(_, entries)| *entries == 2.0),
        "{lists:?}"
    );

    let rules = system_tests::prometheus::rule_health(prometheus)
        .await
        .expect("the rules");
    assert!(
        rules
            .iter()
            .any(|(name, _)| name == "PendingSubjectsWaitingTooLong"),
        "deploy/prometheus/alerts.yml is loaded: {rules:?}"
    );
    let evaluated = eventually("every rule evaluated", SETTLE, || async {
        let rules = system_tests::prometheus::rule_health(prometheus)
            .await
            .ok()?;
        rules
            .iter()
            .all(|(_, health)| health == "ok")
            .then_some(rules)
    })
    .await;
    assert!(!evaluated.is_empty());
}
