"""A starting set of names and aliases for an organisation, generated from its ODS record for a person to review.

From the name, title-cased (see ``ods_names``), we derive:

- the short name: without "NHS Foundation Trust" / "NHS Trust" and a leading "The";
- the same with "Hospital" and "Hospitals" swapped;
- the hospital or infirmary named in the trust's headquarters address (``SUNDERLAND ROYAL HOSPITAL``);
- the trust's own name, and each hospital's, as people say them: the words before "Hospital(s)", "Infirmary",
  "London", "University", "College", "Teaching", "Acute" or "Children's"/"Women's" (``Royal Free``, ``Great
  Ormond Street``, ``Alder Hey``, ``James Paget``, ``Northern General``, ``Stepping Hill``), when they are two
  words or more besides "and", "St" and compass points (never ``Royal`` or ``East Kent``), not a town (``Milton
  Keynes``) and not a town's area (``Harrogate District``, ``Peterborough City``, ``Lincoln County``); a
  hospital's short form also says no service (not ``Norwich Community``);
- the one word a hospital is known by when nothing else is called it (``Papworth``, ``Moorfields``) and the
  initials of the trust's name when they are four letters (``GOSH``, ``UCLH``) or three (``RUH``, ``OUH``) that
  no other open trust's name or hospital gives: see ``hospital_names``.

A short name without any word that says "health service" (``Royal Free London``, ``Wye Valley``,
``Rotherham``) is a place name that people also use for other things, so it is proposed as an ambiguous alias:
it counts only with a health word nearby (an ambiguous alias that contains a shorter one, ``Royal Free London``
after ``Royal Free``, is left out: the shorter finds all it would). So are one-word names and three-letter
initials. Some names are not proposed at all, because a health word nearby would still not make them this
trust: an everyday word (``Online``) or a part of a city that several trusts serve (``East London``).
"University" alone says no health service: ``Manchester University`` is a place name.

A hospital name that another trust's hospital or name also contains, in another town (three open trusts have a
``St Marys Hospital``; Hereford's ``County Hospital`` is in Dorset's and Lincoln's names), is proposed as an
ambiguous alias with the trust's town as its own context: ``{alias: St Marys Hospital, context: [Newport]}``;
in the same town (where the town cannot tell them apart) it is not proposed.
The matcher already reads "St", "St." and "Saint" alike, and a possessive with or without its apostrophe, so
those variants are not listed.
"""

from __future__ import annotations

import re

from listener.matching import affixes, normalise
from listener.orgs import hospital_names
from listener.orgs.directory import Directory, Trust
from listener.orgs.ods_names import (
    COMPASS,
    JOINERS,
    SERVICE_WORDS,
    key,
    locality,
    loose_key,
    own_part,
    short_name,
    sites,
    title_case,
)

__all__ = ["describe", "short_name", "suggest", "title_case"]

_BUSY_TOWN = 3  # a town where this many open trusts are based is served by several: its parts name none
_AREA = {
    "district",
    "dist",
    "city",
    "county",
}  # "Harrogate District", "Peterborough City": the area's name too


def suggest(trust: Trust, directory: Directory) -> dict[str, list]:
    """The config entry proposed for ``trust``: code, name, aliases and ambiguous aliases.

    ``directory`` holds the other trusts, whose hospitals and towns say which names are shared.
    """
    name = title_case(trust.name)
    short = short_name(name)
    hospitals = sites(trust)
    elsewhere, in_town = _names_of_others(trust, directory)
    aliases: list[str] = []
    ambiguous: list[str | dict[str, object]] = []
    seen = {loose_key(name)}
    own_name = _own_name(short, directory)
    short_forms = [  # "Northern General"; not "Norwich Community", a place and a service
        form
        for hospital in hospitals
        if (form := _own_name(hospital, directory)) and not set(normalise.words(form)) & SERVICE_WORDS
    ]
    shareable = {
        *hospitals,
        *short_forms,
    }  # hospital names another trust's may contain too ("Queen Elizabeth")
    if own_name and not set(normalise.words(own_name)) & SERVICE_WORDS:
        shareable.add(own_name)
    words = hospital_names.distinctive_words(trust, directory)
    for candidate in [short, _swap_hospital(short), own_name, *hospitals, *short_forms, *words]:
        if not candidate or loose_key(candidate) in seen:
            continue
        seen.add(loose_key(candidate))
        found = f" {loose_key(candidate)} "
        if candidate in shareable and any(found in other for other in in_town):
            continue  # another trust in the same town: its town cannot tell them apart
        if candidate in shareable and any(found in other for other in elsewhere):
            if locality(trust):  # without a town to tell it apart, the name is not proposed
                ambiguous.append({"alias": candidate, "context": locality(trust)})
        elif set(normalise.words(candidate)) & SERVICE_WORDS:
            aliases.append(candidate)
        elif not _names_nothing(set(normalise.words(candidate)), trust, directory):
            ambiguous.append(candidate)
    initials = hospital_names.initials(trust, directory)
    (aliases if len(initials) == 4 else ambiguous).extend([initials] if initials else [])
    return {"code": trust.code, "name": name, "aliases": aliases, "ambiguous_aliases": _shortest(ambiguous)}


def describe(alias: str | dict[str, object]) -> str:
    """An alias as ``orgs add`` prints it: ``St Marys Hospital (with Newport nearby)``."""
    if isinstance(alias, dict):
        return f"{alias['alias']} (with {' or '.join(map(str, alias['context']))} nearby)"  # type: ignore[arg-type]
    return alias


def _own_name(name: str, directory: Directory) -> str:
    """The distinctive words a trust's or hospital's name starts with, as people say them: ``Royal Free``
    (London), ``Great Ormond Street`` (Hospital for Children), ``Alder Hey`` (Children's), ``Northern General``
    (Hospital); empty when those are fewer than two words besides "and", "St" and compass points (``Royal``,
    ``East Kent``), a town (``Milton Keynes``), or a town's area (``Harrogate District``, ``Lincoln County``)."""
    own = own_part(name)
    words = set(normalise.words(own))
    distinctive = words - JOINERS - COMPASS - {"s"}
    towns = {key(trust.town) for trust in directory.trusts.values()}
    return own if len(distinctive) >= 2 and key(own) not in towns and not words & _AREA else ""


def _shortest(ambiguous: list[str | dict[str, object]]) -> list[str | dict[str, object]]:
    """Without a name that contains another one with the same context: ``Royal Free`` finds every post that
    ``Royal Free London`` would."""

    def parts(alias: str | dict[str, object]) -> tuple[str, object]:
        if isinstance(alias, dict):
            return key(str(alias["alias"])), tuple(alias["context"])  # type: ignore[arg-type]
        return key(alias), None

    found = [parts(alias) for alias in ambiguous]
    return [
        alias
        for alias, (phrase, context) in zip(ambiguous, found, strict=True)
        if not any(other != phrase and other in phrase and same == context for other, same in found)
    ]


def _names_of_others(trust: Trust, directory: Directory) -> tuple[list[str], list[str]]:
    """The names and hospitals, loosely keyed, of the trusts based in other towns, and of the other open trusts
    in the trust's own town (closed ones there are its predecessors, which share its names)."""
    town = key(trust.town)
    elsewhere, in_town = [], []
    for other in directory.trusts.values():
        if other.code == trust.code or (key(other.town) == town and other.status() != "open"):
            continue
        names = [f" {loose_key(name)} " for name in [short_name(title_case(other.name)), *sites(other)]]
        (elsewhere if key(other.town) != town else in_town).extend(names)
    return elsewhere, in_town


def _names_nothing(words: set[str], trust: Trust, directory: Directory) -> bool:
    """A name of everyday words (``Online``), or a part of a town many trusts serve (``East London``)."""
    if len(words) == 1 and affixes.is_everyday_phrase(sorted(words)):
        return True  # several everyday words make a name: "Royal Free", "Great Western"
    place = words - COMPASS
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
