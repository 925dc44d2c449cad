#!/usr/bin/env python3
"""Builds the fuzz targets' seed corpora from the real data in ../shared/data, at run time.

The shared data is not copied into the repository: this script cuts it into small pieces
under fuzz/corpus/<target>/ (ignored by git), next to the hand-written seeds and past
crash inputs committed under fuzz/seeds/<target>/. Each piece is small, so that libFuzzer
spends its time mutating entries rather than reading whole lists, and the set is sampled
evenly through each file, so that it stays the same from run to run.

Usage: fuzz/seed_corpus.py [--data DIR] [--out DIR]
"""

import argparse
import csv
import hashlib
import io
import re
import shutil
import struct
from pathlib import Path

FUZZ_DIR = Path(__file__).resolve().parent
TARGETS = ("names", "lists", "proto")
# Seeds per kind of source: enough to reach every branch of the formats, few enough that
# CI's few seconds per target get past loading them.
SAMPLES = 150
# Selector bytes of the `lists` target (fuzz_targets/lists.rs).
SDN, CONSOLIDATED, UN_XML, OWN_CSV = 0, 1, 2, 3


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=FUZZ_DIR.parent.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=FUZZ_DIR / "corpus")
    args = parser.parse_args()
    data = args.data.resolve()
    if not data.is_dir():
        raise SystemExit(f"error: {data} is missing; the corpora are built from it")
    for target in TARGETS:
        out = args.out / target
        out.mkdir(parents=True, exist_ok=True)
        seeds = FUZZ_DIR / "seeds" / target
        if seeds.is_dir():
            for seed in seeds.iterdir():
                shutil.copyfile(seed, out / seed.name)
    counts = {
        "names": write(args.out / "names", name_seeds(data)),
        "lists": write(args.out / "lists", list_seeds(data)),
        "proto": write(args.out / "proto", proto_seeds(data)),
    }
    for target, count in counts.items():
        print(f"{args.out / target}: {count} seeds from {data}")


def write(folder, seeds):
    """Writes each seed under its content hash, as libFuzzer names its corpus files."""
    count = 0
    for seed in seeds:
        (folder / hashlib.sha1(seed).hexdigest()).write_bytes(seed)
        count += 1
    return count


def sample(items, n=SAMPLES):
    items = list(items)
    step = max(1, len(items) // n)
    return items[::step][:n]


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def read_tsv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def lines(path):
    return Path(path).read_bytes().splitlines(keepends=True)


# --- names: one name per line, the query first (fuzz_targets/names.rs) --------------------


def name_seeds(data):
    labeled = data / "labeled"
    for row in sample(read_csv(labeled / "name-pairs-dev.csv")):
        yield f"{row['name1']}\n{row['name2']}".encode()
    cross = sample(read_tsv(labeled / "un-cross-script-dev.tsv"))
    for row in cross:
        aliases = [a for a in re.split(r"\s*[|;]\s*", row["latin_aliases"]) if a]
        names = [row["original_script_name"], row["latin_name"], *aliases[:4]]
        yield "\n".join(names).encode()
    for row in sample(read_csv(labeled / "un-persons-perturbed-dev.csv"), 50):
        yield f"{row['full_name']}\n{row['listed_name']}".encode()
    innocents = sample(read_csv(labeled / "innocents-dev.csv"), 60)
    for a, b in zip(innocents, innocents[1:]):
        yield f"{a['full_name']}\n{b['full_name']}\n{a['full_name']}".encode()
    for row in sample(read_csv(labeled / "common-names-us-congress.csv"), 30):
        yield "\n".join(v for v in row.values() if v)[:200].encode()


# --- lists: a selector byte, then the file(s) (fuzz_targets/lists.rs) ---------------------


def ofac_seeds(selector, folder, names):
    """Runs of primary rows, with the aliases, addresses and comments of the same entries,
    so that the seeds reach the joins and not only the first file's errors."""
    by_entry = [group_by_entry(folder / name) if (folder / name).is_file() else {} for name in names[1:]]
    primary = lines(folder / names[0])
    for start in sample(range(0, len(primary), 3), SAMPLES // 2):
        rows = primary[start : start + 3]
        ids = [row.split(b",", 1)[0] for row in rows]
        files = [b"".join(rows)]
        for grouped in by_entry:
            files.append(b"".join(line for i in ids for line in grouped.get(i, [])))
        yield bytes([selector]) + b"\0".join(files)


def group_by_entry(path):
    grouped = {}
    for line in lines(path):
        grouped.setdefault(line.split(b",", 1)[0], []).append(line)
    return grouped


def un_seeds(path):
    text = path.read_text(encoding="utf-8")
    head = text[: text.index("<INDIVIDUALS>")]
    for tag in ("INDIVIDUAL", "ENTITY"):
        records = re.findall(rf"<{tag}>.*?</{tag}>", text, flags=re.S)
        for record in sample(records, SAMPLES // 2):
            body = f"<{tag}S>\n{record}\n</{tag}S>"
            other = "ENTITIES" if tag == "INDIVIDUAL" else "INDIVIDUALS"
            xml = f"{head}{body}\n<{other}/>\n</CONSOLIDATED_LIST>\n"
            yield bytes([UN_XML]) + xml.encode()


def own_csv_seeds(data):
    """Own-format lists written from the UN cross-script set: names in two scripts, dates,
    nationalities by name (which the own format refuses: ISO codes only) and by code."""
    rows = sample(read_tsv(data / "labeled" / "un-cross-script-dev.tsv"))
    header = ["id", "name", "aliases", "birth_dates", "nationalities", "type", "gender", "remarks"]
    for i in range(0, len(rows), 3):
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        for row in rows[i : i + 3]:
            others = re.split(r"\s*[|;]\s*", row["latin_aliases"])
            aliases = ";".join(a for a in [row["original_script_name"], *others] if a)
            kind = "person" if row["type"] == "individual" else "organization"
            nationality = row["nationality"] if i % 2 else row["nationality"][:2].upper()
            writer.writerow([row["dataid"], row["latin_name"], aliases, row["dob"], nationality, kind, "", row["reference"]])
        yield bytes([OWN_CSV]) + out.getvalue().encode()


def list_seeds(data):
    watchlists = data / "watchlists"
    sdn = ["sdn.csv", "alt.csv", "add.csv", "sdn_comments.csv"]
    cons = ["cons_prim.csv", "cons_alt.csv", "cons_add.csv", "cons_comments.csv"]
    yield from ofac_seeds(SDN, watchlists / "ofac-sdn-2021-07", sdn)
    yield from ofac_seeds(CONSOLIDATED, watchlists / "ofac-consolidated-2025-12", cons)
    snapshot = watchlists / "ofac-sdn-2024-update"
    for path in sorted(snapshot.glob("*.csv"))[:1]:
        for chunk in sample(range(0, len(lines(path)), 5), 40):
            yield bytes([SDN]) + b"".join(lines(path)[chunk : chunk + 5])
    yield from un_seeds(watchlists / "un-consolidated-2026-02" / "consolidated.xml")
    yield from own_csv_seeds(data)


# --- proto: an encoded screening.v1.ScreenRequest (fuzz_targets/proto.rs) -----------------


def varint(n):
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def field(number, value):
    """A length-delimited field (strings and messages) or, for an int, a varint one."""
    if isinstance(value, int):
        return varint(number << 3) + varint(value)
    if isinstance(value, str):
        value = value.encode()
    return varint(number << 3 | 2) + varint(len(value)) + value


def person_name(full, given="", family=""):
    out = field(1, full)
    if given:
        out += field(2, given)
    if family:
        out += field(4, family)
    return out


def proto_seeds(data):
    """ScreenRequests (common.v1.Person inside) from the labelled people, with their dates
    and nationalities as written there: some valid, some (country names, day-first dates)
    that conversion must refuse field by field."""
    genders = {"male": 1, "female": 2}
    for i, row in enumerate(sample(read_csv(data / "labeled" / "innocents-dev.csv"))):
        person = field(1, person_name(row["full_name"], row["first_name"], row["last_name"]))
        if row["date_of_birth"]:
            person += field(2, row["date_of_birth"] if i % 3 else row["date_of_birth"][:4])
        if row["nationality"]:
            person += field(3, row["nationality"] if i % 2 else row["nationality"][:2].upper())
        person += field(4, genders.get(row["gender"], 0))
        if i % 4 == 0:
            document = field(1, 1) + field(2, f"P{i:07d}") + field(3, "GB")
            person += field(5, document)
        request = field(1, f"seed-{i}") + field(2, person)
        if i % 5 == 0:
            request += varint(3 << 3 | 1) + struct.pack("<d", 0.85)  # threshold, a double
            request += field(4, 10) + field(5, "un")
        yield request
    for row in sample(read_tsv(data / "labeled" / "un-cross-script-dev.tsv"), 80):
        names = [row["original_script_name"], row["latin_name"]]
        person = b"".join(field(1, person_name(n)) for n in names if n)
        for year in row["dob"].split(";")[:2]:
            person += field(2, year)
        yield field(1, row["dataid"]) + field(2, person)


if __name__ == "__main__":
    main()
