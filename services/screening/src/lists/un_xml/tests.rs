use super::*;

const LIST: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<CONSOLIDATED_LIST dateGenerated="2026-02-27">
  <INDIVIDUALS>
    <INDIVIDUAL>
      <DATAID>6908555</DATAID>
      <FIRST_NAME>QUSAY</FIRST_NAME>
      <SECOND_NAME>SADDAM</SECOND_NAME>
      <THIRD_NAME>HUSSEIN</THIRD_NAME>
      <FOURTH_NAME>AL-TIKRITI</FOURTH_NAME>
      <UN_LIST_TYPE>Iraq</UN_LIST_TYPE>
      <REFERENCE_NUMBER>IQi.001</REFERENCE_NUMBER>
      <NAME_ORIGINAL_SCRIPT>قصي صدام حسين التكريتي</NAME_ORIGINAL_SCRIPT>
      <GENDER>Male</GENDER>
      <COMMENTS1>Deceased &amp; buried.</COMMENTS1>
      <NATIONALITY><VALUE>Iraq</VALUE><VALUE>Iran (Islamic Republic of)</VALUE><VALUE>na</VALUE></NATIONALITY>
      <SOMETHING_NEW><VALUE>ignored</VALUE></SOMETHING_NEW>
      <INDIVIDUAL_ALIAS><QUALITY>Good</QUALITY><ALIAS_NAME>QUSAY HUSSEIN</ALIAS_NAME></INDIVIDUAL_ALIAS>
      <INDIVIDUAL_ALIAS><QUALITY>Low</QUALITY><ALIAS_NAME>ABU ALI</ALIAS_NAME>
        <NOTE>original script: ابو علي</NOTE></INDIVIDUAL_ALIAS>
      <INDIVIDUAL_ALIAS><QUALITY>a.k.a.</QUALITY><ALIAS_NAME>Q. HUSSEIN</ALIAS_NAME>
        <DATE_OF_BIRTH>1966-05-17</DATE_OF_BIRTH></INDIVIDUAL_ALIAS>
      <INDIVIDUAL_ALIAS><QUALITY/><ALIAS_NAME/></INDIVIDUAL_ALIAS>
      <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>EXACT</TYPE_OF_DATE><DATE>1965-05-17</DATE></INDIVIDUAL_DATE_OF_BIRTH>
      <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>EXACT</TYPE_OF_DATE><YEAR>1964</YEAR></INDIVIDUAL_DATE_OF_BIRTH>
      <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>APPROXIMATELY</TYPE_OF_DATE><DATE>1960-01-01</DATE></INDIVIDUAL_DATE_OF_BIRTH>
      <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>BETWEEN</TYPE_OF_DATE><FROM_YEAR>1967</FROM_YEAR><TO_YEAR>1969</TO_YEAR></INDIVIDUAL_DATE_OF_BIRTH>
      <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE/></INDIVIDUAL_DATE_OF_BIRTH>
      <INDIVIDUAL_DOCUMENT>
        <TYPE_OF_DOCUMENT>Passport</TYPE_OF_DOCUMENT><NUMBER>OB 0243318</NUMBER>
        <ISSUING_COUNTRY>Democratic Republic of the Congo</ISSUING_COUNTRY>
      </INDIVIDUAL_DOCUMENT>
      <INDIVIDUAL_DOCUMENT>
        <TYPE_OF_DOCUMENT>National Identification Number</TYPE_OF_DOCUMENT>
        <NUMBER>Yemeni national identification number 973406</NUMBER>
        <COUNTRY_OF_ISSUE>Yemen</COUNTRY_OF_ISSUE>
      </INDIVIDUAL_DOCUMENT>
      <INDIVIDUAL_DOCUMENT><TYPE_OF_DOCUMENT>Passport</TYPE_OF_DOCUMENT></INDIVIDUAL_DOCUMENT>
      <INDIVIDUAL_DOCUMENT/>
    </INDIVIDUAL>
  </INDIVIDUALS>
  <ENTITIES>
    <ENTITY>
      <DATAID>6908402</DATAID>
      <FIRST_NAME>ADF</FIRST_NAME>
      <UN_LIST_TYPE>DRC</UN_LIST_TYPE>
      <REFERENCE_NUMBER>CDe.001</REFERENCE_NUMBER>
      <ENTITY_ALIAS><QUALITY>f.k.a.</QUALITY><ALIAS_NAME><![CDATA[ADF/NALU]]></ALIAS_NAME></ENTITY_ALIAS>
    </ENTITY>
  </ENTITIES>
</CONSOLIDATED_LIST>
"#;

fn entries() -> Vec<WatchlistEntry> {
    parse("consolidated.xml", LIST.as_bytes()).expect("parses")
}

#[test]
fn reads_individuals_with_names_in_order_aliases_and_original_script() {
    let entries = entries();
    let names: Vec<(&str, NameKind)> = entries[0]
        .names
        .iter()
        .map(|n| (n.full_name.as_str(), n.kind))
        .collect();
    assert_eq!(
        names,
        [
            ("QUSAY SADDAM HUSSEIN AL-TIKRITI", NameKind::Primary),
            ("QUSAY HUSSEIN", NameKind::Alias),
            ("ABU ALI", NameKind::WeakAlias),
            ("Q. HUSSEIN", NameKind::Alias),
            ("قصي صدام حسين التكريتي", NameKind::OriginalScript),
            ("ابو علي", NameKind::OriginalScript),
        ]
    );
    assert_eq!(entries[0].id, "6908555");
    assert_eq!(entries[0].entry_type, EntryType::Person);
    assert_eq!(entries[0].gender, Some(Gender::Male));
    assert_eq!(entries[0].programs, ["Iraq"]);
    assert_eq!(
        entries[0].remarks.as_deref(),
        Some("UN reference IQi.001. Deceased & buried.")
    );
}

#[test]
fn reads_exact_approximate_and_between_birth_dates() {
    let dates: Vec<String> = entries()[0]
        .birth_dates
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        dates,
        [
            "1965-05-17",
            "1964",
            "1960",
            "1967",
            "1968",
            "1969",
            "1966-05-17"
        ]
    );
}

#[test]
fn reads_nationalities_and_documents_as_codes() {
    let entry = &entries()[0];
    let codes: Vec<&str> = entry.nationalities.iter().map(|c| c.as_str()).collect();
    assert_eq!(codes, ["IQ", "IR"]);
    let documents: Vec<(DocumentKind, &str, Option<&str>)> = entry
        .documents
        .iter()
        .map(|d| {
            (
                d.kind,
                d.number.as_str(),
                d.issuing_country.as_ref().map(|c| c.as_str()),
            )
        })
        .collect();
    assert_eq!(
        documents,
        [
            (DocumentKind::Passport, "OB0243318", Some("CD")),
            (DocumentKind::NationalId, "973406", Some("YE")),
        ]
    );
}

#[test]
fn reads_entities_as_organisations() {
    let entries = entries();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[1].entry_type, EntryType::Organization);
    assert_eq!(entries[1].names[1].full_name, "ADF/NALU");
    assert_eq!(entries[1].remarks.as_deref(), Some("UN reference CDe.001."));
}

#[test]
fn pulls_the_number_out_of_free_text_document_numbers() {
    for (raw, expected) in [
        ("CAR diplomatic passport no. D00000898", Some("D00000898")),
        ("381110042 (Expired 25 Jan. 2016)", Some("381110042")),
        ("Diplomatic Passport: Z30321794", Some("Z30321794")),
        (
            "German travel document (“Reiseausweis”) A 0139243",
            Some("A0139243"),
        ),
        ("Libyan Passport No. 96/184442", Some("96184442")),
        ("1-78-09-44621-80", Some("178094462180")),
        (
            "Central African Republic armed forces (FACA) Military identification",
            None,
        ),
        ("", None),
        ("(((", None),
        (")))", None),
    ] {
        assert_eq!(document_number(raw).as_deref(), expected, "{raw}");
    }
}

fn error(xml: &str) -> ImportError {
    parse("un.xml", xml.as_bytes()).expect_err("malformed")
}

#[test]
fn broken_xml_names_the_line() {
    let err =
        error("<CONSOLIDATED_LIST>\n<INDIVIDUALS>\n<INDIVIDUAL></WRONG>\n</CONSOLIDATED_LIST>");
    assert!(
        matches!(err, ImportError::Malformed { line: 3, .. }),
        "{err}"
    );
    let err = error("<CONSOLIDATED_LIST>\n<INDIVIDUALS>\n");
    assert!(matches!(err, ImportError::Malformed { .. }), "{err}");
}

#[test]
fn an_entry_without_id_or_name_is_malformed() {
    let err = error(
        "<CONSOLIDATED_LIST>\n<ENTITIES>\n<ENTITY><FIRST_NAME>X</FIRST_NAME></ENTITY>\n</ENTITIES></CONSOLIDATED_LIST>",
    );
    assert!(
        matches!(err, ImportError::Malformed { line: 3, .. }),
        "{err}"
    );
    let err = error(
        "<CONSOLIDATED_LIST><ENTITIES><ENTITY><DATAID>1</DATAID><FIRST_NAME> </FIRST_NAME></ENTITY></ENTITIES></CONSOLIDATED_LIST>",
    );
    assert!(
        matches!(err, ImportError::Malformed { line: 1, .. }),
        "{err}"
    );
}

#[test]
fn another_document_is_not_taken_for_the_un_list() {
    let err = error("<sdnList><sdnEntry/></sdnList>");
    assert!(matches!(err, ImportError::Invalid { .. }), "{err}");
    assert!(matches!(error(""), ImportError::Invalid { .. }));
    assert!(matches!(error("<a/><b/>"), ImportError::Invalid { .. }));
    assert!(matches!(
        error("<CONSOLIDATED_LIST/><b/>"),
        ImportError::Malformed { .. }
    ));
}

#[test]
fn deep_nesting_and_garbage_never_panic() {
    for deep in [
        format!("<CONSOLIDATED_LIST>{}", "<a>".repeat(100_000)),
        format!(
            "<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL>{}",
            "<a>".repeat(100_000)
        ),
    ] {
        let err = error(&deep);
        assert!(
            matches!(&err, ImportError::Malformed { reason, .. } if reason.contains("deeply")),
            "{err}"
        );
    }
    for xml in [
        "<",
        "<CONSOLIDATED_LIST>&bogus;</CONSOLIDATED_LIST>",
        "<CONSOLIDATED_LIST>&#0;</CONSOLIDATED_LIST>",
        "<?xml version=\"1.0\"?>",
        "</a>",
        "\u{feff}<CONSOLIDATED_LIST/>",
        "<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><DATAID>1</DATAID><FIRST_NAME>A</FIRST_NAME>\
         <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>BETWEEN</TYPE_OF_DATE><FROM_YEAR>99999</FROM_YEAR>\
         <TO_YEAR>0</TO_YEAR><DATE>x</DATE><YEAR>-1</YEAR></INDIVIDUAL_DATE_OF_BIRTH>\
         </INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>",
    ] {
        let _ = parse("un.xml", xml.as_bytes());
    }
    assert!(parse("un.xml", b"<CONSOLIDATED_LIST>\xff</CONSOLIDATED_LIST>").is_err());
}

/// A list document holding `count` copies of `element` in a group called `group`.
fn padded(group: &str, element: &str, count: usize) -> String {
    format!(
        "<CONSOLIDATED_LIST>\n<{group}>{}</{group}></CONSOLIDATED_LIST>",
        element.repeat(count)
    )
}

#[test]
fn empty_elements_outside_the_entries_are_refused_after_a_bounded_number() {
    let xml = padded("NOISE", "<a/>", 5_000_000);
    let err = error(&xml);
    assert!(
        matches!(&err, ImportError::Malformed { line: 2, reason, .. }
            if reason.contains("outside the list's entries")),
        "{err}"
    );
    let within = padded("NOISE", "<a/>", tree::MAX_ELEMENTS_OUTSIDE_ENTRIES - 2);
    assert!(
        parse("un.xml", within.as_bytes())
            .expect("within the bound")
            .is_empty()
    );
}

#[test]
fn an_entry_of_too_many_elements_or_too_much_text_is_refused() {
    let entry = |inner: &str| {
        format!("<INDIVIDUAL><DATAID>1</DATAID><FIRST_NAME>A</FIRST_NAME>{inner}</INDIVIDUAL>")
    };
    let many = entry(&"<x/>".repeat(tree::MAX_ELEMENTS_PER_ENTRY));
    let err = error(&padded("INDIVIDUALS", &many, 1));
    assert!(
        matches!(&err, ImportError::Malformed { reason, .. } if reason.contains("elements")),
        "{err}"
    );
    let long = entry(&format!(
        "<COMMENTS1>{}</COMMENTS1>",
        "x".repeat(tree::MAX_TEXT_PER_ENTRY)
    ));
    let err = error(&padded("INDIVIDUALS", &long, 1));
    assert!(
        matches!(&err, ImportError::Malformed { reason, .. } if reason.contains("text")),
        "{err}"
    );
    let fine = entry(&"<x/>".repeat(tree::MAX_ELEMENTS_PER_ENTRY - 3));
    let parsed = parse("un.xml", padded("INDIVIDUALS", &fine, 1).as_bytes());
    assert_eq!(parsed.expect("within the bounds").len(), 1);
}

#[test]
fn an_entry_with_absurdly_many_names_is_refused() {
    let aliases = "<INDIVIDUAL_ALIAS><ALIAS_NAME>A B</ALIAS_NAME></INDIVIDUAL_ALIAS>"
        .repeat(MAX_NAMES_PER_ENTRY);
    let entry =
        format!("<INDIVIDUAL><DATAID>1</DATAID><FIRST_NAME>A</FIRST_NAME>{aliases}</INDIVIDUAL>");
    let err = error(&padded("INDIVIDUALS", &entry, 1));
    assert!(
        matches!(&err, ImportError::Malformed { reason, .. } if reason.contains("names")),
        "{err}"
    );
}

#[test]
fn long_element_names_and_ids_are_cut_in_messages() {
    let name = "N".repeat(10_000);
    for xml in [
        format!("<{name}/>"),
        format!("<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><{name}>"),
        format!("<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><a></{name}>"),
        format!(
            "<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><DATAID>{name}</DATAID>\
             </INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>"
        ),
    ] {
        let message = error(&xml).to_string();
        assert!(
            message.len() < 400,
            "{} bytes: {}",
            message.len(),
            &message[..400]
        );
    }
}
