use super::*;

const SDN: &str = "\
36,\"AEROCARIBBEAN AIRLINES\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r
306,\"BANCO NACIONAL DE CUBA\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"a.k.a. 'BNC'; a.k.a. 'NATIONAL BANK OF CUBA'.\"\r
2676,\"AL ZAWAHIRI, Dr. Ayman\",\"individual\",\"SDGT] [IRGC\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"DOB 19 Jun 1951; POB Giza, Egypt; Passport 1084010 (Egypt); a.k.a. 'sho\"\r
7,\"ANNA\",\"vessel\",\"CUBA\",-0- ,\"ABCD\",\"Cargo\",-0- ,-0- ,\"Cuba\",-0- ,-0- \r
\u{1a}";

const ALT: &str = "\
306,220,\"aka\",\"NATIONAL BANK OF CUBA\",-0- \r
36,12,\"aka\",\"AERO-CARIBBEAN\",-0- \r
36,13,\"weak aka\",\"AC\",-0- \r
2676,14,\"fka\",-0- ,-0- \r
\u{1a}";

const COMMENTS: &str = "2676,\"rt name'; nationality Egypt.\"\r\n";

fn files() -> ListFiles {
    ListFiles::new()
        .with_file("sdn.csv", SDN.into())
        .with_file("alt.csv", ALT.into())
        .with_file("sdn_comments.csv", COMMENTS.into())
}

fn names(entry: &WatchlistEntry) -> Vec<(&str, NameKind)> {
    entry
        .names
        .iter()
        .map(|n| (n.full_name.as_str(), n.kind))
        .collect()
}

#[test]
fn reads_entries_with_their_types_programmes_and_aliases() {
    let entries = parse(&files()).expect("parses");
    let ids: Vec<&str> = entries.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["36", "306", "2676", "7"]);
    let types: Vec<EntryType> = entries.iter().map(|e| e.entry_type).collect();
    assert_eq!(
        types,
        [
            EntryType::Organization,
            EntryType::Organization,
            EntryType::Person,
            EntryType::Vessel
        ]
    );
    assert_eq!(
        names(&entries[0]),
        [
            ("AEROCARIBBEAN AIRLINES", NameKind::Primary),
            ("AERO-CARIBBEAN", NameKind::Alias),
            ("AC", NameKind::WeakAlias),
        ]
    );
    assert_eq!(entries[2].programs, ["SDGT", "IRGC"]);
    assert_eq!(entries[0].remarks, None);
}

#[test]
fn an_alias_in_both_alt_csv_and_the_remarks_is_kept_once() {
    let entries = parse(&files()).expect("parses");
    assert_eq!(
        names(&entries[1]),
        [
            ("BANCO NACIONAL DE CUBA", NameKind::Primary),
            ("NATIONAL BANK OF CUBA", NameKind::Alias),
            ("BNC", NameKind::Alias),
        ]
    );
}

#[test]
fn remarks_continue_in_the_comments_file() {
    let entries = parse(&files()).expect("parses");
    let zawahiri = &entries[2];
    assert!(names(zawahiri).contains(&("short name", NameKind::Alias)));
    assert_eq!(
        zawahiri
            .nationalities
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>(),
        ["EG"]
    );
    assert_eq!(zawahiri.birth_dates[0].to_string(), "1951-06-19");
    assert_eq!(zawahiri.documents[0].number, "1084010");
    assert!(
        zawahiri
            .remarks
            .as_deref()
            .is_some_and(|r| r.ends_with("Egypt."))
    );
}

#[test]
fn the_consolidated_files_are_read_like_the_sdn_files() {
    let files = ListFiles::new()
        .with_file("cons_prim.csv", SDN.into())
        .with_file("cons_alt.csv", ALT.into());
    let entries = parse(&files).expect("parses");
    assert_eq!(entries.len(), 4);
    assert_eq!(entries[0].names.len(), 3);
}

#[test]
fn without_a_main_file_the_list_is_missing() {
    let files = ListFiles::new().with_file("alt.csv", ALT.into());
    assert!(matches!(
        parse(&files),
        Err(ImportError::MissingFile { .. })
    ));
}

fn error_for(sdn: &str, alt: &str) -> ImportError {
    let files = ListFiles::new()
        .with_file("sdn.csv", sdn.into())
        .with_file("alt.csv", alt.into());
    parse(&files).expect_err("malformed")
}

fn assert_malformed(err: &ImportError, expected_file: &str, expected_line: u64) {
    match err {
        ImportError::Malformed { file, line, .. } => {
            assert_eq!(
                (file.as_str(), *line),
                (expected_file, expected_line),
                "{err}"
            );
        }
        other => panic!("expected a malformed-file error, got {other}"),
    }
}

#[test]
fn structural_problems_name_the_file_and_line() {
    let good = "1,\"A\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n";
    let cases = [
        (format!("{good}2,\"B\",-0- \n"), "", "sdn.csv", 2),
        (
            format!("{good}x,\"B\",-0-,-0-,-0-,-0-,-0-,-0-,-0-,-0-,-0-,-0-\n"),
            "",
            "sdn.csv",
            2,
        ),
        (
            format!("{good}-0- ,\"B\",-0-,-0-,-0-,-0-,-0-,-0-,-0-,-0-,-0-,-0-\n"),
            "",
            "sdn.csv",
            2,
        ),
        (
            format!("{good}2,-0- ,-0-,-0-,-0-,-0-,-0-,-0-,-0-,-0-,-0-,-0-\n"),
            "",
            "sdn.csv",
            2,
        ),
        (
            format!("{good}2,\"B\",\"ship\",-0-,-0-,-0-,-0-,-0-,-0-,-0-,-0-,-0-\n"),
            "",
            "sdn.csv",
            2,
        ),
        (
            good.to_owned(),
            "1,1,\"aka\",\"X\",-0-\n9,2,\"aka\",\"Y\",-0-\n",
            "alt.csv",
            2,
        ),
        (good.to_owned(), "1,1,\"aka\"\n", "alt.csv", 1),
    ];
    for (sdn, alt, file, line) in cases {
        assert_malformed(&error_for(&sdn, alt), file, line);
    }
}

#[test]
fn lines_are_counted_right_with_crlf_line_ends() {
    let good = "1,\"A\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n";
    let alt = "1,1,\"aka\",\"X\",-0-\r\n1,2,\"aka\",\"Y\",-0-\r\n1,3,\"aka\",\"Z\",-0-\r\n9,4,\"aka\",\"W\",-0-\r\n";
    assert_malformed(&error_for(good, alt), "alt.csv", 4);
    let sdn = format!("{good}{}2,\"B\",-0- \r\n", good.replacen('1', "3", 1));
    assert_malformed(&error_for(&sdn, ""), "sdn.csv", 3);
}

#[test]
fn a_repeated_entry_number_is_a_duplicate() {
    let row = "1,\"A\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n";
    let err = error_for(&format!("{row}{row}"), "");
    assert!(
        matches!(err, ImportError::DuplicateId { ref id } if id == "1"),
        "{err}"
    );
}

#[test]
fn garbage_never_panics() {
    for sdn in [
        "",
        "\u{1a}",
        "\"",
        "\"unterminated,1,2",
        ",,,,,,,,,,,,,,,,,,,,,,,",
        "1,\"A\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"DOB 99 Foo 0; a.k.a. '\"",
        "\u{feff}1,\"\u{e9}\",-0-,-0-,-0-,-0-,-0-,-0-,-0-,-0-,-0-,-0-",
    ] {
        let files = ListFiles::new().with_file("sdn.csv", sdn.into());
        let _ = parse(&files);
    }
    let latin1 = b"1,\"CAF\xC9\",-0-,-0-,-0-,-0-,-0-,-0-,-0-,-0-,-0-,-0-\n".to_vec();
    let entries = parse(&ListFiles::new().with_file("sdn.csv", latin1)).expect("Latin-1");
    assert_eq!(entries[0].primary_name(), "CAF\u{c9}");
}

#[test]
fn an_entry_with_absurdly_many_aliases_or_remarks_is_refused_with_its_line() {
    let sdn =
        "36,\"AEROCARIBBEAN AIRLINES\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n";
    let alt: String = (0..MAX_NAMES_PER_ENTRY)
        .map(|i| format!("36,{i},\"aka\",\"AC {i}\",-0- \n"))
        .collect();
    let err = error_for(sdn, &alt);
    assert_malformed(&err, "alt.csv", MAX_NAMES_PER_ENTRY as u64);
    assert!(err.to_string().contains("names"), "{err}");

    let comments = format!("36,\"{}\"\n", "x".repeat(MAX_REMARKS_BYTES + 1));
    let files = ListFiles::new()
        .with_file("sdn.csv", sdn.into())
        .with_file("sdn_comments.csv", comments.into());
    let err = parse(&files).expect_err("too long");
    assert_malformed(&err, "sdn_comments.csv", 1);

    let fewer: String = (0..MAX_NAMES_PER_ENTRY - 2)
        .map(|i| format!("36,{i},\"aka\",\"AC {i}\",-0- \n"))
        .collect();
    let files = ListFiles::new()
        .with_file("sdn.csv", sdn.into())
        .with_file("alt.csv", fewer.into());
    assert_eq!(
        parse(&files).expect("within the bound")[0].names.len(),
        MAX_NAMES_PER_ENTRY - 1
    );
}

#[test]
fn a_bad_or_absurdly_long_entry_number_is_quoted_by_a_short_prefix() {
    let sdn = format!(
        "{},\"A\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n",
        "x".repeat(10_000)
    );
    let err = error_for(&sdn, "");
    assert!(err.to_string().len() < 200, "{err}");
    let digits = sdn.replace(&"x".repeat(10_000), &"7".repeat(10_000));
    let err = error_for(&digits, "");
    assert!(err.to_string().len() < 200, "{err}");
    assert_malformed(&err, "sdn.csv", 1);
}
