//! Measures matching quality on the development sets: `cargo run --release -p
//! matching-evaluation --bin evaluate`. Exits non-zero, naming the figure, when a figure
//! falls past its floor.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use matching_evaluation::generated::default_devsets_dir;
use matching_evaluation::{Floors, Options, default_data_dir, evaluate};

#[derive(Debug, Parser)]
#[command(
    name = "evaluate",
    version,
    about = "Screening quality on the labelled development sets"
)]
struct Args {
    /// The folder holding `labeled/` and `watchlists/`.
    #[arg(long, default_value_os_t = default_data_dir())]
    data_dir: PathBuf,
    /// Screen every n-th row of each screening set (name pairs are always all compared).
    #[arg(long, default_value_t = 1)]
    stride: usize,
    /// Print every miss, false match and wrong pair decision.
    #[arg(long)]
    show_failures: bool,
    #[arg(long)]
    min_cross_script: Option<f64>,
    #[arg(long)]
    min_perturbed: Option<f64>,
    /// Ceiling on the innocents' and on the US Congress names' false-positive rates.
    #[arg(long)]
    max_innocent_fpr: Option<f64>,
    #[arg(long)]
    min_pair_f1: Option<f64>,
    /// Floor on the share of an exhaustive search's hits the index finds.
    #[arg(long)]
    min_index_recall: Option<f64>,
    /// The generated development sets (`devsets/`).
    #[arg(long, default_value_os_t = default_devsets_dir())]
    devsets_dir: PathBuf,
    /// Floor on romanisation recall over the generated set (both parts).
    #[arg(long)]
    min_romanisation: Option<f64>,
    /// Ceiling on the share of near-miss different people matched.
    #[arg(long)]
    max_near_miss: Option<f64>,
    /// Floor on the share of disguised listed names that still hit.
    #[arg(long)]
    min_evasion: Option<f64>,
}

fn main() -> anyhow::Result<ExitCode> {
    let args = Args::parse();
    let options = Options {
        stride: args.stride,
        keep_failures: args.show_failures,
        devsets_dir: Some(args.devsets_dir),
        generated_stride: args.stride,
        ..Options::new(args.data_dir)
    };
    let started = std::time::Instant::now();
    let report = evaluate(&options)?;
    if args.show_failures {
        for (figure, line) in report.failures() {
            println!("{figure}: {line}");
        }
        println!();
    }
    println!("{report}");
    println!("({:.1} s)", started.elapsed().as_secs_f64());

    let floors = Floors {
        min_cross_script: args.min_cross_script,
        min_perturbed: args.min_perturbed,
        max_innocent_fpr: args.max_innocent_fpr,
        min_pair_f1: args.min_pair_f1,
        min_index_recall: args.min_index_recall,
        min_romanisation: args.min_romanisation,
        max_near_miss: args.max_near_miss,
        min_evasion: args.min_evasion,
    };
    let violations = floors.violations(&report);
    for violation in &violations {
        eprintln!("{violation}");
    }
    Ok(if violations.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
