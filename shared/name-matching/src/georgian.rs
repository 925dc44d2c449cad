//! Georgian names as ISO 9984 writes them.
//!
//! ISO 9984:1996 gives each Georgian letter one Latin letter, and ძ (dz) is a plain `j`
//! there (ჯ, the sound English writes j, is `ǰ`). The commonest Georgian surname ending,
//! -ძე (-dze, "son of": Shevardnadze, Beridze, Giorgadze), so comes out as `-je`
//! (Ševardnaje, Berije, Giorgaje), which no other system writes and no key brings close to
//! -dze. A word ending in a vowel and -je is read a second time with -dze; the first
//! reading stays, as names in other languages end so too (Børje).

use super::normalize::{Word, respelt};

/// The ISO 9984 ending read as the national system's -dze, if the word has it.
fn with_dze(text: &str) -> Option<String> {
    let stem = text.strip_suffix("je")?;
    let ends_in_vowel = stem.ends_with(['a', 'e', 'i', 'o', 'u']);
    (stem.len() >= 4 && ends_in_vowel).then(|| format!("{stem}dze"))
}

/// The words with every ISO 9984 -je ending written -dze; `None` when no word has one.
pub fn dze_endings(words: &[Word]) -> Option<Vec<Word>> {
    respelt(words, |w| with_dze(&w.text).filter(|_| !w.abjad))
}

#[cfg(test)]
mod tests {
    use super::super::normalize::words;
    use super::dze_endings;

    fn read(name: &str) -> Option<Vec<String>> {
        dze_endings(&words(name)).map(|ws| ws.into_iter().map(|w| w.text).collect())
    }

    #[test]
    fn the_iso_9984_ending_je_reads_as_dze() {
        assert_eq!(
            read("Xatia Ševardnaje"),
            Some(vec!["xatia".into(), "shevardnadze".into()])
        );
        assert_eq!(
            read("BERIJE Xatia"),
            Some(vec!["beridze".into(), "xatia".into()])
        );
    }

    #[test]
    fn other_words_ending_in_je_stay_as_they_are() {
        assert_eq!(read("Giorgi Burje"), None);
        assert_eq!(read("Maje Kim"), None);
    }
}
