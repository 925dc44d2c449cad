//! Compound names that lists write joined, hyphenated or apart, brought to one form.
//!
//! - ʿAbd compounds ("servant of"): Abd al-Rahman, Abdul Rahman, Abdurrahman, Abdel Rahman,
//!   عبد الرحمن all become the two parts `abd rahman`; Abdullah/Abdallah/Abd Allah become
//!   `abd allah`. Keeping `abd` apart lets "Mohammad Abdul Abbas" meet "Mohammad Abbas" with
//!   only a light part missing.
//! - X al-Din compounds (Saif al-Din, Saifuddin, Salahaldin, Noureddine) become one part
//!   `Xuddin`; X Allah compounds (Saifullah, Khayrallah, Hamidullah) become `Xullah`.
//! - Persian, Tajik and Pashto surname endings written apart (Hassan Zadeh, Ahmadi Nejad,
//!   Ahmad Zai) are joined to the word before, as most lists write them.
//!
//! The spellings come from the UN and OFAC lists and `shared/docs/names.md`.

/// Standalone spellings of "al-Din" after article removal.
pub(super) const DIN: &[&str] = &[
    "din", "deen", "dine", "dyn", "eddine", "eddin", "uddin", "addin",
];
/// Standalone spellings of "Allah"/"-ullah".
pub(super) const ALLAH: &[&str] = &[
    "allah", "ullah", "ulla", "alla", "llah", "lah", "allh", "ullh",
];
/// Persian, Tajik and Pashto surname endings that are also written as a word of their own
/// (Hassan Zadeh, Hassanzadeh, حسن زاده; Ahmadi Nejad; Ali Pour; Ahmad Zai), in Latin and
/// as Arabic script comes out of `arabic::transliterate` (زاده zadh, نژاد nzhad, خیل khil).
pub(super) const SURNAME_ENDINGS: &[&str] = &[
    "zadeh", "zade", "zada", "zoda", "zodeh", "zadh", "pour", "pur", "nejad", "nezhad", "nzhad",
    "zai", "khel", "khil",
];
/// "Abd" as written alone before the name it governs.
const ABD: &[&str] = &[
    "abd", "abdul", "abdel", "abdal", "abdol", "abdou", "abdu", "abdoul", "abdur", "abdus",
];

/// `Some(rest)` when `text` is an ʿAbd compound: `rest` is the governed name without its
/// article (empty when written apart, as in "Abdul Rahman").
pub(super) fn abd_compound(text: &str) -> Option<String> {
    if is_abd(text) {
        return Some(String::new());
    }
    let rest = text.strip_prefix("abd")?;
    let rest = strip_article(rest);
    if ALLAH.contains(&rest.as_str()) || is_allah_suffix(&rest) {
        return Some("allah".to_owned());
    }
    // "Abdo", "Abdin": too little left to be a compound.
    (rest.len() >= 2).then_some(rest)
}

/// "Abd" written alone, also with one pair of letters swapped or one letter doubled — the
/// commonest typing slips (Adbul, Abdull). The word is too frequent on the lists for a slip
/// in it to go unrecognised: it would otherwise count as a contradicting part.
fn is_abd(text: &str) -> bool {
    let mut letters: Vec<u8> = text.bytes().collect();
    letters.dedup();
    let known = |letters: &[u8]| ABD.iter().any(|a| a.as_bytes() == letters);
    if known(&letters) {
        return true;
    }
    // Four letters with two swapped are other names as often as slips (Badu, Abud).
    letters.len() >= 5
        && (1..letters.len()).any(|i| {
            let mut swapped = letters.clone();
            swapped.swap(i - 1, i);
            known(&swapped)
        })
}

/// "ulaziz" → "aziz", "urrahman" → "rahman", "alrhmn" → "rhmn", "ikadir" → "kadir".
fn strip_article(rest: &str) -> String {
    let vowels = rest.len() - rest.trim_start_matches(is_vowel).len();
    let after_vowels = &rest[vowels.min(2)..];
    let mut stripped = if vowels > 0 && after_vowels.len() >= 3 {
        after_vowels.strip_prefix('l').unwrap_or(after_vowels)
    } else {
        after_vowels
    };
    // An assimilated article doubles the sun letter: ur-Rahman → urrahman.
    let bytes = stripped.as_bytes();
    if bytes.len() > 3 && bytes[0] == bytes[1] {
        stripped = &stripped[1..];
    }
    stripped.to_owned()
}

fn is_allah_suffix(rest: &str) -> bool {
    matches!(
        rest,
        "la" | "lah" | "llah" | "lla" | "lh" | "llh" | "lahi" | "llahi"
    )
}

/// "Salahaldin", "Shamsuddin", "Noureddine" → `Xuddin`; "Saifullah", "Khayrallah" →
/// `Xullah`. Other words are returned as they are.
pub(super) fn compound_suffix(text: &str) -> String {
    for din in ["dine", "deen", "din", "dyn"] {
        if let Some(stem) = text.strip_suffix(din) {
            let stem = stem.trim_end_matches(['l', 'd']);
            let stem = strip_connecting_vowel(stem);
            if stem.len() >= 3 {
                return format!("{stem}uddin");
            }
        }
    }
    for allah in [
        "ullah", "ulla", "ulah", "allah", "alla", "ollah", "illah", "allh", "ullh",
    ] {
        if let Some(stem) = text.strip_suffix(allah)
            && stem.len() >= 3
        {
            return format!("{}ullah", strip_connecting_vowel(stem));
        }
    }
    text.to_owned()
}

pub(super) fn strip_connecting_vowel(stem: &str) -> &str {
    match stem.strip_suffix(is_vowel) {
        Some(shorter) if shorter.len() >= 3 => shorter,
        _ => stem,
    }
}

fn is_vowel(c: char) -> bool {
    matches!(c, 'a' | 'e' | 'i' | 'o' | 'u')
}

#[cfg(test)]
mod tests {
    use super::super::particles::tests::parts;

    #[test]
    fn abd_compounds_meet_in_every_spelling() {
        for name in [
            "Abd al-Rahman",
            "Abdul Rahman",
            "Abdurrahman",
            "Abdel Rahman",
            "Abdelrahman",
            "ABD-AL-RAHMAN",
        ] {
            assert_eq!(parts(name), ["abd", "rahman"], "{name}");
        }
        assert_eq!(parts("عبد الرحمن"), ["abd", "rhmn"]);
        assert_eq!(parts("Abdulhai"), ["abd", "hai"]);
        assert_eq!(parts("عبدالحی"), ["abd", "hi"]);
        assert_eq!(parts("عبدالرحمن"), ["abd", "rhmn"]);
    }

    #[test]
    fn abd_typed_with_a_slip_is_still_abd() {
        assert_eq!(parts("Adbul Bari"), ["abd", "bari"]);
        assert_eq!(parts("Abddul Bari"), ["abd", "bari"]);
        assert_eq!(parts("Badu Bari"), ["badu", "bari"]);
    }

    #[test]
    fn abdullah_is_abd_allah_however_written() {
        for name in [
            "Abdullah",
            "Abdallah",
            "Abd Allah",
            "Abdulla",
            "عبد الله",
            "عبدالله",
        ] {
            assert_eq!(parts(name), ["abd", "allah"], "{name}");
        }
    }

    #[test]
    fn al_din_compounds_are_one_part() {
        for name in [
            "Saif al-Din",
            "Saifuddin",
            "Saif-ud-Din",
            "Saifeddine",
            "Saif Eddine",
        ] {
            assert_eq!(parts(name), ["saifuddin"], "{name}");
        }
        assert_eq!(parts("Salahaldin"), ["salahuddin"]);
        assert_eq!(parts("Shamsiddin"), parts("Shamsuddin"));
        assert_eq!(parts("سيف الدين"), ["sifuddin"]);
    }

    #[test]
    fn allah_compounds_are_one_part() {
        assert_eq!(parts("Saifullah"), ["saifullah"]);
        assert_eq!(parts("Saif Allah"), ["saifullah"]);
        assert_eq!(parts("Khayrallah"), ["khayrullah"]);
        assert_eq!(parts("خير الله"), ["khirullah"]);
    }

    #[test]
    fn surname_endings_written_apart_join_the_word_before() {
        assert_eq!(parts("Hassan Zadeh"), parts("Hassanzadeh"));
        assert_eq!(parts("Ahmadi Nejad"), ["ahmadinejad"]);
        assert_eq!(parts("حسن زاده"), ["hsnzadh"]);
    }
}
