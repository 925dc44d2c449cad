//! `Screen` in-process, through the index, against a brute-force Jaro-Winkler scan of every
//! list name, on the real lists and on a generated list (1,000,000 entries unless
//! `BENCH_ENTRIES` says otherwise). `cargo bench -p matching-evaluation --bench screen`; figures in
//! BENCHMARKS.md. The gRPC-level figures come from the `screen-bench` binary.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use matching_evaluation::benchmarking::{
    BruteForce, NameStock, generated_entries, generated_queries, real_list_queries, real_lists,
    snapshot_of,
};
use matching_evaluation::{Snapshot, default_data_dir};
use name_matching::index::IndexedList;
use name_matching::screen::{DEFAULT_THRESHOLD, ScreenQuery, screen};
use person::Person;

fn query(person: &Person) -> ScreenQuery {
    ScreenQuery {
        person: person.clone(),
        threshold: None,
        max_hits: None,
        watchlists: Vec::new(),
    }
}

/// One benchmark per approach, each iteration screening the next query of the set.
fn compare(
    c: &mut Criterion,
    group: &str,
    snapshot: &Snapshot,
    brute: &BruteForce,
    people: &[Person],
) {
    let queries: Vec<ScreenQuery> = people.iter().map(query).collect();
    let mut group = c.benchmark_group(group);
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10));
    let mut next = 0;
    group.bench_function("indexed screen", |b| {
        b.iter(|| {
            next = (next + 1) % queries.len();
            black_box(screen(snapshot, &queries[next], DEFAULT_THRESHOLD).map(|o| o.hits.len()))
        })
    });
    let mut next = 0;
    group.bench_function("brute-force jaro-winkler", |b| {
        b.iter(|| {
            next = (next + 1) % people.len();
            black_box(brute.scan(&people[next]).len())
        })
    });
    group.finish();
}

fn real(c: &mut Criterion) {
    let data = default_data_dir();
    let lists = real_lists(&data).expect("the real lists load");
    let entries: Vec<_> = lists
        .iter()
        .flat_map(|l| l.entries.iter().cloned())
        .collect();
    let brute = BruteForce::new(&entries);
    let people = real_list_queries(&data).expect("the development sets load");
    compare(c, "real lists", &snapshot_of(lists), &brute, &people);
}

fn generated(c: &mut Criterion) {
    let count = std::env::var("BENCH_ENTRIES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let stock = NameStock::load(&default_data_dir()).expect("the name stock loads");
    let entries = generated_entries(&stock, count, 1);
    let people = generated_queries(&stock, &entries, 1_000, 2);
    let brute = BruteForce::new(&entries);
    let list = IndexedList::new("generated".into(), "bench".into(), entries);
    compare(
        c,
        &format!("generated {count}"),
        &snapshot_of(vec![list]),
        &brute,
        &people,
    );
}

criterion_group!(benches, real, generated);
criterion_main!(benches);
