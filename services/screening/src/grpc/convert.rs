//! Wire messages to domain types (validating) and back.

use person::{FieldViolations, Person};
use prost_types::Timestamp;
use time::OffsetDateTime;
use wire::common::v1 as common;
use wire::screening::v1 as pb;

use crate::domain::catalog::LoadedList;
use crate::domain::entry::EntryType;
use crate::domain::names::validate_list_name;
use crate::domain::screen::{Hit, MAX_HITS_LIMIT, ScreenOutcome, ScreenQuery};
use crate::lists::ListFormat;
use name_matching::PartOutcome;

const MAX_REQUEST_ID_LEN: usize = 128;

/// The query a `ScreenRequest` asks for, or every field that is wrong with it. A function
/// rather than `TryFrom`: `ScreenQuery` is the matching library's, the message the wire's.
pub fn screen_query(request: pb::ScreenRequest) -> Result<ScreenQuery, FieldViolations> {
    let mut violations = FieldViolations::new();
    if request.request_id.len() > MAX_REQUEST_ID_LEN {
        violations.add(
            "request_id",
            format!("must be at most {MAX_REQUEST_ID_LEN} bytes"),
        );
    }
    let person = match request.person.map(Person::try_from) {
        None => {
            violations.add("person", "is required");
            None
        }
        Some(Err(inner)) => {
            violations.extend_under("person", inner);
            None
        }
        Some(Ok(person)) => Some(person),
    };
    if let Some(threshold) = request.threshold
        && !(0.0..=1.0).contains(&threshold)
    {
        violations.add("threshold", "must be between 0 and 1");
    }
    if let Some(max_hits) = request.max_hits
        && !(1..=MAX_HITS_LIMIT as u32).contains(&max_hits)
    {
        violations.add(
            "max_hits",
            format!("must be between 1 and {MAX_HITS_LIMIT}"),
        );
    }
    for (i, name) in request.watchlists.iter().enumerate() {
        if let Err(description) = validate_list_name(name) {
            violations.add(format!("watchlists[{i}]"), description);
        }
    }
    match person {
        Some(person) if violations.is_empty() => Ok(ScreenQuery {
            person,
            threshold: request.threshold,
            max_hits: request.max_hits.map(|m| m as usize),
            watchlists: request.watchlists,
        }),
        _ => Err(violations),
    }
}

pub fn screen_response(request_id: String, outcome: ScreenOutcome) -> pb::ScreenResponse {
    pb::ScreenResponse {
        request_id,
        matched: outcome.matched(),
        hits_truncated: outcome.truncated(),
        total_hit_count: u32::try_from(outcome.total_hits).unwrap_or(u32::MAX),
        threshold: outcome.threshold,
        hits: outcome.hits.into_iter().map(hit).collect(),
        watchlist_versions: outcome
            .versions
            .into_iter()
            .map(|(watchlist, version)| common::WatchlistVersion { watchlist, version })
            .collect(),
        field_violations: Vec::new(),
        incomplete: !outcome.complete,
        engine_version: wire::ENGINE_VERSION.to_owned(),
    }
}

/// The response to an invalid request on a stream, which must not end the stream.
pub fn rejected_response(request_id: String, violations: FieldViolations) -> pb::ScreenResponse {
    pb::ScreenResponse {
        request_id,
        field_violations: violations
            .into_iter()
            .map(|v| common::FieldViolation {
                field: v.field,
                description: v.description,
            })
            .collect(),
        ..Default::default()
    }
}

fn hit(hit: Hit) -> common::Hit {
    let summary = hit.explanation.summary(&hit.matched_name, hit.score);
    let explanation = hit.explanation;
    common::Hit {
        watchlist: hit.watchlist,
        entry_id: hit.entry_id,
        score: hit.score,
        matched_name: hit.matched_name,
        entry_primary_name: hit.primary_name,
        entry_type: entry_type(hit.entry_type) as i32,
        watchlist_version: hit.watchlist_version,
        entry_version: hit.entry_version,
        explanation: Some(common::HitExplanation {
            query_name: explanation.query_name,
            name_score: explanation.name_score,
            name_parts: explanation
                .parts
                .into_iter()
                .map(|p| common::NamePartMatch {
                    outcome: part_outcome(p.outcome) as i32,
                    query_part: p.query_part,
                    entry_part: p.entry_part,
                    similarity: p.similarity,
                    weight: p.weight,
                    rule: p
                        .rule
                        .map(|r| r.description().to_owned())
                        .unwrap_or_default(),
                })
                .collect(),
            adjustments: explanation
                .adjustments
                .into_iter()
                .map(|a| common::ScoreAdjustment {
                    field: a.field.to_owned(),
                    delta: a.delta,
                    reason: a.reason,
                })
                .collect(),
            summary,
        }),
    }
}

fn entry_type(kind: EntryType) -> common::EntryType {
    match kind {
        EntryType::Person => common::EntryType::Person,
        EntryType::Organization => common::EntryType::Organization,
        EntryType::Vessel => common::EntryType::Vessel,
        EntryType::Aircraft => common::EntryType::Aircraft,
    }
}

pub fn watchlist(list: &LoadedList) -> pb::Watchlist {
    pb::Watchlist {
        name: list.name.clone(),
        format: list_format(list.format) as i32,
        entry_count: list.entries.len() as i64,
        version: list.version.clone(),
        load_time: Some(timestamp(list.loaded_at)),
    }
}

fn list_format(format: ListFormat) -> pb::WatchlistFormat {
    match format {
        ListFormat::OfacCsv => pb::WatchlistFormat::OfacCsv,
        ListFormat::UnXml => pb::WatchlistFormat::UnXml,
        ListFormat::Csv => pb::WatchlistFormat::Csv,
    }
}

fn timestamp(at: OffsetDateTime) -> Timestamp {
    Timestamp {
        seconds: at.unix_timestamp(),
        nanos: at.nanosecond() as i32,
    }
}

fn part_outcome(outcome: PartOutcome) -> common::NamePartOutcome {
    match outcome {
        PartOutcome::Matched => common::NamePartOutcome::Matched,
        PartOutcome::Contradicted => common::NamePartOutcome::Contradicted,
        PartOutcome::Missing => common::NamePartOutcome::Missing,
    }
}
