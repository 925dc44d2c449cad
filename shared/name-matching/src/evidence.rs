//! What fields other than the name add to or take from a score.
//!
//! Names decide whether two records could be the same person; the other fields decide the
//! close calls. A field only counts when both sides have it: a missing date of birth is not
//! evidence either way.

use person::{Gender, IdentityDocument, PartialDate, Person};

use crate::record::{EntryType, WatchlistEntry};

#[derive(Debug, Clone, PartialEq)]
pub struct Adjustment {
    /// The request field that caused it (`birth_dates`, `nationalities`, ...).
    pub field: &'static str,
    pub delta: f64,
    pub reason: String,
}

const DOB_SAME_DAY: f64 = 0.08;
const DOB_SAME_MONTH: f64 = 0.05;
const DOB_SAME_YEAR: f64 = 0.04;
/// Birth years a few years apart: lists give approximate years ("circa 1964", "1962 to
/// 1964") and people give false ones, so this takes away no more than a weak name pair.
const DOB_YEARS_APART: f64 = -0.15;
/// Five to nine years apart: another person, unless the date is wrong.
const DOB_MANY_YEARS_APART: f64 = -0.25;
/// Ten years or more: another generation (a son, a father), enough to take an exact name
/// below the default threshold.
const DOB_GENERATION_APART: f64 = -0.35;
const NATIONALITY_AGREES: f64 = 0.03;
/// Nationalities change and many have two, so a different one lowers a score without
/// deciding it; together with a distant birth year it does.
const NATIONALITY_CONTRADICTS: f64 = -0.10;
const GENDER_CONTRADICTS: f64 = -0.10;
const DOCUMENT_MATCHES: f64 = 0.30;
/// A person against an organisation: organisations are often named after people (a
/// network, an exchange house), so this lowers without excluding.
const AN_ORGANIZATION: f64 = -0.15;
/// A person against a vessel or an aircraft: named after people too (Shahid …), but never a
/// person.
const NOT_A_PERSON: f64 = -0.30;

/// Every adjustment `person` earns against `entry`.
pub fn adjustments(person: &Person, entry: &WatchlistEntry) -> Vec<Adjustment> {
    [
        entry_type(entry),
        birth_dates(&person.birth_dates, &entry.birth_dates),
        nationalities(person, entry),
        gender(person.gender, entry.gender),
        documents(&person.documents, &entry.documents),
    ]
    .into_iter()
    .flatten()
    .collect()
}

fn entry_type(entry: &WatchlistEntry) -> Option<Adjustment> {
    let (kind, delta) = match entry.entry_type {
        EntryType::Person => return None,
        EntryType::Organization => ("an organization", AN_ORGANIZATION),
        EntryType::Vessel => ("a vessel", NOT_A_PERSON),
        EntryType::Aircraft => ("an aircraft", NOT_A_PERSON),
    };
    Some(Adjustment {
        field: "person",
        delta,
        reason: format!("the entry is {kind}, not a person"),
    })
}

fn birth_dates(query: &[PartialDate], entry: &[PartialDate]) -> Option<Adjustment> {
    if query.is_empty() || entry.is_empty() {
        return None;
    }
    let mut best: Option<(f64, String)> = None;
    for q in query {
        for e in entry {
            let (delta, reason) = compare_dates(q, e);
            if best.as_ref().is_none_or(|(d, _)| delta > *d) {
                best = Some((delta, reason));
            }
        }
    }
    best.map(|(delta, reason)| Adjustment {
        field: "birth_dates",
        delta,
        reason,
    })
}

fn compare_dates(q: &PartialDate, e: &PartialDate) -> (f64, String) {
    let year_gap = q.year().abs_diff(e.year());
    if year_gap > 1 {
        let delta = match year_gap {
            ..5 => DOB_YEARS_APART,
            5..10 => DOB_MANY_YEARS_APART,
            _ => DOB_GENERATION_APART,
        };
        return (
            delta,
            format!("born {q}, {year_gap} years from the entry's {e}"),
        );
    }
    if year_gap == 1 {
        return (0.0, format!("born {q}, a year from the entry's {e}"));
    }
    match ((q.month(), q.day()), (e.month(), e.day())) {
        ((Some(qm), Some(qd)), (Some(em), Some(ed))) if qm == em && qd == ed => {
            (DOB_SAME_DAY, format!("born {q}, as the entry"))
        }
        ((Some(qm), Some(qd)), (Some(em), Some(ed))) if qm == ed && qd == em => (
            DOB_SAME_MONTH,
            format!("born {q}; the entry's {e} has day and month swapped"),
        ),
        ((Some(qm), _), (Some(em), _)) if qm != em => (
            DOB_YEARS_APART / 2.0,
            format!("born {q}; the entry was born {e}"),
        ),
        ((Some(_), _), (Some(_), _)) => (DOB_SAME_MONTH, format!("born {q}, the entry {e}")),
        _ => (
            DOB_SAME_YEAR,
            format!("born in {}, as the entry ({e})", q.year()),
        ),
    }
}

fn nationalities(person: &Person, entry: &WatchlistEntry) -> Option<Adjustment> {
    if person.nationalities.is_empty() || entry.nationalities.is_empty() {
        return None;
    }
    let shared: Vec<String> = person
        .nationalities
        .iter()
        .filter(|n| entry.nationalities.contains(n))
        .map(ToString::to_string)
        .collect();
    Some(if shared.is_empty() {
        Adjustment {
            field: "nationalities",
            delta: NATIONALITY_CONTRADICTS,
            reason: format!(
                "nationality {}; the entry's is {}",
                join(&person.nationalities),
                join(&entry.nationalities)
            ),
        }
    } else {
        Adjustment {
            field: "nationalities",
            delta: NATIONALITY_AGREES,
            reason: format!("nationality {} as the entry", shared.join(", ")),
        }
    })
}

fn gender(query: Option<Gender>, entry: Option<Gender>) -> Option<Adjustment> {
    match (query, entry) {
        (Some(q), Some(e)) if q != e && q != Gender::Other && e != Gender::Other => {
            Some(Adjustment {
                field: "gender",
                delta: GENDER_CONTRADICTS,
                reason: "gender differs from the entry's".to_owned(),
            })
        }
        _ => None,
    }
}

fn documents(query: &[IdentityDocument], entry: &[IdentityDocument]) -> Option<Adjustment> {
    // Document numbers are compared as written (normalised), without the number itself in the
    // reason: explanations are stored and shown, and a number is personal data.
    query
        .iter()
        .any(|q| entry.iter().any(|e| e.number == q.number))
        .then(|| Adjustment {
            field: "identity_documents",
            delta: DOCUMENT_MATCHES,
            reason: "an identity document number equals one on the entry".to_owned(),
        })
}

fn join<T: ToString>(items: &[T]) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(raw: &str) -> PartialDate {
        raw.parse().expect("valid date")
    }

    fn dob_delta(q: &str, e: &str) -> f64 {
        birth_dates(&[date(q)], &[date(e)])
            .expect("both present")
            .delta
    }

    #[test]
    fn an_exact_date_of_birth_lifts_more_than_a_year() {
        assert!(dob_delta("1951-06-19", "1951-06-19") > dob_delta("1951", "1951-06-19"));
        assert!(dob_delta("1951", "1951-06-19") > 0.0);
    }

    #[test]
    fn a_date_of_birth_a_year_off_is_neutral() {
        assert_eq!(dob_delta("1952", "1951"), 0.0);
    }

    #[test]
    fn swapped_day_and_month_still_lift() {
        assert!(dob_delta("1951-06-09", "1951-09-06") > 0.0);
    }

    #[test]
    fn a_distant_date_of_birth_lowers_the_score() {
        assert!(dob_delta("1990", "1951") < 0.0);
    }

    #[test]
    fn the_further_apart_the_birth_years_the_stronger_the_evidence_against() {
        let three = dob_delta("1954", "1951");
        let seven = dob_delta("1958", "1951");
        let twelve = dob_delta("1963", "1951");
        assert!(three < 0.0 && seven < three && twelve < seven);
        assert!(twelve <= -0.3, "{twelve}");
    }

    #[test]
    fn the_best_of_several_dates_counts() {
        let adjustment = birth_dates(&[date("1990"), date("1951")], &[date("1951")]);
        assert!(adjustment.expect("present").delta > 0.0);
    }

    #[test]
    fn missing_dates_are_no_evidence() {
        assert!(birth_dates(&[], &[date("1951")]).is_none());
    }

    #[test]
    fn a_vessel_weighs_further_from_a_person_than_an_organisation() {
        let delta = |t| entry_type(&WatchlistEntry::named("1", t, &[])).map_or(0.0, |a| a.delta);
        assert_eq!(delta(EntryType::Person), 0.0);
        assert!(delta(EntryType::Organization) < 0.0);
        assert!(delta(EntryType::Vessel) < delta(EntryType::Organization));
        // Enough to take an exact name below the default threshold.
        assert!(1.0 + delta(EntryType::Vessel) < crate::screen::DEFAULT_THRESHOLD);
    }
}
