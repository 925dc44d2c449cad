"""Disguises applied to listed Latin names for the evasion dev set."""

INVISIBLE = {
    "zwsp": ["\u200b"], "zwnj": ["\u200c"], "zwj": ["\u200d"], "soft_hyphen": ["\u00ad"],
    "word_joiner": ["\u2060"], "bom": ["\ufeff"], "mongolian_vs": ["\u180e"],
    "tag_chars": [chr(c) for c in range(0xE0020, 0xE007F)],
    "variation_selector": [chr(c) for c in range(0xFE00, 0xFE10)],
    "cgj": ["\u034f"],
    "bidi_controls": ["\u200e", "\u200f"] + [chr(c) for c in range(0x202A, 0x202F)]
                     + [chr(c) for c in range(0x2066, 0x206A)],
}

# Latin letter -> look-alike letters of another script.
CYRILLIC = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "y": "у", "i": "і",
            "A": "А", "B": "В", "E": "Е", "K": "К", "M": "М", "H": "Н", "O": "О", "P": "Р",
            "C": "С", "T": "Т", "X": "Х"}
GREEK = {"A": "Α", "B": "Β", "E": "Ε", "Z": "Ζ", "H": "Η", "I": "Ι", "K": "Κ", "M": "Μ",
         "N": "Ν", "O": "Ο", "P": "Ρ", "T": "Τ", "Y": "Υ", "X": "Χ", "o": "ο", "v": "ν"}

TEXT_TECHNIQUES = ["dotted_letters", "spaced_letters", "inner_punctuation",
                   "cyrillic_lookalikes", "greek_lookalikes", "fullwidth", "math_alphanumerics"]
TECHNIQUES = list(INVISIBLE) + TEXT_TECHNIQUES + ["mixed"]


def insert_invisible(name, chars, rng):
    """Insert 1-3 characters from `chars` at random positions inside words."""
    for _ in range(rng.randint(1, 3)):
        spots = [i for i in range(1, len(name))
                 if not name[i - 1].isspace() and not name[i].isspace()]
        if not spots:
            return name
        i = rng.choice(spots)
        name = name[:i] + rng.choice(chars) + name[i:]
    return name


def _longest_word(name):
    words = name.split(" ")
    return words, max(range(len(words)), key=lambda k: len(words[k]))


def split_letters(name, sep):
    words, k = _longest_word(name)
    words[k] = sep.join(words[k])
    return " ".join(words)


def inner_punctuation(name, rng):
    words = name.split(" ")
    long_words = [k for k, w in enumerate(words) if len(w) >= 4] or [_longest_word(name)[1]]
    k = rng.choice(long_words)
    w = words[k]
    i = rng.randint(1, len(w) - 1) if len(w) > 1 else 1
    words[k] = w[:i] + rng.choice("-'.") + w[i:]
    return " ".join(words)


def lookalikes(name, table, rng):
    """Replace 30-70 % (at least one) of the replaceable letters."""
    spots = [i for i, c in enumerate(name) if c in table]
    if not spots:
        return None
    chosen = rng.sample(spots, max(1, round(len(spots) * rng.uniform(0.3, 0.7))))
    chars = list(name)
    for i in chosen:
        chars[i] = table[chars[i]]
    return "".join(chars)


def fullwidth(name):
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in name)


def math_alphanumerics(name, rng):
    """Mathematical bold (U+1D400) or italic (U+1D434) letters; italic h is U+210E."""
    base = rng.choice([0x1D400, 0x1D434])
    out = []
    for c in name:
        if "A" <= c <= "Z":
            out.append(chr(base + ord(c) - 65))
        elif "a" <= c <= "z":
            out.append("\u210e" if base == 0x1D434 and c == "h" else chr(base + 26 + ord(c) - 97))
        else:
            out.append(c)
    return "".join(out)


def apply(technique, name, rng):
    """The disguised name, or None when the technique cannot apply to this name."""
    if technique in INVISIBLE:
        out = insert_invisible(name, INVISIBLE[technique], rng)
    elif technique == "dotted_letters":
        out = split_letters(name, ".")
    elif technique == "spaced_letters":
        out = split_letters(name, " ")
    elif technique == "inner_punctuation":
        out = inner_punctuation(name, rng)
    elif technique == "cyrillic_lookalikes":
        out = lookalikes(name, CYRILLIC, rng)
    elif technique == "greek_lookalikes":
        out = lookalikes(name, GREEK, rng)
    elif technique == "fullwidth":
        out = fullwidth(name)
    elif technique == "math_alphanumerics":
        out = math_alphanumerics(name, rng)
    elif technique == "mixed":
        first = apply(rng.choice(TEXT_TECHNIQUES), name, rng)
        out = first and apply(rng.choice(list(INVISIBLE)), first, rng)
    else:
        raise ValueError(technique)
    return out if out and out != name else None
