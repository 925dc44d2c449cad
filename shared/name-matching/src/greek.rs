//! Greek names in Latin letters by ELOT 743:1982 / ISO 843 type 2, the system of Greek
//! passports and of the UN and EU lists (Papadopoulos, Tsakalotos, Boutaris), rather than
//! letter by letter: the digraphs ου (ou), αυ ευ ηυ (av ev iv, or af ef if before a
//! voiceless consonant or at the end), μπ and γκ, which begin a word as b and g (Μπουτάρης
//! Boutaris, Μπους Bush) and are mp and gk inside one (Λαμπράκης Lamprakis), ντ as nt
//! (Κουντουριώτη Kountourioti); γγ is ng, η and υ are i and y, ω is o, χ ch, ψ ps, θ th, ξ x,
//! β v.

fn is_greek(c: char) -> bool {
    matches!(c, '\u{0370}'..='\u{03FF}' | '\u{1F00}'..='\u{1FFF}')
}

/// Whether a word is written in Greek letters.
pub fn is_greek_word(word: &str) -> bool {
    word.chars().any(is_greek)
}

/// Voiceless consonants after which αυ, ευ, ηυ read af, ef, if (ELOT 743).
fn voiceless(c: char) -> bool {
    matches!(c, 'θ' | 'κ' | 'ξ' | 'π' | 'σ' | 'ς' | 'τ' | 'φ' | 'χ' | 'ψ')
}

/// A Greek word (marks already removed) in Latin letters, lower case.
pub fn transliterate(word: &str) -> String {
    let chars: Vec<char> = word.chars().flat_map(char::to_lowercase).collect();
    let mut out = String::with_capacity(chars.len() * 2);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        let initial = i == 0;
        let (latin, used): (&str, usize) = match (c, next) {
            ('ο', Some('υ')) => ("ou", 2),
            ('α' | 'ε' | 'η', Some('υ')) => {
                let base = match c {
                    'α' => "a",
                    'ε' => "e",
                    _ => "i",
                };
                let after = chars.get(i + 2).copied();
                let soft = after.is_none_or(voiceless);
                out.push_str(base);
                (if soft { "f" } else { "v" }, 2)
            }
            ('μ', Some('π')) => (if initial { "b" } else { "mp" }, 2),
            ('ν', Some('τ')) => ("nt", 2),
            ('γ', Some('κ')) => (if initial { "g" } else { "gk" }, 2),
            ('γ', Some('γ')) => ("ng", 2),
            ('γ', Some('ξ')) => ("nx", 2),
            ('γ', Some('χ')) => ("nch", 2),
            _ => (letter(c), 1),
        };
        out.push_str(latin);
        i += used;
    }
    out
}

fn letter(c: char) -> &'static str {
    match c {
        'α' => "a",
        'β' => "v",
        'γ' => "g",
        'δ' => "d",
        'ε' => "e",
        'ζ' => "z",
        'η' => "i",
        'θ' => "th",
        'ι' => "i",
        'κ' => "k",
        'λ' => "l",
        'μ' => "m",
        'ν' => "n",
        'ξ' => "x",
        'ο' => "o",
        'π' => "p",
        'ρ' => "r",
        'σ' | 'ς' => "s",
        'τ' => "t",
        'υ' => "y",
        'φ' => "f",
        'χ' => "ch",
        'ψ' => "ps",
        'ω' => "o",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn greek_names_read_as_greek_passports_write_them() {
        assert_eq!(transliterate("Κουντουριωτη"), "kountourioti");
        assert_eq!(transliterate("Μπουταρης"), "boutaris");
        assert_eq!(transliterate("Ευσταθιος"), "efstathios");
        assert_eq!(transliterate("Ευαγγελος"), "evangelos");
        assert_eq!(transliterate("Λαμπρακης"), "lamprakis");
        assert_eq!(transliterate("Παπαδοπουλος"), "papadopoulos");
    }
}
