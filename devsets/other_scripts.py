"""Generate devsets/scripts.csv: the same person across the romanisations of non-Cyrillic
scripts (Han, Hangul, Japanese, Greek, Hebrew, Georgian, Armenian), plus near misses.

Called from make_devsets.py (one run writes all three CSVs); can also be run alone:
    /tmp/devenv/bin/python devsets/other_scripts.py
Pools: devsets/sources/{zh,ko,ja,el,he,ka,hy}.tsv (see sources/README.md). Schemes:
script_schemes.py. Deterministic: string-seeded RNGs, sorted iteration, no hash order.
"""
import collections
import csv
import random
import re
from pathlib import Path

import script_schemes as S
from grammar import levenshtein

SEED = 20260227
HERE = Path(__file__).resolve().parent
LANGS = ["zh", "ko", "ja", "el", "he", "ka", "hy"]
IDENTITIES = {lang: 130 for lang in LANGS}
HEADER = ["split", "case", "language", "gender", "variant", "list_scheme", "list_name",
          "query_scheme", "query_name", "expect"]
FAMILY_FIRST = {"zh", "ko", "ja"}

LIST_SCHEME = {"zh": "pinyin", "ko": "rr", "ja": "hepburn", "el": "elot_743",
               "he": "customary", "ka": "national_2002", "hy": "bgn_pcgn"}
QUERY_SCHEMES = {
    "zh": ["wade_giles", "wade_giles_plain", "pinyin_spaced", "pinyin_hyphenated", "han",
           "traditional"],
    "ko": ["mr", "mr_plain", "customary", "rr_joined", "rr_spaced", "hangul"],
    "ja": ["hepburn_macron", "kunrei", "passport_hepburn", "hiragana", "katakana", "kanji"],
    "el": ["elot_743_accented", "iso_843_type1", "phonetic_english", "transliterate_el",
           "greek", "greek_caps"],
    "he": ["academy_2006", "german_style", "french_style", "hebrew"],
    "ka": ["national_2002_no_apostrophes", "iso_9984", "russian_style", "russian_style_icao",
           "russian_style_fr", "georgian"],
    "hy": ["passport", "iso_9985", "western_armenian", "russian_style", "russian_style_icao",
           "russian_style_fr", "armenian"],
}
NATIVE = {"han", "traditional", "hangul", "hiragana", "katakana", "kanji", "greek",
          "greek_caps", "hebrew", "georgian", "armenian"}
SCRIPT_RE = {
    "zh": re.compile("[\u4e00-\u9fff]"), "ko": re.compile("[\uac00-\ud7a3]"),
    "ja": re.compile("[\u3040-\u30ff\u4e00-\u9fff]"), "el": re.compile("[\u0370-\u03ff]"),
    "he": re.compile("[\u05d0-\u05ea]"), "ka": re.compile("[\u10d0-\u10ff]"),
    "hy": re.compile("[\u0531-\u058f]"),
}
NON_LATIN_RE = re.compile("[\u0370-\u03ff\u0400-\u04ff\u0530-\u058f\u0590-\u05ff\u10a0-\u10ff"
                          "\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7a3]")
IDEOGRAPHIC_SPACE = "\u3000"


def default_split(key):
    import hashlib
    return "aside" if int(hashlib.sha256(key.encode()).hexdigest(), 16) % 10 < 3 else "tune"


# ----------------------------------------------------------------------------- pools

def load_pools():
    """{lang: {kind: [row dict]}} from sources/<lang>.tsv, in file order."""
    pools = {}
    for lang in LANGS:
        with open(HERE / "sources" / f"{lang}.tsv", encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f, delimiter="\t"))
        kinds = collections.defaultdict(list)
        for row in rows:
            assert row["language"] == lang, row
            kinds[row["kind"]].append(row)
        pools[lang] = kinds
    return pools


# ----------------------------------------------------------------------------- rendering

def surname_form(person_or_female, surname):
    """Greek surnames agree in gender; every other pool is invariable."""
    female = person_or_female if isinstance(person_or_female, bool) else person_or_female["female"]
    return surname["female"] if female and surname.get("female") else surname["name"]


def render(lang, given, surname, female, scheme, rng):
    """-> (family, given) strings in `scheme`; native schemes return (whole, None)."""
    fam_native = surname_form(female, surname)
    if lang == "zh":
        fs, gs = surname["pinyin"].split(), given["pinyin"].split()
        if scheme == "han":
            return surname["name"] + given["name"], None
        if scheme == "traditional":
            return surname["traditional"] + given["traditional"], None
        if scheme in ("wade_giles", "wade_giles_plain"):
            plain = scheme == "wade_giles_plain"
            return S.wade_giles(fs, plain), S.wade_giles(gs, plain)
        sep = {"pinyin": "", "pinyin_spaced": " ", "pinyin_hyphenated": "-"}[scheme]
        return S.pinyin_word(fs), S.pinyin_word(gs, sep)
    if lang == "ko":
        fam, giv = surname["name"], given["name"]
        if scheme == "hangul":
            return fam + (" " if rng.random() < 0.2 else "") + giv, None
        if scheme in ("rr", "rr_joined", "rr_spaced"):
            sep = {"rr": "-", "rr_joined": "", "rr_spaced": " "}[scheme]
            return S.rr(fam, surname=True), S.rr(giv, sep)
        if scheme == "mr":
            return S.mr(fam, surname=True), S.mr(giv, "-")
        sep = rng.choice(["-", " ", ""])
        if scheme == "mr_plain":
            return S.mr(fam, surname=True, plain=True), S.mr(giv, sep, plain=True)
        assert scheme == "customary", scheme
        return rng.choice(surname["customary"].split("|")), S.customary_given(giv, rng, sep)
    if lang == "ja":
        fk, gk = surname["kana"], given["kana"]
        if scheme in ("kanji", "hiragana", "katakana"):
            sep = rng.choice(["", " ", IDEOGRAPHIC_SPACE] if scheme == "kanji"
                             else [" ", IDEOGRAPHIC_SPACE])
            if scheme == "kanji":
                return surname["name"] + sep + given["name"], None
            f, g = fk.replace(".", ""), gk.replace(".", "")
            if scheme == "katakana":
                f, g = S.katakana(f), S.katakana(g)
            return f + sep + g, None
        return S.romaji(fk, scheme), S.romaji(gk, scheme)
    if lang == "el":
        g, f = given["name"], fam_native
        if scheme == "greek":
            return f, g
        if scheme == "greek_caps":
            return S.greek_caps(f), S.greek_caps(g)
        if scheme == "elot_743":
            return S.strip_marks(S.elot_743(f)), S.strip_marks(S.elot_743(g))
        if scheme == "elot_743_accented":
            return S.elot_743(f, accents=True), S.elot_743(g, accents=True)
        if scheme == "iso_843_type1":
            return S.iso_843_type1(f), S.iso_843_type1(g)
        if scheme == "transliterate_el":
            return S.transliterate_el(f), S.transliterate_el(g)
        assert scheme == "phonetic_english", scheme
        popular = given["popular"].split("|") if given["popular"] else []
        return S.phonetic_english(f), rng.choice(popular) if popular else S.phonetic_english(g)
    if lang == "he":
        if scheme == "hebrew":
            return surname["name"], given["name"]
        if scheme == "customary":
            return surname["latin"], given["latin"]
        fn = {"academy_2006": S.academy_2006, "german_style": S.german_style,
              "french_style": S.french_style}[scheme]
        override = {"german_style": "german", "french_style": "french"}.get(scheme)

        def one(row):
            return (override and row[override]) or fn(row["phonemic"])
        return one(surname), one(given)
    if lang == "ka":
        f, g = surname["name"], given["name"]
        if scheme == "georgian":
            return f, g
        if scheme in ("national_2002", "national_2002_no_apostrophes"):
            ap = scheme == "national_2002"
            return S.georgian_national(f, ap), S.georgian_national(g, ap)
        if scheme == "iso_9984":
            return S.georgian_iso9984(f), S.georgian_iso9984(g)
        return (S.via_russian(S.georgian_russian(f), scheme),
                S.via_russian(S.georgian_russian(g), scheme))
    if lang == "hy":
        f, g = surname["name"], given["name"]
        if scheme == "armenian":
            return f, g
        if scheme == "bgn_pcgn":
            return S.armenian_bgn(f), S.armenian_bgn(g)
        if scheme == "passport":
            return S.armenian_bgn(f, passport=True), S.armenian_bgn(g, passport=True)
        if scheme == "iso_9985":
            return S.armenian_iso9985(f), S.armenian_iso9985(g)
        if scheme == "western_armenian":
            return S.western_armenian(f), S.western_armenian(g)
        return (S.via_russian(S.armenian_russian(f), scheme),
                S.via_russian(S.armenian_russian(g), scheme))
    raise ValueError(lang)


def list_name(lang, family, given, style):
    if lang in FAMILY_FIRST:
        return [f"{family.upper()} {given}", f"{family} {given}", f"{family.upper()}, {given}",
                f"{family} {given}".upper()][style]
    return [f"{family.upper()}, {given}", f"{family}, {given}", f"{given} {family}",
            f"{given} {family}".upper()][style]


def query_name(lang, family, given, scheme, rng):
    """Customary order of the language, sometimes reversed, surname sometimes upper case.
    Han, Hangul and Japanese native forms come whole from render()."""
    if given is None:
        return family
    if scheme in NATIVE:                                 # Greek, Hebrew, Georgian, Armenian
        return f"{family} {given}" if rng.random() < 0.25 else f"{given} {family}"
    if rng.random() < 0.25:
        family = family.upper()
    reverse = rng.random() < 0.25
    family_first = (lang in FAMILY_FIRST) != reverse
    return f"{family} {given}" if family_first else f"{given} {family}"


def query_schemes(lang, given):
    schemes = list(QUERY_SCHEMES[lang])
    if lang == "zh":
        if len(given["pinyin"].split()) == 1:            # spaced/hyphenated = joined
            schemes = [s for s in schemes if s not in ("pinyin_spaced", "pinyin_hyphenated")]
    return schemes


# ----------------------------------------------------------------------------- identities

def identity_keys(lang, given, surname, female):
    """Native key and list-scheme key; both must be unique among listed identities (no two
    listed people may share a romanisation, e.g. 徐伟 and 许伟 are both Xu Wei)."""
    fam, giv = render(lang, given, surname, female, LIST_SCHEME[lang], random.Random(0))
    native = (lang, surname_form(female, surname), given["name"])
    latin = (lang, fam.lower(), giv.lower())
    keys = [native, latin]
    if lang == "ja":
        keys.append((lang, "kana", surname["kana"], given["kana"]))
    return keys


def compose_identities(pools):
    people, taken = [], set()
    for lang in LANGS:
        rng = random.Random(f"{SEED}:scripts:{lang}:identities")
        pool, made = pools[lang], 0
        while made < IDENTITIES[lang]:
            female = rng.random() < 0.4
            given = rng.choice(pool["given_f" if female else "given_m"])
            surname = rng.choice(pool["surname"])
            keys = identity_keys(lang, given, surname, female)
            if any(k in taken for k in keys):
                continue
            taken.update(keys)
            made += 1
            people.append({"case": f"{lang}-{made:04d}", "lang": lang, "female": female,
                           "given": given, "surname": surname,
                           "list_style": rng.randrange(4)})
    return people, taken


# ----------------------------------------------------------------------------- near misses

def _units(lang, given):
    """Characters / syllables of a zh or ko given name with their readings."""
    if lang == "zh":
        return [{"name": c, "pinyin": p, "traditional": t}
                for c, p, t in zip(given["name"], given["pinyin"].split(), given["traditional"])]
    return [{"name": c} for c in given["name"]]


def _join_units(lang, units):
    if lang == "zh":
        return {"name": "".join(u["name"] for u in units),
                "pinyin": " ".join(u["pinyin"] for u in units),
                "traditional": "".join(u["traditional"] for u in units)}
    return {"name": "".join(u["name"] for u in units)}


def _syllable_variant(person, pools, rng):
    """zh/ko: same family name, a given name sharing exactly one syllable with the listed
    one (KIM Jong-un -> Kim Jong-chol; ZHANG Wei -> Zhang Weidong)."""
    lang, given = person["lang"], person["given"]
    inventory = {}
    for row in pools[lang]["given_f" if person["female"] else "given_m"]:
        for u in _units(lang, row):
            inventory.setdefault(u["name"], u)
    inventory = [inventory[k] for k in sorted(inventory)]
    units = _units(lang, given)
    own = {u["name"] for u in units}
    reading = (lambda u: u["pinyin"]) if lang == "zh" else (lambda u: S.rr_syllable(u["name"]))
    own_readings = {reading(u) for u in units}
    new = rng.choice([u for u in inventory
                      if u["name"] not in own and reading(u) not in own_readings])
    if len(units) == 1:
        parts = [units[0], new] if rng.random() < 0.5 else [new, units[0]]
    else:
        pos = rng.randrange(len(units))
        parts = list(units)
        parts[pos] = new
    return _join_units(lang, parts), person["surname"]


def _pool_variants(person, pools, rng):
    """Other scripts: same family name and a near other given name of the same gender, or
    the same given name and a near other family name, by Levenshtein distance on the list
    romanisation relative to the name's length. A coin decides which kind is preferred (the
    other kind pays 0.15), so both kinds occur without pairing a name with a far one.
    Yields candidates, best first."""
    lang, female = person["lang"], person["female"]
    scheme = LIST_SCHEME[lang]
    fam, giv = render(lang, person["given"], person["surname"], female, scheme,
                      random.Random(0))
    fam, giv = fam.lower(), giv.lower()
    prefer_given = rng.random() < 0.5
    scored = []
    for i, row in enumerate(pools[lang]["given_f" if female else "given_m"]):
        if row is person["given"] or (lang == "ja" and row["kana"] == person["given"]["kana"]):
            continue
        other = render(lang, row, person["surname"], female, scheme, random.Random(0))[1]
        d = levenshtein(other.lower(), giv) / max(len(giv), len(other))
        scored.append((d + (0 if prefer_given else 0.15), rng.random(), "g", i))
    for i, row in enumerate(pools[lang]["surname"]):
        if row is person["surname"] or (lang == "ja"
                                        and row["kana"] == person["surname"]["kana"]):
            continue
        other = render(lang, person["given"], row, female, scheme, random.Random(0))[0]
        d = levenshtein(other.lower(), fam) / max(len(fam), len(other))
        scored.append((d + (0.15 if prefer_given else 0), rng.random(), "f", i))
    for _, _, kind, i in sorted(scored):
        if kind == "g":
            yield pools[lang]["given_f" if female else "given_m"][i], person["surname"]
        else:
            yield person["given"], pools[lang]["surname"][i]


def near_miss(person, pools, taken, rng):
    if person["lang"] in ("zh", "ko"):
        candidates = (_syllable_variant(person, pools, rng) for _ in range(500))
    else:
        candidates = _pool_variants(person, pools, rng)
    for given, surname in candidates:
        keys = identity_keys(person["lang"], given, surname, person["female"])
        if not any(k in taken for k in keys):
            return given, surname
    raise RuntimeError(f"no near miss for {person['case']}")


# ----------------------------------------------------------------------------- rows

def script_rows(people, pools, taken, split_of):
    rows = []
    for person in people:
        lang = person["lang"]
        rng = random.Random(f"{SEED}:scripts:{person['case']}")
        scheme = LIST_SCHEME[lang]
        fam, giv = render(lang, person["given"], person["surname"], person["female"], scheme,
                          rng)
        base = {"split": split_of(person["case"]), "case": person["case"], "language": lang,
                "gender": "f" if person["female"] else "m", "variant": "full",
                "list_scheme": scheme,
                "list_name": list_name(lang, fam, giv, person["list_style"])}
        han = None
        for q in query_schemes(lang, person["given"]):
            f, g = render(lang, person["given"], person["surname"], person["female"], q, rng)
            name = query_name(lang, f, g, q, rng)
            if q == "han":
                han = name
            if q == "traditional" and name == han:
                continue                                 # same characters in both forms
            rows.append({**base, "query_scheme": q, "query_name": name, "expect": "match"})
        given, surname = near_miss(person, pools, taken, rng)
        q = rng.choice([scheme] + query_schemes(lang, given))
        f, g = render(lang, given, surname, person["female"], q, rng)
        rows.append({**base, "query_scheme": q, "query_name": query_name(lang, f, g, q, rng),
                     "expect": "near_miss"})
    return rows


# ----------------------------------------------------------------------------- checks

def check_pools(pools):
    """Cross-check the hand-written pools against libraries and the pools' own Latin."""
    from korean_romanizer.romanizer import Romanizer
    import opencc
    import pykakasi
    from pypinyin import Style, pinyin

    minimum = {"zh": (40, 60), "ko": (25, 50), "ja": (40, 40), "el": (50, 40),
               "he": (40, 30), "ka": (40, 25), "hy": (40, 25)}
    for lang, (surnames, givens) in minimum.items():
        p = pools[lang]
        assert len(p["surname"]) >= surnames, (lang, len(p["surname"]))
        assert len(p["given_m"]) + len(p["given_f"]) >= givens, lang
        names = [(r["kind"], r["name"]) for k in sorted(p) for r in p[k]]
        assert len(names) == len(set(names)), f"duplicate pool entry in {lang}"
    # Chinese: every pinyin syllable is a reading pypinyin knows for that character; one
    # reading per character across the given names; traditional forms agree with OpenCC
    # except for surnames whose OpenCC form is the homograph's (余 -> 餘, 范 -> 範).
    cc = opencc.OpenCC("s2t")
    opencc_wrong = {"余", "范"}
    readings = {}
    for kind in ("surname", "given_m", "given_f"):
        for r in pools["zh"][kind]:
            syl = r["pinyin"].split()
            assert len(syl) == len(r["name"]) == len(r["traditional"]), r
            for ch, s in zip(r["name"], syl):
                known = {c.replace("v", "ü") for c in
                         pinyin(ch, style=Style.NORMAL, heteronym=True, v_to_u=True)[0]}
                assert s in known, (r["name"], ch, s, known)
                if kind != "surname":
                    assert readings.setdefault(ch, s) == s, (ch, s, readings[ch])
            if r["name"] not in opencc_wrong:
                assert cc.convert(r["name"]) == r["traditional"], r
    # Korean: the RR syllable table agrees with korean-romanizer on every pool syllable.
    for kind in ("surname", "given_m", "given_f"):
        for r in pools["ko"][kind]:
            for syl in r["name"]:
                assert S.rr_syllable(syl) == Romanizer(syl).romanize(), syl
    # Japanese: the kana table agrees with pykakasi's Hepburn on the stored readings (long
    # vowels spelled out, as pykakasi writes them).
    kks = pykakasi.kakasi()
    for kind in ("surname", "given_m", "given_f"):
        for r in pools["ja"][kind]:
            kana = r["kana"].replace(".", "")
            ref = "".join(x["hepburn"] for x in kks.convert(kana))
            mine = S.romaji(r["kana"], "hepburn_macron").lower()
            for a, b in (("ō", "o?"), ("ū", "uu")):
                mine = mine.replace(a, b)
            assert re.fullmatch(mine.replace("o?", "o[ou]"), ref), (r, mine, ref)
    # Georgian and Armenian: the pools' Latin column is the passport form of the script.
    for r in pools["ka"]["surname"] + pools["ka"]["given_m"] + pools["ka"]["given_f"]:
        assert S.georgian_national(r["name"], apostrophes=False) == r["latin"], r
    for r in pools["hy"]["surname"] + pools["hy"]["given_m"] + pools["hy"]["given_f"]:
        assert S.armenian_bgn(r["name"], passport=True) == r["latin"], r


def check_scripts(path):
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == HEADER, reader.fieldnames
        rows = list(reader)
    count = collections.Counter
    print(f"scripts.csv: {len(rows)} rows, {len({r['case'] for r in rows})} identities")
    for col in ("language", "expect", "split", "gender", "list_scheme"):
        print(f"  {col}: " + ", ".join(f"{k}={v}" for k, v in sorted(count(
            r[col] for r in rows).items())))
    by_lang = collections.defaultdict(collections.Counter)
    for r in rows:
        by_lang[r["language"]][r["query_scheme"]] += 1
    for lang in LANGS:
        print(f"  {lang} query_scheme: " + ", ".join(
            f"{k}={v}" for k, v in sorted(by_lang[lang].items())))
    for lang in LANGS:
        missing = set(QUERY_SCHEMES[lang]) - set(by_lang[lang])
        assert not missing, (lang, missing)
    split_by_case = {}
    for r in rows:
        assert r["list_name"].strip() and r["query_name"].strip(), r
        assert r["list_name"] == r["list_name"].strip() and "  " not in r["list_name"], r
        assert split_by_case.setdefault(r["case"], r["split"]) == r["split"], r
        assert not NON_LATIN_RE.search(r["list_name"]), r
        if r["query_scheme"] in NATIVE:
            assert SCRIPT_RE[r["language"]].search(r["query_name"]), r
        else:
            assert not NON_LATIN_RE.search(r["query_name"]), r
    per_lang = count(c.split("-")[0] for c in split_by_case)
    assert all(per_lang[lang] >= 100 for lang in LANGS), per_lang
    near = count(r["case"] for r in rows if r["expect"] == "near_miss")
    assert set(near) == set(split_by_case) and set(near.values()) == {1}
    print("scripts checks passed")


def write_scripts(path, split_of=default_split):
    pools = load_pools()
    check_pools(pools)
    people, taken = compose_identities(pools)
    rows = script_rows(people, pools, taken, split_of)
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=HEADER, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


if __name__ == "__main__":
    write_scripts(HERE / "scripts.csv")
    check_scripts(HERE / "scripts.csv")
