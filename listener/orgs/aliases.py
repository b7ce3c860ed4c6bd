"""A starting set of names and aliases for an organisation, generated from its ODS record for a person to review.

ODS names are upper case (``GUY'S AND ST THOMAS' NHS FOUNDATION TRUST``). We title-case them, keep ``NHS``
and other initialisms upper case, and derive:

- the short name: without "NHS Foundation Trust" / "NHS Trust" and a leading "The";
- the same with "Hospital" and "Hospitals" swapped;
- the hospital or infirmary named in the trust's headquarters address (``SUNDERLAND ROYAL HOSPITAL``);
- the trust's own name, as people say it: the words before "Hospital(s)", "London", "University",
  "College", "Teaching", "Acute" or "Children's"/"Women's" (``Royal Free``, ``Great Ormond Street``,
  ``Alder Hey``, ``James Paget``), when they are two words or more besides "and", "St" and compass points (never
  ``Royal`` or ``East Kent``) and not a town (``Milton Keynes``);
- the initials of the hospital's name (up to its first "Hospital(s)", or the whole of "University Hospitals
  of X") when they are four letters that no other open trust's give (``GOSH``, ``UCLH``, ``NNUH``, ``UHCW``):
  three letters are too often another trust's (``STH``) or another thing's.

A short name without any word that says "health service" (``Royal Free London``, ``Wye Valley``,
``Rotherham``) is a place name that people also use for other things, so it is proposed as an ambiguous alias:
it counts only with a health word nearby (an ambiguous alias that contains a shorter one, ``Royal Free London``
after ``Royal Free``, is left out: the shorter finds all it would). Some names are not proposed at all, because a health word nearby
would still not make them this trust: an everyday word (``Online``) or a part of a city that several trusts
serve (``East London``). "University" alone says no health service: ``Manchester University`` is a place name.

A hospital name that another trust's hospital or name also contains, in another town (three open trusts have a
``St Marys Hospital``; Hereford's ``County Hospital`` is in Dorset's and Lincoln's names), is proposed as an
ambiguous alias with the trust's town as its own context: ``{alias: St Marys Hospital, context: [Newport]}``.
The matcher already reads "St", "St." and "Saint" alike, and a possessive with or without its apostrophe, so
those variants are not listed.
"""

from __future__ import annotations

import re

from listener.matching import affixes, normalise
from listener.orgs.directory import Directory, Trust

_SUFFIX = re.compile(r",?\s+NHS(\s+FOUNDATION)?\s+TRUST$", re.IGNORECASE)
_UPPER = {"NHS", "UK", "ICB", "CIC", "UCL", "UCLH", "2GETHER"}
_LOWER = {"and", "of", "the", "for", "in", "on", "at", "upon", "under", "with", "super", "le"}
_SERVICE_WORDS = {
    "hospital", "infirmary", "health", "healthcare", "care", "ambulance", "teaching",
    "partnership", "community", "children", "women", "mental", "foundation", "service", "services", "clinic",
    "orthopaedic", "cancer", "centre", "heart", "chest", "eye", "dental", "nhs",
}  # fmt: skip
_SITE = re.compile(r"\b(HOSPITAL|INFIRMARY)\b")
_STREET = re.compile(r"\b(STREET|SQUARE|ROAD|LANE|AVENUE|WAY|DRIVE|CLOSE|PLACE|TERRACE|WALK|GROVE|CRESCENT)$")
_COMPASS = {"north", "south", "east", "west", "central", "mid", "and", "of", "the"}
_BUSY_TOWN = 3  # a town where this many open trusts are based is served by several: its parts name none
# The words that end a trust's own name and begin what it is or where ("Royal Free | London", "Great Ormond
# Street | Hospital for Children", "James Paget | University Hospitals", "Alder Hey | Children's").
_NAME_ENDS = {
    "hospital", "london", "university", "college", "teaching", "acute", "children", "women",
}  # fmt: skip
_JOINERS = {"and", "of", "the", "upon", "on", "under", "le", "super", "for", "st"}
_INITIALS = 4  # see the module docstring


def title_case(name: str) -> str:
    """``GUY'S AND ST. THOMAS' NHS FOUNDATION TRUST`` -> ``Guy's and St. Thomas' NHS Foundation Trust``."""
    words = []
    for index, word in enumerate(name.split()):
        parts = [_title_part(part, first=index == 0 and n == 0) for n, part in enumerate(word.split("-"))]
        words.append("-".join(parts))
    return re.sub(r"(\w)'S\b", r"\1's", " ".join(words))


def _title_part(part: str, *, first: bool) -> str:
    if part.strip(",.()").upper() in _UPPER:
        return part.upper()
    if not first and part.lower() in _LOWER:
        return part.lower()
    return re.sub(r"[A-Za-z]+", lambda m: m.group(0).capitalize(), part.lower(), count=1)


def short_name(name: str) -> str:
    """The name without "NHS (Foundation) Trust" and a leading "The"."""
    short = _SUFFIX.sub("", name).strip().rstrip(",")
    return re.sub(r"^the\s+", "", short, flags=re.IGNORECASE)


def suggest(trust: Trust, directory: Directory) -> dict[str, list]:
    """The config entry proposed for ``trust``: code, name, aliases and ambiguous aliases.

    ``directory`` holds the other trusts, whose hospitals and towns say which names are shared.
    """
    name = title_case(trust.name)
    short = short_name(name)
    sites = _sites(trust)
    elsewhere = _names_elsewhere(trust, directory)
    aliases: list[str] = []
    ambiguous: list[str | dict[str, object]] = []
    seen = {_key(name)}
    own_name = _own_name(short, directory)
    shareable = set(sites)  # hospital names another trust's may contain too ("Queen Elizabeth")
    if own_name and not set(normalise.words(own_name)) & _SERVICE_WORDS:
        shareable.add(own_name)
    for candidate in [short, _swap_hospital(short), own_name, *sites]:
        if not candidate or _key(candidate) in seen:
            continue
        seen.add(_key(candidate))
        words = set(normalise.words(candidate))
        if candidate in shareable and any(f" {_loose_key(candidate)} " in other for other in elsewhere):
            if _locality(trust):  # without a town to tell it apart, the name is not proposed
                ambiguous.append({"alias": candidate, "context": _locality(trust)})
        elif words & _SERVICE_WORDS:
            aliases.append(candidate)
        elif not _names_nothing(words, trust, directory):
            ambiguous.append(candidate)
    aliases += _initials(trust, short, directory)
    return {"code": trust.code, "name": name, "aliases": aliases, "ambiguous_aliases": _shortest(ambiguous)}


def describe(alias: str | dict[str, object]) -> str:
    """An alias as ``orgs add`` prints it: ``St Marys Hospital (with Newport nearby)``."""
    if isinstance(alias, dict):
        return f"{alias['alias']} (with {' or '.join(map(str, alias['context']))} nearby)"  # type: ignore[arg-type]
    return alias


def _sites(trust: Trust) -> list[str]:
    """The hospitals and infirmaries in the trust's address, without street names (``Infirmary Street``)."""
    found = []
    for line in trust.address[:3]:
        site = line.upper().rsplit(",", 1)[-1].strip()
        if _SITE.search(site) and not _STREET.search(site):
            found.append(short_name(title_case(site)))
    return found


def _own_name(short: str, directory: Directory) -> str:
    """The distinctive words a trust's name starts with, as people say them: ``Royal Free`` (London),
    ``Great Ormond Street`` (Hospital for Children), ``Alder Hey`` (Children's); empty when those are fewer than
    two words besides "and", "St" and compass points (``Royal``, ``East Kent``), or a town (``Milton Keynes``)."""
    words = short.split()
    end = next((n for n, word in enumerate(words) if _first_word(word) in _NAME_ENDS), len(words))
    if end == len(words):
        return ""
    own = " ".join(words[:end]).rstrip(",")
    distinctive = set(normalise.words(own)) - _JOINERS - _COMPASS - {"s"}
    towns = {_key(trust.town) for trust in directory.trusts.values()}
    return own if len(distinctive) >= 2 and _key(own) not in towns else ""


def _initials(trust: Trust, short: str, directory: Directory) -> list[str]:
    """The initials of the trust's hospital name when they are four letters (``GOSH``, ``UCLH``, ``NNUH``) and
    no other open trust's: the name up to its first "Hospital(s)", or the whole of "University Hospitals of X"."""
    initials = _hospital_initials(short)
    if len(initials) != _INITIALS:
        return []
    others = [other for other in directory.trusts.values() if other.code != trust.code]
    if any(
        other.status() == "open" and _hospital_initials(short_name(title_case(other.name))) == initials
        for other in others
    ):
        return []
    return [initials]


def _hospital_initials(short: str) -> str:
    words = short.split()
    firsts = [_first_word(word) for word in words]
    if "hospital" not in firsts:
        return ""
    if firsts[0] != "university":
        words = words[: firsts.index("hospital") + 1]
    return "".join(word[0] for word in words if _first_word(word) not in {"and", "of", "the"}).upper()


def _first_word(word: str) -> str:
    """A word of a name in searched form: ``Children's`` -> ``children``, ``Hospitals`` -> ``hospital``."""
    found = normalise.words(word)
    return found[0] if found else ""


def _shortest(ambiguous: list[str | dict[str, object]]) -> list[str | dict[str, object]]:
    """Without a name that contains another one with the same context: ``Royal Free`` finds every post that
    ``Royal Free London`` would."""

    def parts(alias: str | dict[str, object]) -> tuple[str, object]:
        if isinstance(alias, dict):
            return _key(str(alias["alias"])), tuple(alias["context"])  # type: ignore[arg-type]
        return _key(alias), None

    found = [parts(alias) for alias in ambiguous]
    return [
        alias
        for alias, (key, context) in zip(ambiguous, found, strict=True)
        if not any(other != key and other in key and same == context for other, same in found)
    ]


def _locality(trust: Trust) -> list[str]:
    """Where the trust is: the district in its address (``Tooting``, ``Edgbaston``), if any, and the town."""
    lines = [trust.address[2].upper(), trust.town.upper()]
    places = [
        line
        for line in lines
        if line and not (_STREET.search(line) or _SITE.search(line) or line[0].isdigit())
    ]
    return [title_case(line) for line in dict.fromkeys(places)]


def _names_elsewhere(trust: Trust, directory: Directory) -> list[str]:
    """The names and hospitals of the trusts based in other towns (predecessors share the town), loosely keyed."""
    town = _key(trust.town)
    found = []
    for other in directory.trusts.values():
        if other.code != trust.code and _key(other.town) != town:
            names = [short_name(title_case(other.name)), *_sites(other)]
            found += [f" {_loose_key(name)} " for name in names]
    return found


def _names_nothing(words: set[str], trust: Trust, directory: Directory) -> bool:
    """A name of everyday words (``Online``), or a part of a town many trusts serve (``East London``)."""
    if len(words) == 1 and affixes.is_everyday_phrase(sorted(words)):
        return True  # several everyday words make a name: "Royal Free", "Great Western"
    place = words - _COMPASS
    if place == words or not place:
        return False
    busy = sum(
        1
        for other in directory.trusts.values()
        if other.status() == "open" and set(normalise.words(other.town)) == place
    )
    return busy >= _BUSY_TOWN


def _swap_hospital(name: str) -> str:
    if re.search(r"\bHospitals\b", name):
        return re.sub(r"\bHospitals\b", "Hospital", name)
    return re.sub(r"\bHospital\b", "Hospitals", name)


def _key(phrase: str) -> str:
    """Phrases the matcher reads alike have the same key."""
    return normalise.joined(phrase)


def _loose_key(phrase: str) -> str:
    """The key with possessives joined up, so ``St Georges`` and ``St George's`` are the same name."""
    return re.sub(r"(?<=\w) s\b", "s", _key(phrase).strip())
