//! East Asian names written a syllable to a part: Chinese (Zhang Xin, Chou Hsien Cheng) and
//! Korean (Kim Yong Chol, Ri Il Nam).
//!
//! Each such part is one character of the original, out of a closed inventory: some 400
//! toneless Pinyin syllables, a few thousand Hangul syllables. Two different syllables are
//! two different characters, not a misspelling of one, however alike they look in Latin
//! letters (Xin/Hsien, Cheng/Chen, Il/In): a one-letter difference that is a typo in
//! "Petrov" is another name here. So when both names are written in such syllables, two
//! parts pair only when they can stand for the same syllable, in whichever romanisation each
//! is written, and a syllable one name lacks is part of a different given name (Yong Chol
//! is not Yong), not a part left out.
//!
//! The inventory:
//! - Hanyu Pinyin: the reading `any_ascii` gives every CJK Unified Ideograph (toneless);
//!   every Wade–Giles syllable (its initials and finals combined) is read into Pinyin by
//!   `wade_giles::syllable_to_pinyin`, with and without the aspiration mark that plain
//!   spellings drop (Chang = Zhang or Chang).
//! - Korean: every Hangul syllable, composed from its letters (Unicode's Hangul syllable
//!   algorithm), in the Revised Romanisation (2000) as the canonical form; also in
//!   McCune–Reischauer without its breves and apostrophes (ŏ and ŭ as o and u, k t p ch for
//!   the plain initials: Chong, Chol, Un), and in the customary spellings of Korean passports
//!   and the press (eo as u or o: Sung, Hyun; yeo as you: Young; u as oo: Moon, Joon; i as
//!   ee: Hee; g d b as k t p: Kang, Kyung), with the customary family names of `korean.rs`.

use std::collections::HashMap;
use std::sync::OnceLock;

use any_ascii::any_ascii;

use super::korean::CUSTOMARY_SURNAMES;
use super::wade_giles::syllable_to_pinyin;

/// Identifier of a syllable of the original script (a Pinyin or a Revised Romanisation
/// syllable), as `syllables` returns it.
pub type SyllableId = u16;

/// The syllables of the original script that `part` (normalised Latin text) can stand for,
/// sorted; empty when it is no East Asian syllable in any of the systems above.
pub fn syllables(part: &str) -> Box<[SyllableId]> {
    if part.len() < 2 || part.len() > 7 || !part.bytes().all(|b| b.is_ascii_lowercase()) {
        return Box::new([]);
    }
    inventory().spellings.get(part).map_or_else(
        || Box::new([]) as Box<[SyllableId]>,
        |ids| ids.clone().into_boxed_slice(),
    )
}

/// Most syllables a part written joined is read as (a Korean or Chinese given name written
/// as one word: Sangho, Jongun, Zedong).
const MOST_JOINED_SYLLABLES: u8 = 3;

/// How many East Asian syllables `part` reads as, written together: 1 for one syllable (as
/// `syllables`), 2 or 3 for a given name written joined (Sangho, Tsetung), 0 when it cannot
/// be read so. The fewest syllables that spell it.
pub fn syllable_count(part: &str) -> u8 {
    let spellings = &inventory().spellings;
    // Spellings are lower-case ASCII, so nothing else is found; one letter is no syllable.
    let is_syllable = |piece: &str| piece.len() >= 2 && spellings.contains_key(piece);
    if is_syllable(part) {
        return 1;
    }
    if part.len() < 3 || part.len() > 7 * usize::from(MOST_JOINED_SYLLABLES) {
        return 0;
    }
    // fewest[i]: the fewest syllables spelling part[..i], if any.
    let mut fewest: Vec<Option<u8>> = vec![None; part.len() + 1];
    fewest[0] = Some(0);
    for end in 1..=part.len() {
        fewest[end] = (end.saturating_sub(7)..end.saturating_sub(1))
            .filter_map(|start| {
                let before = fewest[start]?;
                is_syllable(part.get(start..end)?).then_some(before + 1)
            })
            .min();
    }
    fewest[part.len()]
        .filter(|&n| n <= MOST_JOINED_SYLLABLES)
        .unwrap_or(0)
}

/// Whether two parts can stand for one syllable.
pub fn share_a_syllable(a: &[SyllableId], b: &[SyllableId]) -> bool {
    // Both sorted: a merge.
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => return true,
        }
    }
    false
}

/// Wade–Giles initials, with the aspiration mark where the system writes one.
const WADE_GILES_INITIALS: &[&str] = &[
    "", "p", "p'", "m", "f", "t", "t'", "n", "l", "k", "k'", "h", "ch", "ch'", "hs", "sh", "j",
    "ts", "ts'", "tz", "tz'", "s", "ss", "sz", "y", "w",
];
/// Wade–Giles finals, as the system writes them (ê, ŭ, ü and the -ih, -ieh, -ien, -ung
/// spellings that set it apart from Pinyin).
const WADE_GILES_FINALS: &[&str] = &[
    "a", "ai", "an", "ang", "ao", "e", "ê", "ei", "en", "ên", "eng", "êng", "erh", "o", "ou",
    "ung", "i", "ia", "iang", "iao", "ieh", "ien", "in", "ing", "iu", "iung", "ih", "u", "ua",
    "uai", "uan", "uang", "ui", "uei", "un", "uo", "ü", "üan", "üeh", "ün", "ŭ", "ai", "ei",
];

/// Every Wade–Giles syllable as plain text writes it (no marks: Chang, Hsien, Tzu), with the
/// Pinyin syllables it can stand for: both readings of a plain initial that the system
/// writes aspirated or not (Chang: Zhang or Chang).
fn wade_giles_spellings(pinyin: &HashMap<String, SyllableId>) -> Vec<(String, SyllableId)> {
    let mut spellings = Vec::new();
    for initial in WADE_GILES_INITIALS {
        for last in WADE_GILES_FINALS {
            let written = format!("{initial}{last}");
            let Some(&id) = pinyin.get(syllable_to_pinyin(&written).as_str()) else {
                continue;
            };
            let plain: String = written
                .chars()
                .filter(|c| *c != '\'')
                .map(|c| match c {
                    'ê' => 'e',
                    'ŭ' | 'ü' => 'u',
                    other => other,
                })
                .collect();
            spellings.push((plain, id));
        }
    }
    spellings
}

struct Inventory {
    /// Every spelling of a Pinyin or Korean syllable → the ids it can stand for.
    spellings: HashMap<String, Vec<SyllableId>>,
}

fn inventory() -> &'static Inventory {
    static INVENTORY: OnceLock<Inventory> = OnceLock::new();
    INVENTORY.get_or_init(build)
}

fn build() -> Inventory {
    let mut ids: HashMap<String, SyllableId> = HashMap::new();
    let mut id_of = |canonical: String| {
        let next = SyllableId::try_from(ids.len()).unwrap_or(SyllableId::MAX);
        *ids.entry(canonical).or_insert(next)
    };
    let mut pinyin = HashMap::new();
    let mut spellings: HashMap<String, Vec<SyllableId>> = HashMap::new();
    let mut add = |spelling: String, id: SyllableId| {
        let ids = spellings.entry(spelling).or_default();
        if !ids.contains(&id) {
            ids.push(id);
        }
    };
    for ideograph in '\u{4E00}'..='\u{9FFF}' {
        let reading = any_ascii(&ideograph.to_string()).to_ascii_lowercase();
        if reading.is_empty() || !reading.bytes().all(|b| b.is_ascii_lowercase()) {
            continue;
        }
        let id = id_of(format!("zh:{reading}"));
        pinyin.insert(reading.clone(), id);
        for spelling in english_spellings(&reading) {
            add(spelling, id);
        }
        add(reading, id);
    }
    for (spelling, id) in wade_giles_spellings(&pinyin) {
        add(spelling, id);
    }
    let mut korean: HashMap<String, SyllableId> = HashMap::new();
    for syllable in 0..HANGUL_SYLLABLES {
        let letters = hangul_letters(syllable);
        let revised = letters.concat();
        let id = *korean
            .entry(revised.clone())
            .or_insert_with(|| id_of(format!("ko:{revised}")));
        for spelling in korean_spellings(letters) {
            add(spelling, id);
        }
    }
    for (customary, revised) in CUSTOMARY_SURNAMES {
        if let Some(&id) = korean.get(*revised) {
            add((*customary).to_owned(), id);
        }
    }
    for ids in spellings.values_mut() {
        ids.sort_unstable();
    }
    Inventory { spellings }
}

/// How English speakers respell the Pinyin letters they do not read as Pinyin means them
/// (Shi Jinping for Xi Jinping, Chow for Zhou is beyond this): x as sh, q as ch, zh as j,
/// c as ts.
fn english_spellings(pinyin: &str) -> Vec<String> {
    let mut spellings = Vec::new();
    for (letters, english) in [("zh", "j"), ("x", "sh"), ("q", "ch"), ("c", "ts")] {
        if let Some(rest) = pinyin.strip_prefix(letters)
            && !(letters == "c" && rest.starts_with('h'))
        {
            spellings.push(format!("{english}{rest}"));
        }
    }
    spellings
}

const HANGUL_SYLLABLES: u32 = 19 * 21 * 28;

/// The Revised Romanisation of Hangul syllable number `index` (from U+AC00), as its
/// initial, medial and final: Unicode's composition is initial × 588 + medial × 28 + final.
/// Finals as the Revised Romanisation writes them at the end of a word.
fn hangul_letters(index: u32) -> [&'static str; 3] {
    const INITIALS: [&str; 19] = [
        "g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t",
        "p", "h",
    ];
    const MEDIALS: [&str; 21] = [
        "a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo",
        "we", "wi", "yu", "eu", "ui", "i",
    ];
    const FINALS: [&str; 28] = [
        "", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m", "p",
        "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t",
    ];
    let initial = (index / 588) as usize;
    let medial = (index % 588 / 28) as usize;
    let last = (index % 28) as usize;
    [INITIALS[initial], MEDIALS[medial], FINALS[last]]
}

/// The spellings of one Korean syllable: Revised, McCune–Reischauer without diacritics, and
/// customary (see the module documentation).
fn korean_spellings([initial, medial, last]: [&str; 3]) -> Vec<String> {
    let initials: Vec<&str> = match initial {
        // McCune–Reischauer and customary spellings write the plain stops voiceless.
        "g" => vec!["g", "k"],
        "d" => vec!["d", "t"],
        "b" => vec!["b", "p"],
        "j" => vec!["j", "ch"],
        "r" => vec!["r", "l"],
        // McCune–Reischauer: shi, shwi.
        "s" if medial == "i" || medial == "wi" => vec!["s", "sh"],
        other => vec![other],
    };
    let medials: Vec<&str> = match medial {
        "eo" => vec!["eo", "o", "u"],
        "yeo" => vec!["yeo", "yo", "you"],
        "eu" => vec!["eu", "u"],
        "u" => vec!["u", "oo"],
        "i" => vec!["i", "ee"],
        "wo" => vec!["wo", "weo"],
        other => vec![other],
    };
    let mut spellings = Vec::with_capacity(initials.len() * medials.len());
    for i in &initials {
        for m in &medials {
            spellings.push(format!("{i}{m}{last}"));
        }
    }
    spellings
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same(a: &str, b: &str) -> bool {
        share_a_syllable(&syllables(a), &syllables(b))
    }

    #[test]
    fn pinyin_wade_giles_and_korean_spellings_are_syllables() {
        for part in [
            "zhang", "xin", "hsien", "chou", "kim", "gim", "young", "chol", "il",
        ] {
            assert!(!syllables(part).is_empty(), "{part}");
        }
        for part in ["petrov", "john", "smith", "mohammed"] {
            assert!(syllables(part).is_empty(), "{part}");
        }
    }

    #[test]
    fn one_syllable_in_two_systems_is_one_syllable() {
        assert!(same("hsien", "xian"));
        assert!(same("chang", "zhang"));
        assert!(same("young", "yeong"));
        assert!(same("chol", "cheol"));
        assert!(same("kim", "gim"));
        assert!(same("park", "bak"));
        assert!(same("chong", "jeong"));
        assert!(same("shi", "xi"));
    }

    #[test]
    fn alike_but_different_syllables_are_different() {
        assert!(!same("xin", "hsien"));
        assert!(!same("cheng", "chen"));
        assert!(!same("il", "in"));
        assert!(!same("zhang", "cheng"));
    }

    #[test]
    fn given_names_written_joined_count_their_syllables() {
        assert_eq!(syllable_count("sangho"), 2);
        assert_eq!(syllable_count("jeongeun"), 2);
        assert_eq!(syllable_count("tsetung"), 2);
        assert_eq!(syllable_count("zedong"), 2);
        assert_eq!(syllable_count("sung"), 1);
        assert_eq!(syllable_count("mohammed"), 0);
        assert_eq!(syllable_count("petrov"), 0);
    }
}
