//! Korean names: Hangul names written as one word, and the customary Latin spellings of
//! family names.

use any_ascii::any_ascii;
use unicode_normalization::UnicodeNormalization;

use super::normalize::{Word, respelt};

/// Korean compound family names of two syllables (남궁 Namgung, 황보 Hwangbo, 제갈 Jegal,
/// 선우 Seonu, 독고 Dokgo, 사공 Sagong).
const DOUBLE_SURNAMES: &[&str] = &["남궁", "황보", "제갈", "선우", "독고", "사공"];

/// A Korean name written in Hangul as one word ("김정은"), romanised with its family name
/// apart: Korean custom writes a one-syllable family name (two for the compound names above)
/// and a given name without a space, while Latin spellings separate them (Kim Jong Un).
/// `None` for anything but two to four Hangul syllables.
pub fn name_spaced(word: &str) -> Option<String> {
    // Decomposition (NFKD, above) has split the syllables into their letters (jamo).
    if !word
        .chars()
        .any(|c| matches!(c, '\u{1100}'..='\u{11FF}' | '\u{AC00}'..='\u{D7A3}'))
    {
        return None;
    }
    let word: String = word.nfc().collect();
    let word = word.as_str();
    let is_syllable = |c: char| matches!(c, '\u{AC00}'..='\u{D7A3}');
    let syllables = word.chars().count();
    if !(2..=4).contains(&syllables) || !word.chars().all(is_syllable) {
        return None;
    }
    let family = if syllables == 4 && DOUBLE_SURNAMES.iter().any(|s| word.starts_with(s)) {
        2
    } else {
        1
    };
    let cut = word
        .char_indices()
        .nth(family)
        .map_or(word.len(), |(i, _)| i);
    Some(format!(
        "{} {}",
        any_ascii(&word[..cut]),
        any_ascii(&word[cut..])
    ))
}

/// Customary Latin spellings of the commonest Korean family names, with the Revised
/// Romanisation (2000) form each stands for, after the National Institute of the Korean
/// Language's survey of family-name spellings: Lee, Rhee, Ri for 이 (Yi), Park and Pak for 박
/// (Bak), Choi for 최 (Choe), Jung and Chung for 정 (Jeong), … Both sides of a comparison
/// read them alike, so a list writing one and a passport the other meet.
pub(super) const CUSTOMARY_SURNAMES: &[(&str, &str)] = &[
    ("lee", "yi"),
    ("rhee", "yi"),
    ("ri", "yi"),
    ("rhie", "yi"),
    ("park", "bak"),
    ("pak", "bak"),
    ("choi", "choe"),
    ("jung", "jeong"),
    ("chung", "jeong"),
    ("chong", "jeong"),
    ("kang", "gang"),
    ("cho", "jo"),
    ("yoon", "yun"),
    ("lim", "im"),
    ("rim", "im"),
    ("shin", "sin"),
    ("ryu", "yu"),
    ("yoo", "yu"),
    ("kwon", "gwon"),
    ("kwak", "gwak"),
    ("chun", "jeon"),
    ("jun", "jeon"),
    ("chon", "jeon"),
    ("suh", "seo"),
    ("koo", "gu"),
    ("ku", "gu"),
    ("kim", "gim"),
    ("ko", "go"),
    ("kong", "gong"),
    ("pyo", "pyo"),
    ("moon", "mun"),
    ("noh", "no"),
    ("roh", "no"),
    ("bae", "bae"),
    ("paek", "baek"),
    ("baik", "baek"),
    ("paik", "baek"),
    ("ahn", "an"),
    ("woo", "u"),
    ("sung", "seong"),
    ("song", "song"),
    ("hyun", "hyeon"),
    ("jang", "jang"),
    ("chang", "jang"),
    ("cha", "cha"),
    ("joo", "ju"),
    ("chu", "ju"),
    ("yeo", "yeo"),
    ("yang", "yang"),
    ("oh", "o"),
];

/// The words with customary Korean family-name spellings written in the Revised
/// Romanisation; `None` when the name has none that differs.
pub fn revised_surnames(words: &[Word]) -> Option<Vec<Word>> {
    let revised = |text: &str| {
        CUSTOMARY_SURNAMES
            .iter()
            .find(|(customary, rr)| *customary == text && customary != rr)
            .map(|(_, rr)| (*rr).to_owned())
    };
    respelt(words, |w| revised(&w.text).filter(|_| !w.abjad))
}

#[cfg(test)]
mod tests {
    use super::super::normalize::{readings, words};

    fn texts(name: &str) -> Vec<String> {
        words(name).into_iter().map(|w| w.text).collect()
    }

    #[test]
    fn a_korean_name_in_hangul_keeps_its_family_name_apart() {
        assert_eq!(texts("김정은"), ["gim", "jeongeun"]);
        assert_eq!(texts("남궁민수"), ["namgung", "minsu"]);
        assert_eq!(texts("김"), ["gim"]);
    }

    #[test]
    fn customary_family_names_are_read_in_the_revised_romanisation_as_well() {
        let second: Vec<String> = readings("LEE Myung-bak")[1]
            .iter()
            .map(|w| w.text.clone())
            .collect();
        assert_eq!(second, ["yi", "myungbak"]);
        assert_eq!(readings("Ivan Petrov").len(), 1);
    }
}
