//! Blocking keys: which parts of a list a query part is compared with at all.
//!
//! Two parts similar enough to pair (`MIN_PART_SIMILARITY`) spell nearly the same consonants:
//! vowels, w and y cost little in `keys.rs` and are not in the skeleton, so what separates
//! the skeletons of two such parts is a consonant or two substituted, added or dropped
//! (Qaddafi/Gaddafi: kdf/gdf; Ahmad/Amad: hmd/md). Each part is therefore filed under its
//! skeleton and the skeletons with one consonant deleted — two for long skeletons, where the
//! edit budget allows two consonant edits — and a query part is compared with the parts
//! that share any of its keys (symmetric deletion, as in SymSpell). One substitution on
//! each side meets at the skeleton with that consonant deleted.
//!
//! Blocking decides only which names are scored: the scores themselves are always computed
//! in full. Skeletons of one or two consonants are filed as they are: deleting from them
//! would file every short name together. Their other spellings (Chun/Chol) are found
//! through the name's other parts: the parts left unpaired on both sides of a candidate are
//! compared outright. Bounds never count a one-consonant part unpaired; a two-consonant one
//! they do, so a name whose only other link is such a spelling can be cut before it is
//! aligned (Bryan Drew / Brian Crow). Counting those as paired too found 2 more of the
//! development sets' 592 exhaustive hits but halved screening's throughput on a 1,000,000-name
//! list (session 3, BENCHMARKS.md). `evaluate` reports how many of an exhaustive search's
//! hits the index finds.

use std::hash::{DefaultHasher, Hash, Hasher};

use super::parts::Part;

/// Skeletons at least this long are also filed with one consonant deleted.
const ONE_DELETION_FROM: usize = 3;
/// Skeletons at least this long are also filed with two consonants deleted.
const TWO_DELETIONS_FROM: usize = 6;

/// The keys `part` is filed and looked up under. Initials have none: they never pair
/// with a full part on their own.
pub(super) fn blocking_keys(part: &Part) -> Vec<u64> {
    keys_within(part, 2)
}

/// The keys to look up parts with the same folded skeleton as `part`: what two parts
/// written together must come to, to reach the close similarity a join needs (Ma Yshu /
/// Maychou). Looking them up costs little, and one query has many such pairs.
pub(super) fn close_keys(part: &Part) -> Vec<u64> {
    keys_within(part, 0)
}

fn keys_within(part: &Part, most_deletions: usize) -> Vec<u64> {
    if part.is_initial() {
        return Vec::new();
    }
    let skeleton = folded(part.skeleton());
    let skeleton = skeleton.as_slice();
    if skeleton.is_empty() {
        // All vowels (Ai, Eu): only the same key can come close.
        return vec![hash(b"~", &part.key)];
    }
    let mut variants: Vec<Vec<u8>> = vec![skeleton.to_vec()];
    if skeleton.len() >= ONE_DELETION_FROM && most_deletions >= 1 {
        variants.extend(deletions(skeleton));
    }
    if skeleton.len() >= TWO_DELETIONS_FROM && most_deletions >= 2 {
        let once: Vec<Vec<u8>> = deletions(skeleton).collect();
        variants.extend(once.iter().flat_map(|v| deletions(v)));
    }
    let mut keys: Vec<u64> = variants.iter().map(|v| hash(b"", v)).collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// The skeleton with consonants that romanisations swap within a class written alike:
/// t d s z (Arabic ث ذ ض ظ ص as th, dh, d, z, s: Wathiq/Wassiq, Zia/Dia), k g q, b p, f v.
/// Other cheap swaps (s/sh, j/g) are left to the deletions.
fn folded(skeleton: &str) -> Vec<u8> {
    let mut out: Vec<u8> = Vec::with_capacity(skeleton.len());
    for c in skeleton.bytes() {
        let class = match c {
            b't' | b'd' | b's' | b'z' | b'c' => b'T',
            b'k' | b'g' | b'q' | b'x' => b'K',
            b'b' | b'p' => b'P',
            b'f' | b'v' => b'F',
            other => other,
        };
        if out.last() != Some(&class) {
            out.push(class);
        }
    }
    out
}

fn deletions(skeleton: &[u8]) -> impl Iterator<Item = Vec<u8>> + '_ {
    (0..skeleton.len()).map(move |at| {
        let mut variant = skeleton.to_vec();
        variant.remove(at);
        variant
    })
}

/// Keys are hashed so that the index stores eight bytes per key whatever its length; a
/// collision only adds a part to compare, never hides one.
fn hash(tag: &[u8], bytes: &[u8]) -> u64 {
    let mut hasher = DefaultHasher::new();
    tag.hash(&mut hasher);
    bytes.hash(&mut hasher);
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parts::{part_similarity, prepare};

    fn keys(name: &str) -> Vec<u64> {
        blocking_keys(&prepare(name)[0])
    }

    fn share_a_key(a: &str, b: &str) -> bool {
        let b = keys(b);
        keys(a).iter().any(|k| b.contains(k))
    }

    #[test]
    fn spellings_of_one_name_share_a_key() {
        for (a, b) in [
            ("Qaddafi", "Gaddafi"),
            ("Muhammad", "Mohammed"),
            ("Ahmad", "Amad"),
            ("Shamsiddin", "Shamsidin"),
            ("Yusuf", "Iusuf"),
            ("Kuznetsov", "Kouznetsov"),
            ("Abdulrahman", "Abdurakhmon"),
            ("Wathiq", "Wassiq"),
            ("Dia", "Zia"),
        ] {
            let (pa, pb) = (&prepare(a)[0], &prepare(b)[0]);
            assert!(part_similarity(pa, pb) > 0.0, "{a} / {b} pair");
            assert!(share_a_key(a, b), "{a} / {b}");
        }
    }

    #[test]
    fn unrelated_names_share_no_key() {
        assert!(!share_a_key("Petrov", "Lavrov"));
        assert!(!share_a_key("Ivan", "Omar"));
    }

    #[test]
    fn initials_are_not_filed() {
        assert!(keys("J.").is_empty());
    }

    #[test]
    fn most_pairs_similar_enough_to_pair_share_a_key() {
        let names = [
            "Mohammed",
            "Muhammad",
            "Mukhammad",
            "Mehmet",
            "Yusuf",
            "Yousef",
            "Iusuf",
            "Hussein",
            "Husain",
            "Hosseini",
            "Sergei",
            "Sergey",
            "Serhiy",
            "Aleksandr",
            "Alexander",
            "Oleksandr",
            "Zawahiri",
            "Dhawahiri",
            "Abdullah",
            "Abdalla",
            "Shamsuddin",
            "Shamsiddin",
            "Tikriti",
            "Takriti",
        ];
        let parts: Vec<Part> = names.iter().map(|n| prepare(n).remove(0)).collect();
        let (mut similar, mut blocked) = (0, 0);
        for a in &parts {
            for b in &parts {
                if part_similarity(a, b) > 0.0 {
                    similar += 1;
                    let kb = blocking_keys(b);
                    if blocking_keys(a).iter().any(|k| kb.contains(k)) {
                        blocked += 1;
                    }
                }
            }
        }
        assert_eq!(
            blocked, similar,
            "{blocked} of {similar} similar pairs share a key"
        );
    }
}
