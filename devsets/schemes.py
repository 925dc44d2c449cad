"""Romanisation schemes used by make_devsets.py.

Three families:
  * iuliia schemes (Russian standards, exactly as the iuliia package ships them),
    applied to the RUSSIFIED Cyrillic form of non-Russian names;
  * cyrtranslit schemes (cyrtranslit_ua / _by / _tj), applied to the original Cyrillic;
  * hand-written tables below, each naming the standard it implements.

All functions romanise one word; callers join words.
"""
import cyrtranslit
import iuliia

# Russian-based schemes, applied to Russian or russified Cyrillic.
IULIIA_SCHEMES = [
    "icao_doc_9303", "mvd_310", "mvd_782", "gost_779", "gost_779_alt", "iso_9_1968",
    "bgn_pcgn", "ungegn_1987", "ala_lc", "scientific", "wikipedia", "mvd_310_fr", "telegram",
]
RU_SCHEMES = IULIIA_SCHEMES + ["german_duden"]

# The language's own schemes (applied to the original, not russified, Cyrillic).
OWN_SCHEMES = {
    "ru": [],
    "uk": ["uk_kmu_2010", "cyrtranslit_ua"],
    "be": ["be_national_2007", "cyrtranslit_by"],
    "tg": ["tg_national", "cyrtranslit_tj"],
    "uz": ["uz", "uz_official_1995", "uz_official_1995_ascii"],
    "ky": ["ky_bgn_pcgn"],
    "kk": ["kk_latin_2021", "kk_bgn_pcgn"],
}
# The language's official / national Latin, also used as a list-side scheme.
OFFICIAL = {"uk": "uk_kmu_2010", "be": "be_national_2007", "tg": "tg_national",
            "uz": "uz_official_1995", "kk": "kk_latin_2021"}
NEIGHBOUR_SCHEMES = ["az_latin", "tk_latin_1993"]
NEIGHBOUR_LANGS = {"uz", "tg", "kk", "ky"}

VOWELS = set("аеёиоуыэюяіїєәөүұӯӣў")

# How documents written in Russian render the language-specific letters.
RUSSIFY = {
    "common": {"қ": "к", "ғ": "г", "ҳ": "х", "ҷ": "дж", "ӯ": "у", "ӣ": "ий", "ў": "у",
               "ә": "а", "ө": "о", "ү": "у", "ұ": "у", "ң": "н", "і": "и", "һ": "х",
               "’": "ь", "'": "ь"},
    "uk": {"и": "ы", "і": "и", "ї": "йи", "є": "е", "ґ": "г"},
    "be": {"ў": "в"},
}


def _map_word(word, table):
    """Letter-by-letter substitution keeping the case of each source letter."""
    out = []
    for ch in word:
        low = ch.lower()
        rep = table.get(low, low)
        out.append(rep if ch == low else rep[:1].upper() + rep[1:])
    return "".join(out)


def russify(word, lang):
    if lang == "ru":
        return word
    table = dict(RUSSIFY["common"])
    table.update(RUSSIFY.get(lang, {}))
    return _map_word(word, table)


class Table:
    """A hand-written letter table with the context rules romanisation standards use.

    letters   : base value of each lower-case Cyrillic letter
    iotated   : value used at a "soft start" (word start, after a vowel or after one
                of `soft_after`), e.g. е -> ye
    initial   : value used only at the very start of the word
    digraphs  : two-letter sequences romanised as a unit
    rule      : rule(prev, ch, nxt) -> str | None, for anything else
    """

    def __init__(self, letters, iotated=None, initial=None, digraphs=None,
                 soft_after="ъь’'", rule=None):
        self.letters, self.iotated = letters, iotated or {}
        self.initial, self.digraphs = initial or {}, digraphs or {}
        self.soft_after, self.rule = set(soft_after), rule

    def __call__(self, word):
        low, out, i = word.lower(), [], 0
        while i < len(low):
            prev = low[i - 1] if i else ""
            ch, nxt = low[i], low[i + 1] if i + 1 < len(low) else ""
            if ch + nxt in self.digraphs:
                out.append(self.digraphs[ch + nxt])
                i += 2
                continue
            rep = self.rule(prev, ch, nxt) if self.rule else None
            if rep is None and i == 0 and ch in self.initial:
                rep = self.initial[ch]
            if rep is None and ch in self.iotated and (
                    not prev or prev in VOWELS or prev in self.soft_after):
                rep = self.iotated[ch]
            if rep is None:
                rep = self.letters.get(ch, ch)
            out.append(rep)
            i += 1
        text = "".join(out)
        if word[:1].isupper() and text:
            text = text[0].upper() + text[1:]
        return text


def _letters(spec):
    """'а a б b ...' -> dict; '-' stands for an empty rendering."""
    items = spec.split()
    return {c: ("" if v == "-" else v) for c, v in zip(items[::2], items[1::2])}


# Common core of most tables (Cyrillic letters with a one-to-one Latin value).
_CORE = _letters("а a б b в v г g д d е e з z и i к k л l м m н n о o п p р r с s т t "
                 "у u ф f ъ - ь -")

# German transcription of Russian, Duden rules (Duden, "Transkription aus dem Russischen").
# ж/ш sch, ч tsch, щ schtsch, х ch, ц z, в w, з s, с s but ss between vowels, кс x,
# е/ё/ю/я je/jo/ju/ja at a soft start (ё is o after ж ч ш щ), й j before a vowel or
# word-initially, dropped in final -ий/-ый, otherwise i; ь before a vowel -> j.
def _duden_rule(prev, ch, nxt):
    if ch == "с" and prev in VOWELS and nxt in VOWELS:
        return "ss"
    if ch == "й":
        if not prev or nxt in VOWELS:
            return "j"
        return "" if not nxt and prev in "иы" else "i"
    if ch == "ё":
        return "o" if prev and prev in "жчшщ" else "jo"
    if ch == "ь":
        return "j" if nxt in VOWELS and nxt not in "еёюя" else ""
    return None


GERMAN_DUDEN = Table(
    {**_CORE, **_letters("в w ж sch з s х ch ц z ч tsch ш sch щ schtsch ы y э e ю ju я ja")},
    iotated={"е": "je"}, digraphs={"кс": "x"}, rule=_duden_rule)

# Ukrainian national system, Cabinet of Ministers of Ukraine Resolution No. 55 (27 Jan 2010):
# є ї й ю я are ye yi y yu ya word-initially, ie i i iu ia elsewhere; зг -> zgh;
# ь and the apostrophe are not rendered.
UK_KMU_2010 = Table(
    {**_CORE, **_letters("г h ґ g є ie ж zh и y і i ї i й i х kh ц ts ч ch ш sh щ shch "
                         "ю iu я ia ’ - ' -")},
    initial=_letters("є ye ї yi й y ю yu я ya"), digraphs={"зг": "zgh"})


# Belarusian national system (Instruction on transliteration of Belarusian geographical
# names, State Committee on Property, 2007; UN-adopted 2007):
# е ё ю я -> je jo ju ja at a soft start (also after ў), ie io iu ia after consonants;
# з с ц н л + ь -> ź ś ć ń ĺ; г h, х ch, ў ŭ, ж ž, ч č, ш š, ц c, й j, ы y.
def _be_rule(prev, ch, nxt):
    soft = {"з": "ź", "с": "ś", "ц": "ć", "н": "ń", "л": "ĺ"}
    if ch in soft and nxt == "ь":
        return soft[ch]
    return None


BE_NATIONAL_2007 = Table(
    {**_CORE, **_letters("г h ґ g е ie ё io ж ž і i й j х ch ц c ч č ш š ы y ь - э e "
                         "ю iu я ia ў ŭ ’ - ' -")},
    iotated=_letters("е je ё jo ю ju я ja"), soft_after="ъь’'ў", rule=_be_rule)

# Tajik: BGN/PCGN 1994 romanisation of Tajik Cyrillic, as used on Tajik passports.
# ғ gh, ҳ h, ҷ j, қ q, х kh, ж zh, ч ch, ш sh, е ye at a soft start; passports write
# ӣ ӯ as plain i u and drop ъ, BGN/PCGN writes ī ū ʼ (`macrons=True`).
_TG = {**_CORE, **_letters("ғ gh ё yo ж zh ӣ i й y қ q ӯ u х kh ҳ h ч ch ҷ j ш sh щ sh "
                           "ц ts э e ю yu я ya ы y")}
TG_NATIONAL = Table(_TG, iotated={"е": "ye"})
TG_NATIONAL_MACRONS = Table({**_TG, "ӣ": "ī", "ӯ": "ū", "ъ": "ʼ"}, iotated={"е": "ye"})


# Uzbek Latin alphabet, Law of 1995 (amended alphabet, Cabinet resolution 1995):
# х x, ҳ h, қ q, ғ gʻ, ў oʻ, ж j, ш sh, ч ch, й y, ъ ʼ (tutuq belgisi), ц s / ts after a
# vowel, е ye at a soft start, сҳ -> sʼh (to keep it apart from sh).
def _uz_rule(prev, ch, nxt):
    if ch == "ц":
        return "ts" if prev in VOWELS else "s"
    if ch == "с" and nxt == "ҳ":
        return "sʼ"
    return None


_UZ = {**_CORE, **_letters("ғ gʻ ё yo ж j й y қ q ў oʻ х x ҳ h ч ch ш sh щ sh ъ ʼ ы i "
                           "э e ю yu я ya")}
UZ_OFFICIAL_1995 = Table(_UZ, iotated={"е": "ye"}, rule=_uz_rule)


def uz_official_ascii(word):
    """Same standard, with both apostrophe letters typed as the ASCII apostrophe."""
    return UZ_OFFICIAL_1995(word).replace("ʻ", "'").replace("ʼ", "'")


# Kyrgyz: BGN/PCGN 1979 romanisation of Kyrgyz Cyrillic.
# ң ng, ө ö, ү ü, ж j, х kh, ц ts, ч ch, ш sh, щ shch, ы y, й y, е ye at a soft start,
# ъ ”, ь ’.
KY_BGN_PCGN = Table(
    {**_CORE, **_letters("ё yo ж j й y ң ng ө ö ү ü х kh ц ts ч ch ш sh щ shch ъ ” ы y "
                         "ь ’ э e ю yu я ya")},
    iotated={"е": "ye"})

# Kazakh Latin alphabet, 2021 revision (presidential decree of 2017 as amended 2021):
# ә ä, ғ ğ, қ q, ң ñ, ө ö, ұ ū, ү ü, һ h, х h, і ı, ы y, ш ş, ч ç, ж j, и/й i,
# ю iu, я ia, ё io, ц ts, щ şş; ъ ь not written.
KK_LATIN_2021 = Table(
    {**_CORE, **_letters("ә ä ғ ğ ё io ж j й i қ q ң ñ ө ö ұ ū ү ü х h һ h ц ts ч ç ш ş "
                         "щ şş ы y і ı э e ю iu я ia")})

# Kazakh: BGN/PCGN 1979 romanisation of Kazakh Cyrillic.
# ә ä, ғ gh, қ q, ң ng, ө ö, ұ ū, ү ü, һ h, і i, ы y, ж zh, х kh, ш sh, ч ch,
# е ye at a soft start, ъ ”, ь ’.
KK_BGN_PCGN = Table(
    {**_CORE, **_letters("ә ä ғ gh ё yo ж zh й y қ q ң ng ө ö ұ ū ү ü х kh һ h ц ts ч ch "
                         "ш sh щ shch ъ ” ы y ь ’ і i э e ю yu я ya")},
    iotated={"е": "ye"})

# Azerbaijani Latin alphabet (Law of 25 December 1991), used here as a neighbour
# alphabet for Central Asian names: х x, ч ç, ш ş, ж j, ҷ/дж c, ғ ğ, ә ə, ө ö, ү ü, й y,
# һ ҳ h, қ q, ы ı, ц ts, е ye at a soft start; ў ӯ (rounded o-vowels) -> ö.
AZ_LATIN = Table(
    {**_CORE, **_letters("ғ ğ ә ə ё yo ж j ҷ c й y ј y қ q ң n ө ö ү ü ұ u ў ö ӯ ö х x "
                         "ҳ h һ h ц ts ч ç ш ş щ şç ы ı і i ӣ i э e ю yu я ya")},
    iotated={"е": "ye"}, digraphs={"дж": "c"})

# Turkmen Latin alphabet of 1993 (as revised 1999-2000): в w, ж ž, җ/ҷ j, ч ç, ш ş, ң ň,
# ә ä, ө ö, ү ü, й ý, ы y, ю ýu, я ýa, ё ýo, х ҳ h, е ýe at a soft start.
TK_LATIN_1993 = Table(
    {**_CORE, **_letters("в w ғ g ә ä ё ýo ж ž җ j ҷ j й ý қ k ң ň ө ö ү ü ұ u ў ö ӯ ö "
                         "х h ҳ h һ h ц ts ч ç ш ş щ şç ы y і i ӣ i э e ю ýu я ýa")},
    iotated={"е": "ýe"})

HAND_WRITTEN = {
    "german_duden": GERMAN_DUDEN, "uk_kmu_2010": UK_KMU_2010,
    "be_national_2007": BE_NATIONAL_2007, "tg_national": TG_NATIONAL,
    "uz_official_1995": UZ_OFFICIAL_1995, "uz_official_1995_ascii": uz_official_ascii,
    "ky_bgn_pcgn": KY_BGN_PCGN, "kk_latin_2021": KK_LATIN_2021, "kk_bgn_pcgn": KK_BGN_PCGN,
    "az_latin": AZ_LATIN, "tk_latin_1993": TK_LATIN_1993,
}
CYRTRANSLIT = {"cyrtranslit_ua": "ua", "cyrtranslit_by": "by", "cyrtranslit_tj": "tj"}


def _iuliia(word, scheme):
    text = iuliia.schemas.get(scheme).translate(word)
    # iuliia 0.13 maps ё to the *Cyrillic* ё in several schemas (ala_lc, bgn_pcgn,
    # gost_779, scientific, ungegn_1987); the standards write Latin ë.
    text = text.replace("ё", "ë").replace("Ё", "Ë")
    # The `uz` schema has no entry for ь (Uzbek drops it).
    return text.replace("ь", "").replace("Ь", "")


def romanise(word, scheme, lang, macrons=False):
    """One Cyrillic word of language `lang` written in `scheme`."""
    if scheme == "cyrillic":
        return word
    if scheme in CYRTRANSLIT:
        return cyrtranslit.to_latin(word, CYRTRANSLIT[scheme])
    if scheme == "uz":
        return _iuliia(word, "uz")  # iuliia's uz schema reads Uzbek Cyrillic directly
    if scheme == "tg_national" and macrons:
        return TG_NATIONAL_MACRONS(word)
    if scheme in IULIIA_SCHEMES:
        return _iuliia(russify(word, lang), scheme)
    if scheme == "german_duden":
        return GERMAN_DUDEN(russify(word, lang))
    return HAND_WRITTEN[scheme](word)


def query_schemes(lang, neighbours):
    schemes = RU_SCHEMES + ["cyrillic"] + OWN_SCHEMES[lang]
    return schemes + (NEIGHBOUR_SCHEMES if neighbours else [])


def list_schemes(lang):
    """(scheme, weight) pairs for the list side."""
    common = ["bgn_pcgn", "icao_doc_9303", "mvd_310", "ala_lc", "wikipedia", "ungegn_1987"]
    pairs = [(s, 1.0) for s in common]
    if lang in OFFICIAL:
        pairs.append((OFFICIAL[lang], 2.5))  # national Latin is common on lists
    return pairs
