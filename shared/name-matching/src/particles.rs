//! From words to the parts a name is compared by: titles dropped, articles and connectors
//! dropped, and the Arabic compounds that lists write joined, hyphenated or apart brought to
//! one form.
//!
//! Rules and their sources:
//! - Titles and honorifics: the single-word person-name prefixes of
//!   `shared/data/reference/names_stopwords.yml` (opensanctions/rigour, MIT), plus Islamic
//!   titles common on the UN and OFAC lists (Sheikh, Haji, Mullah, Maulvi ...).
//! - The Arabic article al-/el-/ul- and its assimilated forms before sun letters (ad-, an-,
//!   ar-, as-, ash-, at-, az-): dropped before another word, and stripped from the front of
//!   words written in Arabic script, where it is always attached (`shared/docs/names.md`).
//! - The article written joined to its noun in Latin letters (Alsaadi, Elsayed, ALUBAYDI),
//!   as many passports and forms write it: `article_detached` gives a second reading
//!   without it, since the word may as well be a name of its own (Albert, Elvira).
//! - Patronymic connectors bin/ibn/ben/bint/ould/walad: dropped between words; they say
//!   "son of", not who.
//! - Compound names (ʿAbd al-, al-Din, Allah, Persian -zadeh): see `compounds.rs`.
//! - Nobiliary and family particles van, von, de, der, da, dos, du, di, la, le ...: dropped
//!   before another word, as lists and people include them inconsistently.

use super::compounds::{
    ALLAH, DIN, SURNAME_ENDINGS, abd_compound, compound_suffix, strip_connecting_vowel,
};
use super::normalize::{Word, respelt};
use super::patronymics::has_patronymic_ending;
use super::syllables::syllables;

/// Single-word person-name prefixes of `names_stopwords.yml`, and the abbreviations lists
/// use for military ranks (gen, col, maj, lt).
const TITLES: &[&str] = &[
    "mr", "mrs", "ms", "miss", "mister", "madam", "madame", "mme", "monsieur", "herr", "frau",
    "dr", "doctor", "prof", "sir", "lord", "lady", "dame", "hon", "admiral", "general", "gen",
    "colonel", "col", "maj", "captain", "capt", "lt", "reverend", "the",
];
const LONG_TITLES: &[&str] = &[
    "professor",
    "excellency",
    "president",
    "honourable",
    "honorable",
    "ambassador",
    "brigadier",
    "lieutenant",
];
/// Religious and honorific titles on the UN and OFAC lists ("Mullah", "Maulvi", "Haji").
const RELIGIOUS_TITLES: &[&str] = &[
    "sheikh", "shaikh", "shaykh", "sheik", "haji", "hajji", "hadji", "alhaji", "mullah", "mulla",
    "maulvi", "maulana", "mawlawi", "mawlavi", "imam",
];
/// Generational suffixes.
const SUFFIXES: &[&str] = &["jr", "sr", "ii", "iii", "iv"];

fn is_title(text: &str) -> bool {
    [TITLES, LONG_TITLES, RELIGIOUS_TITLES, SUFFIXES]
        .iter()
        .any(|list| list.contains(&text))
}

/// The Arabic article as lists write it apart from its noun.
const ARTICLES: &[&str] = &["al", "el", "ul", "il"];
/// The article assimilated to a following sun letter: the consonant must begin the next word.
const ASSIMILATED: &[(&str, &str)] = &[
    ("ad", "d"),
    ("ud", "d"),
    ("ed", "d"),
    ("an", "n"),
    ("un", "n"),
    ("ar", "r"),
    ("ur", "r"),
    ("er", "r"),
    ("as", "s"),
    ("us", "s"),
    ("es", "s"),
    ("ash", "sh"),
    ("ush", "sh"),
    ("at", "t"),
    ("ut", "t"),
    ("az", "z"),
    ("uz", "z"),
];
/// "Son/daughter of" in Arabic (bin, ibn, bint and the Arabic-script بن, ابن), Malay
/// (binti), and Hassaniya and Sudanese (ould, walad, wad).
const CONNECTORS: &[&str] = &[
    "bin", "ibn", "ben", "bint", "binti", "bn", "abn", "ould", "wuld", "walad", "wad",
];
/// Dutch, German, French, Spanish, Portuguese and Italian family-name particles.
const FAMILY_PARTICLES: &[&str] = &[
    "van", "von", "de", "der", "den", "del", "della", "da", "das", "dos", "do", "du", "di", "la",
    "le", "ter", "ten", "zu",
];
/// Whether a name is written in the Arabic custom, where the first given name is the
/// person's own and those after it the father's and grandfather's (the nasab): written in
/// an abjad, or with the Arabic article (al-, el-, ul- and the assimilated ad-, ash- …)
/// or a connector (bin, ibn, ould) between parts.
pub fn arabic_order(words: &[Word]) -> bool {
    words.iter().enumerate().any(|(index, word)| {
        let text = word.text.as_str();
        let next = words.get(index + 1).map(|w| w.text.as_str());
        word.abjad
            || next.is_some_and(|next| {
                ["al", "el", "ul"].contains(&text)
                    || (index > 0 && CONNECTORS.contains(&text))
                    || ASSIMILATED
                        .iter()
                        .any(|(article, letter)| text == *article && next.starts_with(letter))
            })
    })
}

/// The words with the Arabic article taken off every Latin word that starts with it
/// written joined (`al`/`el` and a noun, as in Alsaadi, Elsayed), or
/// `None` when no word does. A second reading, not a replacement: Alberto, Elvira and
/// Alexandra start the same way. So that such names do not turn into others (Elvira into
/// Vera, Aleksanyan into Ohanyan), the rest must be five letters or more and start with
/// neither l (Allah, Allawi, Ellis: the two l's are the word's own) nor e (Alexander,
/// Alejandro, Elena: Arabic nouns rarely start so in Latin spellings).
pub fn article_detached(words: &[Word]) -> Option<Vec<Word>> {
    respelt(words, |word| {
        let rest = word
            .text
            .strip_prefix("al")
            .or_else(|| word.text.strip_prefix("el"))?;
        let joined = !word.abjad && rest.len() >= 5 && !rest.starts_with(['l', 'e']);
        joined.then(|| rest.to_owned())
    })
}

/// The parts of a name, from its words.
pub fn canonical_parts(words: Vec<Word>) -> Vec<Word> {
    // A Chinese or Korean name written a syllable to a word has no Arabic articles or
    // European particles, though its syllables may look like them (Kim Il Sung, Ri Un Nam,
    // Li De): every word is a part.
    if words.len() >= 2
        && words
            .iter()
            .all(|w| !w.abjad && !syllables(&w.text).is_empty())
    {
        return words;
    }
    let untitled: Vec<Word> = words
        .iter()
        .filter(|w| !is_title(&w.text))
        .cloned()
        .collect();
    // A name that is nothing but a title ("Imam") is still a name.
    let words = if untitled.is_empty() { words } else { untitled };
    let mut parts: Vec<Word> = Vec::with_capacity(words.len() + 1);
    // Set by a patronymic connector: the next part names a father or forebear.
    let mut lineage = false;
    for (index, word) in words.iter().enumerate() {
        let next = words.get(index + 1).map(|w| w.text.as_str());
        let text = word.text.as_str();
        if let Some(next) = next {
            let assimilated = ASSIMILATED
                .iter()
                .any(|(article, letter)| text == *article && next.starts_with(letter));
            let connector = CONNECTORS.contains(&text) && !parts.is_empty();
            let particle = FAMILY_PARTICLES.contains(&text) && !word.abjad;
            lineage |= connector;
            if ARTICLES.contains(&text) || assimilated || connector || particle {
                continue;
            }
        }
        let first_part = parts.len();
        let mut text = text.to_owned();
        if word.abjad {
            // Arabic script attaches the article, "bin" and "Abu al-" to the next word.
            if let Some(rest) = ["abwal", "abual"].iter().find_map(|p| text.strip_prefix(p))
                && rest.len() >= 3
            {
                parts.push(Word::new("abu".to_owned(), true));
                text = rest.to_owned();
            } else if let Some(rest) = text.strip_prefix("bn")
                && rest.len() >= 3
                && !parts.is_empty()
            {
                text = rest.to_owned();
                lineage = true;
            }
            if text.len() >= 4 && text.starts_with("al") && text != "allah" {
                text.drain(..2);
            }
        }
        let after_abd = parts.last().is_some_and(|p| p.text == "abd");
        if DIN.contains(&text.as_str())
            && !after_abd
            && let Some(previous) = parts.last_mut()
        {
            previous.text = format!("{}uddin", strip_connecting_vowel(&previous.text));
            continue;
        }
        if SURNAME_ENDINGS.contains(&text.as_str())
            && let Some(previous) = parts.last_mut()
        {
            previous.text.push_str(&text);
            continue;
        }
        if ALLAH.contains(&text.as_str()) {
            if let Some(previous) = parts.last_mut().filter(|_| !after_abd) {
                previous.text = format!("{}ullah", strip_connecting_vowel(&previous.text));
                continue;
            }
            text = "allah".to_owned();
        }
        let abjad = word.abjad;
        // A patronymic from an ʿAbd name (Abdullayevich) is one word, not "abd" and a rest.
        if let Some(rest) = abd_compound(&text).filter(|_| !has_patronymic_ending(&text)) {
            parts.push(Word::new("abd".to_owned(), abjad));
            if !rest.is_empty() {
                parts.push(Word::new(rest, abjad));
            }
        } else {
            parts.push(Word::new(compound_suffix(&text), abjad));
        }
        // The first part after a connector names the forebear ("bin Abd al-Aziz": abd).
        if lineage && let Some(part) = parts.get_mut(first_part) {
            part.lineage = true;
            lineage = false;
        }
    }
    parts
}

#[cfg(test)]
pub(super) mod tests {
    use super::super::normalize::words;
    use super::*;

    /// The parts' texts of `name`, for the rule tests here and in `compounds.rs`.
    pub(in super::super) fn parts(name: &str) -> Vec<String> {
        canonical_parts(words(name))
            .into_iter()
            .map(|w| w.text)
            .collect()
    }

    #[test]
    fn drops_titles() {
        assert_eq!(parts("Dr. Ayman AL-ZAWAHIRI"), ["ayman", "zawahiri"]);
        assert_eq!(parts("Sheikh Umar"), ["umar"]);
    }

    #[test]
    fn keeps_a_title_that_is_the_whole_name() {
        assert_eq!(parts("Imam"), ["imam"]);
    }

    #[test]
    fn drops_the_article_in_every_spelling() {
        assert_eq!(parts("Nidal al-Rabi'i"), ["nidal", "rabii"]);
        assert_eq!(parts("Hassan el Sayed"), ["hassan", "sayed"]);
        assert_eq!(parts("Ayman az-Zawahiri"), ["ayman", "zawahiri"]);
        assert_eq!(parts("نضال الربيعي"), ["ndal", "rbii"]);
    }

    fn detached(name: &str) -> Option<Vec<String>> {
        article_detached(&words(name)).map(|ws| ws.into_iter().map(|w| w.text).collect())
    }

    #[test]
    fn an_article_written_joined_is_read_apart_as_well() {
        assert_eq!(
            detached("Mansur Alsaadi"),
            Some(vec!["mansur".into(), "saadi".into()])
        );
        assert_eq!(
            detached("Mohamed ELSAYED"),
            Some(vec!["mohamed".into(), "sayed".into()])
        );
        assert_eq!(detached("Allawi Ellis"), None);
        assert_eq!(detached("Ali Alamin"), None);
        assert_eq!(detached("Elvira Aleksanyan"), None);
        assert_eq!(detached("نضال الربيعي"), None);
    }

    #[test]
    fn keeps_a_short_word_that_only_looks_like_an_article() {
        assert_eq!(parts("Ed Sheeran"), ["ed", "sheeran"]);
        assert_eq!(parts("Ali As"), ["ali", "as"]);
    }

    #[test]
    fn drops_patronymic_connectors_but_not_a_first_name() {
        assert_eq!(parts("Bilal bin Marwan"), ["bilal", "marwan"]);
        let lineage: Vec<bool> = canonical_parts(words("Bilal bin Marwan ibn Abd al-Aziz"))
            .into_iter()
            .map(|w| w.lineage)
            .collect();
        assert_eq!(lineage, [false, true, true, false]);
        assert_eq!(parts("Ben Netanyahu"), ["ben", "netanyahu"]);
        assert_eq!(parts("عمر بنحسين"), ["amr", "hsin"]);
    }

    #[test]
    fn abu_al_written_as_one_word_in_arabic_script_is_abu_and_a_name() {
        assert_eq!(parts("أبواليزيد"), ["abu", "izid"]);
    }

    #[test]
    fn drops_family_particles_before_the_name() {
        assert_eq!(
            parts("Alexandre Boris de Pfeffel Johnson"),
            ["alexandre", "boris", "pfeffel", "johnson"]
        );
    }
}
