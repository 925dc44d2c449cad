//! Chinese names in Wade–Giles (Mao Tse-tung, Teng Hsiao-p'ing, Chiang Ching-kuo) read as
//! Hanyu Pinyin writes them (Mao Zedong, Deng Xiaoping, Jiang Jingguo), syllable by syllable,
//! by the published correspondence of the two systems: Wade–Giles marks aspiration with an
//! apostrophe (p' t' k' ch' ts') where Pinyin writes p t k q/ch c for it and b d g j/zh z
//! for the unaspirated sounds; hs is x, j is r, ss/sz is s; the finals -ih and the -ŭ of
//! tzŭ, ssŭ are -i, -ieh is -ie, -ien is -ian, -ung is -ong, -uei is -ui, and -o after k, k'
//! and h is -e.
//!
//! Only a name that shows a mark Pinyin never writes (an aspiration apostrophe, hs-, ts-, tz, ss,
//! ê, ŭ, -ieh) gets this reading: plain syllables read alike in both systems or cannot be
//! told apart.

/// The name in Pinyin, when it shows Wade–Giles marks; `None` otherwise.
pub fn pinyin_reading(name: &str) -> Option<String> {
    let lower = name.to_lowercase();
    if !looks_wade_giles(&lower) {
        return None;
    }
    let mut out = String::with_capacity(lower.len());
    let mut syllable = String::new();
    for c in lower.chars() {
        if c.is_alphabetic() || is_aspiration(c) {
            syllable.push(c);
        } else {
            out.push_str(&syllable_to_pinyin(&syllable));
            syllable.clear();
            out.push(c);
        }
    }
    out.push_str(&syllable_to_pinyin(&syllable));
    Some(out)
}

fn is_aspiration(c: char) -> bool {
    matches!(c, '\'' | '’' | 'ʻ' | 'ʼ' | '‘')
}

fn looks_wade_giles(lower: &str) -> bool {
    let words = lower.split(|c: char| !(c.is_alphabetic() || is_aspiration(c)));
    lower.contains(['ê', 'ŭ'])
        || words.into_iter().any(|w| {
            w.starts_with("hs")
                || w.starts_with("ts")
                || w.starts_with("tz")
                || w.starts_with("ss")
                || w.ends_with("ieh")
                || ["p", "t", "k", "ch", "ts", "tz"].iter().any(|i| {
                    w.len() > i.len() + 1
                        && w.starts_with(i)
                        && w[i.len()..].starts_with(is_aspiration)
                })
        })
}

/// One Wade–Giles syllable in Pinyin; anything it does not recognise passes through.
pub(super) fn syllable_to_pinyin(syllable: &str) -> String {
    if syllable.is_empty() {
        return String::new();
    }
    let plain: String = syllable
        .chars()
        .filter(|c| !is_aspiration(*c))
        .map(|c| match c {
            'ê' => 'e',
            'ŭ' => 'u',
            other => other,
        })
        .collect();
    let aspirated = syllable.chars().any(is_aspiration);
    // Initials, longest first: (Wade–Giles, unaspirated Pinyin, aspirated Pinyin).
    const INITIALS: &[(&str, &str, &str)] = &[
        ("hs", "x", "x"),
        ("ch", "zh", "ch"),
        ("ts", "z", "c"),
        ("tz", "z", "c"),
        ("ss", "s", "s"),
        ("sz", "s", "s"),
        ("sh", "sh", "sh"),
        ("p", "b", "p"),
        ("t", "d", "t"),
        ("k", "g", "k"),
        ("j", "r", "r"),
        ("h", "h", "h"),
    ];
    let (initial, rest) = INITIALS
        .iter()
        .find_map(|(wg, plain_initial, aspirated_initial)| {
            let rest = plain.strip_prefix(wg)?;
            let initial = if aspirated {
                aspirated_initial
            } else {
                plain_initial
            };
            Some((*initial, rest))
        })
        .unwrap_or(("", plain.as_str()));
    // ch before i and ü is j (ch') or q: Chiang → Jiang, Ch'ing → Qing.
    let palatal = rest.starts_with('i') || rest.starts_with('ü');
    let initial = match initial {
        "zh" if palatal => "j",
        "ch" if palatal => "q",
        other => other,
    };
    let final_ = match (initial, rest) {
        ("zh" | "ch" | "sh" | "r", "ih") => "i".to_owned(),
        ("z" | "c" | "s", "u") => "i".to_owned(),
        ("g" | "k" | "h", "o") => "e".to_owned(),
        (_, r) => r
            .replace("ieh", "ie")
            .replace("ien", "ian")
            .replace("iung", "iong")
            .replace("ung", "ong")
            .replace("uei", "ui")
            .replace("üeh", "ue")
            .replace('ü', "u"),
    };
    format!("{initial}{final_}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wade_giles_names_read_as_pinyin() {
        assert_eq!(
            pinyin_reading("Mao Tse-tung").as_deref(),
            Some("mao ze-dong")
        );
        assert_eq!(
            pinyin_reading("Teng Hsiao-p'ing").as_deref(),
            Some("deng xiao-ping")
        );
        assert_eq!(
            pinyin_reading("Chiang Ch'ing-kuo").as_deref(),
            Some("jiang qing-guo")
        );
        assert_eq!(
            pinyin_reading("Hsi Chin-p'ing").as_deref(),
            Some("xi jin-ping")
        );
        assert_eq!(pinyin_reading("Yao Tzŭ-han").as_deref(), Some("yao zi-han"));
    }

    #[test]
    fn names_without_wade_giles_marks_have_no_such_reading() {
        assert_eq!(pinyin_reading("Mao Zedong"), None);
        assert_eq!(pinyin_reading("Tom Hanks"), None);
    }
}
