//! Shows how screening reads and compares names, for tuning and for answering "why did this
//! (not) match?":
//!
//! `cargo run --release -p matching-evaluation --bin explain -- "Name one" "Name two"`
//! compares two names part by part; with one name, and `--dob`/`--nationality`, it screens
//! the name against the development lists and prints every hit's explanation.

use std::fmt::Write as _;
use std::io::Write as _;

use clap::Parser;
use matching_evaluation::{Lists, default_data_dir, sets::country_code};
use name_matching::{PartMatch, compare_names, prepare};
use person::{Person, PersonName};

#[derive(Debug, Parser)]
#[command(name = "explain", version)]
struct Args {
    /// One name to screen, or two to compare.
    #[arg(num_args = 1..=2, required = true)]
    names: Vec<String>,
    #[arg(long)]
    dob: Vec<String>,
    #[arg(long)]
    nationality: Vec<String>,
    /// Screen against the UN list without its original-script names.
    #[arg(long)]
    latin_only: bool,
    /// Threshold for the screening (default: the service's).
    #[arg(long)]
    threshold: Option<f64>,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let lists = Lists::load(&default_data_dir())?;
    let mut out = String::new();
    for name in &args.names {
        let parts: Vec<String> = prepare(name).into_iter().map(|p| p.text).collect();
        writeln!(out, "{name:?} → {parts:?}")?;
    }
    if let [a, b] = args.names.as_slice() {
        let (a, b) = (prepare(a), prepare(b));
        let statistics = lists.pair_statistics();
        let comparison = compare_names(&a, &statistics.weights(&a), &b, &statistics.weights(&b));
        writeln!(out, "name score {:.4}", comparison.score)?;
        write_parts(&mut out, &comparison.parts)?;
    } else {
        let person = Person {
            names: vec![PersonName::full(args.names[0].clone())],
            birth_dates: args.dob.iter().filter_map(|d| d.parse().ok()).collect(),
            nationalities: args
                .nationality
                .iter()
                .filter_map(|n| country_code(n))
                .collect(),
            gender: None,
            documents: Vec::new(),
        };
        let outcome = lists.screen(&person, args.threshold, args.latin_only)?;
        for hit in outcome.hits {
            writeln!(
                out,
                "{} {} {:?} score {:.4}: {}",
                hit.watchlist,
                hit.entry_id,
                hit.primary_name,
                hit.score,
                hit.explanation.summary(&hit.matched_name, hit.score)
            )?;
            write_parts(&mut out, &hit.explanation.parts)?;
        }
    }
    // A reader that stops early (`| head`) is not an error.
    let _ = std::io::stdout().write_all(out.as_bytes());
    Ok(())
}

fn write_parts(out: &mut String, parts: &[PartMatch]) -> std::fmt::Result {
    for part in parts {
        writeln!(
            out,
            "  {:>16} ~ {:<16} similarity {:.3} weight {:.3} {:?}{}",
            part.query_part,
            part.entry_part,
            part.similarity,
            part.weight,
            part.outcome,
            part.rule
                .map(|r| format!(" ({})", r.description()))
                .unwrap_or_default()
        )?;
    }
    Ok(())
}
