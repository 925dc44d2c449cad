//! Screening over gRPC against the real UN and OFAC lists.

use std::sync::OnceLock;

use system_tests::{
    DatabaseKind, RunningServer, TestDatabase, ofac_sdn_list, person, spawn_screening, un_list,
    violated_fields,
};
use tokio::sync::OnceCell;
use tokio_stream::StreamExt;
use wire::screening::v1 as pb;

/// One screening server with the real lists, shared by the tests of this file: loading the
/// lists is the slow part, and no test here changes them.
async fn shared_screening() -> &'static RunningServer {
    static DATABASE: OnceLock<TestDatabase> = OnceLock::new();
    static SERVER: OnceCell<RunningServer> = OnceCell::const_new();
    SERVER
        .get_or_init(|| async {
            // The server must outlive the runtime of the test that starts it, so it runs on
            // a runtime of its own.
            let (sender, receiver) = std::sync::mpsc::channel();
            std::thread::spawn(move || {
                let runtime = tokio::runtime::Runtime::new().expect("a runtime");
                runtime.block_on(async {
                    let database = TestDatabase::fresh(DatabaseKind::Sqlite).await;
                    let server =
                        spawn_screening("127.0.0.1:0", vec![un_list(), ofac_sdn_list()], &database)
                            .await;
                    sender.send((database, server)).expect("the test waits");
                    std::future::pending::<()>().await;
                });
            });
            let (database, server) = receiver.recv().expect("screening starts");
            let _ = DATABASE.set(database);
            server
        })
        .await
}

async fn client() -> system_tests::ScreeningClient {
    shared_screening()
        .await
        .screening_client_as("screener")
        .await
}

fn request(person: wire::common::v1::Person) -> pb::ScreenRequest {
    pb::ScreenRequest {
        person: Some(person),
        ..Default::default()
    }
}

async fn screen(person: wire::common::v1::Person) -> pb::ScreenResponse {
    client()
        .await
        .screen(request(person))
        .await
        .expect("screening answers")
        .into_inner()
}

fn entry_ids(response: &pb::ScreenResponse) -> Vec<&str> {
    response.hits.iter().map(|h| h.entry_id.as_str()).collect()
}

#[tokio::test]
async fn a_listed_person_with_a_misspelt_name_hits_his_entries_on_both_lists() {
    let response = screen(person(
        "Qusai Sadam Husein al Tikriti",
        Some("1965"),
        Some("IQ"),
    ))
    .await;

    assert!(response.matched);
    let listed: Vec<(&str, &str)> = response
        .hits
        .iter()
        .map(|h| (h.watchlist.as_str(), h.entry_id.as_str()))
        .collect();
    // The same man is on the UN list (DATAID 6908049) and the SDN list (ent_num 7844).
    assert!(listed.contains(&("un", "6908049")), "{listed:?}");
    assert!(listed.contains(&("ofac-sdn", "7844")), "{listed:?}");
    assert!(response.hits.iter().all(|h| h.score >= response.threshold));
    assert!(
        response.hits.windows(2).all(|w| w[0].score >= w[1].score),
        "best first"
    );
}

#[tokio::test]
async fn a_listed_name_disguised_with_invisible_or_look_alike_characters_still_hits() {
    // UN DATAID 6908049: QUSAY SADDAM HUSSEIN AL-TIKRITI.
    let disguises = [
        "Qu\u{200B}say Sad\u{00AD}dam Hus\u{2060}sein al-Tik\u{FEFF}riti",
        "Qusay Saddam Hus\u{200D}sein al-Ti\u{E0041}kriti\u{FE0F}",
        "Q.U.S.A.Y Saddam Hussein al-Tikriti",
        "Q U S A Y Saddam Hussein al-Tikriti",
        // Cyrillic а, о, е and Greek Ι, Κ among the Latin letters.
        "Qus\u{0430}y S\u{0430}dd\u{0430}m Huss\u{0435}in al-T\u{0399}\u{039A}RITI",
        "\u{FF31}\u{FF55}\u{FF53}\u{FF41}\u{FF59} Saddam Hussein al-Tikriti",
    ];
    for name in disguises {
        let response = screen(person(name, Some("1965"), Some("IQ"))).await;
        assert!(
            entry_ids(&response).contains(&"6908049"),
            "{:?}: {:?}",
            name.escape_unicode().to_string(),
            entry_ids(&response)
        );
        let hit = &response.hits[0];
        let explanation = hit.explanation.as_ref().expect("an explanation");
        assert_eq!(explanation.query_name, name, "the name is reported as sent");
    }
}

#[tokio::test]
async fn a_name_in_any_standard_romanisation_of_cyrillic_hits_its_entry() {
    // UN DATAID 2960872, DOKU KHAMATOVICH UMAROV (the list writes BGN/PCGN), as ISO 9,
    // GOST 7.79 B, German (Duden) and French spellings, and as a passport without the
    // patronymic.
    for name in [
        "Doku Hamatovič Umarov",
        "Doku Xamatovich Umarov",
        "Doku Chamatowitsch Umarow",
        "Doukou Khamatovitch Oumarov",
        "UMAROV Doku",
    ] {
        let response = screen(person(name, None, None)).await;
        assert!(
            entry_ids(&response).contains(&"2960872"),
            "{name}: {:?}",
            entry_ids(&response)
        );
    }
}

#[tokio::test]
async fn a_listed_name_with_words_joined_or_split_differently_still_hits() {
    for (name, entry) in [
        ("Qusay Saddamhussein al-Tikriti", "6908049"),
        ("Qu Say Saddam Hussein", "6908049"),
        ("Doku Hamato Vich Umarov", "2960872"),
        ("DokuUmarov", "2960872"),
    ] {
        let response = screen(person(name, None, None)).await;
        assert!(
            entry_ids(&response).contains(&entry),
            "{name}: {:?}",
            entry_ids(&response)
        );
    }
}

#[tokio::test]
async fn a_name_in_arabic_script_hits_the_un_entry_that_carries_it() {
    let response = screen(person("قصي صدام حسين التكريتي", None, None)).await;

    assert!(
        entry_ids(&response).contains(&"6908049"),
        "{:?}",
        entry_ids(&response)
    );
}

#[tokio::test]
async fn an_ofac_alias_hits_and_names_the_alias_and_the_primary_name() {
    let response = screen(person("Ahmad Fuad Salim", Some("1951-06-19"), None)).await;

    let hit = response
        .hits
        .iter()
        .find(|h| h.entry_id == "2676")
        .expect("the SDN entry 2676 is hit");
    assert_eq!(hit.watchlist, "ofac-sdn");
    assert_eq!(hit.matched_name, "SALIM, Ahmad Fuad");
    assert_eq!(hit.entry_primary_name, "AL ZAWAHIRI, Dr. Ayman");
}

#[tokio::test]
async fn a_hit_explains_its_name_parts_and_its_date_of_birth() {
    let response = screen(person(
        "Qusay Saddam Hussein al-Tikriti",
        Some("1965"),
        Some("IQ"),
    ))
    .await;

    let explanation = response.hits[0]
        .explanation
        .clone()
        .expect("an explanation");
    assert_eq!(explanation.query_name, "Qusay Saddam Hussein al-Tikriti");
    assert!(
        explanation
            .name_parts
            .iter()
            .any(|p| p.query_part == "qusay"
                && p.entry_part == "qusay"
                && p.outcome() == wire::common::v1::NamePartOutcome::Matched)
    );
    let dob = explanation
        .adjustments
        .iter()
        .find(|a| a.field == "birth_dates")
        .expect("the date of birth counted");
    assert!(dob.delta > 0.0);
    assert!(!explanation.summary.is_empty());
}

#[tokio::test]
async fn a_son_does_not_hit_his_fathers_entry_and_a_lower_threshold_shows_why() {
    let son = person("Qusay Saddam Hussein al-Tikriti", None, None);
    let is_father = |h: &&wire::common::v1::Hit| {
        h.matched_name
            .eq_ignore_ascii_case("SADDAM HUSSEIN AL-TIKRITI")
    };
    let response = screen(son.clone()).await;
    assert!(
        !response.hits.iter().any(|h| is_father(&h)),
        "{:?}",
        entry_ids(&response)
    );

    let mut lower = request(son);
    lower.threshold = Some(0.5);
    lower.max_hits = Some(50);
    let response = client()
        .await
        .screen(lower)
        .await
        .expect("answers")
        .into_inner();
    let father = response
        .hits
        .iter()
        .find(is_father)
        .expect("the father's entry below the threshold");
    let explanation = father.explanation.clone().expect("an explanation");
    assert!(
        explanation
            .name_parts
            .iter()
            .any(|p| p.query_part == "qusay" && p.rule.contains("father and son")),
        "{explanation:?}"
    );
}

#[tokio::test]
async fn every_hit_names_the_version_of_its_entry() {
    let first = screen(person("Qusay Saddam Hussein al-Tikriti", None, None)).await;
    let again = screen(person("QUSAY SADDAM HUSSEIN AL-TIKRITI", None, None)).await;

    let version_of = |response: &pb::ScreenResponse| {
        response
            .hits
            .iter()
            .find(|h| h.entry_id == "6908049")
            .map(|h| h.entry_version.clone())
            .expect("the entry is hit")
    };
    assert_eq!(version_of(&first).len(), 32);
    assert_eq!(version_of(&first), version_of(&again));
}

#[tokio::test]
async fn an_unlisted_common_name_does_not_match() {
    let response = screen(person(
        "Margaret Ellen Thompson",
        Some("1962-04-11"),
        Some("GB"),
    ))
    .await;

    assert!(!response.matched, "{:?}", entry_ids(&response));
    assert!(response.hits.is_empty());
}

#[tokio::test]
async fn every_response_names_the_list_versions_it_used() {
    let response = screen(person("Anyone", None, None)).await;

    let mut lists: Vec<&str> = response
        .watchlist_versions
        .iter()
        .map(|v| v.watchlist.as_str())
        .collect();
    lists.sort();
    assert_eq!(lists, ["ofac-sdn", "un"]);
    assert!(
        response
            .watchlist_versions
            .iter()
            .all(|v| v.version.len() == 32)
    );
}

#[tokio::test]
async fn threshold_max_hits_and_list_restriction_are_honoured() {
    let mut request = request(person("Mohammed", None, None));
    request.threshold = Some(0.5);
    request.max_hits = Some(3);
    request.watchlists = vec!["un".into()];

    let response = client()
        .await
        .screen(request)
        .await
        .expect("answers")
        .into_inner();

    assert_eq!(response.threshold, 0.5);
    assert!(response.hits.len() <= 3);
    assert!(
        response
            .hits
            .iter()
            .all(|h| h.watchlist == "un" && h.score >= 0.5)
    );
    assert_eq!(response.watchlist_versions.len(), 1);
}

#[tokio::test]
async fn invalid_screen_requests_name_every_bad_field() {
    let mut bad = request(person("", Some("1965-13"), Some("Iraq")));
    bad.threshold = Some(1.5);
    bad.max_hits = Some(0);
    bad.watchlists = vec!["No Such List".into()];

    let status = client().await.screen(bad).await.expect_err("invalid");

    assert_eq!(
        violated_fields(&status),
        [
            "person.names[0].full_name",
            "person.birth_dates[0]",
            "person.nationalities[0]",
            "threshold",
            "max_hits",
            "watchlists[0]"
        ]
    );
}

#[tokio::test]
async fn screening_an_unknown_list_is_invalid() {
    let mut request = request(person("Anyone", None, None));
    request.watchlists = vec!["eu".into()];

    let status = client()
        .await
        .screen(request)
        .await
        .expect_err("unknown list");

    assert_eq!(violated_fields(&status), ["watchlists"]);
}

#[tokio::test]
async fn list_watchlists_reports_every_list_with_format_size_and_version() {
    let response = client()
        .await
        .list_watchlists(pb::ListWatchlistsRequest {})
        .await
        .expect("answers")
        .into_inner();

    let un = response
        .watchlists
        .iter()
        .find(|w| w.name == "un")
        .expect("un");
    let sdn = response
        .watchlists
        .iter()
        .find(|w| w.name == "ofac-sdn")
        .expect("sdn");
    assert_eq!(un.format(), pb::WatchlistFormat::UnXml);
    assert_eq!(un.entry_count, 1003);
    assert_eq!(sdn.format(), pb::WatchlistFormat::OfacCsv);
    assert_eq!(sdn.entry_count, 8976);
    assert!(un.load_time.is_some() && !un.version.is_empty());
}

#[tokio::test]
async fn screen_stream_answers_every_request_with_its_request_id_and_survives_bad_ones() {
    let requests = vec![
        pb::ScreenRequest {
            request_id: "a".into(),
            ..request(person("Qusay Saddam Hussein al-Tikriti", None, None))
        },
        pb::ScreenRequest {
            request_id: "b".into(),
            ..request(person("", None, None))
        },
        pb::ScreenRequest {
            request_id: "c".into(),
            ..request(person("Margaret Ellen Thompson", None, None))
        },
        pb::ScreenRequest {
            request_id: "d".into(),
            watchlists: vec!["eu".into()],
            ..request(person("Margaret Ellen Thompson", None, None))
        },
    ];

    let responses: Vec<pb::ScreenResponse> = client()
        .await
        .screen_stream(tokio_stream::iter(requests))
        .await
        .expect("the stream opens")
        .into_inner()
        .map(|r| r.expect("a response"))
        .collect()
        .await;

    let ids: Vec<&str> = responses.iter().map(|r| r.request_id.as_str()).collect();
    assert_eq!(ids, ["a", "b", "c", "d"]);
    assert_eq!(responses[3].field_violations[0].field, "watchlists");
    assert!(responses[0].matched);
    assert_eq!(
        responses[1].field_violations[0].field,
        "person.names[0].full_name"
    );
    assert!(!responses[2].matched && responses[2].field_violations.is_empty());
}

#[tokio::test]
async fn screen_stream_answers_each_request_without_waiting_for_more() {
    // A client that sends the next request only once the last is answered: requests that
    // arrive together are screened together, but one alone must not wait for company.
    let (sender, receiver) = tokio::sync::mpsc::channel(1);
    let mut responses = client()
        .await
        .screen_stream(tokio_stream::wrappers::ReceiverStream::new(receiver))
        .await
        .expect("the stream opens")
        .into_inner();

    for (id, name) in [
        ("first", "Qusay Saddam Hussein al-Tikriti"),
        ("second", "Margaret Ellen Thompson"),
    ] {
        sender
            .send(pb::ScreenRequest {
                request_id: id.into(),
                ..request(person(name, None, None))
            })
            .await
            .expect("the stream takes a request");
        let response = tokio::time::timeout(std::time::Duration::from_secs(10), responses.next())
            .await
            .expect("answered while the stream stays open")
            .expect("a response")
            .expect("ok");
        assert_eq!(response.request_id, id);
    }
    drop(sender);
    assert!(
        responses.next().await.is_none(),
        "the stream ends with the requests"
    );
}

#[tokio::test]
async fn watch_watchlists_sends_the_current_lists_at_once() {
    let mut stream = client()
        .await
        .watch_watchlists(pb::WatchWatchlistsRequest {})
        .await
        .expect("the stream opens")
        .into_inner();

    let first = stream.next().await.expect("a first message").expect("ok");

    assert_eq!(first.watchlists.len(), 2);
}
