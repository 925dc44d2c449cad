//! Armenian names in Western Armenian spelling.
//!
//! Lists and passports of Armenia romanise the Eastern Armenian values of the letters
//! (BGN/PCGN, ISO 9985, the passport system): Karapetyan, Grigor, Hakob. The diaspora of the
//! Middle East, France and the Americas spells the same names as Western Armenian sounds
//! them, where the voiced and plain voiceless stops and affricates swap: բ p / պ b, գ k /
//! կ g, դ t / տ d, ձ ts / ծ dz, ջ ch / ճ j (Garabedian, Krikor, Hagop; Library of Congress
//! romanisation tables, note on Western Armenian). Each swap alone is a cheap substitution
//! for the keys, but a name has several (Giragosian / Kirakosyan: three), which add up to
//! another name. A name with a surname in the Western ending -ian is read a second time with
//! the swaps undone; the first reading stays (Papaian may be Papayan). The aspirates թ փ ք
//! ց չ are t p k ts ch in both, so a Western voiceless letter may have been one of them
//! and is then swapped wrongly (Datevig, Tatevik, reads "tadevik"): one cheap substitution
//! left, where there were several.

use super::normalize::{Word, respelt};

/// The Western Armenian surname ending, on a word long enough to be a surname.
fn western_surname(text: &str) -> bool {
    text.len() >= 7 && text.ends_with("ian")
}

/// `text` with the Western Armenian consonant swaps undone. The digraphs of other letters
/// (gh ղ, kh խ, sh շ, zh ժ) are kept whole.
fn eastern(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len() + 2);
    let mut i = 0;
    while i < bytes.len() {
        let (swapped, used): (&str, usize) = match &bytes[i..] {
            [b'g' | b'k' | b's' | b'z', b'h', ..] => (&text[i..i + 2], 2),
            [b'c', b'h', ..] => ("j", 2),
            [b'd', b'z', ..] => ("ts", 2),
            [b't', b's', ..] => ("dz", 2),
            [b'b', ..] => ("p", 1),
            [b'p', ..] => ("b", 1),
            [b'd', ..] => ("t", 1),
            [b't', ..] => ("d", 1),
            [b'g', ..] => ("k", 1),
            [b'k', ..] => ("g", 1),
            [b'j', ..] => ("ch", 1),
            _ => (&text[i..i + 1], 1),
        };
        out.push_str(swapped);
        i += used;
    }
    out
}

/// The words read as Eastern Armenian spellings, when one of them is a Western Armenian
/// surname; `None` otherwise.
pub fn eastern_reading(words: &[Word]) -> Option<Vec<Word>> {
    let latin = |w: &Word| !w.abjad && w.text.is_ascii();
    if !words.iter().any(|w| latin(w) && western_surname(&w.text)) {
        return None;
    }
    respelt(words, |w| latin(w).then(|| eastern(&w.text)))
}

#[cfg(test)]
mod tests {
    use super::super::normalize::words;
    use super::eastern_reading;

    fn read(name: &str) -> Option<Vec<String>> {
        eastern_reading(&words(name)).map(|ws| ws.into_iter().map(|w| w.text).collect())
    }

    #[test]
    fn western_armenian_stops_and_affricates_swap_back() {
        assert_eq!(
            read("Krikor Giragosian"),
            Some(vec!["grigor".into(), "kirakosian".into()])
        );
        assert_eq!(
            read("Hagop Garabedian"),
            Some(vec!["hakob".into(), "karapetian".into()])
        );
        assert_eq!(
            read("Dzovinar Choulhagian"),
            Some(vec!["tsovinar".into(), "joulhakian".into()])
        );
    }

    #[test]
    fn digraphs_of_other_letters_stay_whole() {
        assert_eq!(
            read("Boghosian Datevig"),
            Some(vec!["poghosian".into(), "tadevik".into()])
        );
    }

    #[test]
    fn names_without_a_western_surname_have_no_such_reading() {
        assert_eq!(read("Gevorg Manukyan"), None);
        assert_eq!(read("Brian Smith"), None);
    }
}
