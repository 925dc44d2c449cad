//! What a name's characters are before its words are read: characters that render as
//! nothing are removed, and letters of another script used for their looks are read as the
//! Latin letters they imitate.
//!
//! Both are evasions: one zero-width space inside a listed name must not split it into two
//! unknown words, and a Cyrillic `а` inside "Nаsser" must not make it a Cyrillic name.
//! The record keeps the name as sent; only the comparison sees the cleaned form.

use std::collections::HashMap;
use std::sync::OnceLock;

use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};
use unicode_script::{Script, UnicodeScript};
use unicode_security::confusable_detection::skeleton;

/// Characters that render as nothing: the format characters (General_Category Cf: zero-width
/// space and joiners, soft hyphen, word joiner, byte-order mark, bidirectional controls,
/// Mongolian vowel separator, tag characters) and the other Default_Ignorable_Code_Point
/// characters of Unicode's DerivedCoreProperties.txt (combining grapheme joiner, Hangul
/// fillers, Khmer inherent vowels, Mongolian free variation selectors, variation selectors),
/// plus the Braille blank, which renders as a space but is not one.
pub fn is_invisible(c: char) -> bool {
    c.general_category() == GeneralCategory::Format
        || matches!(
            c,
            '\u{034F}'
                | '\u{115F}'
                | '\u{1160}'
                | '\u{17B4}'
                | '\u{17B5}'
                | '\u{180B}'..='\u{180F}'
                | '\u{2800}'
                | '\u{3164}'
                | '\u{FE00}'..='\u{FE0F}'
                | '\u{FFA0}'
                | '\u{E0000}'..='\u{E0FFF}'
        )
}

/// `name` without invisible characters.
pub fn without_invisible(name: &str) -> String {
    name.chars().filter(|c| !is_invisible(*c)).collect()
}

/// The Latin letter a letter of another script imitates, by Unicode's confusables data
/// (UTS #39): the ASCII letter with the same skeleton, of the same case where both cases
/// share one (UTS #39 gives `I` and `l` one skeleton). Cyrillic `а е о р с х у і ј ѕ`,
/// Greek `ο ν Α Β Ε Η Ι Κ Μ Ν Ρ Τ Χ`, …
fn latin_look_alike(c: char) -> Option<char> {
    if c.is_ascii() {
        return None;
    }
    // Tabulated once for the scripts whose letters imitate Latin ones most (Greek,
    // Cyrillic, Armenian); other characters are looked up as they come.
    static TABLE: OnceLock<HashMap<char, char>> = OnceLock::new();
    if matches!(c, '\u{0370}'..='\u{058F}') {
        let table = TABLE.get_or_init(|| {
            ('\u{0370}'..='\u{058F}')
                .filter_map(|c| Some((c, look_alike_by_skeleton(c)?)))
                .collect()
        });
        return table.get(&c).copied();
    }
    look_alike_by_skeleton(c)
}

fn look_alike_by_skeleton(c: char) -> Option<char> {
    if c.script() == Script::Latin {
        return None;
    }
    static PROTOTYPES: OnceLock<Vec<(String, char)>> = OnceLock::new();
    let prototypes = PROTOTYPES.get_or_init(|| {
        ('a'..='z')
            .chain('A'..='Z')
            .map(|latin| (skeleton_of(latin), latin))
            .collect()
    });
    let own = skeleton_of(c);
    let mut matches = prototypes
        .iter()
        .filter(|(s, _)| *s == own)
        .map(|(_, l)| *l);
    let first = matches.next()?;
    let same_case = std::iter::once(first)
        .chain(matches)
        .find(|l| l.is_uppercase() == c.is_uppercase());
    Some(same_case.unwrap_or(first))
}

fn skeleton_of(c: char) -> String {
    let mut buffer = [0u8; 4];
    skeleton(c.encode_utf8(&mut buffer)).collect()
}

/// Letters of another script inside Latin words read as the Latin letters they imitate.
///
/// A word is folded when it mixes Latin letters with look-alikes ("Nаsser" with Cyrillic
/// `а`), or when it is made only of look-alikes and the name has Latin words elsewhere
/// ("Ahmed НАSSАN"). A word in another script that is not all look-alikes is a real
/// word of that script ("Хрущёв", "Xruščёv" with Cyrillic `ё`) and is transliterated.
pub fn fold_look_alikes(name: &str) -> String {
    if name.is_ascii() {
        return name.to_owned();
    }
    let is_latin = |c: char| c.is_ascii_alphabetic() || c.script() == Script::Latin;
    let name_has_latin = name.chars().any(|c| c.is_ascii_alphabetic())
        || name.chars().any(|c| c.is_alphabetic() && is_latin(c));
    if !name_has_latin {
        return name.to_owned();
    }
    let mut out = String::with_capacity(name.len());
    for word in name.split_inclusive(|c: char| !c.is_alphanumeric()) {
        let letters = || word.chars().filter(|c| c.is_alphabetic());
        let foreign: Vec<char> = letters().filter(|c| !is_latin(*c)).collect();
        let all_look_alike = foreign.iter().all(|c| latin_look_alike(*c).is_some());
        if foreign.is_empty() || !all_look_alike {
            out.push_str(word);
            continue;
        }
        out.extend(word.chars().map(|c| latin_look_alike(c).unwrap_or(c)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_characters_and_fillers_are_invisible() {
        for c in [
            '\u{200B}',
            '\u{200C}',
            '\u{200D}',
            '\u{00AD}',
            '\u{2060}',
            '\u{FEFF}',
            '\u{180E}',
            '\u{E0041}',
            '\u{FE0F}',
            '\u{034F}',
            '\u{202E}',
            '\u{3164}',
        ] {
            assert!(is_invisible(c), "U+{:04X}", c as u32);
        }
        for c in ['a', ' ', '-', 'ж', 'ع', '\u{0301}'] {
            assert!(!is_invisible(c), "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn invisible_characters_are_removed_without_a_trace() {
        assert_eq!(without_invisible("Na\u{200B}ss\u{00AD}er"), "Nasser");
    }

    #[test]
    fn cyrillic_look_alikes_in_a_latin_word_read_as_latin() {
        assert_eq!(fold_look_alikes("N\u{0430}ss\u{0435}r"), "Nasser");
        assert_eq!(
            fold_look_alikes("Ahmed \u{041D}\u{0410}SS\u{0410}N"),
            "Ahmed HASSAN"
        );
    }

    #[test]
    fn greek_look_alikes_in_a_latin_word_read_as_latin() {
        assert_eq!(fold_look_alikes("\u{039A}ARIM \u{039F}mar"), "KARIM Omar");
        assert_eq!(fold_look_alikes("\u{0399}BR\u{0391}\u{0397}IM"), "IBRAHIM");
    }

    #[test]
    fn real_cyrillic_words_are_left_to_transliteration() {
        assert_eq!(fold_look_alikes("Хрущёв"), "Хрущёв");
        assert_eq!(fold_look_alikes("Ivan Хрущёв"), "Ivan Хрущёв");
        assert_eq!(fold_look_alikes("Xruščёv"), "Xruščёv");
    }
}
