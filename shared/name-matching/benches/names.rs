//! The matcher's own costs, apart from any service: reading a name (cleaning, readings, keys),
//! comparing two prepared names, and finding a query part's neighbours in a vocabulary of
//! list parts. Names come from the project's development sets (`devsets/`): list names in
//! one romanisation or script and queries in another. `cargo bench -p name-matching`;
//! figures in BENCHMARKS.md. Screening as a whole is benchmarked by the screening crate.

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use name_matching::{Part, PartStatistics, Vocabulary, compare_names, readings};

/// (list name, query name) pairs of a development set; the CSVs quote no field with commas
/// in the two name columns this reads, so a split on commas is exact.
fn pairs(file: &str) -> Vec<(String, String)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../devsets")
        .join(file);
    let text = std::fs::read_to_string(&path).expect("the development sets are in the repository");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("a header").split(',').collect();
    let column = |names: &[&str]| {
        header
            .iter()
            .position(|h| names.contains(h))
            .expect("column")
    };
    let (list, query) = (
        column(&["list_name", "listed_name"]),
        column(&["query_name"]),
    );
    lines
        .map(|line| line.split(',').collect::<Vec<_>>())
        .filter(|fields| fields.len() == header.len())
        .map(|fields| (fields[list].to_owned(), fields[query].to_owned()))
        .collect()
}

fn all_pairs() -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = ["romanisation.csv", "scripts.csv", "evasion.csv"]
        .iter()
        .flat_map(|file| pairs(file))
        .collect();
    // Every 7th pair: a few thousand, spread over every scheme and script.
    pairs = pairs.into_iter().step_by(7).collect();
    pairs
}

fn first_reading(name: &str) -> Vec<Part> {
    readings(name).into_iter().next().unwrap_or_default()
}

fn bench(c: &mut Criterion) {
    let pairs = all_pairs();
    let mut group = c.benchmark_group("names");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(5));

    let mut next = 0;
    group.bench_function("read a name (every reading, keys)", |b| {
        b.iter(|| {
            next = (next + 1) % pairs.len();
            black_box(readings(&pairs[next].1).len())
        })
    });

    let prepared: Vec<(Vec<Part>, Vec<Part>)> = pairs
        .iter()
        .map(|(list, query)| (first_reading(list), first_reading(query)))
        .collect();
    let statistics = PartStatistics::from_entries(prepared.iter().map(|(list, _)| list.iter()));
    let weights: Vec<(Vec<f64>, Vec<f64>)> = prepared
        .iter()
        .map(|(list, query)| (statistics.weights(list), statistics.weights(query)))
        .collect();
    let mut next = 0;
    group.bench_function("compare two prepared names", |b| {
        b.iter(|| {
            next = (next + 1) % prepared.len();
            let ((list, query), (lw, qw)) = (&prepared[next], &weights[next]);
            black_box(compare_names(query, qw, list, lw).score)
        })
    });

    let mut vocabulary = Vocabulary::default();
    for (list, _) in &prepared {
        for part in list {
            vocabulary.intern(part);
        }
    }
    vocabulary.finish(&statistics);
    let query_parts: Vec<&Part> = prepared.iter().flat_map(|(_, q)| q.iter()).collect();
    let mut next = 0;
    // As in the service, parts met lately are remembered: most query parts recur.
    group.bench_function("a query part's neighbours in the vocabulary", |b| {
        b.iter(|| {
            next = (next + 1) % query_parts.len();
            black_box(vocabulary.similar(query_parts[next]).len())
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
