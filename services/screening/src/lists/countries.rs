//! Country names as the public lists write them, turned into ISO 3166-1 alpha-2 codes.
//!
//! OFAC and the UN publish nationalities and issuing countries as English names. A name that
//! neither the table below nor `celes` knows is dropped: a missing nationality costs a little
//! recall, a wrongly guessed one silently moves a screening score.

use person::CountryCode;
use unicode_normalization::UnicodeNormalization;

/// Names the lists use that `celes` 2.8 does not resolve, keyed by the folded form `fold`
/// produces. Built by running every nationality and document country of the OFAC SDN
/// (2021-07, 2024-04-26, 2024-05-03), OFAC consolidated (2025-12) and UN consolidated
/// (2026-02) lists in `shared/data/watchlists` through `celes` and reading the misses (the
/// test in `country_coverage.rs` repeats that check); the UN's other bracketed official names
/// ("Bolivia (Plurinational State of)") are added because they follow the same pattern.
/// Demonyms appear because OFAC writes "nationality Palestinian" and "nationality Eritrean".
const LIST_NAMES: &[(&str, &str)] = &[
    // OFAC: the name first, its qualifier after a comma.
    ("congodemocraticrepublicofthe", "CD"),
    ("congorepublicofthe", "CG"),
    ("koreanorth", "KP"),
    ("koreasouth", "KR"),
    ("macedoniatheformeryugoslavrepublicof", "MK"),
    ("northmacedoniatherepublicof", "MK"),
    ("maneisleof", "IM"),
    ("virginislandsbritish", "VG"),
    ("palestinian", "PS"),
    ("eritrean", "ER"),
    // UN: official names with a bracketed qualifier.
    ("iranislamicrepublicof", "IR"),
    ("boliviaplurinationalstateof", "BO"),
    ("venezuelabolivarianrepublicof", "VE"),
    ("micronesiafederatedstatesof", "FM"),
];

/// The ISO code for a country name, or `None` when the name is unknown or not a country
/// ("Region: Gaza", "former Soviet Union").
pub(super) fn code_for_name(name: &str) -> Option<CountryCode> {
    let name = name.trim().trim_end_matches('.').trim();
    code_for_exact_name(name).or_else(|| {
        // OFAC appends notes: "Cabo Verde.  Previously Cape Verde."
        let (first_sentence, _) = name.split_once(". ")?;
        code_for_exact_name(first_sentence)
    })
}

fn code_for_exact_name(name: &str) -> Option<CountryCode> {
    lookup(&fold(name)).or_else(|| {
        // OFAC writes "Korea, North" and "Virgin Islands, British"; read the other way round
        // these are names `celes` knows.
        let (head, tail) = name.split_once(',')?;
        lookup(&fold(&format!("{tail} {head}")))
    })
}

fn lookup(key: &str) -> Option<CountryCode> {
    if key.is_empty() {
        return None;
    }
    if let Some((_, code)) = LIST_NAMES.iter().find(|(name, _)| *name == key) {
        return code.parse().ok();
    }
    // `from_name` first: `celes` lists "samoa" as an alias of American Samoa, while the
    // state's own name is Samoa.
    let country = celes::Country::from_name(key)
        .or_else(|_| celes::Country::from_name(format!("the{key}")))
        .or_else(|_| celes::Country::from_alias(key))
        .ok()?;
    country.alpha2.parse().ok()
}

/// Lower-case ASCII letters and digits only, accents removed: "Côte d'Ivoire" → "cotedivoire",
/// the shape of `celes`' keys.
fn fold(name: &str) -> String {
    name.nfd()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(name: &str) -> Option<String> {
        code_for_name(name).map(|c| c.to_string())
    }

    #[test]
    fn resolves_the_names_both_lists_use() {
        for (name, expected) in [
            ("Iran", "IR"),
            ("Iran (Islamic Republic of)", "IR"),
            ("Democratic Republic of the Congo", "CD"),
            ("Congo, Democratic Republic of the", "CD"),
            ("Congo", "CG"),
            ("Syrian Arab Republic", "SY"),
            ("Syria", "SY"),
            ("Russian Federation", "RU"),
            ("Russia", "RU"),
            ("United Kingdom of Great Britain and Northern Ireland", "GB"),
            ("United Kingdom", "GB"),
            ("Korea, North", "KP"),
            ("Democratic People's Republic of Korea", "KP"),
            ("Korea, South", "KR"),
            ("Burma", "MM"),
            ("Côte d'Ivoire", "CI"),
            ("Türkiye", "TR"),
            ("Turkey", "TR"),
            ("Palestinian", "PS"),
            ("State of Palestine", "PS"),
            ("Samoa", "WS"),
            ("Virgin Islands, British", "VG"),
            ("Man, Isle of", "IM"),
            ("United Republic of Tanzania", "TZ"),
            ("Kosovo", "XK"),
            ("The Gambia", "GM"),
            ("  mexico. ", "MX"),
        ] {
            assert_eq!(code(name).as_deref(), Some(expected), "{name}");
        }
    }

    #[test]
    fn drops_names_that_are_not_countries_instead_of_guessing() {
        for name in [
            "Region: Gaza",
            "former Soviet Union",
            "na",
            "",
            "Korea",
            "Atlantis",
        ] {
            assert_eq!(code(name), None, "{name}");
        }
    }
}
