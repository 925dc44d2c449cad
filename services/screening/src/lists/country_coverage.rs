//! Checks the country table against every country name the real lists use, so that a name
//! the lists start using shows up here rather than as silently missing nationalities.

use std::collections::BTreeSet;

use test_support::watchlist_path;

use super::ofac_remarks::{Segment, segments};
use super::{countries::code_for_name, un_xml};

/// Names seen in the lists that are not a country, or not one country: dropped on purpose.
const NOT_COUNTRIES: &[&str] = &[
    // OFAC: a region, and a hedged nationality ("possibly Palestinian;arrested 23 Apr 2002").
    "Region: Gaza",
    "possibly Palestinian",
    // UN: a former state and a placeholder.
    "former Soviet Union",
    "na",
];

fn ofac_names(relative: &str, names: &mut BTreeSet<String>) {
    let bytes = std::fs::read(watchlist_path(relative)).expect("the OFAC file is readable");
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes.as_slice());
    for record in reader.records().filter_map(Result::ok) {
        for segment in segments(record.get(11).unwrap_or_default()) {
            match segment {
                Segment::Nationality(name) => names.insert(name.to_owned()),
                Segment::Document {
                    country: Some(name),
                    ..
                } => names.insert(name.to_owned()),
                _ => false,
            };
        }
    }
}

fn un_names(names: &mut BTreeSet<String>) {
    let path = watchlist_path("un-consolidated-2026-02/consolidated.xml");
    let xml = std::fs::read_to_string(path).expect("the UN file is readable");
    let read = un_xml::read_entries(
        "consolidated.xml",
        &xml,
        un_xml::ROOT,
        un_xml::is_entry,
        |entry| {
            if entry.name != "INDIVIDUAL" {
                return Ok(());
            }
            for value in entry.all("NATIONALITY").flat_map(|n| n.all("VALUE")) {
                names.insert(value.text.trim().to_owned());
            }
            for document in entry.all("INDIVIDUAL_DOCUMENT") {
                for tag in ["ISSUING_COUNTRY", "COUNTRY_OF_ISSUE"] {
                    if let Some(name) = document.text_of(tag) {
                        names.insert(name.to_owned());
                    }
                }
            }
            Ok(())
        },
    );
    read.expect("the UN file parses");
}

#[test]
fn every_country_name_in_the_real_lists_maps_or_is_known_not_to() {
    let mut names = BTreeSet::new();
    for file in [
        "ofac-sdn-2021-07/sdn.csv",
        "ofac-sdn-2024-update/sdn-2024-04-26.csv",
        "ofac-sdn-2024-update/sdn-2024-05-03.csv",
        "ofac-consolidated-2025-12/cons_prim.csv",
    ] {
        ofac_names(file, &mut names);
    }
    un_names(&mut names);
    names.remove("");
    let unmapped: Vec<&String> = names
        .iter()
        .filter(|name| code_for_name(name).is_none())
        .collect();
    println!("{} country names, unmapped: {unmapped:?}", names.len());
    let unexpected: Vec<&&String> = unmapped
        .iter()
        .filter(|name| !NOT_COUNTRIES.iter().any(|known| name.starts_with(known)))
        .collect();
    assert!(
        unexpected.is_empty(),
        "country names with no code: {unexpected:?}"
    );
}
