//! A watchlist entry as the matcher sees it, whatever format it came from.

use person::{CountryCode, Gender, IdentityDocument, PartialDate};
use sha2::{Digest, Sha256};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatchlistEntry {
    /// The list's own identifier: OFAC `ent_num`, UN `DATAID`, the `id` column of a CSV list.
    pub id: String,
    pub entry_type: EntryType,
    /// Every name; the first is the primary name.
    pub names: Vec<EntryName>,
    pub birth_dates: Vec<PartialDate>,
    pub nationalities: Vec<CountryCode>,
    pub gender: Option<Gender>,
    pub documents: Vec<IdentityDocument>,
    /// Sanctions programmes or regimes (`SDGT`, `IRAN`, UN list type `Al-Qaida`).
    pub programs: Vec<String>,
    pub remarks: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntryType {
    Person,
    Organization,
    Vessel,
    Aircraft,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryName {
    /// As written on the list, including "FAMILY, Given" order and original script.
    pub full_name: String,
    pub kind: NameKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NameKind {
    Primary,
    /// A strong alias (OFAC "a.k.a.", UN quality "Good"/"a.k.a.").
    Alias,
    /// A weak alias (OFAC "f.k.a."/"n.k.a." stay strong; OFAC "weak" and UN quality "Low" are weak).
    WeakAlias,
    /// The name in its original script (UN `NAME_ORIGINAL_SCRIPT`).
    OriginalScript,
}

impl WatchlistEntry {
    /// An entry of `entry_type` known by `names` alone (the first primary, the others
    /// aliases), for the tests that need one (this crate's and its users').
    pub fn named(id: &str, entry_type: EntryType, names: &[&str]) -> Self {
        Self {
            id: id.to_owned(),
            entry_type,
            names: names
                .iter()
                .enumerate()
                .map(|(i, name)| {
                    let kind = if i == 0 {
                        NameKind::Primary
                    } else {
                        NameKind::Alias
                    };
                    EntryName::new(*name, kind)
                })
                .collect(),
            birth_dates: Vec::new(),
            nationalities: Vec::new(),
            gender: None,
            documents: Vec::new(),
            programs: Vec::new(),
            remarks: None,
        }
    }

    pub fn primary_name(&self) -> &str {
        self.names.first().map_or("", |n| n.full_name.as_str())
    }

    /// A hash of everything screening uses from the entry, so that a reviewer's decision can
    /// be tied to the entry as it was reviewed. Each field is length-prefixed so that no two
    /// different entries encode alike.
    pub fn content_version(&self) -> String {
        let mut hasher = Sha256::new();
        let mut field = |value: &str| {
            hasher.update((value.len() as u64).to_le_bytes());
            hasher.update(value.as_bytes());
        };
        field(&self.id);
        field(&format!("{:?}", self.entry_type));
        for name in &self.names {
            field(&format!("{:?}", name.kind));
            field(&name.full_name);
        }
        for date in &self.birth_dates {
            field(&date.to_string());
        }
        for country in &self.nationalities {
            field(country.as_str());
        }
        field(&format!("{:?}", self.gender));
        for document in &self.documents {
            field(&document.number);
            field(
                &document
                    .issuing_country
                    .map(|c| c.to_string())
                    .unwrap_or_default(),
            );
        }
        hex::encode(&hasher.finalize()[..16])
    }
}

impl EntryName {
    pub fn new(full_name: impl Into<String>, kind: NameKind) -> Self {
        Self {
            full_name: full_name.into(),
            kind,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> WatchlistEntry {
        WatchlistEntry {
            id: "1".into(),
            entry_type: EntryType::Person,
            names: vec![EntryName::new("Ivan PETROV", NameKind::Primary)],
            birth_dates: vec!["1970".parse().expect("a date")],
            nationalities: Vec::new(),
            gender: None,
            documents: Vec::new(),
            programs: vec!["X".into()],
            remarks: None,
        }
    }

    #[test]
    fn the_content_version_changes_with_what_screening_uses_and_only_that() {
        let original = entry();
        let mut renamed = entry();
        renamed
            .names
            .push(EntryName::new("Ivan PETROFF", NameKind::Alias));
        let mut redated = entry();
        redated.birth_dates = vec!["1971".parse().expect("a date")];
        let mut reprogrammed = entry();
        reprogrammed.programs = vec!["Y".into()];

        assert_eq!(original.content_version(), entry().content_version());
        assert_ne!(original.content_version(), renamed.content_version());
        assert_ne!(original.content_version(), redated.content_version());
        assert_eq!(original.content_version(), reprogrammed.content_version());
    }
}
