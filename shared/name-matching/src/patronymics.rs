//! Patronymics: the part of a name that says whose child someone is.
//!
//! Lists keep them (`PUTIN, Vladimir Vladimirovich`; `KARIMOV, Dilshod Abdullayevich`)
//! while passports, visas and most intake forms leave them out, so a patronymic present on
//! one side only must cost little. A marked part weighs less (`PartStatistics::weight`):
//! missing, it costs little; present on both sides, it still pairs or contradicts.
//!
//! Forms recognised:
//! - East Slavic patronymics (Russian, Ukrainian, Belarusian), as every romanisation writes
//!   them once `romanisation.rs` has expanded č: -ovich/-evich (ICAO, BGN/PCGN, ISO 9),
//!   -ovych/-evych (Ukrainian national 2010), -avich (Belarusian national 2007), -ovitch
//!   (French-style), and the women's -ovna/-evna, -ivna (Ukrainian), -avna (Belarusian),
//!   -ichna. The men's ending is also the ending of South Slavic surnames (Milošević, Mladić),
//!   so it marks a patronymic only in a name of three parts or more, after the first.
//! - Turkic patronymic words after the father's name: Uzbek o‘g‘li / qizi, Kazakh ұлы /
//!   қызы (uly, kyzy), Kyrgyz уулу / кызы (uulu, kyzy), Azerbaijani oğlu / qızı (oglu, gizi),
//!   Turkmen ogly / gyzy. The father's name is marked and the word itself dropped, as
//!   "son of" says nothing of who someone is (as bin/ibn, `particles.rs`).

use super::normalize::Word;

const MALE_ENDINGS: &[&str] = &[
    "ovich", "evich", "ovych", "evych", "avich", "ovitch", "evitch",
];
const FEMALE_ENDINGS: &[&str] = &["ovna", "evna", "ivna", "avna", "ichna"];
/// Turkic "son of" / "daughter of", as romanised (apostrophes are already dropped: ogli).
const TURKIC_WORDS: &[&str] = &[
    "ugli", "ogli", "ogly", "oglu", "ugly", "uly", "uli", "uulu", "kizi", "qizi", "kyzy", "qyzy",
    "gyzy", "gizi", "kizy",
];

fn ends_with_any(text: &str, endings: &[&str], longer_than: usize) -> bool {
    text.len() > longer_than && endings.iter().any(|e| text.ends_with(e))
}

/// Whether `text` ends as an East Slavic patronymic does (men's or women's form).
pub fn has_patronymic_ending(text: &str) -> bool {
    ends_with_any(text, MALE_ENDINGS, 6) || ends_with_any(text, FEMALE_ENDINGS, 5)
}

/// Marks the patronymic parts of `parts` and drops Turkic patronymic words.
pub fn mark_patronymics(parts: &mut Vec<Word>) {
    let mut index = 1;
    while index < parts.len() {
        if !parts[index].abjad && TURKIC_WORDS.contains(&parts[index].text.as_str()) {
            parts.remove(index);
            parts[index - 1].patronymic = true;
        } else {
            index += 1;
        }
    }
    if parts.len() < 2 {
        return;
    }
    let mut male_marked = parts.iter().any(|p| p.patronymic);
    let count = parts.len();
    for (position, part) in parts.iter_mut().enumerate() {
        if part.abjad || part.patronymic {
            continue;
        }
        if ends_with_any(&part.text, FEMALE_ENDINGS, 5) {
            part.patronymic = true;
        } else if !male_marked
            && count >= 3
            && position > 0
            && ends_with_any(&part.text, MALE_ENDINGS, 6)
        {
            part.patronymic = true;
            male_marked = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::normalize::words;
    use super::*;

    fn marked(name: &str) -> Vec<(String, bool)> {
        let mut parts = words(name);
        mark_patronymics(&mut parts);
        parts.into_iter().map(|w| (w.text, w.patronymic)).collect()
    }

    fn patronymics(name: &str) -> Vec<String> {
        marked(name)
            .into_iter()
            .filter(|(_, p)| *p)
            .map(|(t, _)| t)
            .collect()
    }

    #[test]
    fn east_slavic_patronymics_are_marked_in_every_order_and_romanisation() {
        assert_eq!(
            patronymics("PUTIN, Vladimir Vladimirovich"),
            ["vladimirovich"]
        );
        assert_eq!(patronymics("Ivanov Ivan Ivanovič"), ["ivanovich"]);
        assert_eq!(patronymics("Olena Hryhorivna Pavlenko"), ["hryhorivna"]);
        assert_eq!(patronymics("Anna Petrovna"), ["petrovna"]);
    }

    #[test]
    fn south_slavic_surnames_are_not_patronymics() {
        assert!(patronymics("Slobodan Milošević").is_empty());
        assert!(patronymics("Ratko MLADIC").is_empty());
    }

    #[test]
    fn turkic_patronymic_words_mark_the_fathers_name_and_go() {
        assert_eq!(
            marked("Nodir Abdulla o'g'li Yoqubov"),
            [
                ("nodir".to_owned(), false),
                ("abdulla".to_owned(), true),
                ("yoqubov".to_owned(), false)
            ]
        );
        assert_eq!(patronymics("KODIROVA, Mamura Zafar kizi"), ["zafar"]);
    }

    #[test]
    fn a_patronymic_from_an_abd_name_stays_one_part() {
        assert_eq!(
            super::super::prepare("KARIMOV, Dilshod Abdullayevich")
                .into_iter()
                .map(|p| p.text)
                .collect::<Vec<_>>(),
            ["dilshod", "abdullayevich", "karimov"]
        );
    }
}
