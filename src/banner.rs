//! The lists part of the stack's banner: every list screening serves, as it serves it, so
//! that the banner never announces a list that is not the one loaded.

use screening::domain::catalog::Snapshot;

/// What the banner says of one served list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServedList {
    pub name: String,
    pub format: &'static str,
    pub entries: usize,
    pub version: String,
}

pub fn served(lists: &Snapshot) -> Vec<ServedList> {
    lists
        .values()
        .map(|list| ServedList {
            name: list.name.clone(),
            format: list.format.as_str(),
            entries: list.entries.len(),
            version: list.version.clone(),
        })
        .collect()
}

/// One line per list, aligned, and a note when the list under the demo list's name is not
/// the built-in demo list (`demo_version`): an import of that name, stored in screening's
/// database, wins over the file at start-up.
pub fn lines(lists: &[ServedList], demo_name: &str, demo_version: &str) -> String {
    let width = lists.iter().map(|l| l.name.len()).max().unwrap_or(0);
    let mut out = String::new();
    for list in lists {
        out.push_str(&format!(
            "    {:width$}  {:8}  {:>7} entries  version {}\n",
            list.name, list.format, list.entries, list.version
        ));
        if list.name == demo_name && list.version != demo_version {
            out.push_str(&format!(
                "    {:width$}  (an imported list of this name, stored in screening's database, \
                 is served instead of the built-in demo list)\n",
                ""
            ));
        }
    }
    if lists.is_empty() {
        out.push_str("    none\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(name: &str, format: &'static str, entries: usize, version: &str) -> ServedList {
        ServedList {
            name: name.into(),
            format,
            entries,
            version: version.into(),
        }
    }

    #[test]
    fn every_served_list_is_named_with_format_entries_and_version() {
        let text = lines(
            &[
                list("demo", "csv", 10, "d1"),
                list("ofac-sdn", "ofac-csv", 8976, "o1"),
            ],
            "demo",
            "d1",
        );
        assert_eq!(
            text,
            "    demo      csv            10 entries  version d1\n    \
             ofac-sdn  ofac-csv     8976 entries  version o1\n"
        );
    }

    #[test]
    fn a_list_served_under_the_demo_name_that_is_not_the_demo_list_is_called_out() {
        let text = lines(&[list("demo", "csv", 3, "imported")], "demo", "d1");
        assert!(text.contains("entries  version imported"), "{text}");
        assert!(
            text.contains("is served instead of the built-in demo list"),
            "{text}"
        );
    }
}
