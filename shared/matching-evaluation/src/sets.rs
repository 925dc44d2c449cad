//! Reading the development sets in `shared/data/labeled` (see its README) into screening
//! cases. Rows are kept whole; a value the engine cannot take (an unknown country name, a
//! malformed date) is left out of the person, as a caller would have to.

use std::path::Path;

use anyhow::Context;
use person::{CountryCode, Gender, PartialDate, Person, PersonName};
use unicode_normalization::UnicodeNormalization;

/// A UN-listed subject queried by the name in its original script.
#[derive(Debug, Clone)]
pub struct CrossScriptCase {
    /// UN `DATAID` of the entry that must be hit.
    pub entry_id: String,
    pub is_person: bool,
    pub person: Person,
}

/// A UN-listed person under a perturbed name; `listed_name` is the name as the list holds it.
#[derive(Debug, Clone)]
pub struct PerturbedCase {
    pub listed_name: String,
    pub person: Person,
}

#[derive(Debug, Clone)]
pub struct NamePair {
    pub name1: String,
    pub name2: String,
    pub is_match: bool,
    /// OpenSanctions logic-v2's score for the pair, for reference.
    pub reference_score: f64,
}

fn reader(path: &Path, delimiter: u8) -> anyhow::Result<csv::Reader<std::fs::File>> {
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_path(path)
        .with_context(|| format!("opening {}", path.display()))
}

/// Rows as (header → value) lookups, so that a set's column order does not matter.
fn rows(path: &Path, delimiter: u8) -> anyhow::Result<Vec<Row>> {
    let mut reader = reader(path, delimiter)?;
    let headers = reader.headers()?.clone();
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.with_context(|| format!("reading {}", path.display()))?;
        rows.push(Row {
            headers: headers.clone(),
            record,
        });
    }
    Ok(rows)
}

struct Row {
    headers: csv::StringRecord,
    record: csv::StringRecord,
}

impl Row {
    fn get(&self, column: &str) -> &str {
        self.headers
            .iter()
            .position(|h| h == column)
            .and_then(|i| self.record.get(i))
            .unwrap_or("")
            .trim()
    }
}

/// Multi-line cells (the TSV wraps some long Arabic names) become one line.
fn one_line(name: &str) -> String {
    name.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn dates(raw: &str) -> Vec<PartialDate> {
    raw.split(';')
        .filter_map(|d| d.trim().parse().ok())
        .collect()
}

fn countries(raw: &str) -> Vec<CountryCode> {
    raw.split(';').filter_map(country_code).collect()
}

fn gender(raw: &str) -> Option<Gender> {
    match raw {
        "male" => Some(Gender::Male),
        "female" => Some(Gender::Female),
        "other" => Some(Gender::Other),
        _ => None,
    }
}

fn person(name: &str, birth_dates: &str, nationality: &str, sex: &str) -> Person {
    Person {
        names: vec![PersonName::full(one_line(name))],
        birth_dates: dates(birth_dates),
        nationalities: countries(nationality),
        gender: gender(sex),
        documents: Vec::new(),
    }
}

/// An ISO code for a code or an English country name, as the sets write them ("af", "Iraq",
/// "Russian Federation", "South Korea"). Unknown names ("former Soviet Union") give `None`.
pub fn country_code(raw: &str) -> Option<CountryCode> {
    let raw = raw.trim();
    if raw.len() == 2 {
        return raw.parse().ok();
    }
    let key: String = raw
        .nfd()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    if key.is_empty() {
        return None;
    }
    // Names these sets use that `celes` spells differently.
    let code = match key.as_str() {
        "russia" => Some("RU"),
        "iran" => Some("IR"),
        "syria" => Some("SY"),
        "laos" => Some("LA"),
        "southkorea" => Some("KR"),
        "northkorea" => Some("KP"),
        "ivorycoast" => Some("CI"),
        "democraticrepublicofthecongo" => Some("CD"),
        "vietnam" => Some("VN"),
        "taiwan" => Some("TW"),
        _ => None,
    };
    if let Some(code) = code {
        return code.parse().ok();
    }
    let country = celes::Country::from_name(&key)
        .or_else(|_| celes::Country::from_name(format!("the{key}")))
        .or_else(|_| celes::Country::from_alias(&key))
        .ok()?;
    country.alpha2.parse().ok()
}

/// `un-cross-script-dev.tsv`: the original-script name with date of birth and nationality.
pub fn cross_script(dir: &Path) -> anyhow::Result<Vec<CrossScriptCase>> {
    Ok(rows(&dir.join("un-cross-script-dev.tsv"), b'\t')?
        .iter()
        .filter(|row| !row.get("original_script_name").is_empty())
        .map(|row| CrossScriptCase {
            entry_id: row.get("dataid").to_owned(),
            is_person: row.get("type") == "individual",
            person: person(
                row.get("original_script_name"),
                row.get("dob"),
                row.get("nationality"),
                "",
            ),
        })
        .collect())
}

/// `un-persons-perturbed-dev.csv`.
pub fn perturbed(dir: &Path) -> anyhow::Result<Vec<PerturbedCase>> {
    Ok(rows(&dir.join("un-persons-perturbed-dev.csv"), b',')?
        .iter()
        .map(|row| PerturbedCase {
            listed_name: one_line(row.get("listed_name")),
            person: person(
                row.get("full_name"),
                row.get("date_of_birth"),
                row.get("nationality"),
                row.get("gender"),
            ),
        })
        .collect())
}

/// People on no list: `innocents-dev.csv` or `common-names-us-congress.csv`.
pub fn innocents(path: &Path) -> anyhow::Result<Vec<Person>> {
    Ok(rows(path, b',')?
        .iter()
        .filter(|row| !row.get("full_name").is_empty())
        .map(|row| {
            person(
                row.get("full_name"),
                row.get("date_of_birth"),
                row.get("nationality"),
                row.get("gender"),
            )
        })
        .collect())
}

/// The person pairs of `name-pairs-dev.csv` (other schemas are organisations and vessels).
pub fn person_pairs(dir: &Path) -> anyhow::Result<Vec<NamePair>> {
    rows(&dir.join("name-pairs-dev.csv"), b',')?
        .iter()
        .filter(|row| row.get("schema") == "Person")
        .map(|row| {
            Ok(NamePair {
                name1: row.get("name1").to_owned(),
                name2: row.get("name2").to_owned(),
                is_match: row.get("is_match") == "true",
                reference_score: row
                    .get("score")
                    .parse()
                    .with_context(|| format!("score of {:?}", row.get("name1")))?,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn country_names_and_codes_both_resolve() {
        let code = |raw: &str| country_code(raw).map(|c| c.to_string());
        assert_eq!(code("af").as_deref(), Some("AF"));
        assert_eq!(code("Iraq").as_deref(), Some("IQ"));
        assert_eq!(code("Russian Federation").as_deref(), Some("RU"));
        assert_eq!(code("South Korea").as_deref(), Some("KR"));
        assert_eq!(code("former Soviet Union"), None);
    }

    #[test]
    fn several_dates_of_birth_are_split_on_semicolons() {
        assert_eq!(dates("1965;1966").len(), 2);
        assert_eq!(dates("").len(), 0);
    }
}
