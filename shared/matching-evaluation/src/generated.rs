//! The development sets generated in this repository (`devsets/`, see its README): people
//! whose names are written in one romanisation standard on the list and in another (or in
//! their own script: Cyrillic, Han, Hangul, Kana, Greek, Hebrew, Georgian, Armenian) at the
//! query, different people with near names, and listed names disguised with invisible
//! characters, punctuation and look-alike letters.
//!
//! Every row belongs to the `tune` part, on which rules may be adjusted, or to the `aside`
//! part, which is only ever measured: the gap between the two shows whether a rule
//! generalises or was fitted to the cases it was written for.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use person::{Gender, Person, PersonName};

use super::report::Ratio;
use super::{Lists, screen_all};
use name_matching::index::IndexedList;
use name_matching::record::{EntryName, EntryType, NameKind, WatchlistEntry};
use name_matching::screen::{ScreenOutcome, Search};

/// `devsets/` at the workspace root.
pub fn default_devsets_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../devsets")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Split {
    Tune,
    Aside,
}

impl Split {
    fn parse(raw: &str) -> anyhow::Result<Self> {
        match raw {
            "tune" => Ok(Self::Tune),
            "aside" => Ok(Self::Aside),
            other => anyhow::bail!("unknown split {other:?}"),
        }
    }

    fn label(self) -> &'static str {
        match self {
            Self::Tune => "tune",
            Self::Aside => "aside",
        }
    }
}

/// Figures of the generated sets, each for the tune and the aside part.
#[derive(Debug, Clone, Default)]
pub struct GeneratedFigures {
    /// Listed people found under another standard's spelling of their name (Cyrillic).
    pub romanisation: BTreeMap<Split, Ratio>,
    /// Different people with the same given name and a near surname who raise a hit.
    pub near_miss: BTreeMap<Split, Ratio>,
    /// The same for names of other scripts (Han, Hangul, Kana, Greek, Hebrew, Georgian,
    /// Armenian), in their own script or another romanisation.
    pub scripts: BTreeMap<Split, Ratio>,
    pub scripts_near_miss: BTreeMap<Split, Ratio>,
    /// Disguised listed names that still hit their entry.
    pub evasion: BTreeMap<Split, Ratio>,
    /// Romanisation recall by query scheme, language and variant, evasion by technique.
    pub breakdown: BTreeMap<String, BTreeMap<Split, Ratio>>,
}

impl GeneratedFigures {
    pub(super) fn ratios_mut(&mut self) -> impl Iterator<Item = &mut Ratio> {
        [
            &mut self.romanisation,
            &mut self.near_miss,
            &mut self.evasion,
        ]
        .into_iter()
        .chain(self.breakdown.values_mut())
        .flat_map(|by_split| by_split.values_mut())
    }

    pub(super) fn failures(&self) -> impl Iterator<Item = (&'static str, &str)> {
        [
            ("romanisation miss", &self.romanisation),
            ("near-miss hit", &self.near_miss),
            ("other-script miss", &self.scripts),
            ("other-script near-miss hit", &self.scripts_near_miss),
            ("evasion miss", &self.evasion),
        ]
        .into_iter()
        .flat_map(|(figure, by_split)| {
            by_split
                .values()
                .flat_map(move |r| r.failures.iter().map(move |l| (figure, l.as_str())))
        })
    }

    /// The tune and aside parts together.
    pub fn overall(by_split: &BTreeMap<Split, Ratio>) -> Ratio {
        let mut all = Ratio::default();
        for ratio in by_split.values() {
            all.hits += ratio.hits;
            all.total += ratio.total;
        }
        all
    }
}

struct Row {
    split: Split,
    fields: BTreeMap<String, String>,
}

impl Row {
    fn get(&self, column: &str) -> &str {
        self.fields.get(column).map_or("", String::as_str)
    }
}

fn rows(path: &Path) -> anyhow::Result<Vec<Row>> {
    let mut reader =
        csv::Reader::from_path(path).with_context(|| format!("opening {}", path.display()))?;
    let headers = reader.headers()?.clone();
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.with_context(|| format!("reading {}", path.display()))?;
        let fields: BTreeMap<String, String> = headers
            .iter()
            .zip(record.iter())
            .map(|(h, v)| (h.to_owned(), v.to_owned()))
            .collect();
        let split = Split::parse(fields.get("split").map_or("", String::as_str))
            .with_context(|| format!("in {}", path.display()))?;
        rows.push(Row { split, fields });
    }
    Ok(rows)
}

fn person(name: &str) -> Person {
    Person {
        names: vec![PersonName {
            full_name: name.to_owned(),
            given_name: None,
            middle_name: None,
            family_name: None,
            patronymic: None,
        }],
        birth_dates: Vec::new(),
        nationalities: Vec::new(),
        gender: None,
        documents: Vec::new(),
    }
}

/// Measures both generated sets, read from `dir`.
/// Measures both generated sets, read from `dir`, screening every `stride`-th query (the
/// list of the romanisation set always holds every listed person).
pub(super) fn measure(
    lists: &Lists,
    dir: &Path,
    stride: usize,
    figures: &mut GeneratedFigures,
) -> anyhow::Result<()> {
    let romanisation = measure_people(&dir.join("romanisation.csv"), "romanisation", stride)?;
    figures.romanisation = romanisation.recall;
    figures.near_miss = romanisation.near_miss;
    figures.breakdown.extend(romanisation.breakdown);
    let scripts = measure_people(&dir.join("scripts.csv"), "other scripts", stride)?;
    figures.scripts = scripts.recall;
    figures.scripts_near_miss = scripts.near_miss;
    figures.breakdown.extend(scripts.breakdown);
    measure_evasion(lists, &dir.join("evasion.csv"), stride, figures)
}

/// Figures of one set of people (`romanisation.csv`, `scripts.csv`).
#[derive(Default)]
struct PeopleFigures {
    recall: BTreeMap<Split, Ratio>,
    near_miss: BTreeMap<Split, Ratio>,
    breakdown: BTreeMap<String, BTreeMap<Split, Ratio>>,
}

/// Screens a set of people: each listed person (`expect=match` rows) is an entry of a list
/// written in the list's scheme, queried in every other; near-miss people must hit nothing.
fn measure_people(path: &Path, label: &str, stride: usize) -> anyhow::Result<PeopleFigures> {
    let mut figures = PeopleFigures::default();
    let all_rows = rows(path)?;
    // One entry per listed person, under the spelling of the list's scheme.
    let mut entries: BTreeMap<&str, WatchlistEntry> = BTreeMap::new();
    for row in all_rows.iter().filter(|r| r.get("expect") == "match") {
        entries
            .entry(row.get("case"))
            .or_insert_with(|| WatchlistEntry {
                id: row.get("case").to_owned(),
                entry_type: EntryType::Person,
                names: vec![EntryName::new(row.get("list_name"), NameKind::Primary)],
                birth_dates: Vec::new(),
                nationalities: Vec::new(),
                gender: match row.get("gender") {
                    "m" => Some(Gender::Male),
                    "f" => Some(Gender::Female),
                    _ => None,
                },
                documents: Vec::new(),
                programs: Vec::new(),
                remarks: None,
            });
    }
    let list = Arc::new(IndexedList::new(
        label.replace(' ', "-"),
        "devsets".to_owned(),
        entries.into_values().collect(),
    ));
    let snapshot = Lists::snapshot(&[&list]);
    let rows: Vec<&Row> = all_rows.iter().step_by(stride.max(1)).collect();
    let people: Vec<Person> = rows.iter().map(|r| person(r.get("query_name"))).collect();
    let outcomes = screen_all(&snapshot, people.iter(), Search::Indexed)?;
    for (row, outcome) in rows.iter().zip(&outcomes) {
        let describe = || {
            format!(
                "{} {} {:?} (list {:?}): {}",
                row.get("case"),
                row.get("query_scheme"),
                row.get("query_name"),
                row.get("list_name"),
                hits(outcome)
            )
        };
        if row.get("expect") == "near_miss" {
            let figure = figures
                .near_miss
                .entry(row.split)
                .or_insert_with(Ratio::counting_hits_as_failures);
            figure.count(outcome.matched(), describe);
            continue;
        }
        let hit = outcome.hits.iter().any(|h| h.entry_id == row.get("case"));
        figures
            .recall
            .entry(row.split)
            .or_default()
            .count(hit, describe);
        for key in [
            format!("{label}, query in {}", row.get("query_scheme")),
            format!("{label}, language {}", row.get("language")),
            format!("{label}, variant {}", row.get("variant")),
        ] {
            figures
                .breakdown
                .entry(key)
                .or_default()
                .entry(row.split)
                .or_default()
                .count(hit, String::new);
        }
    }
    Ok(figures)
}

fn measure_evasion(
    lists: &Lists,
    path: &Path,
    stride: usize,
    figures: &mut GeneratedFigures,
) -> anyhow::Result<()> {
    let rows: Vec<Row> = rows(path)?.into_iter().step_by(stride.max(1)).collect();
    let snapshot = Lists::snapshot(&[&lists.un]);
    let people: Vec<Person> = rows.iter().map(|r| person(r.get("query_name"))).collect();
    let outcomes = screen_all(&snapshot, people.iter(), Search::Indexed)?;
    for (row, outcome) in rows.iter().zip(&outcomes) {
        let hit = outcome
            .hits
            .iter()
            .any(|h| h.entry_id == row.get("entry_id"));
        figures
            .evasion
            .entry(row.split)
            .or_default()
            .count(hit, || {
                format!(
                    "{} {} {:?} (listed {:?}): {}",
                    row.get("entry_id"),
                    row.get("technique"),
                    row.get("query_name").escape_unicode().to_string(),
                    row.get("listed_name"),
                    hits(outcome)
                )
            });
        figures
            .breakdown
            .entry(format!("evasion, {}", row.get("technique")))
            .or_default()
            .entry(row.split)
            .or_default()
            .count(hit, String::new);
    }
    Ok(())
}

fn hits(outcome: &ScreenOutcome) -> String {
    let hits: Vec<String> = outcome
        .hits
        .iter()
        .take(3)
        .map(|h| format!("{} {:?} {:.3}", h.entry_id, h.matched_name, h.score))
        .collect();
    format!("[{}]", hits.join("; "))
}

impl fmt::Display for GeneratedFigures {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let split = |by_split: &BTreeMap<Split, Ratio>| {
            let parts: Vec<String> = [Split::Tune, Split::Aside]
                .into_iter()
                .map(|s| {
                    let r = by_split.get(&s).cloned().unwrap_or_default();
                    format!("{} {:.4} ({}/{})", s.label(), r.value(), r.hits, r.total)
                })
                .collect();
            parts.join(", ")
        };
        writeln!(
            f,
            "romanisation recall               {}",
            split(&self.romanisation)
        )?;
        writeln!(
            f,
            "near-miss people matched          {}",
            split(&self.near_miss)
        )?;
        writeln!(
            f,
            "other-script recall               {}",
            split(&self.scripts)
        )?;
        writeln!(
            f,
            "other-script near-miss matched    {}",
            split(&self.scripts_near_miss)
        )?;
        writeln!(
            f,
            "evasion recall (UN)               {}",
            split(&self.evasion)
        )?;
        for (figure, by_split) in &self.breakdown {
            writeln!(f, "  {figure:<40} {}", split(by_split))?;
        }
        Ok(())
    }
}
