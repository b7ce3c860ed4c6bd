"""ODS names read the way people write them: title case, a trust's name without "NHS Trust", its hospitals.

ODS names are upper case (``GUY'S AND ST THOMAS' NHS FOUNDATION TRUST``). We title-case them and keep ``NHS``
and other initialisms upper case. Phrases the matcher reads alike have the same ``key``.
"""

from __future__ import annotations

import re

from listener.matching import normalise
from listener.orgs.directory import Trust

_SUFFIX = re.compile(r",?\s+NHS(\s+FOUNDATION)?\s+TRUST$", re.IGNORECASE)
_UPPER = {"NHS", "UK", "ICB", "CIC", "UCL", "UCLH", "2GETHER"}
_LOWER = {"and", "of", "the", "for", "in", "on", "at", "upon", "under", "with", "super", "le"}
_SITE = re.compile(r"\b(HOSPITAL|INFIRMARY)\b")
_ONE_PLACE = re.compile(r"\b(Hospital|Infirmary|Centre)\b")  # "Hospitals" names a group of them
_STREET = re.compile(r"\b(STREET|SQUARE|ROAD|LANE|AVENUE|WAY|DRIVE|CLOSE|PLACE|TERRACE|WALK|GROVE|CRESCENT)$")
SERVICE_WORDS = {
    "hospital", "infirmary", "health", "healthcare", "care", "ambulance", "teaching",
    "partnership", "community", "children", "women", "mental", "foundation", "service", "services", "clinic",
    "orthopaedic", "cancer", "centre", "heart", "chest", "eye", "dental", "nhs",
}  # fmt: skip
COMPASS = {"north", "south", "east", "west", "central", "mid", "and", "of", "the"}
JOINERS = {"and", "of", "the", "upon", "on", "under", "le", "super", "for", "st"}
# The words that end a name's own part and begin what it is or where ("Royal Free | London", "Great Ormond
# Street | Hospital for Children", "James Paget | University Hospitals", "Northern General | Hospital").
NAME_ENDS = {
    "hospital", "infirmary", "london", "university", "college", "teaching", "acute", "children", "women",
}  # fmt: skip


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


def trust_short_name(trust: Trust) -> str:
    """``Royal Papworth Hospital`` for ROYAL PAPWORTH HOSPITAL NHS FOUNDATION TRUST."""
    return short_name(title_case(trust.name))


def sites(trust: Trust) -> list[str]:
    """The hospitals and infirmaries in the trust's address, without street names (``Infirmary Street``)."""
    found = []
    for line in trust.address[:3]:
        site = line.upper().rsplit(",", 1)[-1].strip()
        if _SITE.search(site) and not _STREET.search(site):
            found.append(short_name(title_case(site)))
    return found


def hospitals(trust: Trust) -> list[str]:
    """The hospitals the trust's record names: those in its address, and the trust's own name when that is one
    hospital's or centre's (``Royal Papworth Hospital``, ``Clatterbridge Cancer Centre``; not ``Leeds Teaching
    Hospitals`` or ``Croydon Health Services``, which are named after the places they serve)."""
    short = trust_short_name(trust)
    return list(dict.fromkeys([*([short] if _ONE_PLACE.search(short) else []), *sites(trust)]))


def locality(trust: Trust) -> list[str]:
    """Where the trust is: the district in its address (``Tooting``, ``Edgbaston``), if any, and the town."""
    lines = [trust.address[2].upper(), trust.town.upper()]
    places = [
        line
        for line in lines
        if line and not (_STREET.search(line) or _SITE.search(line) or line[0].isdigit())
    ]
    return [title_case(line) for line in dict.fromkeys(places)]


def own_part(name: str) -> str:
    """The words a name starts with before the first of ``NAME_ENDS`` (``Royal Free`` of ``Royal Free London``);
    empty when no such word follows them."""
    words = name.split()
    end = next((n for n, word in enumerate(words) if first_word(word) in NAME_ENDS), len(words))
    return " ".join(words[:end]).rstrip(",") if end < len(words) else ""


def first_word(word: str) -> str:
    """A word of a name in searched form: ``Children's`` -> ``children``, ``Hospitals`` -> ``hospital``."""
    found = normalise.words(word)
    return found[0] if found else ""


def key(phrase: str) -> str:
    """Phrases the matcher reads alike have the same key."""
    return normalise.joined(phrase)


def loose_key(phrase: str) -> str:
    """The key with possessives joined up, so ``St Georges`` and ``St George's`` are the same name."""
    return re.sub(r"(?<=\w) s\b", "s", key(phrase).strip())
