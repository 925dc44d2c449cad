//! Turning a name as written into Latin words.
//!
//! Steps, in order: "FAMILY, Given" read as "Given FAMILY"; words run together in camel case
//! split ("RamiMakhlouf"); compatibility decomposition (NFKD) so that ligatures, full-width
//! and presentation forms become plain letters; removal of combining marks (diacritics,
//! Arabic vowel signs and hamza); apostrophes dropped so that O'Brien and Sa'd stay whole;
//! each word transliterated — Arabic script with `arabic::transliterate`, everything else
//! with `any_ascii` — and lower-cased.

use any_ascii::any_ascii;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use super::arabic;

/// One word of a name in Latin letters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// Lower-case ASCII letters and digits.
    pub text: String,
    /// Written in an abjad (Arabic or Hebrew script), which leaves short vowels out.
    pub abjad: bool,
    /// Names a father or forebear: it follows a patronymic connector (bin, ibn, ould).
    pub lineage: bool,
}

/// Generational suffixes, which a comma separates from the name rather than from a family
/// name ("LAVILLA, JR").
const SUFFIXES: &[&str] = &["jr", "sr", "ii", "iii", "iv"];

/// Apostrophes and the letters lists use for ʿayn and hamza: they join rather than split.
fn is_apostrophe(c: char) -> bool {
    matches!(
        c,
        '\'' | '’' | '‘' | 'ʼ' | 'ʻ' | 'ʿ' | 'ʾ' | '`' | '´' | '"' | 'ʹ' | 'ʺ'
    )
}

fn is_hebrew(c: char) -> bool {
    matches!(c, '\u{0590}'..='\u{05FF}')
}

/// The words of a name, in reading order, transliterated to Latin.
pub fn words(name: &str) -> Vec<Word> {
    let ordered = given_name_first(name);
    let separated = split_camel_case(&ordered);
    let cleaned: String = separated
        .nfkd()
        .filter(|c| !is_combining_mark(*c) && !is_apostrophe(*c) && *c != 'ـ')
        .collect();
    let mut words = Vec::new();
    for raw in cleaned
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let (latin, abjad) = if raw.chars().any(arabic::is_arabic_script) {
            (arabic::transliterate(raw), true)
        } else {
            (any_ascii(raw), raw.chars().any(is_hebrew))
        };
        // Transliteration writes some letters (Cyrillic ь ъ, Ethiopic glottals) as
        // apostrophes, which romanisations on passports and lists leave out.
        let latin: String = latin
            .chars()
            .filter(|c| !is_apostrophe(*c))
            .flat_map(char::to_lowercase)
            .collect();
        words.extend(
            latin
                .split(|c: char| !c.is_ascii_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(|text| Word {
                    text: text.to_owned(),
                    abjad,
                    lineage: false,
                }),
        );
    }
    words
}

/// "FAMILY, Given" → "Given FAMILY", as lists write the family name first. A name with
/// more than one comma, or a generational suffix after the comma, is left as it is.
fn given_name_first(name: &str) -> String {
    let mut pieces = name.split(',');
    let (Some(family), Some(given), None) = (pieces.next(), pieces.next(), pieces.next()) else {
        return name.to_owned();
    };
    let given = given.trim();
    let is_suffix = SUFFIXES.contains(&given.trim_end_matches('.').to_lowercase().as_str());
    if family.trim().is_empty() || given.is_empty() || is_suffix {
        return name.to_owned();
    }
    format!("{given} {}", family.trim())
}

/// "RamiMakhlouf" → "Rami Makhlouf". Only after a capitalised run of four letters or more,
/// so that McDonald, MacArthur, DeShawn and LaToya stay whole.
fn split_camel_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    let mut word_len = 0;
    let mut previous_lower = false;
    for c in name.chars() {
        if c.is_ascii_uppercase() && previous_lower && word_len >= 4 {
            out.push(' ');
            word_len = 0;
        }
        out.push(c);
        word_len = if c.is_alphabetic() { word_len + 1 } else { 0 };
        previous_lower = c.is_ascii_lowercase();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(name: &str) -> Vec<String> {
        words(name).into_iter().map(|w| w.text).collect()
    }

    #[test]
    fn strips_diacritics_and_case() {
        assert_eq!(texts("José ÁLVAREZ-Núñez"), ["jose", "alvarez", "nunez"]);
    }

    #[test]
    fn transliterates_cyrillic_with_central_asian_letters() {
        assert_eq!(texts("Шамсиддин Раҳмонов"), ["shamsiddin", "rahmonov"]);
        assert_eq!(texts("Ғайрат Қодиров"), ["ghairat", "qodirov"]);
    }

    #[test]
    fn transliterates_arabic_script_as_an_abjad() {
        let words = words("محمد");
        assert_eq!(words[0].text, "mhmd");
        assert!(words[0].abjad);
        assert!(!super::words("Muhammad")[0].abjad);
    }

    #[test]
    fn drops_cyrillic_soft_and_hard_signs() {
        assert_eq!(texts("Гульнара Объедкова"), ["gulnara", "obedkova"]);
    }

    #[test]
    fn joins_apostrophes_inside_names() {
        assert_eq!(texts("O'Brien"), ["obrien"]);
        assert_eq!(texts("SA’D"), ["sad"]);
    }

    #[test]
    fn reads_family_comma_given_as_given_then_family() {
        assert_eq!(texts("ZAWAHIRI, Ayman"), ["ayman", "zawahiri"]);
        assert_eq!(texts("LAVILLA, JR"), ["lavilla", "jr"]);
    }

    #[test]
    fn splits_names_run_together_in_camel_case() {
        assert_eq!(texts("RamiMakhlouf"), ["rami", "makhlouf"]);
        assert_eq!(texts("McDonald"), ["mcdonald"]);
    }

    #[test]
    fn a_name_without_letters_has_no_words() {
        assert!(words(" -- , ").is_empty());
    }
}
