//! Matching quality on the development sets in `shared/data/labeled` and those generated in
//! `devsets/` (romanisations, near-miss people, disguised names), through the real
//! engine, held to floors a little under what it reaches, so that a change that makes
//! matching worse fails here. The screening sets are sampled (every `STRIDE`-th row, the
//! same rows every run) to keep a debug build quick; `cargo run --release -p
//! matching-evaluation --bin evaluate` measures the full sets.

use matching_evaluation::{Floors, Options, default_data_dir, evaluate};

const STRIDE: usize = 4;
/// The generated sets hold some 18,000 queries: every 24th keeps the test under a minute in
/// a debug build and still covers every scheme and technique.
const GENERATED_STRIDE: usize = 24;

#[test]
fn matching_quality_on_the_development_sets_stays_above_its_floors() {
    let options = Options {
        stride: STRIDE,
        generated_stride: GENERATED_STRIDE,
        keep_failures: true,
        ..Options::new(default_data_dir())
    };
    let report = evaluate(&options).expect("the development sets and lists load");
    println!("{report}");

    let floors = Floors {
        min_cross_script: Some(0.95),
        min_perturbed: Some(0.97),
        max_innocent_fpr: Some(0.005),
        min_pair_f1: Some(0.86),
        min_index_recall: Some(0.99),
        min_romanisation: Some(0.98),
        max_near_miss: Some(0.06),
        min_evasion: Some(0.98),
    };
    let violations = floors.violations(&report);
    assert!(
        violations.is_empty(),
        "{violations:?}\n{:#?}",
        report.failures()
    );
}
