use super::*;

const SDN_ROW: &str = "1,\"A\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n";

#[test]
fn a_list_without_entries_is_empty() {
    let files = ListFiles::new().with_file("list.csv", b"id,name\n".to_vec());
    assert!(matches!(
        parse(ListFormat::Csv, &files),
        Err(ImportError::Empty)
    ));
    let files = ListFiles::new().with_file("un.xml", b"<CONSOLIDATED_LIST/>".to_vec());
    assert!(matches!(
        parse(ListFormat::UnXml, &files),
        Err(ImportError::Empty)
    ));
}

#[test]
fn a_repeated_id_is_rejected() {
    let files = ListFiles::new().with_file("list.csv", b"id,name\n7,A\n7,B\n".to_vec());
    let err = parse(ListFormat::Csv, &files).expect_err("duplicate");
    assert!(
        matches!(err, ImportError::DuplicateId { ref id } if id == "7"),
        "{err}"
    );
}

#[test]
fn the_sdn_and_consolidated_lists_may_not_share_an_entry() {
    let files = ListFiles::new()
        .with_file("sdn.csv", SDN_ROW.into())
        .with_file("cons_prim.csv", SDN_ROW.into());
    let err = parse(ListFormat::OfacCsv, &files).expect_err("duplicate");
    assert!(matches!(err, ImportError::DuplicateId { .. }), "{err}");
}

#[test]
fn single_file_formats_take_exactly_one_file() {
    let none = ListFiles::new();
    assert!(matches!(
        parse(ListFormat::Csv, &none),
        Err(ImportError::MissingFile { .. })
    ));
    let two = ListFiles::new()
        .with_file("a.csv", b"id,name\n1,A\n".to_vec())
        .with_file("b.csv", b"id,name\n2,B\n".to_vec());
    assert!(matches!(
        parse(ListFormat::Csv, &two),
        Err(ImportError::Invalid { .. })
    ));
}

#[test]
fn read_files_takes_the_ofac_companion_files_and_nothing_else() {
    let dir = tempfile::tempdir().expect("temp dir");
    for name in ["sdn.csv", "alt.csv", "sdn_comments.csv", "notes.txt"] {
        std::fs::write(dir.path().join(name), SDN_ROW).expect("write");
    }
    let files = read_files(ListFormat::OfacCsv, dir.path()).expect("reads");
    assert_eq!(
        files.names().collect::<Vec<_>>(),
        ["alt.csv", "sdn.csv", "sdn_comments.csv"]
    );
}

#[test]
fn read_files_reports_a_folder_without_an_ofac_list_as_missing() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("alt.csv"), SDN_ROW).expect("write");
    let err = read_files(ListFormat::OfacCsv, dir.path()).expect_err("missing");
    assert!(
        matches!(err, ImportError::MissingFile { ref file } if file.ends_with("sdn.csv")),
        "{err}"
    );
}

#[test]
fn read_files_reads_a_single_ofac_file_as_sdn_csv() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("sdn-2024-04-26.csv");
    std::fs::write(&path, SDN_ROW).expect("write");
    let files = read_files(ListFormat::OfacCsv, &path).expect("reads");
    assert_eq!(files.names().collect::<Vec<_>>(), ["sdn.csv"]);
    assert_eq!(parse(ListFormat::OfacCsv, &files).expect("parses").len(), 1);
}

#[test]
fn read_files_keeps_the_name_of_a_single_file_list() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("clients.csv");
    std::fs::write(&path, "id,name\n1,A\nx").expect("write");
    let files = read_files(ListFormat::Csv, &path).expect("reads");
    let err = parse(ListFormat::Csv, &files).expect_err("short row");
    assert!(err.to_string().starts_with("clients.csv, line 3"), "{err}");
    let missing = read_files(ListFormat::UnXml, &dir.path().join("nope.xml"));
    assert!(matches!(missing, Err(ImportError::Io { .. })));
}

#[test]
fn the_same_content_under_another_file_name_is_the_same_version() {
    let content = b"id,name\n1,Ivan Petrov\n".to_vec();
    for format in [ListFormat::Csv, ListFormat::UnXml] {
        let one = ListFiles::new().with_file("list.csv", content.clone());
        let other = ListFiles::new().with_file("/lists/2024-05-03/own.csv", content.clone());
        assert_eq!(one.version(format), other.version(format), "{format:?}");
    }
    let changed = ListFiles::new().with_file("list.csv", b"id,name\n1,Ivan Petrova\n".to_vec());
    assert_ne!(
        changed.version(ListFormat::Csv),
        ListFiles::new()
            .with_file("list.csv", content)
            .version(ListFormat::Csv)
    );
}

#[test]
fn an_ofac_file_under_another_role_is_another_version() {
    let as_sdn = ListFiles::new().with_file("sdn.csv", SDN_ROW.into());
    let as_consolidated = ListFiles::new().with_file("cons_prim.csv", SDN_ROW.into());
    assert_ne!(
        as_sdn.version(ListFormat::OfacCsv),
        as_consolidated.version(ListFormat::OfacCsv)
    );
}
