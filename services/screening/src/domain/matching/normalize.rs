//! Turning a name as written into comparable Latin tokens.
//!
//! Steps, in order: compatibility decomposition (NFKD) so that ligatures and full-width forms
//! become plain letters; removal of combining marks (diacritics); transliteration of every
//! other script to ASCII with `any_ascii`; lower-casing; splitting on anything that is not a
//! letter or digit; dropping honorifics that carry no identity.

use any_ascii::any_ascii;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Titles and honorifics that people add or omit freely (adapted from the stop-word list in
/// `shared/data/reference/names_stopwords.yml`, opensanctions/rigour, MIT).
const HONORIFICS: &[&str] = &[
    "mr",
    "mrs",
    "ms",
    "miss",
    "dr",
    "prof",
    "sir",
    "madam",
    "sheikh",
    "shaikh",
    "shaykh",
    "sheik",
    "haji",
    "hajji",
    "hadji",
    "mullah",
    "mulla",
    "maulvi",
    "maulana",
    "mawlawi",
    "imam",
    "sayyid",
    "sayed",
    "syed",
    "general",
    "gen",
    "colonel",
    "col",
    "major",
    "maj",
    "captain",
    "capt",
    "lieutenant",
    "lt",
    "brigadier",
];

/// The comparable tokens of a name. Empty when the name has no letters or digits.
pub fn name_tokens(name: &str) -> Vec<String> {
    let latin = to_latin(name);
    latin
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|t| !t.is_empty())
        .filter(|t| !HONORIFICS.contains(t))
        .map(str::to_owned)
        .collect()
}

/// NFKD, marks removed, transliterated to ASCII, lower-cased.
pub fn to_latin(text: &str) -> String {
    let without_marks: String = text.nfkd().filter(|c| !is_combining_mark(*c)).collect();
    // Apostrophes inside a name (O'Brien, Uzbek o'g'li, Arabic ʿayn) join rather than split.
    let joined: String = without_marks
        .chars()
        .filter(|c| !matches!(c, '\'' | '’' | 'ʼ' | 'ʻ' | 'ʿ' | 'ʾ' | '`'))
        .collect();
    any_ascii(&joined).to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_diacritics_and_case() {
        assert_eq!(
            name_tokens("José ÁLVAREZ-Núñez"),
            ["jose", "alvarez", "nunez"]
        );
    }

    #[test]
    fn transliterates_cyrillic() {
        assert_eq!(
            name_tokens("Шамсиддин Раҳмонов"),
            ["shamsiddin", "rahmonov"]
        );
    }

    #[test]
    fn transliterates_arabic_script_to_something_comparable() {
        let tokens = name_tokens("محمد");
        assert_eq!(tokens.len(), 1);
        assert!(tokens[0].starts_with('m'), "{tokens:?}");
    }

    #[test]
    fn drops_honorifics_and_punctuation() {
        assert_eq!(
            name_tokens("Dr. Ayman AL-ZAWAHIRI"),
            ["ayman", "al", "zawahiri"]
        );
        assert_eq!(
            name_tokens("Sheikh Umar, Abd al Rahman"),
            ["umar", "abd", "al", "rahman"]
        );
    }

    #[test]
    fn joins_apostrophes_inside_names() {
        assert_eq!(name_tokens("O'Brien"), ["obrien"]);
    }

    #[test]
    fn a_name_without_letters_has_no_tokens() {
        assert!(name_tokens(" -- , ").is_empty());
    }
}
