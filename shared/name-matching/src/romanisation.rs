//! Latin letters with diacritics that romanisation standards and Latin alphabets use for
//! sounds that English-style spellings (ICAO, BGN/PCGN) write with two or more letters.
//!
//! They are expanded before diacritics are removed, so that ISO 9 `Ščeglova` meets ICAO
//! `Shcheglova` rather than `Sceglova`, and Uzbek or Turkish `ş`, `ç`, `ğ` meet `sh`, `ch`,
//! `gh`. Letters whose diacritic only colours a vowel (é, ö, ü, ë for ё) or whose reading
//! differs between the languages that use it (ñ: Spanish ny, Kazakh ng) are left to plain
//! diacritic removal. Where a letter has another reading in some language, the table takes
//! the reading of the sanctions-relevant scripts and says so.

/// The spelling `c` stands for, when it is one of the expanded letters.
pub fn expansion(c: char) -> Option<&'static str> {
    Some(match c {
        // ш ж ч: ISO 9:1995 / GOST 7.79-2000 system A, the scientific transliteration,
        // UNGEGN 1987, the Belarusian national system (2007) and the Czech, Slovak,
        // Slovene, Croatian, Latvian and Lithuanian alphabets; ž also Turkmen (1993).
        'š' | 'Š' => "sh",
        'ž' | 'Ž' => "zh",
        'č' | 'Č' => "ch",
        // щ, ю, я in ISO 9:1995 / GOST 7.79-2000 system A (Ŝeglova, Ûliâ).
        'ŝ' | 'Ŝ' => "shch",
        'û' | 'Û' => "yu",
        'â' | 'Â' => "ya",
        // ч in ISO 9:1954/1968 for Ukrainian and in Esperanto-style renderings.
        'ĉ' | 'Ĉ' => "ch",
        // Turkish (1928), Azerbaijani (1991), Turkmen (1993), Kazakh Latin (2021) and
        // Tatar: ş ç ğ; Romanian ș/ş and ț/ţ. French and Portuguese ç (s) lose here:
        // sanctions lists write those names without it (François → FRANCOIS).
        'ş' | 'Ş' | 'ș' | 'Ș' => "sh",
        'ç' | 'Ç' => "ch",
        'ğ' | 'Ğ' | 'ǧ' | 'Ǧ' => "gh",
        'ţ' | 'Ţ' | 'ț' | 'Ț' => "ts",
        // Polish ś ć ż ź and Croatian/Bosnian ć đ: the sounds ICAO writes sh, ch, zh, dj.
        'ś' | 'Ś' => "sh",
        'ć' | 'Ć' => "ch",
        'ż' | 'Ż' | 'ź' | 'Ź' => "zh",
        'đ' | 'Đ' => "dj",
        // Turkmen ň (ң), and Kazakh/Kyrgyz ң as BGN/PCGN write it: ng.
        'ň' | 'Ň' => "ng",
        // DIN 31635 and ISO 233 for Arabic خ ث ذ غ (ḫ ṯ ḏ ġ), which English-style
        // spellings write kh, th, dh, gh.
        'ḫ' | 'Ḫ' | 'ẖ' => "kh",
        'ṯ' | 'Ṯ' => "th",
        'ḏ' | 'Ḏ' => "dh",
        'ġ' | 'Ġ' => "gh",
        _ => return None,
    })
}

/// `name` with every expanded letter written out, in lower case: names are compared without
/// case, and camel-case words are split before this step.
pub fn expand_letters(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 8);
    let mut after_vowel = false;
    for c in name.chars() {
        match expansion(c) {
            Some(spelled) => out.push_str(spelled),
            // Belarusian ў (a u that closes a syllable, always after a vowel: Navumaŭ,
            // Jaŭhien) is ŭ in the national system and в (v) in Russian-based ones. After
            // a consonant ŭ is a vowel (McCune-Reischauer Korean: Sŭng) and folds to u.
            None if after_vowel && matches!(c, 'ŭ' | 'Ŭ') => out.push('v'),
            None => out.push(c),
        }
        after_vowel = matches!(c.to_ascii_lowercase(), 'a' | 'e' | 'i' | 'o' | 'u' | 'y');
    }
    out
}

/// How a name shows German-style transcription of Russian and Ukrainian (Duden).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum GermanStyle {
    None,
    /// -yj/-ij for -ый/-ий (Selenskyj), which German shares with the Czech, Polish and
    /// scientific spellings: only its w and j are read the English way.
    Glides,
    /// Endings and letter groups English-style spellings never give: -ow, -owa, -ew, -jewa,
    /// -witsch, -wna, tsch.
    Full,
}

pub fn german_style(word: &str) -> GermanStyle {
    const ENDINGS: &[&str] = &["ow", "owa", "ew", "ewa", "witsch", "wna", "jew"];
    if word.len() < 4 {
        GermanStyle::None
    } else if ENDINGS.iter().any(|e| word.ends_with(e)) || word.contains("tsch") {
        GermanStyle::Full
    } else if word.ends_with("yj") || word.ends_with("ij") {
        GermanStyle::Glides
    } else {
        GermanStyle::None
    }
}

/// A word in the German-style (Duden) transcription of Russian, written as the
/// English-style systems write it: schtsch → shch, tsch → ch, sch → sh, ch → kh, w → v,
/// j → y, z → ts, s between vowels → z and ss → s (Duden writes з as s and с between
/// vowels as ss: Kasakow/Kazakov, Denissow/Denisov).
pub fn from_german_transcription(word: &str, style: GermanStyle) -> String {
    if style == GermanStyle::Glides {
        return word.replace('w', "v").replace('j', "y");
    }
    let bytes = word.as_bytes();
    let vowel = |i: usize| bytes.get(i).is_some_and(|c| b"aeiouy".contains(c));
    let mut out = String::with_capacity(word.len() + 4);
    let mut i = 0;
    while i < bytes.len() {
        let rest = &word[i..];
        let (spelled, used) = if rest.starts_with("schtsch") {
            ("shch", 7)
        } else if rest.starts_with("tsch") {
            ("ch", 4)
        } else if rest.starts_with("sch") {
            ("sh", 3)
        } else if rest.starts_with("ch") {
            ("kh", 2)
        } else if rest.starts_with("ss") {
            ("s", 2)
        } else {
            match bytes[i] {
                b'w' => ("v", 1),
                b'j' => ("y", 1),
                b'z' => ("ts", 1),
                b's' if i > 0 && vowel(i - 1) && vowel(i + 1) => ("z", 1),
                _ => (&rest[..1], 1),
            }
        };
        out.push_str(spelled);
        i += used;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn german_transcriptions_of_russian_read_as_english_style_ones() {
        let read = |w: &str| from_german_transcription(w, GermanStyle::Full);
        assert_eq!(read("chruschtschow"), "khrushchov");
        assert_eq!(read("jewgenjewitsch"), "yevgenyevich");
        assert_eq!(read("kasakow"), "kazakov");
        assert_eq!(read("denissow"), "denisov");
        assert_eq!(read("woronzowa"), "vorontsova");
        assert_eq!(german_style("iwanow"), GermanStyle::Full);
        assert_eq!(german_style("ivanov"), GermanStyle::None);
        assert_eq!(german_style("selenskyj"), GermanStyle::Glides);
        assert_eq!(
            from_german_transcription("zelenskyj", GermanStyle::Glides),
            "zelenskyy"
        );
    }

    #[test]
    fn iso_9_letters_become_the_digraphs_they_stand_for() {
        assert_eq!(expand_letters("Ŝeglova"), "shcheglova");
        assert_eq!(expand_letters("Ûliâ"), "yuliya");
        assert_eq!(expand_letters("Hruščëv"), "Hrushchëv");
    }

    #[test]
    fn turkic_alphabets_expand_their_cedillas_and_breves() {
        assert_eq!(expand_letters("Çağlar Şahin"), "chaghlar shahin");
    }

    #[test]
    fn a_belarusian_u_after_a_vowel_is_the_v_of_russian_spellings() {
        assert_eq!(expand_letters("Navumaŭ Jaŭhien"), "Navumav Javhien");
        assert_eq!(expand_letters("Sŭng"), "Sŭng");
    }

    #[test]
    fn other_letters_are_left_alone() {
        assert_eq!(expand_letters("José Müller"), "José Müller");
    }
}
