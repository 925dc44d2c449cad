//! A watchlist entry as the matcher sees it, whatever format it came from.

use person::{CountryCode, Gender, IdentityDocument, PartialDate};

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
    pub fn primary_name(&self) -> &str {
        self.names.first().map_or("", |n| n.full_name.as_str())
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
