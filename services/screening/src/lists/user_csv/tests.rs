use super::*;

fn parse_str(csv: &str) -> Result<Vec<WatchlistEntry>, ImportError> {
    parse("mine.csv", csv.as_bytes())
}

fn error(csv: &str) -> (u64, String) {
    match parse_str(csv) {
        Err(ImportError::Malformed { file, line, reason })
        | Err(ImportError::MalformedAt {
            file, line, reason, ..
        }) => {
            assert_eq!(file, "mine.csv");
            (line, reason)
        }
        other => panic!("expected a malformed-file error, got {other:?}"),
    }
}

/// Line, column and reason of an error at a place in the file.
fn error_at(csv: &str) -> (u64, u64, String) {
    match parse_str(csv) {
        Err(ImportError::MalformedAt {
            line,
            column,
            reason,
            ..
        }) => (line, column, reason),
        other => panic!("expected an error at a line and column, got {other:?}"),
    }
}

#[test]
fn reads_every_column_in_any_order() {
    let csv = "\u{feff}remarks,Type,name,id,aliases,birth_dates,nationalities,gender,documents,colour\n\
               \"a note\",Person,Ivan PETROV,c-1,Vanya; I. Petrov;,1970; 1971-03; 1972-04-05,ru;UA,Male,\
               passport:AB 123:TJ;national_id:998877,blue\n\
               ,organization,ACME LLC,c-2,,,,,,\n";
    let entries = parse_str(csv).expect("parses");
    assert_eq!(entries.len(), 2);
    let ivan = &entries[0];
    assert_eq!(ivan.id, "c-1");
    assert_eq!(ivan.entry_type, EntryType::Person);
    let names: Vec<(&str, NameKind)> = ivan
        .names
        .iter()
        .map(|n| (n.full_name.as_str(), n.kind))
        .collect();
    assert_eq!(
        names,
        [
            ("Ivan PETROV", NameKind::Primary),
            ("Vanya", NameKind::Alias),
            ("I. Petrov", NameKind::Alias),
        ]
    );
    let dates: Vec<String> = ivan.birth_dates.iter().map(ToString::to_string).collect();
    assert_eq!(dates, ["1970", "1971-03", "1972-04-05"]);
    let codes: Vec<&str> = ivan.nationalities.iter().map(|c| c.as_str()).collect();
    assert_eq!(codes, ["RU", "UA"]);
    assert_eq!(ivan.gender, Some(Gender::Male));
    assert_eq!(ivan.remarks.as_deref(), Some("a note"));
    assert_eq!(ivan.documents.len(), 2);
    assert_eq!(ivan.documents[0].kind, DocumentKind::Passport);
    assert_eq!(ivan.documents[0].number, "AB123");
    assert_eq!(
        ivan.documents[0]
            .issuing_country
            .map(|c| c.to_string())
            .as_deref(),
        Some("TJ")
    );
    assert_eq!(ivan.documents[1].issuing_country, None);

    let acme = &entries[1];
    assert_eq!(acme.entry_type, EntryType::Organization);
    assert_eq!((acme.remarks.as_deref(), acme.gender), (None, None));
}

#[test]
fn only_id_and_name_are_needed_and_the_type_defaults_to_person() {
    let entries = parse_str("id,name\n1,Jane Doe\n").expect("parses");
    assert_eq!(entries[0].entry_type, EntryType::Person);
    assert_eq!(entries[0].names.len(), 1);
}

#[test]
fn bad_values_name_their_line_and_column() {
    let header = "id,name,birth_dates,nationalities,type,gender,documents\n";
    let ok = "1,A,,,,,\n";
    for (row, column) in [
        ("2,B,1971-13,,,,", "birth_dates"),
        ("2,B,12.03.1971,,,,", "birth_dates"),
        ("2,B,,Tajikistan,,,", "nationalities"),
        ("2,B,,ZZ,,,", "nationalities"),
        ("2,B,,,company,,", "type"),
        ("2,B,,,,unknown,", "gender"),
        ("2,B,,,,,passport", "documents"),
        ("2,B,,,,,visa:123", "documents"),
        ("2,B,,,,,passport:---", "documents"),
        ("2,B,,,,,passport:1:Tajikistan", "documents"),
        ("2,B,,,,,passport:1:TJ:extra", "documents"),
        (",B,,,,,", "id"),
        ("2, ,,,,,", "name"),
    ] {
        let (line, reason) = error(&format!("{header}{ok}{row}\n"));
        assert_eq!(line, 3, "{row}: {reason}");
        assert!(reason.len() < 300, "{row}: {reason}");
        assert!(
            reason.starts_with(&format!("column {column}:")),
            "{row}: {reason}"
        );
    }
}

#[test]
fn the_header_must_name_id_and_name_once() {
    assert_eq!(error("name,aliases\nA,B\n").0, 1);
    assert!(error("id,aliases\n1,B\n").1.contains("name"));
    assert!(error("id,name,ID\n1,A,2\n").1.contains("twice"));
}

#[test]
fn rows_with_the_wrong_number_of_cells_are_malformed() {
    assert_eq!(error_at("id,name\n1,A\n2,B,extra\n").0, 3);
    let (line, column, reason) = error_at("id,name,remarks\n1,A,x\n2,B\n");
    assert_eq!((line, column), (3, 3));
    assert!(reason.contains("2 cells and the header 3"), "{reason}");
}

#[test]
fn an_unclosed_quote_refuses_the_whole_file_at_the_quote() {
    let mut csv = String::from("id,name,birth_dates\n1,A,1970\n2,\"Layla SARRAFZADEH,1990\n");
    for i in 3..1000 {
        csv.push_str(&format!("{i},Person {i},1980\n"));
    }
    let (line, column, reason) = error_at(&csv);
    assert_eq!((line, column), (3, 3));
    assert!(reason.contains("\"\\\"Layla SARRAFZADEH,1990"), "{reason}");
}

#[test]
fn an_unclosed_quote_in_the_last_column_is_refused_too() {
    let (line, column, reason) = error_at("id,name\n1,A\n2,\"B\n3,C\n4,D\n");
    assert_eq!((line, column), (3, 3));
    assert!(reason.contains("not closed"), "{reason}");
}

#[test]
fn control_characters_are_refused_with_their_place_and_remarks_may_span_lines() {
    let (line, column, reason) = error_at("id,name\n1,Ann\u{0}a\n");
    assert_eq!((line, column), (2, 6));
    assert!(reason.contains("U+0000"), "{reason}");
    assert_eq!(error_at("id,name\n1,\"An\u{2029}na\"\n").1, 6);
    let entries =
        parse_str("id,name,remarks\n1,Anna,\"first line\nsecond\tline\"\n2,Bob,\n").expect("valid");
    assert_eq!(
        entries[0].remarks.as_deref(),
        Some("first line\nsecond\tline")
    );
    assert_eq!(entries.len(), 2);
}

#[test]
fn over_long_values_and_too_many_aliases_are_refused_with_a_short_quote() {
    let long_name = "Абу".repeat(MAX_NAME_BYTES);
    let (line, column, reason) = error_at(&format!("id,name\n1,A\n2,{long_name}\n"));
    assert_eq!((line, column), (3, 3));
    assert!(reason.starts_with("column name:"), "{reason}");
    assert!(reason.len() < 300, "{} bytes", reason.len());
    // 64 characters: "Абу" 21 times and one "А".
    let prefix = format!("{}А…", "Абу".repeat(21));
    assert!(reason.contains(&prefix), "{reason}");

    let aliases = vec!["x"; MAX_ALIASES + 1].join(";");
    let (_, column, reason) = error_at(&format!("id,name,aliases\n1,A,{aliases}\n"));
    assert_eq!(column, 5);
    assert!(reason.starts_with("column aliases:"), "{reason}");
    assert!(
        parse_str(&format!(
            "id,name,aliases\n1,A,{}\n",
            vec!["x"; MAX_ALIASES].join(";")
        ))
        .is_ok()
    );

    let long_id = "i".repeat(MAX_ID_BYTES + 1);
    assert!(
        error_at(&format!("id,name\n{long_id},A\n"))
            .2
            .starts_with("column id:")
    );
    let cell = "z".repeat(MAX_FIELD_BYTES + 1);
    assert_eq!(error_at(&format!("id,name,remarks\n1,A,{cell}\n")).1, 5);
}

#[test]
fn bad_values_are_quoted_by_a_short_prefix() {
    let (_, _, reason) = error_at(&format!("id,name,type\n1,A,{}\n", "q".repeat(50_000)));
    assert!(reason.len() < 200, "{reason}");
    assert!(
        reason.contains(&format!("\"{}…\"", "q".repeat(64))),
        "{reason}"
    );
}

#[test]
fn invalid_utf8_is_malformed_and_garbage_never_panics() {
    assert!(parse("mine.csv", b"id,name\n1,\xff\n").is_err());
    for csv in [
        "",
        "\"",
        "id,name\n\"1,A\n",
        ",,,\n,,,\n",
        "id,name\n1,A,\u{0}\n",
    ] {
        assert!(parse_str(csv).is_err(), "{csv:?}");
    }
}
