"""A starting set of names and aliases for an organisation, generated from its ODS record for a person to review.

ODS names are upper case (``GUY'S AND ST THOMAS' NHS FOUNDATION TRUST``). We title-case them, keep ``NHS``
and other initialisms upper case, and derive:

- the short name: without "NHS Foundation Trust" / "NHS Trust" and a leading "The";
- the same with "Hospital" and "Hospitals" swapped;
- the hospital or infirmary named in the trust's headquarters address (``SUNDERLAND ROYAL HOSPITAL``).

A short name without any word that says "health service" (``Royal Free London``, ``Wye Valley``,
``Rotherham``) is a place name that people also use for other things, so it is proposed as an ambiguous alias:
it counts only with a health word nearby. The matcher already reads "St", "St." and "Saint" alike, and a
possessive with or without its apostrophe, so those variants are not listed.
"""

from __future__ import annotations

import re

from listener.matching import normalise
from listener.orgs.directory import Trust

_SUFFIX = re.compile(r",?\s+NHS(\s+FOUNDATION)?\s+TRUST$", re.IGNORECASE)
_UPPER = {"NHS", "UK", "ICB", "CIC", "UCL", "UCLH", "2GETHER"}
_LOWER = {"and", "of", "the", "for", "in", "on", "at", "upon", "under", "with", "super", "le"}
_SERVICE_WORDS = {
    "hospital", "infirmary", "health", "healthcare", "care", "ambulance", "university", "teaching",
    "partnership", "community", "children", "women", "mental", "foundation", "service", "services", "clinic",
    "orthopaedic", "cancer", "centre", "heart", "chest", "eye", "dental", "nhs",
}  # fmt: skip
_SITE = re.compile(r"\b(HOSPITAL|INFIRMARY)\b")


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


def suggest(trust: Trust) -> dict[str, list[str] | str]:
    """The config entry proposed for ``trust``: code, name, aliases and ambiguous aliases."""
    name = title_case(trust.name)
    short = short_name(name)
    candidates = [short, _swap_hospital(short)]
    candidates += [short_name(title_case(line)) for line in trust.address[:3] if _SITE.search(line.upper())]
    aliases, ambiguous = [], []
    seen = {_key(name)}
    for candidate in candidates:
        if not candidate or _key(candidate) in seen:
            continue
        seen.add(_key(candidate))
        words = set(normalise.words(candidate))
        (aliases if words & _SERVICE_WORDS else ambiguous).append(candidate)
    return {"code": trust.code, "name": name, "aliases": aliases, "ambiguous_aliases": ambiguous}


def _swap_hospital(name: str) -> str:
    if re.search(r"\bHospitals\b", name):
        return re.sub(r"\bHospitals\b", "Hospital", name)
    return re.sub(r"\bHospital\b", "Hospitals", name)


def _key(phrase: str) -> str:
    """Phrases the matcher reads alike have the same key."""
    return normalise.joined(phrase)
