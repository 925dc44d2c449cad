//! Matching quality measured on the development sets in `shared/data/labeled`, through the
//! same engine the gRPC `Screen` handler uses (the `name_matching` library): lists indexed
//! with `IndexedList::new`, people screened with `screen()` at the default threshold. The
//! lists are read with the screening service's importers.
//!
//! The `evaluate` binary prints the figures; `tests/matching_quality.rs` holds floors on them.
//! `benchmarking` holds the workloads of the speed benchmarks (`benches/`, and the
//! service-level benchmark binaries of the system tests).

pub mod benchmarking;
pub mod generated;
mod report;
pub mod sets;

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use person::Person;

use name_matching::budget::Budget;
use name_matching::index::IndexedList;
use name_matching::record::NameKind;
use name_matching::screen::{
    DEFAULT_THRESHOLD, ScreenOutcome, ScreenQuery, Search, screen, screen_with,
};
use name_matching::{PartStatistics, name_score, readings};
use screening::lists::{ListFormat, parse, read_files};

pub use report::{Floors, PairCounts, Ratio, Report};

/// The lists one screening reads, as the service's catalogue hands them out.
pub type Snapshot = Arc<name_matching::screen::Lists>;

/// The pair decision for name-pair F1: a pair matches when the name score reaches the
/// screening default. Names are compared with the statistics of the loaded lists, as in
/// screening, so that a common part weighs as little there as it does on a list.
pub const PAIR_THRESHOLD: f64 = DEFAULT_THRESHOLD;
/// logic-v2's own threshold, for its reference F1 from the `score` column.
pub const REFERENCE_PAIR_THRESHOLD: f64 = 0.7;

/// `shared/data` beside the workspace, where the repository's README and CI keep it.
pub fn default_data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data")
}

#[derive(Debug, Clone)]
pub struct Options {
    /// The folder holding `labeled/` and `watchlists/`.
    pub data_dir: PathBuf,
    /// Screen every n-th row of each screening set (1: all rows). A fixed stride keeps a
    /// subset deterministic, so that a quick run always measures the same people. Name
    /// pairs are cheap and always all compared.
    pub stride: usize,
    /// Keep a line per miss and per false match, to read what went wrong.
    pub keep_failures: bool,
    /// The folder of the generated sets (`devsets/`); `None` leaves them out.
    pub devsets_dir: Option<PathBuf>,
    /// Screen every n-th row of the generated sets, which are ten times the size of the
    /// others.
    pub generated_stride: usize,
}

impl Options {
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            data_dir: data_dir.into(),
            stride: 1,
            keep_failures: false,
            devsets_dir: Some(generated::default_devsets_dir()),
            generated_stride: 1,
        }
    }
}

/// The real lists the sets are measured against.
pub struct Lists {
    pub un: Arc<IndexedList>,
    /// The UN list without its `NAME_ORIGINAL_SCRIPT` names: querying original script
    /// against those would only test string equality.
    pub un_latin_only: Arc<IndexedList>,
    pub ofac_sdn: Arc<IndexedList>,
    pub ofac_consolidated: Arc<IndexedList>,
    /// Part frequencies over UN, SDN and consolidated together, for name pairs.
    pair_statistics: PartStatistics,
}

impl Lists {
    pub fn load(data_dir: &Path) -> anyhow::Result<Self> {
        let watchlists = data_dir.join("watchlists");
        let un_path = watchlists.join("un-consolidated-2026-02/consolidated.xml");
        let un = Arc::new(load("un", ListFormat::UnXml, &un_path, false)?);
        let ofac_sdn = Arc::new(load(
            "ofac-sdn",
            ListFormat::OfacCsv,
            &watchlists.join("ofac-sdn-2021-07"),
            false,
        )?);
        let ofac_consolidated = Arc::new(load(
            "ofac-consolidated",
            ListFormat::OfacCsv,
            &watchlists.join("ofac-consolidated-2025-12"),
            false,
        )?);
        let pair_statistics = PartStatistics::from_entries(
            [&un, &ofac_sdn, &ofac_consolidated]
                .into_iter()
                .flat_map(|list| list.entry_parts()),
        );
        Ok(Self {
            un,
            un_latin_only: Arc::new(load("un", ListFormat::UnXml, &un_path, true)?),
            ofac_sdn,
            ofac_consolidated,
            pair_statistics,
        })
    }

    pub fn pair_statistics(&self) -> &PartStatistics {
        &self.pair_statistics
    }

    /// Screens `person` as the service would: against every list, or against the UN list
    /// without original-script names.
    pub fn screen(
        &self,
        person: &Person,
        threshold: Option<f64>,
        latin_only: bool,
    ) -> anyhow::Result<ScreenOutcome> {
        let snapshot = if latin_only {
            Self::snapshot(&[&self.un_latin_only])
        } else {
            Self::snapshot(&[&self.un, &self.ofac_sdn, &self.ofac_consolidated])
        };
        let query = ScreenQuery {
            person: person.clone(),
            threshold,
            max_hits: None,
            watchlists: Vec::new(),
        };
        Ok(screen(&snapshot, &query, DEFAULT_THRESHOLD)?)
    }

    fn snapshot(lists: &[&Arc<IndexedList>]) -> Snapshot {
        Arc::new(
            lists
                .iter()
                .map(|l| (l.name.clone(), Arc::clone(l)))
                .collect::<BTreeMap<_, _>>(),
        )
    }
}

fn load(name: &str, format: ListFormat, path: &Path, strip: bool) -> anyhow::Result<IndexedList> {
    let files = read_files(format, path).with_context(|| format!("reading {name}"))?;
    let mut entries = parse(format, &files).with_context(|| format!("parsing {name}"))?;
    if strip {
        for entry in &mut entries {
            entry.names.retain(|n| n.kind != NameKind::OriginalScript);
        }
    }
    Ok(IndexedList::new(
        name.to_owned(),
        files.version(format),
        entries,
    ))
}

/// Loads the lists and measures every set.
pub fn evaluate(options: &Options) -> anyhow::Result<Report> {
    let lists = Lists::load(&options.data_dir)?;
    evaluate_with(&lists, options)
}

pub fn evaluate_with(lists: &Lists, options: &Options) -> anyhow::Result<Report> {
    let labeled = options.data_dir.join("labeled");
    let mut report = Report::default();

    let cross = sample(sets::cross_script(&labeled)?, options.stride);
    let snapshot = Lists::snapshot(&[&lists.un_latin_only]);
    let outcomes = screen_compared(&snapshot, cross.iter().map(|c| &c.person), &mut report)?;
    for (case, outcome) in cross.iter().zip(&outcomes) {
        let hit = outcome.hits.iter().any(|h| h.entry_id == case.entry_id);
        let figure = if case.is_person {
            &mut report.cross_script
        } else {
            &mut report.cross_script_entities
        };
        figure.count(hit, || describe(&case.person, outcome, &case.entry_id));
    }

    let perturbed = sample(sets::perturbed(&labeled)?, options.stride);
    let snapshot = Lists::snapshot(&[&lists.un]);
    let outcomes = screen_compared(&snapshot, perturbed.iter().map(|c| &c.person), &mut report)?;
    for (case, outcome) in perturbed.iter().zip(&outcomes) {
        let targets = entries_named(&lists.un, &case.listed_name);
        if targets.is_empty() {
            // The person has left the list since the set was made: nothing to hit.
            report.perturbed_unresolved += 1;
            continue;
        }
        let hit = outcome
            .hits
            .iter()
            .any(|h| targets.contains(h.entry_id.as_str()));
        report
            .perturbed
            .count(hit, || describe(&case.person, outcome, &case.listed_name));
    }

    let snapshot = Lists::snapshot(&[&lists.un, &lists.ofac_sdn, &lists.ofac_consolidated]);
    for (file, figure) in [
        ("innocents-dev.csv", &mut report.innocents),
        ("common-names-us-congress.csv", &mut report.congress),
    ] {
        let people = sample(sets::innocents(&labeled.join(file))?, options.stride);
        let outcomes = screen_all(&snapshot, people.iter(), Search::Indexed)?;
        let reference = screen_all(&snapshot, people.iter(), Search::Exhaustive)?;
        for (person, outcome) in people.iter().zip(&outcomes) {
            figure.count(outcome.matched(), || describe(person, outcome, "no entry"));
        }
        compare_searches(&outcomes, &reference, &mut report.index_recall);
    }

    for pair in sets::person_pairs(&labeled)? {
        let score = pair_score(lists, &pair.name1, &pair.name2);
        let ours = score >= PAIR_THRESHOLD;
        report.pairs.count(pair.is_match, ours, || {
            format!(
                "{:?} / {:?}: {score:.3}, labelled {}",
                pair.name1, pair.name2, pair.is_match
            )
        });
        report.reference_pairs.count(
            pair.is_match,
            pair.reference_score >= REFERENCE_PAIR_THRESHOLD,
            String::new,
        );
    }

    if let Some(dir) = &options.devsets_dir {
        generated::measure(lists, dir, options.generated_stride, &mut report.generated)?;
    }

    if !options.keep_failures {
        report.forget_failures();
    }
    Ok(report)
}

/// Screens `people` through the index, and every name as well to count, in
/// `report.index_recall`, the hits the index finds of those an exhaustive search finds.
fn screen_compared<'a>(
    snapshot: &Snapshot,
    people: impl Iterator<Item = &'a Person> + Clone,
    report: &mut Report,
) -> anyhow::Result<Vec<ScreenOutcome>> {
    let outcomes = screen_all(snapshot, people.clone(), Search::Indexed)?;
    let reference = screen_all(snapshot, people, Search::Exhaustive)?;
    compare_searches(&outcomes, &reference, &mut report.index_recall);
    Ok(outcomes)
}

fn compare_searches(indexed: &[ScreenOutcome], exhaustive: &[ScreenOutcome], figure: &mut Ratio) {
    for (found, reference) in indexed.iter().zip(exhaustive) {
        for hit in &reference.hits {
            let same = found.hits.iter().any(|h| {
                h.watchlist == hit.watchlist && h.entry_id == hit.entry_id && h.score == hit.score
            });
            figure.count(same, || {
                format!(
                    "{:?} misses {} {:?} ({:.3})",
                    hit.explanation.query_name, hit.entry_id, hit.matched_name, hit.score
                )
            });
        }
    }
}

/// The name score of two names, as screening would compute it for a query against an entry
/// of these lists: parts weigh by their frequency over the three lists together.
/// Each name is read every way screening reads it (`readings`), and the best pair counts.
pub fn pair_score(lists: &Lists, a: &str, b: &str) -> f64 {
    let statistics = &lists.pair_statistics;
    let (a, b) = (readings(a), readings(b));
    a.iter()
        .flat_map(|a| b.iter().map(move |b| (a, b)))
        .map(|(a, b)| name_score(a, &statistics.weights(a), b, &statistics.weights(b)))
        .fold(0.0, f64::max)
}

/// Ids of the UN entries holding `name` (case and spacing aside) among their names.
fn entries_named<'a>(list: &'a IndexedList, name: &str) -> HashSet<&'a str> {
    let comparable = |name: &str| {
        name.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_uppercase()
    };
    let wanted = comparable(name);
    list.entries
        .iter()
        .filter(|e| e.names.iter().any(|n| comparable(&n.full_name) == wanted))
        .map(|e| e.id.as_str())
        .collect()
}

fn sample<T>(items: Vec<T>, stride: usize) -> Vec<T> {
    items.into_iter().step_by(stride.max(1)).collect()
}

fn describe(person: &Person, outcome: &ScreenOutcome, expected: &str) -> String {
    let name = person.names.first().map_or("", |n| n.full_name.as_str());
    let hits: Vec<String> = outcome
        .hits
        .iter()
        .take(3)
        .map(|h| {
            format!(
                "{} {:?} {:.3} (name {:.3})",
                h.entry_id, h.matched_name, h.score, h.explanation.name_score
            )
        })
        .collect();
    format!("{name:?} (expected {expected}): [{}]", hits.join("; "))
}

/// Screens every person at the default threshold, split over the available cores.
fn screen_all<'a>(
    snapshot: &Snapshot,
    people: impl Iterator<Item = &'a Person>,
    search: Search,
) -> anyhow::Result<Vec<ScreenOutcome>> {
    let queries: Vec<ScreenQuery> = people
        .map(|person| ScreenQuery {
            person: person.clone(),
            threshold: None,
            max_hits: None,
            watchlists: Vec::new(),
        })
        .collect();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = queries.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let workers: Vec<_> = queries
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|q| {
                            let budget = match search {
                                Search::Indexed => Budget::standard(),
                                Search::Exhaustive => Budget::exhaustive(),
                            };
                            screen_with(snapshot, q, DEFAULT_THRESHOLD, search, &budget)
                        })
                        .collect::<Result<Vec<_>, _>>()
                })
            })
            .collect();
        let mut outcomes = Vec::with_capacity(queries.len());
        for worker in workers {
            let part = worker
                .join()
                .map_err(|_| anyhow::anyhow!("a screening thread panicked"))??;
            outcomes.extend(part);
        }
        Ok(outcomes)
    })
}
