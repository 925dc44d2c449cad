//! Screening against small lists built in the test.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::*;
use crate::record::{EntryName, EntryType, WatchlistEntry};

/// What the service serves: lists by name, as one value a screening reads.
type Snapshot = Arc<Lists>;

fn entry(id: &str, names: &[(&str, NameKind)], born: &str) -> WatchlistEntry {
    WatchlistEntry {
        id: id.into(),
        entry_type: EntryType::Person,
        names: names.iter().map(|(n, k)| EntryName::new(*n, *k)).collect(),
        birth_dates: vec![born.parse().expect("a date")],
        nationalities: Vec::new(),
        gender: None,
        documents: Vec::new(),
        programs: Vec::new(),
        remarks: None,
    }
}

fn snapshot() -> Snapshot {
    let list = IndexedList::new(
        "test".into(),
        "v1".into(),
        vec![
            entry(
                "1",
                &[
                    ("AL-TIKRITI, Qusay Saddam Hussein", NameKind::Primary),
                    ("قصي صدام حسين التكريتي", NameKind::OriginalScript),
                ],
                "1966",
            ),
            entry(
                "2",
                &[("Ivan Petrovich SIDOROV", NameKind::Primary)],
                "1970",
            ),
        ],
    );
    Arc::new(BTreeMap::from([("test".to_owned(), Arc::new(list))]))
}

fn query(name: &str, born: Option<&str>) -> ScreenQuery {
    let mut person = Person::named(name);
    person.birth_dates = born.iter().map(|b| b.parse().expect("a date")).collect();
    ScreenQuery {
        person,
        threshold: None,
        max_hits: None,
        watchlists: Vec::new(),
    }
}

#[test]
fn a_misspelt_listed_name_hits_with_an_explanation_that_adds_up() {
    let outcome = screen(
        &snapshot(),
        &query("Qusai Sadam Husein al Tikriti", Some("1966")),
        DEFAULT_THRESHOLD,
    )
    .expect("the list exists");
    let hit = outcome.hits.first().expect("a hit");
    assert_eq!(hit.entry_id, "1");
    let explanation = &hit.explanation;
    let parts: f64 = explanation
        .parts
        .iter()
        .map(|p| p.similarity * p.weight)
        .sum();
    assert!((parts - explanation.name_score).abs() < 1e-9);
    let adjustments: f64 = explanation.adjustments.iter().map(|a| a.delta).sum();
    assert!(((explanation.name_score + adjustments).clamp(0.0, 1.0) - hit.score).abs() < 1e-9);
    assert!(
        explanation
            .parts
            .iter()
            .any(|p| p.query_part == "qusai" && p.entry_part == "qusay")
    );
}

#[test]
fn a_contradicting_date_of_birth_keeps_a_close_name_below_the_threshold() {
    let near = screen(
        &snapshot(),
        &query("Ivan Sidorov", Some("1970")),
        DEFAULT_THRESHOLD,
    )
    .expect("the list exists");
    let far = screen(
        &snapshot(),
        &query("Ivan Sidorov", Some("1990")),
        DEFAULT_THRESHOLD,
    )
    .expect("the list exists");
    assert!(near.matched());
    assert!(!far.matched());
}

#[test]
fn reported_scores_survive_a_json_round_trip() {
    let outcome = screen(
        &snapshot(),
        &query("Ivan Sidorov", Some("1970")),
        DEFAULT_THRESHOLD,
    )
    .expect("the list exists");
    let hit = outcome.hits.first().expect("a hit");
    let mut values = vec![hit.score, hit.explanation.name_score];
    for part in &hit.explanation.parts {
        values.extend([part.similarity, part.weight]);
    }
    for value in values {
        let json = serde_json::to_string(&value).expect("a number");
        assert_eq!(serde_json::from_str::<f64>(&json).expect("a number"), value);
    }
}

#[test]
fn a_weak_alias_match_shows_its_discount_and_still_adds_up() {
    let list = IndexedList::new(
        "weak".into(),
        "v1".into(),
        vec![entry(
            "7",
            &[
                ("Abdul Rahman YASIN", NameKind::Primary),
                ("Abu Musab", NameKind::WeakAlias),
            ],
            "1960",
        )],
    );
    let snapshot: Snapshot = Arc::new(BTreeMap::from([("weak".to_owned(), Arc::new(list))]));
    let mut query = query("Abu Musab", Some("1960"));
    query.threshold = Some(0.5);
    let outcome = screen(&snapshot, &query, DEFAULT_THRESHOLD).expect("the list exists");
    let hit = outcome.hits.first().expect("a hit");
    let weak = hit
        .explanation
        .adjustments
        .iter()
        .find(|a| a.field == "names")
        .expect("the weak alias is shown");
    assert!(weak.delta < 0.0);
    let total: f64 = hit.explanation.name_score
        + hit
            .explanation
            .adjustments
            .iter()
            .map(|a| a.delta)
            .sum::<f64>();
    assert!((total.clamp(0.0, 1.0) - hit.score).abs() < 1e-9);
}

#[test]
fn an_unrelated_name_raises_no_hit() {
    let outcome = screen(
        &snapshot(),
        &query("Margaret Ellen Thompson", None),
        DEFAULT_THRESHOLD,
    )
    .expect("the list exists");
    assert!(!outcome.matched());
}

#[test]
fn hits_cut_by_max_hits_are_counted_and_the_outcome_says_it_was_cut() {
    let namesakes: Vec<WatchlistEntry> = (0..5)
        .map(|i| {
            entry(
                &format!("N-{i}"),
                &[("Ivan Petrovich SIDOROV", NameKind::Primary)],
                "1970",
            )
        })
        .collect();
    let list = IndexedList::new("many".into(), "v1".into(), namesakes);
    let snapshot: Snapshot = Arc::new(BTreeMap::from([("many".to_owned(), Arc::new(list))]));
    let mut cut = query("Ivan Sidorov", Some("1970"));
    cut.max_hits = Some(2);
    let mut whole = cut.clone();
    whole.max_hits = Some(5);

    let cut = screen(&snapshot, &cut, DEFAULT_THRESHOLD).expect("the list exists");
    let whole = screen(&snapshot, &whole, DEFAULT_THRESHOLD).expect("the list exists");

    assert_eq!(
        (cut.hits.len(), cut.total_hits, cut.truncated()),
        (2, 5, true)
    );
    assert_eq!(
        (whole.hits.len(), whole.total_hits, whole.truncated()),
        (5, 5, false)
    );
}
