//! Arabic-script names (Arabic, Persian, Urdu, Pashto) written in Latin letters, consonant by
//! consonant.
//!
//! `any_ascii` reads these scripts letter by letter with no notion of the unwritten short
//! vowels, and drops or misreads several letters. This table writes what the script does
//! record — consonants, long vowels, the article — so that the result can be compared with
//! list romanisations on consonant skeletons.
//!
//! Letter values follow the ALA-LC and BGN/PCGN romanisation tables for Arabic, Persian and
//! Urdu (the commonest list spellings: ح h, خ kh, ذ dh, ش sh, ظ z, غ gh, ق q), simplified to
//! plain ASCII. Our own choices, made for comparison rather than for display:
//! - ع and ء, which lists write as an apostrophe, a vowel or nothing, are written as nothing;
//!   a word-initial ع as "a", because that is how lists begin ʿAbd, ʿAli, ʿUmar: with a vowel.
//! - و and ي are consonants (w, y) at the start of a word, next to alif and before ة, and
//!   long vowels (u, i) elsewhere: يوسف Yusuf, حسين Husain, مروان Marwan, سليوة Slewa.
//! - ة (ta marbuta) and ى (alif maqsura) are "a": Hamza, Usama, Musa.
//! - Hamza carriers (أ إ آ ؤ ئ) arrive here already decomposed to their base letters, as
//!   canonical decomposition splits the hamza off as a combining mark.

/// Whether `c` belongs to the Arabic script blocks (letters only matter here).
pub fn is_arabic_script(c: char) -> bool {
    matches!(c, '\u{0600}'..='\u{06FF}' | '\u{0750}'..='\u{077F}' | '\u{08A0}'..='\u{08FF}')
}

const ALIF: char = 'ا';

/// The Latin consonantal reading of one word written in Arabic script (after NFKD and
/// removal of marks). Characters of other scripts in the word are left to the caller.
pub fn transliterate(word: &str) -> String {
    let letters: Vec<char> = word.chars().filter(|c| *c != 'ـ').collect();
    if letters == ['ا', 'ل', 'ل', 'ه'] {
        // The word Allah keeps its lām, which the article rule below would otherwise take.
        return "allah".to_owned();
    }
    let mut out = String::with_capacity(letters.len() * 2);
    for (i, &c) in letters.iter().enumerate() {
        let previous = i.checked_sub(1).and_then(|p| letters.get(p)).copied();
        let next = letters.get(i + 1).copied();
        let consonantal = i == 0 || previous == Some(ALIF) || matches!(next, Some(ALIF | 'ة'));
        let latin = match c {
            'ا' | 'ٱ' | 'ى' | 'ة' | 'ۀ' | 'ۃ' => "a",
            'ب' => "b",
            'پ' => "p",
            'ت' | 'ط' | 'ٹ' | 'ټ' => "t",
            'ث' => "th",
            'ج' => "j",
            'چ' => "ch",
            'ح' | 'ه' | 'ھ' | 'ہ' => "h",
            'خ' => "kh",
            'د' | 'ڈ' | 'ډ' => "d",
            'ذ' => "dh",
            'ر' | 'ڑ' | 'ړ' => "r",
            'ز' => "z",
            'ژ' | 'ږ' => "zh",
            'س' | 'ص' => "s",
            'ش' | 'ښ' => "sh",
            'ض' => "d",
            'ظ' => "z",
            'ع' if i == 0 => "a",
            'ع' | 'ء' => "",
            'غ' => "gh",
            'ف' | 'ڤ' => "f",
            'ق' => "q",
            'ك' | 'ک' => "k",
            'گ' | 'ګ' => "g",
            'ل' => "l",
            'م' => "m",
            'ن' | 'ں' | 'ڼ' => "n",
            'و' | 'ۇ' if consonantal => "w",
            'و' | 'ۇ' => "u",
            'ي' | 'ی' | 'ئ' if consonantal => "y",
            'ي' | 'ی' | 'ئ' => "i",
            'ے' | 'ې' => "e",
            'ځ' => "dz",
            'څ' => "ts",
            _ if c.is_ascii_alphanumeric() => {
                out.push(c.to_ascii_lowercase());
                ""
            }
            _ => "",
        };
        out.push_str(latin);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_consonants_and_long_vowels_but_no_short_vowels() {
        assert_eq!(transliterate("محمد"), "mhmd");
        assert_eq!(transliterate("صدام"), "sdam");
        assert_eq!(transliterate("حسين"), "hsin");
    }

    #[test]
    fn waw_and_ya_are_consonants_at_the_start_and_beside_alif() {
        assert_eq!(transliterate("يوسف"), "yusf");
        assert_eq!(transliterate("مروان"), "mrwan");
        assert_eq!(transliterate("وطبان"), "wtban");
    }

    #[test]
    fn ayn_is_a_vowel_at_the_start_and_nothing_inside() {
        assert_eq!(transliterate("عبد"), "abd");
        assert_eq!(transliterate("سعد"), "sd");
    }

    #[test]
    fn persian_and_urdu_letters_have_values() {
        assert_eq!(transliterate("پزشکیان"), "pzshkyan");
        assert_eq!(transliterate("گیدڑ"), "gidr");
    }

    #[test]
    fn tatweel_is_not_a_letter() {
        assert_eq!(transliterate("سليــوة"), "sliwa");
    }

    #[test]
    fn allah_keeps_its_lam() {
        assert_eq!(transliterate("الله"), "allah");
    }
}
