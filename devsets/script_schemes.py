"""Romanisation schemes for non-Cyrillic scripts, used by other_scripts.py.

Every function renders ONE word (a surname or a given name) and returns a string; callers
decide order, case and separators. Each hand-written table names the standard it implements.
Library-backed schemes: iuliia (Russian standards, applied to the Russian Cyrillic form of
Georgian and Armenian names) and transliterate 1.10 (its reversed Greek pack, which follows
no standard and is kept as an example of naive letter-by-letter output: ου oy, αυ au, μπ b;
its Georgian pack is not used because it writes ტ as a capital T inside words, nor its
Armenian pack, which romanises ո as vo everywhere and և as &).
"""
import unicodedata

import iuliia
from transliterate import translit


def cap(word):
    """Upper-case the first letter, leave the rest alone (keeps apostrophes, breves...)."""
    return word[:1].upper() + word[1:]


def strip_marks(text, keep=""):
    """Remove combining marks (NFD), except those listed in `keep`; return NFC."""
    out = [c for c in unicodedata.normalize("NFD", text)
           if not unicodedata.combining(c) or c in keep]
    return unicodedata.normalize("NFC", "".join(out))


# ---------------------------------------------------------------------------------------
# Chinese: Hanyu Pinyin (ISO 7098) -> Wade-Giles
# ---------------------------------------------------------------------------------------
# Wade-Giles as standardised in Giles' Chinese-English Dictionary (2nd ed., 1912), with the
# aspiration apostrophe (p' t' k' ch' ts'), ê for the mid vowel, ü, and ŭ in tzŭ/tz'ŭ/ssŭ.
# `plain` gives the everyday form (passports of the Republic of China, older newspapers)
# that drops the diacritics and the apostrophes: Mao Tse-tung, Teng Hsiao-ping.
WG_INITIALS = {"b": "p", "p": "p'", "m": "m", "f": "f", "d": "t", "t": "t'", "n": "n",
               "l": "l", "g": "k", "k": "k'", "h": "h", "j": "ch", "q": "ch'", "x": "hs",
               "zh": "ch", "ch": "ch'", "sh": "sh", "r": "j", "z": "ts", "c": "ts'", "s": "s"}
WG_WHOLE = {"zi": "tzŭ", "ci": "tz'ŭ", "si": "ssŭ", "zhi": "chih", "chi": "ch'ih",
            "shi": "shih", "ri": "jih", "er": "êrh", "e": "o", "en": "ên", "eng": "êng",
            "yi": "i", "yan": "yen", "ye": "yeh", "yong": "yung", "you": "yu", "yu": "yü",
            "yuan": "yüan", "yue": "yüeh", "yun": "yün", "wen": "wên", "weng": "wêng"}
WG_FINALS = {"ian": "ien", "ie": "ieh", "iong": "iung", "ong": "ung", "en": "ên",
             "eng": "êng", "üe": "üeh", "ue": "üeh"}


def pinyin_split(syl):
    for ini in ("zh", "ch", "sh"):
        if syl.startswith(ini):
            return ini, syl[2:]
    if syl[0] in "bpmfdtnlgkhjqxrzcs":
        return syl[0], syl[1:]
    return "", syl


def wade_giles_syllable(syl, plain=False):
    if syl in WG_WHOLE:
        out = WG_WHOLE[syl]
    else:
        ini, fin = pinyin_split(syl)
        if ini in ("j", "q", "x"):                      # u after j q x is ü
            fin = {"u": "ü", "uan": "üan", "un": "ün", "ue": "üe"}.get(fin, fin)
        if fin == "e":
            fin = "o" if ini in ("g", "k", "h") else "ê"
        elif fin == "uo":
            fin = "uo" if ini in ("g", "k", "h", "sh") else "o"
        elif fin == "ui":
            fin = "uei" if ini in ("g", "k") else "ui"
        else:
            fin = WG_FINALS.get(fin, fin)
        out = (WG_INITIALS[ini] if ini else "") + fin
    if plain:
        out = strip_marks(out).replace("'", "")
    return out


def wade_giles(syllables, plain=False):
    """Syllables of one name -> one Wade-Giles word, hyphenated (Hsiao-p'ing, Ou-yang)."""
    return cap("-".join(wade_giles_syllable(s, plain) for s in syllables))


def pinyin_word(syllables, sep=""):
    """Toneless pinyin. sep '': one word with the syllable apostrophe before a/o/e
    (Xiaoping, Jian'an); '-': Xiao-ping; ' ': Xiao Ping."""
    if sep == " ":
        return " ".join(cap(s) for s in syllables)
    out = syllables[0]
    for s in syllables[1:]:
        out += ("'" if sep == "" and s[0] in "aoe" else sep) + s
    return cap(out)


# ---------------------------------------------------------------------------------------
# Korean: Revised Romanisation (2000) and McCune-Reischauer (1939)
# ---------------------------------------------------------------------------------------
# Syllable-by-syllable, as both systems prescribe for personal names (RR art. 3(4): sound
# changes between the syllables of a given name are not transcribed). MR adds the voicing of
# k t p ch to g d b j after a vowel or a voiced final inside the given name (Kim Tae-jung,
# Yi Myŏng-bak), aspiration apostrophes and the breves ŏ ŭ.
KO_L = ["g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k",
        "t", "p", "h"]
KO_L_MR = ["k", "kk", "n", "t", "tt", "r", "m", "p", "pp", "s", "ss", "", "ch", "tch", "ch'",
           "k'", "t'", "p'", "h"]
KO_L_MR_VOICED = {"k": "g", "t": "d", "p": "b", "ch": "j"}
KO_V = ["a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u",
        "wo", "we", "wi", "yu", "eu", "ui", "i"]
KO_V_MR = ["a", "ae", "ya", "yae", "ŏ", "e", "yŏ", "ye", "o", "wa", "wae", "oe", "yo", "u",
           "wŏ", "we", "wi", "yu", "ŭ", "ŭi", "i"]
KO_T = ["", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m",
        "p", "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t"]
# Surnames whose conventional romanisation departs from the letter table: 이 is written Yi
# in both systems (a bare "I" is not used); MR writes 류 as pronounced (Yu).
KO_SURNAME_RR = {"이": "Yi"}
KO_SURNAME_MR = {"이": "Yi", "류": "Yu"}


def hangul_parts(syllable):
    s = ord(syllable) - 0xAC00
    assert 0 <= s < 11172, syllable
    return s // 588, (s % 588) // 28, s % 28


def rr_syllable(syllable):
    l, v, t = hangul_parts(syllable)
    return KO_L[l] + KO_V[v] + KO_T[t]


def rr(word, sep="", surname=False):
    """RR of a Hangul word; `sep` between syllables ('' / '-' / ' '), each part capitalised
    only for ' '."""
    if surname and word in KO_SURNAME_RR:
        return KO_SURNAME_RR[word]
    parts = [rr_syllable(s) for s in word]
    if sep == " ":
        return " ".join(cap(p) for p in parts)
    return cap(sep.join(parts))


def mr(word, sep="-", surname=False, plain=False):
    """McCune-Reischauer; `plain` drops breves and apostrophes (Chong-un)."""
    if surname and word in KO_SURNAME_MR:
        out = KO_SURNAME_MR[word]
    else:
        parts, prev_final = [], None
        for i, syl in enumerate(word):
            l, v, t = hangul_parts(syl)
            ini = KO_L_MR[l]
            voiced_before = prev_final in ("", "n", "m", "ng", "l")
            if i > 0 and voiced_before and ini in KO_L_MR_VOICED:
                ini = KO_L_MR_VOICED[ini]
            parts.append(ini + KO_V_MR[v] + KO_T[t])
            prev_final = KO_T[t]
        sep = "" if surname else sep
        out = " ".join(cap(p) for p in parts) if sep == " " else cap(sep.join(parts))
    if plain:
        out = strip_marks(out).replace("'", "")
    return out


# Customary (unofficial) spellings of given-name syllables, the choices people actually make
# on passports and business cards: ㅓ as eo/u/o (Seong, Sung, Jong), ㅕ as yeo/yu/yo (Hyun),
# ㅡ as eu/u, ㅜ as u/oo (Joon), ㅢ as ui/ee/eui (Hee), ㅣ as i/ee; initial ㄱ ㄷ ㅂ ㅈ as
# g/k, d/t, b/p, j/ch; 시 as si/shi; 영 as young.
# Repeated entries weight the commoner choice.
KO_CUSTOM_V = {"eo": ["eo", "u", "o"], "yeo": ["yeo", "yu", "yo"], "eu": ["eu", "u"],
               "u": ["u", "oo"], "ui": ["ui", "ee", "eui"], "i": ["i", "i", "ee"],
               "oe": ["oe", "oi"]}
KO_CUSTOM_L = {"g": ["g", "k"], "d": ["d", "t"], "b": ["b", "p"], "j": ["j", "j", "ch"]}


def customary_syllable(syllable, rng):
    l, v, t = hangul_parts(syllable)
    ini, vow, fin = KO_L[l], KO_V[v], KO_T[t]
    if vow == "yeo" and fin == "ng" and rng.random() < 0.5:
        return ini + "young"
    ini = rng.choice(KO_CUSTOM_L.get(ini, [ini]))
    if ini == "s" and vow == "i" and rng.random() < 0.4:
        ini = "sh"
    vow = rng.choice(KO_CUSTOM_V.get(vow, [vow]))
    if vow == "ee" and fin:                      # "ee" only in open syllables (Hee, Jee)
        vow = "i"
    return ini + vow + fin


def customary_given(word, rng, sep):
    parts = [customary_syllable(s, rng) for s in word]
    if sep == " ":
        return " ".join(cap(p) for p in parts)
    return cap(sep.join(parts))


# ---------------------------------------------------------------------------------------
# Japanese: kana -> modified Hepburn / Kunrei-shiki / passport Hepburn
# ---------------------------------------------------------------------------------------
# Modified (revised) Hepburn as in Kenkyusha's dictionary, 3rd ed. (1954) and ANSI Z39.11:
# shi chi tsu fu ji, sha/shu/sho, n before b m p stays n, long vowels with macrons (ō ū),
# n' before a vowel or y. Kunrei-shiki as in Cabinet Notification No. 1 of 1954 (ISO 3602):
# si ti tu hu zi, sya syu syo, tya, zya, long vowels with circumflex (ô û). Passport Hepburn
# as the Ministry of Foreign Affairs prescribes: m before b m p (Homma, Namba, Jumpei),
# long vowels unmarked or, on request, written "oh" (Satoh, Ohno); no apostrophes.
KANA = {
    "あ": "a", "い": "i", "う": "u", "え": "e", "お": "o",
    "か": "ka", "き": "ki", "く": "ku", "け": "ke", "こ": "ko",
    "が": "ga", "ぎ": "gi", "ぐ": "gu", "げ": "ge", "ご": "go",
    "さ": "sa", "し": "shi", "す": "su", "せ": "se", "そ": "so",
    "ざ": "za", "じ": "ji", "ず": "zu", "ぜ": "ze", "ぞ": "zo",
    "た": "ta", "ち": "chi", "つ": "tsu", "て": "te", "と": "to",
    "だ": "da", "ぢ": "ji", "づ": "zu", "で": "de", "ど": "do",
    "な": "na", "に": "ni", "ぬ": "nu", "ね": "ne", "の": "no",
    "は": "ha", "ひ": "hi", "ふ": "fu", "へ": "he", "ほ": "ho",
    "ば": "ba", "び": "bi", "ぶ": "bu", "べ": "be", "ぼ": "bo",
    "ぱ": "pa", "ぴ": "pi", "ぷ": "pu", "ぺ": "pe", "ぽ": "po",
    "ま": "ma", "み": "mi", "む": "mu", "め": "me", "も": "mo",
    "や": "ya", "ゆ": "yu", "よ": "yo",
    "ら": "ra", "り": "ri", "る": "ru", "れ": "re", "ろ": "ro",
    "わ": "wa", "を": "o", "ん": "n",
}
KUNREI = {"shi": "si", "chi": "ti", "tsu": "tu", "fu": "hu", "ji": "zi"}
YOON = {"ゃ": "a", "ゅ": "u", "ょ": "o"}
VOWEL_KANA = {"あ": "a", "い": "i", "う": "u", "え": "e", "お": "o"}


def kana_morae(kana):
    """Hiragana (with '.' marking a morpheme boundary) -> list of (romaji, kana, segment)."""
    out, seg, i = [], 0, 0
    while i < len(kana):
        ch = kana[i]
        if ch == ".":
            seg += 1
        elif ch == "々":
            raise ValueError("write the reading out in full")
        elif i + 1 < len(kana) and kana[i + 1] in YOON:
            base = KANA[ch][:-1]                     # き -> k, し -> sh, ち -> ch, じ -> j
            vowel = YOON[kana[i + 1]]
            out.append((base + vowel if base.endswith(("sh", "ch", "j")) else base + "y" + vowel,
                        ch + kana[i + 1], seg))
            i += 1
        elif ch == "っ":
            out.append(("Q", ch, seg))
        else:
            out.append((KANA[ch], ch, seg))
        i += 1
    return out


def romaji(kana, scheme):
    """scheme: hepburn (long vowels unmarked), hepburn_macron, kunrei, passport_hepburn."""
    morae = kana_morae(kana)
    syl = []
    for rom, _, _ in morae:
        if scheme == "kunrei":
            for k, v in KUNREI.items():
                if rom.startswith(k):
                    rom = v + rom[len(k):]
                    break
            rom = rom.replace("sh", "sy").replace("ch", "ty").replace("j", "zy")
        syl.append(rom)
    out = []
    i = 0
    while i < len(morae):
        rom, seg = syl[i], morae[i][2]
        nxt = morae[i + 1] if i + 1 < len(morae) else None
        if rom == "Q":                                  # sokuon: double the next consonant
            follow = syl[i + 1]
            out.append("t" if follow.startswith("ch") and scheme != "kunrei" else follow[0])
            i += 1
            continue
        if rom == "n":
            follow = syl[i + 1] if nxt else ""
            if scheme == "passport_hepburn" and follow[:1] in ("b", "m", "p"):
                out.append("m")
            elif follow[:1] in ("a", "i", "u", "e", "o", "y") and scheme in (
                    "hepburn_macron", "kunrei"):
                out.append("n'")
            else:
                out.append("n")
            i += 1
            continue
        # long vowels inside one morpheme: o+u, o+o, u+u, a+a, e+e
        if nxt and nxt[2] == seg and nxt[1] in VOWEL_KANA and rom[-1] in "aoue":
            second = VOWEL_KANA[nxt[1]]
            if (rom[-1], second) in (("o", "u"), ("o", "o"), ("u", "u"), ("a", "a"), ("e", "e")):
                vowel = rom[-1]
                long_vowel = {"hepburn": vowel,
                              "hepburn_macron": {"a": "ā", "o": "ō", "u": "ū", "e": "ē"}[vowel],
                              "kunrei": {"a": "â", "o": "ô", "u": "û", "e": "ê"}[vowel],
                              "passport_hepburn": vowel}[scheme]
                if scheme == "passport_hepburn" and vowel == "o":
                    after = syl[i + 2] if i + 2 < len(morae) else ""
                    if not after.startswith("h"):
                        long_vowel = "oh"
                out.append(rom[:-1] + long_vowel)
                i += 2
                continue
        out.append(rom)
        i += 1
    return cap("".join(out))


def katakana(hiragana):
    return "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in hiragana)


# ---------------------------------------------------------------------------------------
# Greek
# ---------------------------------------------------------------------------------------
# ELOT 743 (1982) transcription, identical to ISO 843:1997 Type 2 and to BGN/PCGN 1996 and
# the UNGEGN system; used in Greek passports without accents. η ι υ -> i i y, ω -> o, χ ch,
# ψ ps, θ th, ου ou, αυ ευ ηυ -> av ev iv before vowels and β γ δ ζ λ μ ν ρ, af ef if before
# θ κ ξ π σ τ φ χ ψ and at the end; γγ ng, γξ nx, γχ nch, γκ gk; μπ b word-initially and
# mp elsewhere; ντ nt; accents kept as acute (stripped by callers for the passport form).
# ISO 843:1997 Type 1 (transliteration): η ī, ω ō, υ y but u in αυ ευ ου, γγ gg, γκ gk,
# γξ gx, γχ gch, μπ mp, ντ nt, accents kept as acute, diaeresis as ¨.
EL_BASE = {"α": "a", "β": "v", "γ": "g", "δ": "d", "ε": "e", "ζ": "z", "η": "i", "θ": "th",
           "ι": "i", "κ": "k", "λ": "l", "μ": "m", "ν": "n", "ξ": "x", "ο": "o", "π": "p",
           "ρ": "r", "σ": "s", "ς": "s", "τ": "t", "υ": "y", "φ": "f", "χ": "ch", "ψ": "ps",
           "ω": "o"}
EL_VOICED_AFTER_U = set("αεηιουωβγδζλμνρ")
ACUTE, DIAER = "\u0301", "\u0308"


def greek_letters(word):
    """Lower-case word -> list of (letter, has_acute, has_diaeresis)."""
    out = []
    for ch in unicodedata.normalize("NFD", word.lower()):
        if ch == ACUTE:
            out[-1][1] = True
        elif ch == DIAER:
            out[-1][2] = True
        else:
            out.append([ch, False, False])
    return out


def _acute(latin_vowel, on):
    return unicodedata.normalize("NFC", latin_vowel + ACUTE) if on else latin_vowel


def elot_743(word, accents=False):
    L = greek_letters(word)
    out, i, n = [], 0, len(L)
    while i < n:
        ch, acute, _ = L[i]
        nxt = L[i + 1] if i + 1 < n else None
        pair = ch + nxt[0] if nxt else ""
        if pair in ("αυ", "ευ", "ηυ") and not nxt[2]:
            after = L[i + 2][0] if i + 2 < n else ""
            v = "v" if after and after in EL_VOICED_AFTER_U else "f"
            first = EL_BASE[ch]
            out.append(_acute(first, accents and (acute or nxt[1])) + v)
            i += 2
            continue
        if pair in ("ου",) and not nxt[2]:
            out.append("o" + _acute("u", accents and nxt[1]))
            i += 2
            continue
        if pair == "γγ":
            out.append("ng"); i += 2; continue
        if pair == "γξ":
            out.append("nx"); i += 2; continue
        if pair == "γχ":
            out.append("nch"); i += 2; continue
        if pair == "μπ" and i == 0:
            out.append("b"); i += 2; continue
        lat = EL_BASE[ch]
        if acute and accents:
            lat = _acute(lat, True) if len(lat) == 1 else lat
        if L[i][2] and accents:
            lat = unicodedata.normalize("NFC", lat + DIAER)
        out.append(lat)
        i += 1
    return cap("".join(out))


ISO843_T1 = dict(EL_BASE, η="ī", ω="ō")


def iso_843_type1(word):
    L = greek_letters(word)
    out = []
    for i, (ch, acute, diaer) in enumerate(L):
        prev = L[i - 1][0] if i else ""
        lat = ISO843_T1[ch]
        if ch == "υ" and prev in ("α", "ε", "ο") and not diaer:
            lat = "u"
        if acute:                                       # only vowels carry the accent
            lat = unicodedata.normalize("NFC", lat + ACUTE)
        if diaer:
            lat = unicodedata.normalize("NFC", lat + DIAER)
        out.append(lat)
    return cap("".join(out))


# Popular English-style phonetic respelling of Modern Greek (no standard; how Greek names
# are commonly written in the English-speaking diaspora and press): every i-sound
# (η ι υ ει οι υι) as i, αι as e, γ before a front vowel as y word-initially and between
# vowels (Yiannis, Panayiotis; but Argiro),
# χ as h, μπ ντ γκ as b d g word-initially and mb nd ng inside, αυ ευ as av/af ev/ef.
EL_FRONT = ("ε", "ι", "η", "υ")


def phonetic_english(word):
    L = [c for c, _, _ in greek_letters(word)]
    out, i, n = [], 0, len(L)
    while i < n:
        ch = L[i]
        two = "".join(L[i:i + 2])
        if two == "ου":
            out.append("ou"); i += 2; continue
        if two == "αι":
            out.append("e"); i += 2; continue
        if two in ("ει", "οι", "υι"):
            out.append("i"); i += 2; continue
        if two in ("αυ", "ευ"):
            after = L[i + 2] if i + 2 < n else ""
            out.append(two[0].replace("α", "a").replace("ε", "e")
                       + ("v" if after and after in EL_VOICED_AFTER_U else "f"))
            i += 2; continue
        if two in ("μπ", "ντ", "γκ"):
            out.append({"μπ": "b", "ντ": "d", "γκ": "g"}[two] if i == 0
                       else {"μπ": "mb", "ντ": "nd", "γκ": "ng"}[two])
            i += 2; continue
        if two == "γγ":
            out.append("ng"); i += 2; continue
        if ch == "γ" and i + 1 < n and L[i + 1] in EL_FRONT and (
                i == 0 or L[i - 1] in "αεηιοωυ"):
            out.append("y"); i += 1; continue
        if ch == "χ":
            out.append("h"); i += 1; continue
        if ch in ("η", "υ"):
            out.append("i"); i += 1; continue
        out.append(EL_BASE[ch])
        i += 1
    return cap("".join(out))


def greek_caps(word):
    """Greek capitals as on identity cards: no tonos, diaeresis kept."""
    return strip_marks(word, keep=DIAER).upper()


def transliterate_el(word):
    # the pack maps only lower-case accented vowels, so feed it lower case
    return cap(translit(word.lower(), "el", reversed=True))


# ---------------------------------------------------------------------------------------
# Hebrew
# ---------------------------------------------------------------------------------------
# Unpointed Hebrew has no vowels, so the pools carry a phonemic spelling of each name:
# lower-case Latin letters and vowels plus H = ח, X = כ without dagesh (khaf), C = צ,
# S = ש (shin), ' = medial א/ע, w = a foreign W (Weiss). The schemes render that spelling:
# * academy_2006: Academy of the Hebrew Language, simplified transliteration rules (2006,
#   for signs and names): ח h, כ kh, צ ts, ש sh, ק k, ו v, י y, medial א/ע as '.
# * german_style: German-Jewish spelling: ch for ח/כ, sch, z for צ, w for ו/ב, j for י,
#   s for ז (Chajim, Jizchak, Schlomo, Lewi).
# * french_style: French-Jewish spelling: ch for ש, kh for כ, h for ח, ts for צ, ou for u,
#   ss between vowels, gu before e/i, ï/ë after a in hiatus (Haïm, Yaël, Chimon, Yehouda).
HE_ACADEMY = {"H": "h", "X": "kh", "C": "ts", "S": "sh", "w": "v"}
HE_GERMAN = {"H": "ch", "X": "ch", "C": "z", "S": "sch", "v": "w", "w": "w", "y": "j",
             "z": "s", "'": ""}
HE_FRENCH = {"H": "h", "X": "kh", "C": "ts", "S": "ch", "u": "ou", "w": "w"}
VOWELS = set("aeiou")


def _he_words(phonemic, fn):
    return " ".join(cap(fn(w)) for w in phonemic.split())


def academy_2006(phonemic):
    def one(w):
        w = w.lstrip("'")
        return "".join(HE_ACADEMY.get(c, c) for c in w)
    return _he_words(phonemic, one)


def german_style(phonemic):
    def one(w):
        out = []
        for i, c in enumerate(w):
            prev = w[i - 1] if i else ""
            nxt = w[i + 1] if i + 1 < len(w) else ""
            if c == "y" and prev in ("a", "e") and nxt not in VOWELS:
                out.append("i")                              # Mordechai, Eitan
            else:
                out.append(HE_GERMAN.get(c, c))
        return "".join(out)
    return _he_words(phonemic, one)


def french_style(phonemic):
    def one(w):
        out = []
        for i, c in enumerate(w):
            prev = w[i - 1] if i else ""
            nxt = w[i + 1] if i + 1 < len(w) else ""
            if c == "'":
                continue
            if c in "ie" and prev == "'" and i >= 2 and w[i - 2] in "ao":
                out.append({"i": "ï", "e": "ë"}[c])
                continue
            if c == "y" and prev == "a" and nxt not in ("a", "e", "o", "u"):
                out.append("ï")                              # Gabaï, Maïmon, Haïm
                continue
            if c == "i" and prev == "y" and i >= 2 and w[i - 2] == "a":
                continue                                     # Hayim -> Haïm
            if c == "s" and prev in VOWELS and nxt in VOWELS:
                out.append("ss")
                continue
            if c == "g" and nxt in ("e", "i"):
                out.append("gu")
                continue
            out.append(HE_FRENCH.get(c, c))
        return "".join(out)
    return _he_words(phonemic, one)


# ---------------------------------------------------------------------------------------
# Georgian
# ---------------------------------------------------------------------------------------
# National system of Georgia (2002; BGN/PCGN since 2009; Presidential Decree 109 of 2011):
# ejectives marked with an apostrophe (U+2019): კ k’ პ p’ ტ t’ წ ts’ ჭ ch’ ყ q’; the
# aspirates თ ფ ქ ჩ ც are plain t p k ch ts. Georgian passports and most official usage
# write it without the apostrophes.
KA_NATIONAL = {"ა": "a", "ბ": "b", "გ": "g", "დ": "d", "ე": "e", "ვ": "v", "ზ": "z",
               "თ": "t", "ი": "i", "კ": "k’", "ლ": "l", "მ": "m", "ნ": "n", "ო": "o",
               "პ": "p’", "ჟ": "zh", "რ": "r", "ს": "s", "ტ": "t’", "უ": "u", "ფ": "p",
               "ქ": "k", "ღ": "gh", "ყ": "q’", "შ": "sh", "ჩ": "ch", "ც": "ts", "ძ": "dz",
               "წ": "ts’", "ჭ": "ch’", "ხ": "kh", "ჯ": "j", "ჰ": "h"}
# ISO 9984:1996: one Latin letter per Georgian letter, háček letters, the APOSTROPHE marks
# the aspirates (თ t’ ფ p’ ქ k’ ჩ č’ ც c’) while the ejectives are unmarked, ღ ġ, ყ q,
# ძ j, წ c, ჭ č, ხ x, ჯ ǰ.
KA_ISO9984 = {"ა": "a", "ბ": "b", "გ": "g", "დ": "d", "ე": "e", "ვ": "v", "ზ": "z",
              "თ": "t’", "ი": "i", "კ": "k", "ლ": "l", "მ": "m", "ნ": "n", "ო": "o",
              "პ": "p", "ჟ": "ž", "რ": "r", "ს": "s", "ტ": "t", "უ": "u", "ფ": "p’",
              "ქ": "k’", "ღ": "ġ", "ყ": "q", "შ": "š", "ჩ": "č’", "ც": "c’", "ძ": "j",
              "წ": "c", "ჭ": "č", "ხ": "x", "ჯ": "ǰ", "ჰ": "h"}
# How Russian renders Georgian names (Джугашвили, Шеварднадзе, Гамсахурдия, Кипиани):
# the ejective/aspirate contrast is lost, ფ -> п, ღ -> г, ყ -> к, ძ -> дз, ჯ -> дж,
# word-initial ე -> э, final -ია -> -ия. The Cyrillic is then romanised with iuliia.
KA_RUSSIAN = {"ა": "а", "ბ": "б", "გ": "г", "დ": "д", "ე": "е", "ვ": "в", "ზ": "з",
              "თ": "т", "ი": "и", "კ": "к", "ლ": "л", "მ": "м", "ნ": "н", "ო": "о",
              "პ": "п", "ჟ": "ж", "რ": "р", "ს": "с", "ტ": "т", "უ": "у", "ფ": "п",
              "ქ": "к", "ღ": "г", "ყ": "к", "შ": "ш", "ჩ": "ч", "ც": "ц", "ძ": "дз",
              "წ": "ц", "ჭ": "ч", "ხ": "х", "ჯ": "дж", "ჰ": "х"}


def georgian_national(word, apostrophes=True):
    out = "".join(KA_NATIONAL[c] for c in word)
    return cap(out if apostrophes else out.replace("’", ""))


def georgian_iso9984(word):
    return cap("".join(KA_ISO9984[c] for c in word))


def georgian_russian(word):
    out = []
    for i, c in enumerate(word):
        if c == "ე" and i == 0:
            out.append("э")
        elif c == "ა" and i == len(word) - 1 and i > 0 and word[i - 1] == "ი":
            out.append("я")
            out[-2] = "и"
        else:
            out.append(KA_RUSSIAN[c])
    return cap("".join(out))


# ---------------------------------------------------------------------------------------
# Armenian
# ---------------------------------------------------------------------------------------
# BGN/PCGN 1981 (Eastern Armenian): ե ye initially and after a vowel, ո vo initially
# (not in ով), և yev/ev, aspirates with apostrophe (U+2019): թ t’ չ ch’ ց ts’ փ p’ ք k’;
# ռ rr, ղ gh, ճ ch, ջ j, ը y, է e, օ o.
HY_BGN = {"ա": "a", "բ": "b", "գ": "g", "դ": "d", "ե": "e", "զ": "z", "է": "e", "ը": "y",
          "թ": "t’", "ժ": "zh", "ի": "i", "լ": "l", "խ": "kh", "ծ": "ts", "կ": "k",
          "հ": "h", "ձ": "dz", "ղ": "gh", "ճ": "ch", "մ": "m", "յ": "y", "ն": "n",
          "շ": "sh", "ո": "o", "չ": "ch’", "պ": "p", "ջ": "j", "ռ": "rr", "ս": "s",
          "վ": "v", "տ": "t", "ր": "r", "ց": "ts’", "ւ": "v", "փ": "p’", "ք": "k’",
          "օ": "o", "ֆ": "f"}
HY_VOWELS = set("աեէըիոօ")
# ISO 9985:1996 transliteration: one letter per letter, ու -> ow, և -> ew; է ē, ը ë,
# թ t̕, ժ ž, խ x, ծ ç, ձ j, ղ ġ, ճ č̣, շ š, չ č, ջ ǰ, ռ ṙ, ց c̕, փ p̕, ք k̕, օ ō
# (aspirates with the combining comma above right U+0315).
HY_ISO9985 = {"ա": "a", "բ": "b", "գ": "g", "դ": "d", "ե": "e", "զ": "z", "է": "ē",
              "ը": "ë", "թ": "t\u0315", "ժ": "ž", "ի": "i", "լ": "l", "խ": "x", "ծ": "ç",
              "կ": "k", "հ": "h", "ձ": "j", "ղ": "ġ", "ճ": "č\u0323", "մ": "m", "յ": "y",
              "ն": "n", "շ": "š", "ո": "o", "չ": "č", "պ": "p", "ջ": "ǰ", "ռ": "ṙ",
              "ս": "s", "վ": "v", "տ": "t", "ր": "r", "ց": "c\u0315", "ւ": "w",
              "փ": "p\u0315", "ք": "k\u0315", "օ": "ō", "ֆ": "f", "և": "ew"}


def _hy_units(word):
    """Split into letters, treating ու and և as units."""
    w = word.lower().replace("եւ", "և")
    out, i = [], 0
    while i < len(w):
        if w[i:i + 2] == "ու":
            out.append("ու")
            i += 2
        else:
            out.append(w[i])
            i += 1
    return out


def _hy_is_vowel(unit):
    return unit in HY_VOWELS or unit == "ու"


def armenian_bgn(word, apostrophes=True, passport=False):
    """BGN/PCGN 1981; passport=True: Armenian passport practice (no apostrophes, ռ r)."""
    U = _hy_units(word)
    out = []
    for i, u in enumerate(U):
        prev = U[i - 1] if i else None
        after_vowel = prev is not None and _hy_is_vowel(prev)
        if u == "ու":
            out.append("u")
        elif u == "ե":
            out.append("ye" if i == 0 or after_vowel else "e")
        elif u == "ո":
            out.append("vo" if i == 0 and U[1:2] != ["վ"] else "o")
        elif u == "և":
            out.append("yev" if i == 0 or after_vowel else "ev")
        elif u == "ռ" and passport:
            out.append("r")
        else:
            out.append(HY_BGN[u])
    s = "".join(out)
    if not apostrophes or passport:
        s = s.replace("’", "")
    return cap(s)


def armenian_iso9985(word):
    return cap("".join("ow" if u == "ու" else HY_ISO9985[u] for u in _hy_units(word)))


# Western Armenian spelling of (Eastern-spelled) names, as used by the diaspora in the
# Middle East, France and the Americas: the voiced/voiceless stops and affricates swap
# (բ p, պ b, գ k, կ g, դ t, տ d, ձ ts, ծ dz, ջ ch, ճ j), ու ou, -յան -ian, ս between
# vowels ss, ղ gh, խ kh, ժ zh, ռ r, Հովհ- Hov- (Bedrossian, Garabedian, Kevorkian,
# Hagopian, Hovannisian).
HY_WESTERN = dict(HY_BGN, **{"բ": "p", "պ": "b", "գ": "k", "կ": "g", "դ": "t", "տ": "d",
                             "ձ": "ts", "ծ": "dz", "ջ": "ch", "ճ": "j", "թ": "t", "փ": "p",
                             "ք": "k", "ց": "ts", "չ": "ch", "ռ": "r"})


def western_armenian(word):
    U = _hy_units(word)
    out = []
    for i, u in enumerate(U):
        prev = U[i - 1] if i else None
        nxt = U[i + 1] if i + 1 < len(U) else None
        if u == "յ" and nxt == "ա" and i + 2 == len(U) - 1 and U[-1] == "ն":
            out.append("i")                                    # -յան -> -ian
        elif u == "հ" and prev == "վ":
            continue                                           # Hovh- -> Hov-
        elif u == "ու":
            out.append("ou")
        elif u == "ե":
            out.append("ye" if i == 0 else "e")
        elif u == "ո":
            out.append("vo" if i == 0 and U[1:2] != ["վ"] else "o")
        elif u == "և":
            out.append("ev")
        elif u == "ս" and prev and nxt and _hy_is_vowel(prev) and _hy_is_vowel(nxt):
            out.append("ss")
        else:
            out.append(HY_WESTERN[u])
    return cap("".join(out))


# How Russian renders Armenian names (Петросян, Ованнисян, Арутюнян, Саакян, Оганян):
# յա -> я, յու -> ю, ու -> у, initial ո -> во, է -> э, ղ -> г, ճ/չ -> ч, ջ -> дж,
# ծ/ց -> ц, ձ -> дз, aspirates unmarked; հ dropped word-initially before a vowel and
# between vowels (Саакян), kept as г before a consonant (Грант), after a consonant (Мгер)
# and after о (Оганян); Հովհ- -> Ов-. The Cyrillic is then romanised with iuliia.
HY_RUSSIAN = {"ա": "а", "բ": "б", "գ": "г", "դ": "д", "ե": "е", "զ": "з", "է": "э",
              "ը": "ы", "թ": "т", "ժ": "ж", "ի": "и", "լ": "л", "խ": "х", "ծ": "ц",
              "կ": "к", "ձ": "дз", "ղ": "г", "ճ": "ч", "մ": "м", "ն": "н", "շ": "ш",
              "ո": "о", "չ": "ч", "պ": "п", "ջ": "дж", "ռ": "р", "ս": "с", "վ": "в",
              "տ": "т", "ր": "р", "ց": "ц", "փ": "п", "ք": "к", "օ": "о", "ֆ": "ф",
              "ու": "у", "և": "ев"}


def armenian_russian(word):
    U = _hy_units(word)
    out, i = [], 0
    while i < len(U):
        u = U[i]
        prev = U[i - 1] if i else None
        nxt = U[i + 1] if i + 1 < len(U) else None
        if u == "յ":
            if nxt == "ա":
                out.append("я"); i += 2; continue
            if nxt == "ու":
                out.append("ю"); i += 2; continue
            if nxt == "ե":
                out.append("е"); i += 2; continue
            out.append("й")
        elif u == "հ":
            if i == 0:
                if nxt is not None and not _hy_is_vowel(nxt):
                    out.append("г")
            elif prev == "վ" and i >= 2 and U[i - 2] == "ո":
                pass                                            # Hovh- -> Ов-
            elif not _hy_is_vowel(prev) or prev in ("ո", "օ") or (
                    nxt is not None and not _hy_is_vowel(nxt)):
                out.append("г")
        elif u == "ո" and i == 0 and nxt != "վ":
            out.append("во")
        else:
            out.append(HY_RUSSIAN[u])
        i += 1
    return cap("".join(out))


# ---------------------------------------------------------------------------------------
# Russian Cyrillic -> Latin through iuliia (the same package romanisation.csv uses)
# ---------------------------------------------------------------------------------------
RUSSIAN_STYLE = {"russian_style": iuliia.WIKIPEDIA, "russian_style_icao": iuliia.ICAO_DOC_9303,
                 "russian_style_fr": iuliia.MVD_310_FR}


def via_russian(cyrillic, scheme):
    return iuliia.translate(cyrillic, RUSSIAN_STYLE[scheme])
