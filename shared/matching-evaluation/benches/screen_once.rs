//! Every development query screened once against the real lists in-process, then once more:
//! a fixed amount of work, so that an instruction count compares two builds however busy
//! the machine is. `cargo bench -p matching-evaluation --bench screen_once` prints wall-clock times;
//! for instructions, run the built binary under
//! `valgrind --tool=callgrind --toggle-collect='*screen_pass*'` (BENCHMARKS.md).

use std::hint::black_box;
use std::time::Instant;

use matching_evaluation::Snapshot;
use matching_evaluation::benchmarking::{real_list_queries, real_lists, snapshot_of};
use matching_evaluation::default_data_dir;
use name_matching::screen::{DEFAULT_THRESHOLD, ScreenQuery, screen};

/// Screens every query once; returns how many had a hit.
#[inline(never)]
fn screen_pass(snapshot: &Snapshot, queries: &[ScreenQuery]) -> usize {
    queries
        .iter()
        .filter(|q| {
            black_box(screen(snapshot, q, DEFAULT_THRESHOLD)).is_ok_and(|o| !o.hits.is_empty())
        })
        .count()
}

fn main() -> anyhow::Result<()> {
    // `cargo bench` passes `--bench`; there is nothing to choose.
    let data = default_data_dir();
    let snapshot = snapshot_of(real_lists(&data)?);
    let queries: Vec<ScreenQuery> = real_list_queries(&data)?
        .into_iter()
        .map(|person| ScreenQuery {
            person,
            threshold: None,
            max_hits: None,
            watchlists: Vec::new(),
        })
        .collect();
    for pass in ["first (parts not on the lists unseen)", "second"] {
        let started = Instant::now();
        let hits = screen_pass(&snapshot, &queries);
        let elapsed = started.elapsed();
        println!(
            "{pass}: {} queries, {hits} with a hit, {:.1} ms, {:.3} ms per query",
            queries.len(),
            elapsed.as_secs_f64() * 1e3,
            elapsed.as_secs_f64() * 1e3 / queries.len() as f64
        );
    }
    Ok(())
}
