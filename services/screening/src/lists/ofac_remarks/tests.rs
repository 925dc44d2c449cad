use super::*;

fn dates(remarks: &str) -> Vec<String> {
    parse(remarks)
        .birth_dates
        .iter()
        .map(ToString::to_string)
        .collect()
}

fn nationalities(remarks: &str) -> Vec<String> {
    parse(remarks)
        .nationalities
        .iter()
        .map(ToString::to_string)
        .collect()
}

fn names(remarks: &str) -> Vec<(String, NameKind)> {
    parse(remarks)
        .aliases
        .into_iter()
        .map(|n| (n.full_name, n.kind))
        .collect()
}

#[test]
fn reads_every_birth_date_style_ofac_uses() {
    assert_eq!(dates("DOB 10 Dec 1948."), ["1948-12-10"]);
    assert_eq!(dates("DOB Dec 1948"), ["1948-12"]);
    assert_eq!(dates("DOB 1962; POB Shati."), ["1962"]);
    assert_eq!(dates("DOB circa 1970"), ["1970"]);
    assert_eq!(dates("DOB circa 12 Mar 1970"), ["1970"]);
    assert_eq!(dates("DOB 1955 to 1958"), ["1955", "1956", "1957", "1958"]);
    assert_eq!(dates("DOB circa 1960-1961"), ["1960", "1961"]);
    assert_eq!(dates("DOB 01 Mar 1970 to 30 Mar 1970"), ["1970-03"]);
    assert_eq!(dates("DOB 01 Jan 1969 to 31 Dec 1970"), ["1969", "1970"]);
    assert_eq!(
        dates("DOB 19 Jun 1951; alt. DOB 1952; alt. DOB 19 Jun 1951"),
        ["1951-06-19", "1952"]
    );
    assert_eq!(dates("DOB 1900 to 1990").len(), 10);
}

#[test]
fn unreadable_birth_dates_are_skipped_not_guessed() {
    for remarks in [
        "DOB unknown",
        "DOB 31 Foo 1970",
        "DOB 99 Jan 1970",
        "DOB 1958 to 1955",
        "DOB 0000",
        "DOB ",
        "DOB to",
        "DOB 12 12 12 12",
    ] {
        assert!(dates(remarks).is_empty(), "{remarks}");
    }
    assert_eq!(dates("DOB 31 Feb 1970"), ["1970-02"]);
}

#[test]
fn reads_quoted_aliases_with_apostrophes_and_weak_markers() {
    assert_eq!(
        names("a.k.a. 'BNC'; f.k.a. 'AL-QA'IDA'; n.k.a. 'NEW NAME'; a.k.a. 'ABU X' (weak)."),
        [
            ("BNC".to_owned(), NameKind::Alias),
            ("AL-QA'IDA".to_owned(), NameKind::Alias),
            ("NEW NAME".to_owned(), NameKind::Alias),
            ("ABU X".to_owned(), NameKind::WeakAlias),
        ]
    );
    assert_eq!(
        names("a.k.a. ''FOOPIE''."),
        [("'FOOPIE'".to_owned(), NameKind::Alias)]
    );
    assert_eq!(
        names("a.k.a. UNQUOTED NAME."),
        [("UNQUOTED NAME".to_owned(), NameKind::Alias)]
    );
    assert!(names("a.k.a. ''; a.k.a.; a.k.a. '").is_empty());
}

#[test]
fn a_truncated_alias_still_yields_its_name() {
    assert_eq!(
        names("a.k.a. 'tianyinyin0404'; a.k.a. 'snowsjo"),
        [
            ("tianyinyin0404".to_owned(), NameKind::Alias),
            ("snowsjo".to_owned(), NameKind::Alias),
        ]
    );
}

#[test]
fn reads_nationalities_and_citizenships_as_codes() {
    assert_eq!(
        nationalities(
            "nationality Iran; alt. nationality Syria; citizen Iran; Nationality: Korea, North."
        ),
        ["IR", "SY", "KP"]
    );
    assert_eq!(nationalities("Nationality of Registration Russia"), ["RU"]);
    assert_eq!(
        nationalities("nationality Cabo Verde.  Previously Cape Verde."),
        ["CV"]
    );
    assert!(nationalities("nationality Region: Gaza; citizen Atlantis; citizen").is_empty());
    assert!(nationalities("Citizen's Card Number 211226197812154256 (China)").is_empty());
}

#[test]
fn reads_passports_and_national_ids_with_their_countries() {
    let facts = parse(
        "DOB 19 Jun 1951; POB Giza, Egypt; Passport 1084010 (Egypt); alt. Passport 19820215; \
         National ID No. 216040 (Yemen); Passport RL 1794375 (Lebanon) issued 01 Jan 2010 \
         expires 01 Jan 2020; Cedula No. 6.068.015 (Colombia); Tax ID No. 7744001497 (Russia).",
    );
    let documents: Vec<(DocumentKind, &str, Option<&str>)> = facts
        .documents
        .iter()
        .map(|d| {
            (
                d.kind,
                d.number.as_str(),
                d.issuing_country.as_ref().map(CountryCode::as_str),
            )
        })
        .collect();
    assert_eq!(
        documents,
        [
            (DocumentKind::Passport, "1084010", Some("EG")),
            (DocumentKind::Passport, "19820215", None),
            (DocumentKind::NationalId, "216040", Some("YE")),
            (DocumentKind::Passport, "RL1794375", Some("LB")),
            (DocumentKind::NationalId, "6068015", Some("CO")),
            (DocumentKind::TaxId, "7744001497", Some("RU")),
        ]
    );
}

#[test]
fn brackets_inside_a_number_stay_part_of_it() {
    let facts = parse(
        "National ID No. D489833(9) (Hong Kong); National ID No. 12/BAHANA(N)010023 (Burma); \
         National ID No. 32071216470 (Texas) (United States); Passport C234897(0)",
    );
    let documents: Vec<(&str, Option<&str>)> = facts
        .documents
        .iter()
        .map(|d| {
            (
                d.number.as_str(),
                d.issuing_country.as_ref().map(CountryCode::as_str),
            )
        })
        .collect();
    assert_eq!(
        documents,
        [
            ("D4898339", Some("HK")),
            ("12BAHANAN010023", Some("MM")),
            ("32071216470", Some("US")),
            ("C2348970", None),
        ]
    );
}

#[test]
fn prose_after_a_document_label_is_not_a_number() {
    let facts = parse("Passport issued by the consulate; Passport; National ID No. (Iran)");
    assert!(facts.documents.is_empty(), "{:?}", facts.documents);
}

#[test]
fn reads_gender_and_keeps_the_first_when_repeated() {
    assert_eq!(parse("Gender Male.").gender, Some(Gender::Male));
    assert_eq!(
        parse("Gender Female; Gender Male").gender,
        Some(Gender::Female)
    );
    assert_eq!(parse("Gender Unknown").gender, None);
}

#[test]
fn ignores_what_it_does_not_understand_and_never_panics() {
    for remarks in [
        "",
        ";;;",
        "Linked To: LAZARUS GROUP.",
        "alt. ",
        "DOB",
        "a.k.a.",
        "Passport (",
        "Passport 1 (",
        "Passport 1 )(",
        "nationality",
        "Gender",
        "é; ü; 日本; DOB é; a.k.a. 'é",
        "\u{1a}",
    ] {
        let facts = parse(remarks);
        assert!(
            facts.birth_dates.is_empty() && facts.nationalities.is_empty(),
            "{remarks}"
        );
    }
}
