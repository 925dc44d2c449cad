//! Turning a name as written into Latin words.
//!
//! Steps, in order: characters that render as nothing removed and letters of another script
//! used for their looks read as Latin (`cleaning.rs`); compatibility composition (NFKC), so
//! that full-width and mathematical letters become plain ones; "FAMILY, Given" read as
//! "Given FAMILY"; words run together in camel case split ("RamiMakhlouf"); letters with
//! diacritics that romanisations use for digraphs written out (`romanisation.rs`: ISO 9 `š`
//! → sh); compatibility decomposition (NFKD) and removal of combining marks (diacritics,
//! Arabic vowel signs and hamza); apostrophes dropped so that O'Brien and Sa'd stay whole, and
//! a full stop inside a word ("Nas.ser") joins; each word transliterated — Arabic script with
//! `arabic::transliterate`, Greek by ELOT 743 (`greek.rs`), everything else with
//! `any_ascii` — and lower-cased.
//!
//! A name has a second reading when it holds a run of single letters ("N.A.S.S.E.R",
//! "N A S S E R": the letters as initials, and as one word) or is written in German-style
//! transcription (Iwanow: as written, and as Ivanov), or a Chinese name in Wade–Giles (Mao
//! Tse-tung: as written, and in Pinyin, Mao Zedong), or a Korean family name in a customary
//! spelling (Lee, Park: as written, and in the Revised Romanisation, Yi, Bak).

use any_ascii::any_ascii;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use super::arabic;
use super::armenian;
use super::cleaning::{fold_look_alikes, without_invisible};
use super::georgian;
use super::greek;
use super::hebrew;
use super::korean;
use super::particles;
use super::romanisation::{GermanStyle, expand_letters, from_german_transcription, german_style};
use super::wade_giles;

/// One word of a name in Latin letters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// Lower-case ASCII letters and digits.
    pub text: String,
    /// Written in an abjad (Arabic or Hebrew script), which leaves short vowels out.
    pub abjad: bool,
    /// Names a father or forebear: it follows a patronymic connector (bin, ibn, ould).
    pub lineage: bool,
    /// A patronymic (Ivanovich, Petrovna, "Zafar o'g'li"): see `patronymics.rs`.
    pub patronymic: bool,
}

impl Word {
    pub fn new(text: String, abjad: bool) -> Self {
        Self {
            text,
            abjad,
            lineage: false,
            patronymic: false,
        }
    }
}

/// The words with each one that `respell` gives another spelling written so, the others as
/// they are: a second reading of the name; `None` when `respell` gives no word another.
pub fn respelt(words: &[Word], respell: impl Fn(&Word) -> Option<String>) -> Option<Vec<Word>> {
    // Most names have no such word: nothing is allocated for them.
    let (first, spelling) = words
        .iter()
        .enumerate()
        .find_map(|(index, word)| respell(word).map(|spelling| (index, spelling)))?;
    let written = |word: &Word, spelling: Option<String>| Word {
        text: spelling.unwrap_or_else(|| word.text.clone()),
        ..word.clone()
    };
    let mut reading = Vec::with_capacity(words.len());
    reading.extend(words[..first].iter().cloned());
    reading.push(written(&words[first], Some(spelling)));
    reading.extend(words[first + 1..].iter().map(|w| written(w, respell(w))));
    Some(reading)
}

/// Generational suffixes, which a comma separates from the name rather than from a family
/// name ("LAVILLA, JR").
const SUFFIXES: &[&str] = &["jr", "sr", "ii", "iii", "iv"];

/// Apostrophes, the letters lists use for ʿayn and hamza, and the quotation marks some
/// romanisations write for ъ (BGN/PCGN ”): they join rather than split.
fn is_apostrophe(c: char) -> bool {
    matches!(
        c,
        '\'' | '’' | '‘' | 'ʼ' | 'ʻ' | 'ʿ' | 'ʾ' | '`' | '´' | '"' | 'ʹ' | 'ʺ' | '”' | '“' | '„'
            // BGN/PCGN's middle dot between letters that would otherwise read as a digraph
            // (Yaz·ep, Lukash·enka).
            | '·'
            // Hebrew geresh and gershayim (ג׳ j, צ׳ ch, acronyms): part of the word.
            | '\u{05F3}' | '\u{05F4}'
    )
}

/// The words of a name, in reading order, transliterated to Latin: the first reading.
pub fn words(name: &str) -> Vec<Word> {
    read_words(name)
}

/// Every reading of a name: its words as written (`words`, always first), and as well,
/// where the name calls for it: each run of two or more single letters read as one word;
/// German-style transcription of Russian (Iwanow, Jewgenjewitsch) as the English-style
/// systems write it; Wade–Giles as Pinyin; customary Korean family names in the Revised
/// Romanisation; Georgian -je endings (ISO 9984) as -dze; Western Armenian spellings
/// (Garabedian) as Eastern ones (Karapetian); and each of the first two with
/// an Arabic article written joined to a word taken off it (`particles::article_detached`).
/// Never empty.
pub fn readings(name: &str) -> Vec<Vec<Word>> {
    let words = read_words(name);
    let mut readings = Vec::with_capacity(1);
    if let Some(joined) = letter_runs_joined(&words) {
        readings.push(joined);
    }
    let style = words
        .iter()
        .filter(|w| !w.abjad)
        .map(|w| german_style(&w.text))
        .max()
        .unwrap_or(GermanStyle::None);
    if style != GermanStyle::None {
        readings.push(
            words
                .iter()
                .map(|w| Word {
                    text: if w.abjad {
                        w.text.clone()
                    } else {
                        from_german_transcription(&w.text, style)
                    },
                    ..w.clone()
                })
                .collect(),
        );
    }
    if let Some(pinyin) = wade_giles::pinyin_reading(name) {
        readings.push(read_words(&pinyin));
    }
    if let Some(revised) = korean::revised_surnames(&words) {
        readings.push(revised);
    }
    if let Some(dze) = georgian::dze_endings(&words) {
        readings.push(dze);
    }
    if let Some(eastern) = armenian::eastern_reading(&words) {
        readings.push(eastern);
    }
    readings.insert(0, words);
    // After the letter runs are joined, so that a spelt-out "A L - U B A Y D I" reads as
    // al-Ubaydi as well; the first two readings are where a joined article may be.
    let detached: Vec<Vec<Word>> = readings
        .iter()
        .take(2)
        .filter_map(|reading| particles::article_detached(reading))
        .collect();
    readings.extend(detached);
    readings
}

fn read_words(name: &str) -> Vec<Word> {
    // Most names on lists and at intake are plain ASCII, which holds nothing invisible,
    // nothing to compose or decompose, no look-alikes and no diacritics.
    let cleaned = if name.is_ascii() {
        let separated = split_camel_case(&given_name_first(name));
        join_inner_full_stops(separated.chars().filter(|c| !is_apostrophe(*c)))
    } else {
        let visible: String = without_invisible(name).nfkc().collect();
        let latin_looking = fold_look_alikes(&visible);
        let ordered = given_name_first(&latin_looking);
        let separated = expand_letters(&split_camel_case(&ordered));
        join_inner_full_stops(
            separated
                .nfkd()
                .filter(|c| !is_combining_mark(*c) && !is_apostrophe(*c) && *c != 'ـ'),
        )
    };
    let cleaned = join_hyphenated_syllables(&cleaned);
    let mut words = Vec::new();
    for raw in cleaned
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let (latin, abjad) = if raw.chars().any(arabic::is_arabic_script) {
            (arabic::transliterate(raw), true)
        } else if let Some(spaced) = korean::name_spaced(raw) {
            (spaced, false)
        } else if greek::is_greek_word(raw) {
            (greek::transliterate(raw), false)
        } else if raw.chars().any(hebrew::is_hebrew_letter) {
            (any_ascii(&hebrew::transliterate(raw)), true)
        } else {
            (any_ascii(raw), false)
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
                .map(|text| Word::new(text.to_owned(), abjad)),
        );
    }
    words
}

/// Particles written before a hyphen (al-Tikriti, Abu-Ali, van-der): they keep the
/// hyphen's split, which `particles.rs` reads. The Arabic article assimilated to a sun
/// letter (ar-Rahman, an-Nasr) is recognised by the doubled consonant instead, since the
/// same two letters are syllables elsewhere (Kim Il-sung, An-na).
const HYPHEN_PARTICLES: &[&str] = &[
    "al", "el", "abu", "abd", "bin", "ben", "ibn", "bint", "ould", "van", "von", "der", "del",
];

/// Longest letter run on either side of a hyphen read as a syllable.
const SYLLABLE: usize = 5;

/// Hyphens between two syllables joined: the two-syllable given names of Chinese
/// (Wade–Giles Hsiao-p'ing, Pinyin Xiaoping) and Korean (Jong-un, Jongun) custom are one
/// name each, however the hyphen is written; read apart, each syllable would pass for a
/// name of its own (Gang-hao against Hao).
fn join_hyphenated_syllables(text: &str) -> String {
    let bytes = text.as_bytes();
    let run_before = |at: usize| {
        bytes[..at]
            .iter()
            .rev()
            .take_while(|b| b.is_ascii_alphabetic())
            .count()
    };
    let run_after = |at: usize| {
        bytes[at + 1..]
            .iter()
            .take_while(|b| b.is_ascii_alphabetic())
            .count()
    };
    let is_particle = |word: &str, next: &str| {
        let word = word.to_ascii_lowercase();
        let assimilated = word.len() == 2
            && matches!(word.as_bytes()[0], b'a' | b'e' | b'i' | b'u')
            && next.as_bytes().first().map(u8::to_ascii_lowercase) == Some(word.as_bytes()[1]);
        assimilated || HYPHEN_PARTICLES.contains(&word.as_str())
    };
    let mut out = String::with_capacity(text.len());
    for (at, c) in text.char_indices() {
        if c == '-' {
            let (before, after) = (run_before(at), run_after(at));
            let joins = (1..=SYLLABLE).contains(&before)
                && (1..=SYLLABLE).contains(&after)
                && !is_particle(&text[at - before..at], &text[at + 1..])
                && !is_particle(
                    &text[at + 1..at + 1 + after],
                    text[at + 1 + after..].strip_prefix('-').unwrap_or(""),
                );
            if joins {
                continue;
            }
        }
        out.push(c);
    }
    out
}

/// A full stop between letters joins them when at least two letters come before it
/// ("Nas.ser", "Abd.Allah"); after one letter it ends an initial ("J.Smith").
fn join_inner_full_stops(chars: impl Iterator<Item = char>) -> String {
    let chars: Vec<char> = chars.collect();
    let mut out = String::with_capacity(chars.len());
    let mut letters_before = 0;
    for (i, &c) in chars.iter().enumerate() {
        let next_is_letter = chars.get(i + 1).is_some_and(|n| n.is_alphabetic());
        if c == '.' && letters_before >= 2 && next_is_letter {
            continue;
        }
        letters_before = if c.is_alphabetic() {
            letters_before + 1
        } else {
            0
        };
        out.push(c);
    }
    out
}

/// The words with every run of two or more single Latin letters written as one word
/// ("n a s s e r" → "nasser"); `None` when there is no such run.
fn letter_runs_joined(words: &[Word]) -> Option<Vec<Word>> {
    let single =
        |w: &Word| !w.abjad && w.text.len() == 1 && w.text.as_bytes()[0].is_ascii_alphabetic();
    let mut joined: Vec<Word> = Vec::with_capacity(words.len());
    let mut any = false;
    let mut i = 0;
    while i < words.len() {
        let run = words[i..].iter().take_while(|w| single(w)).count();
        if run >= 2 {
            let text: String = words[i..i + run].iter().map(|w| w.text.as_str()).collect();
            joined.push(Word::new(text, false));
            any = true;
            i += run;
        } else {
            joined.push(words[i].clone());
            i += 1;
        }
    }
    any.then_some(joined)
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
        assert_eq!(texts("José ÁLVAREZ Núñez"), ["jose", "alvarez", "nunez"]);
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
    fn invisible_characters_never_split_a_word() {
        for c in [
            '\u{200B}', '\u{200C}', '\u{200D}', '\u{00AD}', '\u{2060}', '\u{FEFF}',
        ] {
            assert_eq!(
                texts(&format!("Na{c}sser")),
                ["nasser"],
                "U+{:04X}",
                c as u32
            );
        }
        assert_eq!(texts("Na\u{E0041}ss\u{FE0F}er"), ["nasser"]);
    }

    #[test]
    fn look_alike_letters_of_other_scripts_read_as_latin() {
        assert_eq!(texts("N\u{0430}ss\u{0435}r"), ["nasser"]);
        assert_eq!(texts("\u{FF2E}\u{FF41}sser"), ["nasser"]);
    }

    #[test]
    fn single_letters_are_read_as_initials_and_as_a_word() {
        let texts_of = |words: &[Word]| words.iter().map(|w| w.text.clone()).collect::<Vec<_>>();
        for written in ["N.A.S.S.E.R", "N A S S E R", "N. A. S. S. E. R."] {
            let readings = readings(written);
            assert_eq!(readings.len(), 2, "{written}");
            assert_eq!(texts_of(&readings[0]).len(), 6);
            assert_eq!(texts_of(&readings[1]), ["nasser"]);
        }
        assert_eq!(readings("John F. Kennedy").len(), 1);
    }

    #[test]
    fn a_full_stop_inside_a_word_joins_and_after_an_initial_splits() {
        assert_eq!(texts("Nas.ser Ali"), ["nasser", "ali"]);
        assert_eq!(texts("J.Smith"), ["j", "smith"]);
    }

    #[test]
    fn romanisation_diacritics_become_digraphs() {
        assert_eq!(texts("Ŝeglova Ûliâ"), ["shcheglova", "yuliya"]);
        assert_eq!(texts("ŠEVČENKO, Taras"), ["taras", "shevchenko"]);
    }

    #[test]
    fn hyphenated_syllables_are_one_name_but_particles_keep_their_hyphen() {
        assert_eq!(texts("KIM Jong-un"), ["kim", "jongun"]);
        assert_eq!(texts("Teng Hsiao-ping"), ["teng", "hsiaoping"]);
        assert_eq!(texts("al-Tikriti"), ["al", "tikriti"]);
        assert_eq!(texts("Abd ar-Rahman"), ["abd", "ar", "rahman"]);
        assert_eq!(texts("Saif-ud-Din"), ["saif", "ud", "din"]);
        assert_eq!(texts("Kim Il-sung"), ["kim", "ilsung"]);
        assert_eq!(texts("Jean-Baptiste"), ["jean", "baptiste"]);
    }

    #[test]
    fn a_name_without_letters_has_no_words() {
        assert!(words(" -- , ").is_empty());
    }
}
