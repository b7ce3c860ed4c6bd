"""What people call a trust's hospitals besides their full names: one distinctive word (``Papworth``,
``Moorfields``) and the initials of the trust's name (``RUH``, ``GOSH``), each proposed only where the ODS
directory shows it is no other trust's and no place's.

**One word.** The own part of a hospital's name (its words before "Hospital", "University"...; see
``ods_names.own_part``) less the words that describe it ("Royal", "Eye") is one word, and that word is a proper
noun nothing else is called: no English word, given name or surname (``Freeman``, ``Leighton``, ``Lister``,
``Marsden``: a hospital named after a person shares the name with everyone else so named); no town, district,
county or area the directory knows (a post town, the locality in an address such as ``Derriford`` or
``Prestwich``, a word of an ICB's name, or of a trust's name that is not one hospital's, such as ``Croydon`` of
Croydon Health Services); and in no other trust's name or address. A general, district, county or city
hospital is named after the place it serves (``Westmorland General``), so its word is not proposed alone.
Some names people use are in no ODS record (``Addenbrooke's``): the reviewer adds those.

**Initials.** Of the trust's name up to its first "Hospital(s)", or of the whole of "University Hospitals of X":
four letters (``GOSH``, ``UCLH``) or three (``RUH``, ``OUH``), when no other open trust's name or hospital gives
the same (``STH`` is Sheffield's and South Tees'; ``NGH`` is Northampton General's and the Northern General's) and
they are no English word or given name (``MEH``). Three letters are proposed as an ambiguous alias, to count only
with a health word nearby, and not at all where they are also an abbreviation met beside health words, listed
in ``_NOT_INITIALS``. Initials that hospitals outside England and Wales use too (Cork University Hospital's
``CUH``, Odense's ``OUH``) cannot be told from the directory: review them if your sources read beyond the UK.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from importlib.resources import files

from listener.matching import affixes, normalise
from listener.orgs import ods_names
from listener.orgs.directory import Directory, Trust

_DESCRIBING = ods_names.SERVICE_WORDS | ods_names.JOINERS | ods_names.COMPASS | {"royal", "national", "s"}
_SERVES = {"general", "district", "dist", "county", "city"}  # a hospital named after the place it serves
_MIN_LETTERS = 4
# Three-letter initials that are also a word or abbreviation written beside health words, checked by hand
# against the initials the directory gives: a health word nearby cannot tell them from the trust.
_NOT_INITIALS = {
    "CRH": "corticotropin-releasing hormone",  # Chesterfield Royal Hospital
    "MCH": "mean corpuscular haemoglobin; maternal and child health",  # Mid Cheshire Hospitals
    "PAH": "pulmonary arterial hypertension",  # Princess Alexandra Hospital
    "SFH": "symphysis-fundal height, measured at every antenatal check",  # Sherwood Forest Hospitals
    "WAH": "an interjection (the trust writes WAHT)",  # Worcestershire Acute Hospitals
}


def distinctive_words(trust: Trust, directory: Directory) -> list[str]:
    """The one-word names of the trust's hospitals that nothing else is called (``Papworth``, ``Moorfields``)."""
    found = [word for hospital in ods_names.hospitals(trust) if (word := _one_word(hospital))]
    if not found:
        return []
    taken = _place_words(directory) | _words_of_others(trust, directory)
    return [word for word in dict.fromkeys(found) if _key_word(word) not in taken]


def initials(trust: Trust, directory: Directory) -> str:
    """The initials of the trust's name when they are three or four letters that say only this trust, else ""."""
    found = hospital_initials(ods_names.trust_short_name(trust))
    if len(found) not in (3, 4) or found in _NOT_INITIALS:
        return ""
    if len(found) == 3 and (found.lower() in affixes.everyday_words() or found.lower() in _people()[0]):
        return ""
    others = (other for other in directory.trusts.values() if other.code != trust.code)
    for other in others:
        if other.status() == "open" and found in map(hospital_initials, _named(other)):
            return ""
    return found


def hospital_initials(name: str) -> str:
    """``Great Ormond Street Hospital for Children`` -> ``GOSH``; ``University Hospitals of Leicester`` -> ``UHL``."""
    words = name.split()
    firsts = [ods_names.first_word(word) for word in words]
    if "hospital" not in firsts:
        return ""
    if firsts[0] != "university":
        words = words[: firsts.index("hospital") + 1]
    return "".join(
        word[0] for word in words if ods_names.first_word(word) not in {"and", "of", "the"}
    ).upper()


def _one_word(hospital: str) -> str:
    """The one word of the hospital's own part that does not describe it, if it is a candidate name."""
    own = ods_names.own_part(hospital).split()
    naming = [word for word in own if ods_names.first_word(word) not in _DESCRIBING]
    firsts = {ods_names.first_word(word) for word in own}
    if len(naming) != 1 or firsts & _SERVES or "st" in firsts:  # "St Pancras" is a saint's, and a station's
        return ""
    word = naming[0].strip(",.")
    key = _key_word(word)
    given, surnames = _people()
    ordinary = key in affixes.everyday_words() or key in given or key in surnames
    return "" if ordinary or len(key) < _MIN_LETTERS or not key.isalpha() else word


def _key_word(word: str) -> str:
    """``Addenbrooke's`` -> ``addenbrooke``."""
    return ods_names.first_word(word)


def _named(trust: Trust) -> list[str]:
    return [ods_names.trust_short_name(trust), *ods_names.sites(trust)]


def _place_words(directory: Directory) -> set[str]:
    """Every word the directory uses for a place: post towns, localities, ICBs, trusts not named after a hospital."""
    places: list[str] = [icb.name for icb in directory.icbs.values()]
    for trust in directory.trusts.values():
        places += [trust.town, *ods_names.locality(trust)]
        short = ods_names.trust_short_name(trust)
        if short not in ods_names.hospitals(trust):
            places.append(short)
    return {word for place in places for word in normalise.words(place)}


def _words_of_others(trust: Trust, directory: Directory) -> set[str]:
    """The words of other trusts' names and addresses: every open one's, and closed ones' in other towns (a
    predecessor at the same hospital shares its words)."""
    town = ods_names.key(trust.town)
    return {
        word
        for other in _others(trust, directory)
        if other.status() == "open" or ods_names.key(other.town) != town
        for word in normalise.words(" ".join([other.name, *other.address]))
    }


def _others(trust: Trust, directory: Directory) -> Iterator[Trust]:
    return (other for other in directory.trusts.values() if other.code != trust.code)


@cache
def _people() -> tuple[frozenset[str], frozenset[str]]:
    """Given names and surnames, lower case: the lists redaction uses (``listener/privacy/data``)."""
    data = files("listener.privacy") / "data"

    def read(name: str) -> set[str]:
        text = (data / name).read_text(encoding="utf-8")
        return {line.lower() for line in text.splitlines() if line and not line.startswith("#")}

    given = read("given_names.txt") | read("given_names_also_words.txt")
    return frozenset(given), frozenset(read("surnames.txt"))
