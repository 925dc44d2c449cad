"""Generate the romanisation, evasion and scripts dev sets.

Run from the repository root:  /tmp/devenv/bin/python devsets/make_devsets.py
Writes devsets/romanisation.csv, devsets/evasion.csv and devsets/scripts.csv (the last via
other_scripts.py), prints a summary and checks them.
"""
import collections
import csv
import hashlib
import random
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import evasion
import grammar
from grammar import levenshtein
import other_scripts
from schemes import (NEIGHBOUR_LANGS, OFFICIAL, RU_SCHEMES, OWN_SCHEMES, NEIGHBOUR_SCHEMES,
                     list_schemes, query_schemes, romanise)

SEED = 20260227
HERE = Path(__file__).resolve().parent
UN_XML = HERE.parent / "../shared/data/watchlists/un-consolidated-2026-02/consolidated.xml"
IDENTITIES = {"ru": 360, "uk": 90, "be": 90, "tg": 90, "uz": 90, "ky": 90, "kk": 90}
NATIVE = {**OFFICIAL, "ky": "ky_bgn_pcgn"}  # the language's own scheme for short queries
SHORT_SCHEMES = ["icao_doc_9303", "gost_779", "cyrillic"]
ROMAN_HEADER = ["split", "case", "language", "gender", "variant", "list_scheme", "list_name",
                "query_scheme", "query_name", "expect"]
EVASION_HEADER = ["split", "entry_id", "technique", "listed_name", "query_name"]
CYRILLIC_RE = re.compile("[\u0400-\u04ff]")


def split_of(key):
    """Stable 70/30 split: 'aside' rows are never used for tuning."""
    return "aside" if int(hashlib.sha256(key.encode()).hexdigest(), 16) % 10 < 3 else "tune"


def load_pools():
    pools = collections.defaultdict(lambda: collections.defaultdict(list))
    for path in sorted((HERE / "sources").glob("*.tsv")):
        with open(path, encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f, delimiter="\t"):
                pools[row["language"]][row["kind"]].append(row["name"])
    return pools


def surname_for(base, female, lang):
    return grammar.feminine_surname(base, lang) if female else base


def compose_identities(pools):
    """~900 people: gender, given name, patronymic and gender-agreed surname."""
    rng = random.Random(f"{SEED}:identities")
    people, taken = [], set()
    for lang, count in IDENTITIES.items():
        pool, made = pools[lang], 0
        while made < count:
            female = rng.random() < 0.4
            given = rng.choice(pool["given_f" if female else "given_m"])
            base = rng.choice(pool["surname"])
            surname = surname_for(base, female, lang)
            if (given, surname) in taken:
                continue
            taken.add((given, surname))
            made += 1
            father = rng.choice(pool["given_m"])
            schemes, weights = zip(*list_schemes(lang))
            people.append({
                "case": f"{lang}-{made:04d}",
                "lang": lang, "female": female, "given": given, "base": base,
                "surname": surname, "father": father,
                "patronymic": grammar.patronymic(father, female, lang, rng),
                "list_scheme": rng.choices(schemes, weights)[0],
                "list_style": rng.randrange(4), "macrons": rng.random() < 0.5,
                "short": rng.random() < 0.3,
                "neighbours": lang in NEIGHBOUR_LANGS and rng.random() < 0.2,
            })
    return people, taken


def render(parts, scheme, person):
    return [" ".join(romanise(w, scheme, person["lang"], person["macrons"]) for w in p.split())
            if p else "" for p in parts]


def list_name(person):
    given, patr, surname = render(
        (person["given"], person["patronymic"], person["surname"]), person["list_scheme"], person)
    first = f"{given} {patr}"
    return [f"{surname.upper()}, {first}", f"{surname}, {first}", f"{first} {surname}",
            f"{first} {surname}".upper()][person["list_style"]]


def query_name(parts, scheme, person, rng):
    given, patr, surname = render(parts, scheme, person)
    if rng.random() < 0.25:
        surname = surname.upper()
    words = [given, patr] if patr else [given]
    return " ".join([surname] + words if rng.random() < 0.25 else words + [surname])


def near_miss(person, pools, taken, rng):
    """Same given name, the closest other surname of the language (on ICAO rendering)."""
    lang, female = person["lang"], person["female"]
    own = romanise(person["surname"], "icao_doc_9303", lang).lower()
    scored = []
    for base in sorted(set(pools[lang]["surname"]) - {person["base"]}):
        other = surname_for(base, female, lang)
        if (person["given"], other) in taken or other == person["surname"]:
            continue
        scored.append((levenshtein(own, romanise(other, "icao_doc_9303", lang).lower()), other))
    best = min(d for d, _ in scored)
    surname = rng.choice([s for d, s in scored if d == best])
    patr = None
    if rng.random() < 0.5:
        fathers = [f for f in pools[lang]["given_m"] if f != person["father"]]
        patr = grammar.patronymic(rng.choice(fathers), female, lang, rng)
    return person["given"], patr, surname


def romanisation_rows(people, pools, taken):
    rows = []
    for person in people:
        rng = random.Random(f"{SEED}:{person['case']}")
        base = {"split": split_of(person["case"]), "case": person["case"],
                "language": person["lang"], "gender": "f" if person["female"] else "m",
                "list_scheme": person["list_scheme"], "list_name": list_name(person)}
        full = (person["given"], person["patronymic"], person["surname"])
        for scheme in query_schemes(person["lang"], person["neighbours"]):
            if scheme != person["list_scheme"]:
                rows.append({**base, "variant": "full", "query_scheme": scheme, "expect": "match",
                             "query_name": query_name(full, scheme, person, rng)})
        if person["short"]:
            short = (person["given"], None, person["surname"])
            native = [NATIVE[person["lang"]]] if person["lang"] in NATIVE else []
            for scheme in SHORT_SCHEMES + native:
                rows.append({**base, "variant": "no_patronymic", "query_scheme": scheme,
                             "expect": "match", "query_name": query_name(short, scheme, person, rng)})
        other = near_miss(person, pools, taken, rng)
        scheme = rng.choice(query_schemes(person["lang"], person["neighbours"]))
        rows.append({**base, "variant": "full" if other[1] else "no_patronymic",
                     "query_scheme": scheme, "expect": "near_miss",
                     "query_name": query_name(other, scheme, person, rng)})
    return rows


def un_individuals(path):
    root = ET.parse(path).getroot()
    for ind in root.iter("INDIVIDUAL"):
        parts = [(ind.findtext(tag) or "").strip()
                 for tag in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")]
        name = " ".join(" ".join(p.split()) for p in parts if p)
        if name:
            yield ind.findtext("DATAID").strip(), name


def evasion_rows(path, per_person=3):
    """~3 disguises per UN individual; least-used techniques first, so all are covered."""
    used = collections.Counter({t: 0 for t in evasion.TECHNIQUES})
    rows = []
    for entry_id, name in un_individuals(path):
        rng = random.Random(f"{SEED}:{entry_id}")
        order = sorted(evasion.TECHNIQUES, key=lambda t: (used[t], rng.random()))
        done = 0
        for technique in order:
            query = evasion.apply(technique, name, rng)
            if query is None:
                continue
            used[technique] += 1
            rows.append({"split": split_of(entry_id), "entry_id": entry_id,
                         "technique": technique, "listed_name": name, "query_name": query})
            done += 1
            if done == per_person:
                break
    return rows


def write(path, header, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def summarise_and_check(roman_path, evasion_path):
    with open(roman_path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == ROMAN_HEADER, reader.fieldnames
        roman = list(reader)
    with open(evasion_path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == EVASION_HEADER, reader.fieldnames
        evade = list(reader)
    count = collections.Counter
    print(f"romanisation.csv: {len(roman)} rows, "
          f"{len({r['case'] for r in roman})} identities")
    for col in ("language", "expect", "variant", "split", "gender", "list_scheme",
                "query_scheme"):
        print(f"  {col}: " + ", ".join(f"{k}={v}" for k, v in sorted(count(
            r[col] for r in roman).items())))
    print("  identities per language: " + ", ".join(f"{k}={v}" for k, v in sorted(count(
        c.split("-")[0] for c in {r["case"] for r in roman}).items())))
    print(f"evasion.csv: {len(evade)} rows, {len({r['entry_id'] for r in evade})} entries")
    for col in ("technique", "split"):
        print(f"  {col}: " + ", ".join(f"{k}={v}" for k, v in sorted(count(
            r[col] for r in evade).items())))

    expected = set(RU_SCHEMES + NEIGHBOUR_SCHEMES + ["cyrillic"])
    expected.update(s for schemes in OWN_SCHEMES.values() for s in schemes)
    missing = expected - {r["query_scheme"] for r in roman}
    assert not missing, f"schemes never used in queries: {missing}"
    assert not set(evasion.TECHNIQUES) - {r["technique"] for r in evade}
    for r in roman:
        assert r["list_name"].strip() and r["query_name"].strip(), r
        if r["query_scheme"] != "cyrillic":
            assert not CYRILLIC_RE.search(r["query_name"]), r
        assert not CYRILLIC_RE.search(r["list_name"]), r
    for r in evade:
        assert r["listed_name"].strip() and r["query_name"].strip(), r
        assert r["listed_name"] != r["query_name"], r
    per_lang = count(c.split("-")[0] for c in {r["case"] for r in roman})
    assert min(per_lang.values()) >= 60, per_lang
    print("checks passed")


def main():
    un_xml = Path(sys.argv[1]) if len(sys.argv) > 1 else UN_XML
    pools = load_pools()
    people, taken = compose_identities(pools)
    write(HERE / "romanisation.csv", ROMAN_HEADER, romanisation_rows(people, pools, taken))
    write(HERE / "evasion.csv", EVASION_HEADER, evasion_rows(un_xml))
    summarise_and_check(HERE / "romanisation.csv", HERE / "evasion.csv")
    other_scripts.write_scripts(HERE / "scripts.csv", split_of)
    other_scripts.check_scripts(HERE / "scripts.csv")


if __name__ == "__main__":
    main()
