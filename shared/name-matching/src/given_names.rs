//! Common given names that are different names, though their Latin spellings look alike.
//!
//! Several of the commonest Arabic names come from one root and share its consonants:
//! ḥ-m-d gives Muhammad (محمد), Mahmud (محمود), Ahmad (أحمد), Hamid (حامد), Hamad (حمد), Hamdi
//! and Hamdan; ḥ-s-n gives Hasan (حسن), Husayn (حسين) and Muhsin (محسن); and Umar (عمر) is
//! not Amr (عمرو) or Ammar (عمار), nor Said (سعيد) Saad (سعد) or Sayyid (سيد). An edit
//! distance sees Ahmed and Hamed, or Hasan and Husain, as one name misspelt; they are two
//! names, and a man called one is not the man called the other. Likewise Oleg is not Olga
//! (Russian, from the Norse Helgi and Helga).
//!
//! Each name below is listed with the spellings the romanisation systems give it: ALA-LC and
//! BGN/PCGN (Muhammad, Husayn), English and French usage (Mohammed, Mohamed, Hussein),
//! Persian (Mohammad, Hossein, Mohsen), Russian and Central Asian passports (Mukhammad,
//! Magomed, Akhmed, Guseyn), Turkish (Mehmet, Ahmet, Hüseyin), Malaysian and South Asian
//! abbreviations (Mohd, Md). A part is read as one of these names only when its phonetic key
//! equals the key of one of its spellings; two parts read as different names never pair.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::keys::phonetic_key;

/// Identifier of one of the names below (its index, from 1; 0 is none).
pub type GivenName = u8;

/// Muhammad, the first of `NAMES`.
pub const MUHAMMAD: GivenName = 1;

const NAMES: &[&[&str]] = &[
    &[
        "muhammad",
        "mohammed",
        "mohamed",
        "mohammad",
        "mohamad",
        "muhamad",
        "muhammed",
        "mohamet",
        "mukhammad",
        "mukhamed",
        "mukhammed",
        "magomed",
        "mahomed",
        "mehmet",
        "muhammet",
        "mohd",
        "muhd",
        "md",
    ],
    &[
        "mahmud", "mahmoud", "mahmood", "makhmud", "mahmut", "mahmod", "machmud",
    ],
    &[
        "ahmad", "ahmed", "akhmad", "akhmed", "ahmet", "achmed", "ahmat",
    ],
    &["hamid", "hamed", "hameed", "khamid", "hamit"],
    &["hamad", "khamad"],
    &["hamdi", "hamdy"],
    &["hamdan", "khamdan"],
    &["hasan", "hassan", "hasen", "khasan", "gasan"],
    &[
        "husayn", "hussein", "husein", "hussain", "husain", "hossein", "hosein", "hosain",
        "huseyn", "huseyin", "guseyn", "gusein", "khusein", "khusayn", "hussien",
    ],
    &["muhsin", "mohsen", "mohsin", "muhsen"],
    &["umar", "omar", "omer", "oumar", "umer"],
    &["amr", "amro", "amru"],
    &["ammar", "amar"],
    &["said", "saeed"],
    &["saad"],
    &["sayyid", "sayid", "syed", "seyed", "seyyed"],
    &["oleg", "oleh", "aleh"],
    &["olga", "olha", "volha", "olya"],
];

/// The name `text` (normalised) is a spelling of, if one of the above.
#[cfg(test)]
fn given_name(text: &str) -> Option<GivenName> {
    given_name_of_key(&phonetic_key(text))
}

/// The name a part with phonetic key `key` is a spelling of, if one of the above.
pub fn given_name_of_key(key: &[u8]) -> Option<GivenName> {
    if key.len() > 10 {
        return None;
    }
    by_key().get(key).copied()
}

/// Whether one key is the other's woman's form, as Slavic, Romance and Germanic given names
/// make it with -a, and Slavic names in -iy/-ij (keyed -i) with -ia/-iya: Ivan/Ivana,
/// Aleksandr/Aleksandra, Yevgeniy/Yevgeniya, Juan/Juana, Paul/Paula. A man and a woman so
/// named are two people; a dropped final a is seldom a typo.
pub fn gendered_forms(a: &[u8], b: &[u8]) -> bool {
    let (short, long) = if a.len() < b.len() { (a, b) } else { (b, a) };
    let Some(stem) = long.strip_prefix(short) else {
        return false;
    };
    let ends_in_consonant = short
        .last()
        .is_some_and(|c| !matches!(c, b'a' | b'e' | b'i' | b'o' | b'u' | b'y'));
    short.len() >= 4
        && ((ends_in_consonant && stem == b"a")
            || (short.ends_with(b"i") && matches!(stem, b"a" | b"ya" | b"ja")))
}

fn by_key() -> &'static HashMap<Vec<u8>, GivenName> {
    static BY_KEY: OnceLock<HashMap<Vec<u8>, GivenName>> = OnceLock::new();
    BY_KEY.get_or_init(|| {
        let mut map = HashMap::new();
        for (name, spellings) in (1..).zip(NAMES) {
            for spelling in *spellings {
                // Keys are unique across names: a key shared by two names would be read as
                // whichever came last, and the tests below would say so.
                map.insert(phonetic_key(spelling), name);
            }
        }
        map
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_two_names_share_a_spelling_key() {
        let mut seen: HashMap<Vec<u8>, usize> = HashMap::new();
        for (index, spellings) in NAMES.iter().enumerate() {
            for spelling in *spellings {
                if let Some(other) = seen.insert(phonetic_key(spelling), index) {
                    assert_eq!(other, index, "{spelling} is read as two names");
                }
            }
        }
    }

    #[test]
    fn spellings_of_one_name_are_one_name() {
        assert_eq!(given_name("mohammed"), given_name("mukhammad"));
        assert_eq!(given_name("hussein"), given_name("hossein"));
        assert!(given_name("mohammed").is_some());
    }

    #[test]
    fn names_of_one_root_are_different_names() {
        assert_ne!(given_name("ahmed"), given_name("hamed"));
        assert_ne!(given_name("mohammad"), given_name("mahmoud"));
        assert_ne!(given_name("hasan"), given_name("husain"));
        assert_ne!(given_name("olga"), given_name("oleg"));
    }

    #[test]
    fn a_womans_form_of_a_given_name_is_told_from_the_mans() {
        let forms = |a: &str, b: &str| gendered_forms(&phonetic_key(a), &phonetic_key(b));
        assert!(forms("ivan", "ivana"));
        assert!(forms("aleksandra", "aleksandr"));
        assert!(forms("yevgeniy", "yevgeniya"));
        assert!(!forms("ivan", "ivan"));
        assert!(!forms("mustafo", "mustafa"));
        assert!(!forms("musa", "mus"));
    }

    #[test]
    fn other_names_are_none_of_these() {
        assert_eq!(given_name("petrov"), None);
        assert_eq!(given_name("john"), None);
    }
}
