//! The importers against the real published lists in `shared/data/watchlists`.

use std::collections::HashSet;

use person::{DocumentKind, Gender};
use screening::domain::entry::{EntryType, NameKind, WatchlistEntry};
use screening::lists::{ListFiles, ListFormat, parse, read_files};
use test_support::watchlist_path;

fn files(format: ListFormat, relative: &str) -> ListFiles {
    read_files(format, &watchlist_path(relative)).expect("the list's files are readable")
}

fn load(format: ListFormat, relative: &str) -> Vec<WatchlistEntry> {
    parse(format, &files(format, relative)).expect("the real list parses")
}

fn entry<'a>(entries: &'a [WatchlistEntry], id: &str) -> &'a WatchlistEntry {
    entries
        .iter()
        .find(|e| e.id == id)
        .unwrap_or_else(|| panic!("entry {id} is on the list"))
}

fn names(entry: &WatchlistEntry, kind: NameKind) -> Vec<&str> {
    entry
        .names
        .iter()
        .filter(|n| n.kind == kind)
        .map(|n| n.full_name.as_str())
        .collect()
}

fn dates(entry: &WatchlistEntry) -> Vec<String> {
    entry.birth_dates.iter().map(ToString::to_string).collect()
}

fn codes(entry: &WatchlistEntry) -> Vec<&str> {
    entry.nationalities.iter().map(|c| c.as_str()).collect()
}

fn documents(entry: &WatchlistEntry) -> Vec<(DocumentKind, &str, Option<&str>)> {
    entry
        .documents
        .iter()
        .map(|d| {
            let country = d.issuing_country.as_ref().map(|c| c.as_str());
            (d.kind, d.number.as_str(), country)
        })
        .collect()
}

const SDN_2021: &str = "ofac-sdn-2021-07";
const SDN_2024_04_26: &str = "ofac-sdn-2024-update/sdn-2024-04-26.csv";
const SDN_2024_05_03: &str = "ofac-sdn-2024-update/sdn-2024-05-03.csv";
const CONSOLIDATED: &str = "ofac-consolidated-2025-12";
const UN: &str = "un-consolidated-2026-02/consolidated.xml";

#[test]
fn the_2021_sdn_list_holds_all_8976_entries() {
    let entries = load(ListFormat::OfacCsv, SDN_2021);
    assert_eq!(entries.len(), 8_976);
    let people = entries
        .iter()
        .filter(|e| e.entry_type == EntryType::Person)
        .count();
    assert_eq!(people, 4_620);
}

#[test]
fn sdn_entries_take_aliases_from_alt_csv_and_facts_from_the_remarks() {
    let entries = load(ListFormat::OfacCsv, SDN_2021);
    let zawahiri = entry(&entries, "2676");
    assert_eq!(zawahiri.primary_name(), "AL ZAWAHIRI, Dr. Ayman");
    let aliases = names(zawahiri, NameKind::Alias);
    assert!(aliases.contains(&"SALIM, Ahmad Fuad"), "{aliases:?}");
    assert_eq!(dates(zawahiri), ["1951-06-19"]);
    assert_eq!(
        documents(zawahiri)[0],
        (DocumentKind::Passport, "1084010", Some("EG"))
    );
    assert_eq!(zawahiri.programs, ["SDGT"]);
}

#[test]
fn an_alias_in_alt_csv_and_in_the_remarks_is_kept_once() {
    let entries = load(ListFormat::OfacCsv, SDN_2021);
    let bank = entry(&entries, "306");
    assert_eq!(bank.entry_type, EntryType::Organization);
    assert_eq!(
        names(bank, NameKind::Alias),
        ["NATIONAL BANK OF CUBA", "BNC"]
    );
    for entry in &entries {
        let mut seen = HashSet::new();
        for name in &entry.names {
            assert!(
                seen.insert(name.full_name.to_lowercase()),
                "{} repeats {:?}",
                entry.id,
                name.full_name
            );
        }
    }
}

#[test]
fn remarks_cut_off_in_sdn_csv_continue_from_sdn_comments_csv() {
    let entries = load(ListFormat::OfacCsv, SDN_2021);
    let tian = entry(&entries, "28263");
    // "a.k.a. 'snowsjo" ends sdn.csv; "hn'; Linked To: LAZARUS GROUP." opens the comments.
    assert!(names(tian, NameKind::Alias).contains(&"snowsjohn"));
    assert!(
        tian.remarks
            .as_deref()
            .is_some_and(|r| r.ends_with("Linked To: LAZARUS GROUP."))
    );
    assert_eq!(dates(tian), ["1986-07-12"]);
    assert_eq!(codes(tian), ["CN"]);
    assert_eq!(tian.gender, Some(Gender::Male));
    assert_eq!(tian.programs, ["DPRK3", "CYBER2"]);
}

#[test]
fn both_2024_snapshots_load_completely_from_single_files() {
    assert_eq!(load(ListFormat::OfacCsv, SDN_2024_04_26).len(), 14_668);
    assert_eq!(load(ListFormat::OfacCsv, SDN_2024_05_03).len(), 14_965);
}

#[test]
fn the_2024_snapshots_have_different_versions_and_a_real_update_between_them() {
    let before = files(ListFormat::OfacCsv, SDN_2024_04_26);
    let after = files(ListFormat::OfacCsv, SDN_2024_05_03);
    assert_ne!(
        before.version(ListFormat::OfacCsv),
        after.version(ListFormat::OfacCsv)
    );
    assert_eq!(
        before.version(ListFormat::OfacCsv),
        files(ListFormat::OfacCsv, SDN_2024_04_26).version(ListFormat::OfacCsv)
    );
    let ids = |files: &ListFiles| -> HashSet<String> {
        let entries = parse(ListFormat::OfacCsv, files).expect("parses");
        entries.into_iter().map(|e| e.id).collect()
    };
    let (before, after) = (ids(&before), ids(&after));
    assert_eq!(after.difference(&before).count(), 305);
    assert_eq!(before.difference(&after).count(), 8);
}

#[test]
fn the_2024_snapshots_keep_dates_of_birth_and_passports_from_the_remarks() {
    let entries = load(ListFormat::OfacCsv, SDN_2024_04_26);
    let zawahiri = entry(&entries, "2676");
    assert_eq!(dates(zawahiri), ["1951-06-19"]);
    assert_eq!(
        documents(zawahiri),
        [
            (DocumentKind::Passport, "1084010", Some("EG")),
            (DocumentKind::Passport, "19820215", None),
        ]
    );
}

#[test]
fn the_2024_snapshots_read_aliases_nationalities_and_date_ranges_from_the_remarks() {
    let entries = load(ListFormat::OfacCsv, SDN_2024_04_26);
    let muhandis = entry(&entries, "11461");
    assert_eq!(
        names(muhandis, NameKind::Alias),
        [
            "AL-IBRAHIMI, Jamal Fa'far 'Ali",
            "AL-TAMIMI, Jamal al-Madan",
            "MOHAMMED, Jamal Jaafar",
            "JAAFAR, Jaafar Jamal",
        ]
    );
    assert_eq!(dates(muhandis), ["1953"]);
    assert_eq!(codes(muhandis), ["IQ", "IR"]);

    let naqdi = entry(&entries, "12057");
    assert_eq!(
        dates(naqdi),
        ["1951", "1952", "1953", "1960", "1961", "1962", "1961-04"]
    );
    assert_eq!(codes(naqdi), ["IR"]);
    assert_eq!(naqdi.gender, Some(Gender::Male));
    assert_eq!(
        naqdi.programs,
        ["SDGT", "NPWMD", "IRGC", "IFSR", "IRAN-HR", "IRAN-EO13876"]
    );
}

#[test]
fn the_consolidated_ofac_list_loads_with_its_aliases_and_comments() {
    let entries = load(ListFormat::OfacCsv, CONSOLIDATED);
    assert_eq!(entries.len(), 442);
    let haniya = entry(&entries, "9639");
    assert_eq!(haniya.primary_name(), "HANIYA, Ismail Abdul Salah");
    assert_eq!(
        names(haniya, NameKind::Alias),
        ["HANIYA, Ismail", "HANIYYA, Ismaeel"]
    );
    assert_eq!(dates(haniya), ["1962"]);
    assert_eq!(haniya.programs, ["NS-PLC"]);
    // The alias sits in the part of the remarks that continues in cons_comments.csv.
    assert!(names(entry(&entries, "17014"), NameKind::Alias).contains(&"RUSAG"));
}

#[test]
fn the_un_list_holds_730_individuals_and_273_entities() {
    let entries = load(ListFormat::UnXml, UN);
    assert_eq!(entries.len(), 1_003);
    let count = |kind| entries.iter().filter(|e| e.entry_type == kind).count();
    assert_eq!(count(EntryType::Person), 730);
    assert_eq!(count(EntryType::Organization), 273);
}

#[test]
fn un_entries_keep_their_original_script_names() {
    let entries = load(ListFormat::UnXml, UN);
    let qusay = entry(&entries, "6908049");
    assert_eq!(qusay.primary_name(), "QUSAY SADDAM HUSSEIN AL-TIKRITI");
    assert_eq!(
        names(qusay, NameKind::OriginalScript),
        ["قصي صدام حسين التكريتي"]
    );
    let umarov = entry(&entries, "2960872");
    assert_eq!(umarov.primary_name(), "DOKU KHAMATOVICH UMAROV");
    assert_eq!(
        names(umarov, NameKind::OriginalScript),
        ["Умаров Доку Хаматович"]
    );
    let with_original = entries
        .iter()
        .filter(|e| e.names.iter().any(|n| n.kind == NameKind::OriginalScript))
        .count();
    assert!(with_original >= 199, "{with_original}");
}

#[test]
fn un_individuals_keep_aliases_dates_nationalities_and_documents() {
    let entries = load(ListFormat::UnXml, UN);
    let atabiev = entry(&entries, "6908488");
    assert_eq!(names(atabiev, NameKind::WeakAlias), ["Abu Jihad"]);
    assert!(names(atabiev, NameKind::OriginalScript).contains(&"Абу Джихад"));
    assert_eq!(dates(atabiev), ["1983-09-29"]);
    assert_eq!(codes(atabiev), ["RU"]);
    assert_eq!(
        documents(atabiev),
        [
            (DocumentKind::Passport, "620169661", None),
            (DocumentKind::NationalId, "9103314932", Some("RU")),
        ]
    );
    assert_eq!(atabiev.programs, ["Al-Qaida"]);
    assert!(
        atabiev
            .remarks
            .as_deref()
            .is_some_and(|r| r.starts_with("UN reference QDi.364."))
    );

    let umarov = entry(&entries, "2960872");
    assert_eq!(codes(umarov), ["RU"]);
    assert_eq!(
        dates(umarov),
        ["1964-04-13", "1965-04-13", "1964-05-12", "1955"]
    );

    assert_eq!(dates(entry(&entries, "6908021")), ["1973", "1974"]);
}

#[test]
fn every_real_list_gives_every_entry_a_primary_name_and_a_unique_id() {
    for (format, list) in [
        (ListFormat::OfacCsv, SDN_2021),
        (ListFormat::OfacCsv, SDN_2024_05_03),
        (ListFormat::OfacCsv, CONSOLIDATED),
        (ListFormat::UnXml, UN),
    ] {
        let entries = load(format, list);
        let ids: HashSet<&str> = entries.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids.len(), entries.len(), "{list}");
        for entry in &entries {
            assert_eq!(
                entry.names.first().map(|n| n.kind),
                Some(NameKind::Primary),
                "{list}"
            );
            assert!(
                !entry.primary_name().trim().is_empty(),
                "{list} {}",
                entry.id
            );
        }
    }
}

#[test]
fn a_folder_holding_no_ofac_list_is_reported_missing() {
    let err = read_files(
        ListFormat::OfacCsv,
        &watchlist_path("un-consolidated-2026-02"),
    )
    .expect_err("no sdn.csv there");
    assert!(
        matches!(err, screening::lists::ImportError::MissingFile { .. }),
        "{err}"
    );
}

#[test]
fn a_list_read_in_the_wrong_format_fails_instead_of_loading_nonsense() {
    let un_as_csv = files(ListFormat::Csv, UN);
    assert!(parse(ListFormat::Csv, &un_as_csv).is_err());
    let sdn_as_xml = files(ListFormat::UnXml, SDN_2024_04_26);
    assert!(parse(ListFormat::UnXml, &sdn_as_xml).is_err());
    let un_as_ofac = files(ListFormat::OfacCsv, UN);
    assert!(parse(ListFormat::OfacCsv, &un_as_ofac).is_err());
}
