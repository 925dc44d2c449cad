//! Hebrew-script names written in Latin letters, consonant by consonant.
//!
//! Hebrew, like Arabic, is an abjad: names are written without their vowels (niqqud is left
//! out outside children's books and poetry), and several letters stand for two sounds.
//! `any_ascii` gives each letter one fixed value (ב v, ו v, פ f), which turns Goldberg into
//! "gvldvrg" and Kaplan into "kfln". This table follows the Academy of the Hebrew Language's
//! romanisation rules (2006, the ones Israeli road signs and passports follow) and ISO 259's
//! consonant values, simplified to plain ASCII, with the choices below made for comparison
//! with list spellings rather than for display:
//! - ב כ פ (the begadkefat letters that change value) are b, k, p where the dagesh would
//!   make them plosive without niqqud: at the start of a word and after a consonant that
//!   closes a syllable; v, kh, f after a letter that carries a vowel (א ה ו י ע), and the
//!   final forms ך ף are always kh and f. Goldberg, Kaplan; Avraham, Yosef.
//! - ו is v at the start of a word and when doubled (וו), and w elsewhere, where it is the
//!   vowel o or u (Golan, Shaul) or the consonant v (David, Chava): the keys count w as a
//!   weak letter, a cheap step from v, u and o alike.
//! - י is y at the start of a word and when doubled (יי), and the vowel i elsewhere (Eitan,
//!   Biton, Limor).
//! - א and ע, which carry a vowel but sound as nothing or a glottal stop, are written as
//!   nothing; a word-final ה (the vowel a: Hannah, Tzipora, Yehuda) as "a", otherwise h.
//! - Between a consonant and ה, which unpointed writing leaves without the vowel that
//!   separates them, an e is written, so that כהן (Kohen, Cohen) does not read as "khn".
//! - ח h (the Academy's value; lists write h, ch or kh), צ ts (Tzvi, Tsipora), ש sh (its
//!   commoner value; שׂ s is told apart only by a dot that names leave out), ק k, ט and ת t.
//! - The geresh (׳) that marks borrowed sounds (ג׳ j, ז׳ zh, צ׳ ch) is read as an apostrophe
//!   and left out before this table sees the word: ג׳ורג׳ George reads as g-w-r-g.

/// Whether `c` is a Hebrew letter (the block's letters; points and marks are removed
/// earlier, by canonical decomposition).
pub fn is_hebrew_letter(c: char) -> bool {
    matches!(c, '\u{05D0}'..='\u{05EA}')
}

/// Letters that carry a vowel in unpointed writing (matres lectionis and the gutturals):
/// after them ב כ פ are fricatives.
fn carries_vowel(c: char) -> bool {
    matches!(c, 'א' | 'ה' | 'ו' | 'י' | 'ע')
}

/// The Latin consonantal reading of one word written in Hebrew script. Characters of other
/// scripts in the word are left to the caller (`any_ascii`).
pub fn transliterate(word: &str) -> String {
    let letters: Vec<char> = word.chars().collect();
    let mut out = String::with_capacity(letters.len() * 2);
    let mut i = 0;
    while i < letters.len() {
        let c = letters[i];
        let previous = i.checked_sub(1).map(|p| letters[p]);
        let next = letters.get(i + 1).copied();
        let initial = previous.is_none_or(|p| !is_hebrew_letter(p));
        let last = next.is_none_or(|n| !is_hebrew_letter(n));
        let plosive = initial || previous.is_some_and(|p| !carries_vowel(p));
        let doubled = next == Some(c);
        let latin: &str = match c {
            'א' | 'ע' => "",
            'ב' if plosive => "b",
            'ב' => "v",
            'ג' => "g",
            'ד' => "d",
            'ה' if last && !initial => "a",
            'ה' => "h",
            'ו' if initial || doubled => "v",
            'ו' => "w",
            'ז' => "z",
            'ח' => "h",
            'ט' | 'ת' => "t",
            'י' if initial || doubled => "y",
            'י' => "i",
            'כ' if plosive => "k",
            'כ' | 'ך' => "kh",
            'ל' => "l",
            'מ' | 'ם' => "m",
            'נ' | 'ן' => "n",
            'ס' => "s",
            'פ' if plosive => "p",
            'פ' | 'ף' => "f",
            'צ' | 'ץ' => "ts",
            'ק' => "k",
            'ר' => "r",
            'ש' => "sh",
            c if is_hebrew_letter(c) => "",
            other => {
                out.push(other);
                ""
            }
        };
        // A consonant before ה would read with its h as one digraph (כהן as "khn", Kh-n):
        // the vowel that unpointed writing leaves out between them is written as e.
        if latin == "h" && out.ends_with(['k', 's', 't', 'c', 'z', 'g', 'p', 'd']) {
            out.push('e');
        }
        out.push_str(latin);
        // A doubled ו or י is one consonant.
        i += if doubled && matches!(c, 'ו' | 'י') {
            2
        } else {
            1
        };
    }
    out
}

#[cfg(test)]
mod tests {
    use super::transliterate;

    #[test]
    fn begadkefat_letters_are_plosive_after_a_consonant_and_fricative_after_a_vowel() {
        assert_eq!(transliterate("גולדברג"), "gwldbrg");
        assert_eq!(transliterate("קפלן"), "kpln");
        assert_eq!(transliterate("אברהם"), "vrhm");
        assert_eq!(transliterate("יוסף"), "ywsf");
    }

    #[test]
    fn vav_and_yod_are_consonants_first_and_doubled_and_vowels_elsewhere() {
        assert_eq!(transliterate("דוד"), "dwd");
        assert_eq!(transliterate("וקנין"), "vknin");
        assert_eq!(transliterate("איתן"), "itn");
        assert_eq!(transliterate("חוה"), "hwa");
    }

    #[test]
    fn a_final_he_is_the_vowel_a() {
        assert_eq!(transliterate("ציפורה"), "tsifwra");
        assert_eq!(transliterate("יהודה"), "yhwda");
    }

    #[test]
    fn a_consonant_and_he_do_not_make_a_digraph() {
        assert_eq!(transliterate("כהן"), "kehn");
        assert_eq!(transliterate("שאול"), "shwl");
    }
}
